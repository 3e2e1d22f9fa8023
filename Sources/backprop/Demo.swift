import ArgumentParser
import Backprop
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
        .check(option: "--iterations \(iterations)")
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

  /// The plane coloured by predicted class, with the training points on top (the course's plot_decision_boundary, in text).
  private func decisionRegions(_ network: Network<Double>, data: (x: Matrix<Double>, y: Matrix<Double>)) throws
    -> String
  {
    let width = 64
    let height = 24
    let xs = (0..<data.x.columns).map { data.x[0, $0] }
    let ys = (0..<data.x.columns).map { data.x[1, $0] }
    guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return "" }
    var grid = Matrix<Double>(rows: 2, columns: width * height)
    for row in 0..<height {
      for column in 0..<width {
        grid[0, row * width + column] = x0 + (x1 - x0) * (Double(column) + 0.5) / Double(width)
        grid[1, row * width + column] = y1 - (y1 - y0) * (Double(row) + 0.5) / Double(height)
      }
    }
    let regions = try network.predict(grid)
    let background: [Character] = [" ", "·", ":"]
    let points: [Character] = ["o", "x", "+"]
    var canvas = (0..<height).map { row in
      (0..<width).map { column in background[Int(regions[0, row * width + column]) % 3] }
    }
    for k in 0..<data.x.columns {
      let column = min(width - 1, Int((xs[k] - x0) / (x1 - x0) * Double(width)))
      let row = min(height - 1, Int((y1 - ys[k]) / (y1 - y0) * Double(height)))
      canvas[row][column] = points[Int(data.y[0, k]) % 3]
    }
    return "Decision regions (background: predicted class; o x +: true classes)\n"
      + canvas.map { "  │" + String($0) + "│" }.joined(separator: "\n")
  }
}
