import Backprop
import Foundation
import Testing

/// Activations the user supplies: checked on arrival, trainable, saved with the model.
@Suite struct CustomActivationTests {
  @Test func aRightDerivativeIsAcceptedAndTrains() throws {
    let softsign = try CustomActivation(
      name: "softsign-test", function: { $0 / (1 + abs($0)) }, derivative: { 1 / ((1 + abs($0)) * (1 + abs($0))) })
    CustomActivation.register(softsign)
    #expect(try ActivationFunction(name: "softsign-test") == .custom(softsign))
    let problem = try GradientCheck.randomProblem(
      layerSizes: [3, 5, 2], hiddenActivation: .custom(softsign), output: .softmax, examples: 6, seed: 4)
    let report = try GradientCheck.run(problem.network, x: problem.x, y: problem.y)
    #expect(report.overallError < 1e-7, "\(report.overallError)")
  }

  @Test func aWrongDerivativeIsRefusedWithTheMeasuredError() {
    let error = #expect(throws: ConfigurationError.self) {
      try CustomActivation(name: "bad", function: { $0 * $0 * $0 }, derivative: { 2 * $0 })  // 3z² is right
    }
    let message = error?.description ?? ""
    #expect(message.contains("derivative is wrong") && message.contains("relative error"), "\(message)")
    #expect(throws: ConfigurationError.self) {
      try CustomActivation(name: "relu", function: { max(0, $0) }, derivative: { $0 > 0 ? 1 : 0 })  // a built-in's name
    }
  }

  @Test func formulasParseEvaluateAndReportTheirErrors() throws {
    let g = try ActivationExpression("2 * z^2 - exp(-z) / (1 + abs(z)) + max(z, 0.5)")
    let z = 0.7
    #expect(abs(g(z) - (2 * z * z - Foundation.exp(-z) / (1 + abs(z)) + max(z, 0.5))) < 1e-15)
    #expect(try ActivationExpression("-z^2")(3) == -9)
    #expect(try ActivationExpression("z^2")(-3) == 9)  // a whole exponent of a negative base
    #expect(try ActivationExpression("2^-1")(0) == 0.5)
    #expect(try ActivationExpression("2^3^2")(0) == 512)  // right-associative
    #expect(try ActivationExpression("1.5e-1 * z")(2) == 0.3)
    for bad in ["z +", "foo(z)", "exp z", "max(z)", "(z", "z ) ", "3 $ z"] {
      #expect(throws: ConfigurationError.self, "\(bad)") { try ActivationExpression(bad) }
    }
    #expect(throws: ConfigurationError.self) { try CustomActivation(parsing: "no formulas") }
  }

  /// A formula-made activation is stored whole in the model file and loads without registering.
  @Test func modelFilesKeepTheFormulas() throws {
    let name = "custom:isru=z/sqrt(1+z^2);1/(1+z^2)^1.5"
    let activation = try ActivationFunction(name: name)
    var rng = DefaultGenerator(seed: 2)
    let network = try Network<Double>(
      layerSizes: [3, 4, 1], hiddenActivation: activation, output: .sigmoid, initializer: .xavier, using: &rng)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("custom-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelFile.write(Model(network: network), to: path)
    let loaded = try ModelFile.read(path: path, as: Double.self)
    #expect(loaded.network == network)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 5, using: &rng)
    #expect(try loaded.network(x) == network(x))
    let encoded = try JSONEncoder().encode(activation)
    #expect(try JSONDecoder().decode(ActivationFunction.self, from: encoded) == activation)
  }
}
