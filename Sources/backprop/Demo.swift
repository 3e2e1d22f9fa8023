import ArgumentParser
import Backprop
import BackpropReport
import Foundation

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train two small deep networks on generated data; needs no files.",
    discussion: """
      1. The course's planar "flower" (400 points, two classes; with --rng
         numpy and seed 1 it is the notebook's own data set), learned by a
         deep tanh network with a sigmoid output.
      2. A three-class spiral, learned by a ReLU network with a softmax
         output.
      For each it prints the cost curve, the training accuracy and the
      decision regions.
      """
  )

  @Option(help: "Random seed for the data and the initial parameters.")
  var seed: UInt64 = 1

  @Option(
    help: ArgumentHelp("Random generator: default, or numpy (the course's np.random, bit for bit).", valueName: "name"))
  var rng: GeneratorKind = .numpy

  @Option(help: "Iterations of gradient descent for each network.")
  var iterations: Int = 10_000

  @Flag(help: "Skip the text plots of the decision regions.")
  var noPlots = false

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    try NumberRange.atLeastOne.check(iterations, "--iterations")
    // The larger of the two networks, its 400 examples and one recorded cost per iteration.
    do {
      try MemoryEstimate(layerSizes: [2, 50, 50, 3], scalarBytes: 8, batch: 400, examples: 400, iterations: iterations)
        .check(parameter: "--iterations", value: "\(iterations)")
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    runtime.apply()
    var generator = try rng.makeGenerator(seed: seed)
    let flower = PlanarData.flower(examples: 400, using: &generator, as: Double.self)
    try train(
      title: "Planar flower: 400 points, 2 classes — layers 2,10,5,1, tanh hidden, sigmoid output",
      data: flower, layers: [2, 10, 5, 1], activation: .tanh, output: .sigmoid, learningRate: 0.5,
      generator: &generator)
    let spiral = PlanarData.spiral(classes: 3, pointsPerClass: 100, using: &generator, as: Double.self)
    try train(
      title: "Spiral: 300 points, 3 classes — layers 2,50,50,3, ReLU hidden, softmax output",
      data: spiral, layers: [2, 50, 50, 3], activation: .relu, output: .softmax, learningRate: 0.5,
      generator: &generator)
  }

  private func train(
    title: String, data: (x: Matrix<Double>, y: Matrix<Double>), layers: [Int], activation: ActivationFunction,
    output: Output, learningRate: Double, generator: inout some RandomGenerator
  ) throws {
    print("== \(title)")
    var network = try Network<Double>(
      layerSizes: layers, hiddenActivation: activation, output: output, initializer: .xavier, using: &generator)
    let trainer = try Trainer(optimizer: GradientDescent(learningRate: learningRate), iterations: iterations)
    let start = Date()
    let costs = try trainer.train(&network, x: data.x, y: data.y)
    let seconds = Date().timeIntervalSince(start)
    let marks = Set([0, iterations / 4, iterations / 2, 3 * iterations / 4, iterations - 1])
    for i in marks.sorted() { print("Cost after iteration \(i): \(fixed(costs[i]))") }
    print(textChart(costs))
    let accuracy = try network.accuracy(data.x, labels: data.y)
    print("Train accuracy: \(fixed(accuracy))   (\(iterations) iterations in \(fixed(seconds, 2)) s)")
    if !noPlots { print(try decisionRegions(network, data: data)) }
    print()
  }

  /// The plane coloured by predicted class, with the training points on top (the course's
  /// plot_decision_boundary, in text): the library's ``DecisionBoundary`` on a 64 × 24 grid
  /// spanning the points exactly.
  private func decisionRegions(_ network: Network<Double>, data: (x: Matrix<Double>, y: Matrix<Double>)) throws
    -> String
  {
    let boundary = try DecisionBoundary(
      model: Model(network: network), x: data.x, labels: data.y, setName: "training", columns: 64, rows: 24,
      padding: 0, maximumPoints: data.x.columns)
    let background: [Character] = [" ", "·", ":"]
    let points: [Character] = ["o", "x", "+"]
    var canvas = (0..<boundary.rows).map { row in boundary.predictedClasses(row: row).map { background[$0 % 3] } }
    let (x0, x1, y0, y1) = (boundary.xMin, boundary.xMax, boundary.yMin, boundary.yMax)
    for k in boundary.pointClasses.indices {
      let column = min(boundary.columns - 1, Int((boundary.pointsX[k] - x0) / (x1 - x0) * Double(boundary.columns)))
      let row = min(boundary.rows - 1, Int((y1 - boundary.pointsY[k]) / (y1 - y0) * Double(boundary.rows)))
      canvas[row][column] = points[boundary.pointClasses[k] % 3]
    }
    return "Decision regions (background: predicted class; o x +: true classes)\n"
      + canvas.map { "  │" + String($0) + "│" }.joined(separator: "\n")
  }
}
