import ArgumentParser
import Backprop

struct GradientCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradcheck",
    abstract: "Check backpropagation against finite differences on a small random network.",
    discussion: """
      Builds a network of the given sizes with random W, b (and PReLU α), random inputs and labels,
      computes every gradient by backpropagation and by two-sided differences
      (J(θ+ε) − J(θ−ε)) / 2ε in float64, and prints the relative error
      ‖dθ − dθ_approx‖ / (‖dθ‖ + ‖dθ_approx‖) per layer and overall.
      Exits with status 1 when the overall error is above the threshold.

        backprop gradcheck --layers 4,5,3,1 --activation tanh --output sigmoid
      """
  )

  @OptionGroup(title: "Network") var architecture: ArchitectureOptions

  @Option(help: "Number of random examples m.")
  var examples: Int = 5

  @Option(help: "ε for the two-sided differences.")
  var epsilon: Double = 1e-7

  @Option(help: "Largest relative error that passes.")
  var threshold: Double = 1e-7

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if examples < 1 { throw ValidationError("--examples \(examples): needs at least 1") }
    if !(epsilon > 0) || !epsilon.isFinite { throw ValidationError("--epsilon \(epsilon): must be a positive number") }
    if !(threshold > 0) { throw ValidationError("--threshold \(threshold): must be positive") }
  }

  func run() throws {
    runtime.apply()
    let problem = try GradientCheck.randomProblem(
      layerSizes: architecture.layers.sizes, hiddenActivation: architecture.activation,
      output: architecture.output, examples: examples, seed: architecture.seed)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, epsilon: epsilon)
    print("Gradient check: layers \(architecture.layers), \(architecture.activation) hidden, "
      + "\(architecture.output) output, m = \(examples), ε = \(epsilon)")
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
