import ArgumentParser
import Backprop

struct GradientCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradcheck",
    abstract: "Check backpropagation against finite differences on a small random network.",
    discussion: """
      Builds a network of the given sizes with random W, b (and PReLU α),
      random inputs and labels, computes every gradient by backpropagation
      and by two-sided differences (J(θ+ε) − J(θ−ε)) / 2ε in float64, and
      prints the relative error ‖dθ − dθ_approx‖ / (‖dθ‖ + ‖dθ_approx‖) per
      layer and overall. Exits with status 1 when the overall error is above
      the threshold. J can include L2 (--l2), batch normalisation in training
      mode (--batch-norm; γ, β are checked too) and dropout with masks drawn
      once and held fixed (--dropout), as the course advises.

        backprop gradcheck --layers 4,5,3,1 --activation tanh --output sigmoid
        backprop gradcheck --layers 4,6,5,3 --output softmax --batch-norm \\
          --dropout 0.3 --l2 0.5 --examples 8
      """
  )

  @OptionGroup(title: "Network") var architecture: ArchitectureOptions

  @Option(help: "Number of random examples m.")
  var examples: Int = 5

  @Option(help: "ε for the two-sided differences.")
  var epsilon: Double = 1e-7

  @Option(help: "Largest relative error that passes.")
  var threshold: Double = 1e-7

  @Option(help: ArgumentHelp("λ of L2 regularisation in J.", valueName: "λ"))
  var l2: Double = 0

  @Flag(name: .customLong("batch-norm"), help: "Batch-normalise the hidden layers (training mode; needs m ≥ 2).")
  var batchNorm = false

  @Option(
    help: ArgumentHelp("Dropout rate p on every hidden layer, with masks fixed for the whole check.", valueName: "p"))
  var dropout: Double = 0

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    try architecture.requireLayers()
    if let given = architecture.givenActivation, given.functions.count > 1 {
      throw ValidationError("--activation \(given): gradcheck takes one activation for every hidden layer")
    }
    try NumberRange.atLeastOne.check(examples, "--examples")
    try NumberRange.positive.check(epsilon, "--epsilon")
    try NumberRange.positive.check(threshold, "--threshold")
    try NumberRange.zeroOrMore.check(l2, "--l2")
    try NumberRange.belowOne.check(dropout, "--dropout")
    if batchNorm && examples < 2 { throw ValidationError("--batch-norm needs --examples 2 or more") }
  }

  func run() throws {
    runtime.apply()
    let problem = try GradientCheck.randomProblem(
      layerSizes: architecture.layers.sizes, hiddenActivation: architecture.activation,
      output: architecture.output, examples: examples, seed: architecture.seed, batchNormalization: batchNorm)
    var masks = [Matrix<Double>?]()
    if dropout > 0 {
      var generator = DefaultGenerator(seed: architecture.seed &+ 1)
      for size in architecture.layers.sizes.dropFirst().dropLast() {
        var mask = Matrix<Double>(rows: 0, columns: 0)
        Dropout.fillMask(&mask, rows: size, columns: examples, rate: dropout, using: &generator)
        masks.append(mask)
      }
    }
    let report = try GradientCheck.run(
      problem.network, x: problem.x, y: problem.y, epsilon: epsilon, l2: l2, masks: masks)
    var extras = [String]()
    if l2 > 0 { extras.append("L2 λ = \(l2)") }
    if batchNorm { extras.append("batch norm") }
    if dropout > 0 { extras.append("dropout p = \(dropout) (fixed masks)") }
    print(
      "Gradient check: layers \(architecture.layers), \(architecture.activation) hidden, "
        + "\(architecture.output) output, m = \(examples), ε = \(epsilon)"
        + (extras.isEmpty ? "" : ", " + extras.joined(separator: ", ")))
    for (index, error) in report.layerErrors.enumerated() {
      print("  layer \(index + 1): relative error \(scientific(error))")
    }
    print("  overall (\(report.parameterCount) parameters): relative error \(scientific(report.overallError))")
    if report.passes(threshold: threshold) {
      print("PASS: backpropagation agrees with finite differences (< \(scientific(threshold)))")
    } else {
      print("FAIL: relative error \(scientific(report.overallError)) is above \(scientific(threshold))")
      throw ExitCode(1)
    }
  }
}
