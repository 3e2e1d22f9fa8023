import Backprop
import Testing

/// Gradient checks of what issue 5 adds to the notes' step: L2, batch
/// normalisation in training mode, dropout with fixed masks, and example weights.
@Suite struct RegularizationGradientCheckTests {
  @Test(arguments: Output.allCases)
  func l2Regularization(output: Output) throws {
    let units = output == .softmax ? 3 : 1
    let problem = try GradientCheck.randomProblem(
      layerSizes: [4, 5, 3, units], hiddenActivation: .tanh, output: output, examples: 6, seed: 11)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, l2: 0.7)
    #expect(report.overallError < 1e-7, "\(output): \(report.overallError)")
    // The L2 term changes the gradients: without it in backward, the check fails.
    let plain = try problem.network.backward(problem.network.forward(problem.x), labels: problem.y)
    let wrong = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, gradients: plain, l2: 0.7)
    #expect(wrong.overallError > 1e-3)
  }

  @Test(arguments: ["tanh", "relu", "sigmoid", "elu", "prelu"])
  func batchNormalizationInTrainingMode(activation: String) throws {
    let problem = try GradientCheck.randomProblem(
      layerSizes: [4, 6, 5, 3], hiddenActivation: try ActivationFunction(name: activation), output: .softmax,
      examples: 8, seed: 5, batchNormalization: true)
    #expect(problem.network.layers[0].normalization != nil && problem.network.layers[2].normalization == nil)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, l2: 0.1)
    #expect(report.overallError < 1e-7, "\(activation): \(report.overallError)")
    // γ and β are checked too: 2·(6 + 5) more scalars than W, b.
    let plain = problem.network.layers.reduce(0) { $0 + $1.weight.count + $1.bias.count + ($1.alpha?.count ?? 0) }
    #expect(report.parameterCount == plain + 2 * (6 + 5))
  }

  @Test func dropoutWithFixedMasks() throws {
    let problem = try GradientCheck.randomProblem(
      layerSizes: [4, 6, 5, 1], hiddenActivation: .tanh, output: .sigmoid, examples: 7, seed: 9)
    var generator = DefaultGenerator(seed: 3)
    var masks: [Matrix<Double>?] = []
    for (l, rate) in [(6, 0.5), (5, 0.3)] {
      var mask = Matrix<Double>(rows: 0, columns: 0)
      Dropout.fillMask(&mask, rows: l, columns: 7, rate: rate, using: &generator)
      masks.append(mask)
    }
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, masks: masks)
    #expect(report.overallError < 1e-7, "\(report.overallError)")
    // The masks matter: the gradients without them disagree with J under them.
    let plain = try problem.network.backward(problem.network.forward(problem.x), labels: problem.y)
    #expect(
      try GradientCheck.run(problem.network, x: problem.x, y: problem.y, gradients: plain, masks: masks)
        .overallError > 1e-3)
  }

  @Test func dropoutAndBatchNormalizationTogether() throws {
    let problem = try GradientCheck.randomProblem(
      layerSizes: [3, 5, 2], hiddenActivation: .softplus, output: .identity, examples: 6, seed: 2,
      batchNormalization: true)
    var generator = DefaultGenerator(seed: 4)
    var mask = Matrix<Double>(rows: 0, columns: 0)
    Dropout.fillMask(&mask, rows: 5, columns: 6, rate: 0.4, using: &generator)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, l2: 0.3, masks: [mask])
    #expect(report.overallError < 1e-7, "\(report.overallError)")
  }

  @Test(arguments: Output.allCases)
  func exampleWeights(output: Output) throws {
    let units = output == .softmax ? 3 : 2
    let problem = try GradientCheck.randomProblem(
      layerSizes: [3, 4, units], hiddenActivation: .arctan, output: output, examples: 5, seed: 13)
    let weights = try Matrix<Double>(rows: 1, columns: 5, columnMajor: [0.5, 2, 1, 0, 3])
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y, weights: weights)
    #expect(report.overallError < 1e-7, "\(output): \(report.overallError)")
  }

  /// J with L2 is the data cost plus λ/(2m) Σ‖W‖², and weights of 1 change nothing.
  @Test func costTerms() throws {
    let problem = try GradientCheck.randomProblem(
      layerSizes: [3, 4, 1], hiddenActivation: .tanh, output: .sigmoid, examples: 5, seed: 1)
    let net = problem.network
    let pass = try net.forward(problem.x)
    let data = try net.cost(pass, labels: problem.y)
    let squares = net.layers.reduce(0.0) { sum, layer in sum + layer.weight.scalars.reduce(0) { $0 + $1 * $1 } }
    #expect(abs(try net.cost(pass, labels: problem.y, l2: 0.4) - (data + 0.4 / 10 * squares)) < 1e-12)
    let ones = Matrix<Double>(rows: 1, columns: 5, repeating: 1)
    #expect(abs(try net.cost(pass, labels: problem.y, weights: ones) - data) < 1e-15)
    let twos = Matrix<Double>(rows: 1, columns: 5, repeating: 2)
    #expect(abs(try net.cost(pass, labels: problem.y, weights: twos) - 2 * data) < 1e-12)
  }
}
