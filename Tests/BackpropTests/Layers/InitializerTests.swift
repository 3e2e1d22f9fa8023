import Backprop
import BackpropTestSupport
import Testing

@Suite struct InitializerTests {
  /// The sample standard deviation of each scheme's W against its formula
  /// (20,000 draws: the relative error of a standard deviation is ~1/√(2n) ≈ 0.5%; allow 3%).
  @Test(arguments: Initializer.allCases)
  func scale(initializer: Initializer) {
    var rng = DefaultGenerator(seed: 11)
    let fanIn = 200
    let fanOut = 100
    let w: Matrix<Double> = initializer.weight(fanOut: fanOut, fanIn: fanIn, using: &rng)
    #expect(w.shape == Shape(fanOut, fanIn))
    let n = Double(w.count)
    let mean = w.scalars.reduce(0, +) / n
    let sd = (w.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    let expected: Double
    switch initializer {
    case .course, .lecun: expected = (1 / Double(fanIn)).squareRoot()
    case .small: expected = 0.01
    case .he: expected = (2 / Double(fanIn)).squareRoot()
    case .xavier: expected = (2 / Double(fanIn + fanOut)).squareRoot()
    }
    expectClose(sd, expected, rtol: 0.03, atol: 0, "\(initializer) standard deviation")
    #expect(Swift.abs(mean) < 3 * expected / n.squareRoot() + 1e-12)
  }

  @Test func sameSeedSameParametersAcrossScalarTypes() throws {
    var a = NumPyLegacyGenerator(seed: 3)
    var b = NumPyLegacyGenerator(seed: 3)
    let double = try Network<Double>(
      layerSizes: [5, 4, 2], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &a)
    let float = try Network<Float>(
      layerSizes: [5, 4, 2], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &b)
    // Drawn and scaled in Double, then rounded once to Float.
    #expect(double.layers[0].weight.converted(to: Float.self) == float.layers[0].weight)
    #expect(float.layers.allSatisfy { $0.bias.scalars.allSatisfy { $0 == 0 } })
  }

  @Test func parsesNames() throws {
    #expect(try Initializer(name: "Course") == .course)
    let error = #expect(throws: ConfigurationError.self) { try Initializer(name: "glorot-uniform") }
    #expect(error?.parameter == "initializer")
  }
}
