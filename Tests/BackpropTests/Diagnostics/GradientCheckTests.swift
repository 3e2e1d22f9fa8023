import Backprop
import Testing

/// Backpropagation against two-sided differences (ε = 1e-7, float64) for every
/// trainable activation with every loss: the relative error must be below 1e-7.
@Suite struct GradientCheckTests {
  static let trainable = ["identity", "sigmoid", "tanh", "arctan", "relu", "leaky-relu", "prelu", "elu", "softplus"]

  @Test(arguments: GradientCheckTests.trainable, Output.allCases)
  func backpropagationAgrees(activation: String, output: Output) throws {
    let units = output == .softmax ? 3 : (output == .identity ? 2 : 1)
    let problem = try GradientCheck.randomProblem(
      layerSizes: [4, 5, 3, units], hiddenActivation: try ActivationFunction(name: activation), output: output,
      examples: 6, seed: 7)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y)
    #expect(report.overallError < 1e-7, "\(activation)/\(output): \(report.overallError)")
    #expect(report.layerErrors.count == 3)
    // Per layer the gradients are smaller (layer 1 of a sigmoid network most of all), so the
    // rounding noise of J (~1e-16 / 2ε ≈ 1e-9 absolute) weighs more: 1e-6 there.
    for (l, error) in report.layerErrors.enumerated() {
      #expect(error < 1e-6, "\(activation)/\(output) layer \(l + 1): \(error)")
    }
    let expectedCount = problem.network.parameterCount
    #expect(report.parameterCount == expectedCount)
  }

  /// A deliberately wrong gradient is caught: the check is not vacuous.
  @Test func detectsAWrongGradient() throws {
    let problem = try GradientCheck.randomProblem(
      layerSizes: [3, 4, 1], hiddenActivation: .tanh, output: .sigmoid, examples: 4, seed: 3)
    var gradients = try problem.network.backward(problem.network.forward(problem.x), labels: problem.y)
    #expect(try GradientCheck.run(problem.network, x: problem.x, y: problem.y, gradients: gradients).passes())
    // Forget the 1/m in db[2], a classic mistake.
    gradients[1].db.withUnsafeMutableBufferPointer { $0[0] *= 4 }
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, gradients: gradients)
    #expect(!report.passes())
    #expect(report.layerErrors[0] < 1e-7 && report.layerErrors[1] > 1e-3)
  }
}
