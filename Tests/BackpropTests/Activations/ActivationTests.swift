import Backprop
import BackpropTestSupport
import Testing

/// Each activation's g' against a two-sided difference of its g, and its
/// behaviour at large |z| (no overflow to NaN or infinity).
@Suite struct ActivationTests {
  static let elementwise: [(String, any Activation)] = [
    ("identity", Identity()), ("step", BinaryStep()), ("sigmoid", Sigmoid()), ("tanh", Tanh()),
    ("arctan", Arctan()), ("relu", ReLU()), ("leaky-relu", LeakyReLU(slope: 0.1)), ("elu", ELU(alpha: 1.3)),
    ("softplus", SoftPlus()),
  ]

  /// g'(z) ≈ (g(z + h) − g(z − h)) / 2h at points away from kinks, in Double (tolerance 1e-8).
  func derivativeMatchesDifferences<G: Activation>(_ g: G, name: String) {
    let h = 1e-6
    for z in [-3.7, -1.2, -0.4, 0.3, 0.9, 2.5, 6.1] {
      let numeric = (g(z + h) - g(z - h)) / (2 * h)
      expectClose(g.derivative(z: z, a: g(z)), numeric, rtol: 1e-7, atol: 1e-8, "\(name) g'(\(z))")
    }
  }

  @Test func derivatives() {
    for (name, g) in Self.elementwise {
      derivativeMatchesDifferences(g, name: name)
    }
  }

  /// Values the notes' table gives.
  @Test func knownValues() {
    #expect(Sigmoid()(0.0) == 0.5)
    #expect(Tanh()(0.0) == 0)
    #expect(ReLU()(-2.0) == 0 && ReLU()(2.0) == 2)
    #expect(BinaryStep()(-1e-9) == 0 && BinaryStep()(0.0) == 1)
    #expect(LeakyReLU()(-1.0) == -0.01)
    expectClose(SoftPlus()(0.0), Double.log(2), "softplus(0)")
    expectClose(Arctan()(1.0), Double.pi / 4, "arctan(1)")
    expectClose(ELU(alpha: 2)(-1.0), 2 * (Double.exp(-1) - 1), "elu(-1)")
    #expect(PReLU.value(-2.0, alpha: 0.25) == -0.5 && PReLU.derivative(-2.0, alpha: 0.25) == 0.25)
  }

  /// Large |z| never produces NaN or infinity where the true value is finite (Float and Double).
  func stableAtExtremes<S: MatrixScalar>(_: S.Type) {
    for z: S in [-1e4, -800, -100, 100, 800, 1e4, -S.greatestFiniteMagnitude, S.greatestFiniteMagnitude] {
      let s = Sigmoid()(z)
      #expect(s.isFinite && s >= 0 && s <= 1, "sigmoid(\(z)) = \(s)")
      #expect(Sigmoid().derivative(z: z, a: s).isFinite)
      let sp = SoftPlus()(z)
      #expect(sp.isFinite || z == S.greatestFiniteMagnitude, "softplus(\(z)) = \(sp)")
      #expect(sp >= 0)
      let e = ELU()(z)
      #expect(e.isFinite && e >= -1, "elu(\(z)) = \(e)")
      #expect(Tanh()(z).isFinite && Arctan()(z).isFinite)
    }
    #expect(SoftPlus()(S(100)) == 100)
    #expect(Sigmoid()(S(-800)) == 0 && Sigmoid()(S(800)) == 1)
  }

  @Test func stableAtExtremesFloat() { stableAtExtremes(Float.self) }
  @Test func stableAtExtremesDouble() { stableAtExtremes(Double.self) }

  @Test func softmaxIsStable() throws {
    let layer = try Dense<Double>(
      weight: Matrix(rowMajor: [[1], [1], [1]]), bias: Matrix(rowMajor: [[0], [1000], [2000]]), activation: .softmax)
    let a = try layer(Matrix(rowMajor: [[1e4, -1e4]]))
    #expect(a.isFinite)
    for j in 0..<2 { expectClose(a[0, j] + a[1, j] + a[2, j], 1, "column \(j) sums to 1") }
  }

  @Test func parsesNames() throws {
    #expect(try ActivationFunction(name: "relu") == .relu)
    #expect(try ActivationFunction(name: "leaky-relu:0.2") == .leakyReLU(slope: 0.2))
    #expect(try ActivationFunction(name: "elu:0.5") == .elu(alpha: 0.5))
    #expect(try ActivationFunction(name: "PReLU") == .prelu(initialAlpha: 0.25))
    for name in ActivationFunction.hiddenLayerNames {
      #expect(try ActivationFunction(name: name).description.hasPrefix(name))
    }
    let error = #expect(throws: ConfigurationError.self) { try ActivationFunction(name: "swish") }
    #expect(error?.parameter == "activation")
    #expect(throws: ConfigurationError.self) { try ActivationFunction(name: "relu:2") }
    #expect(throws: ConfigurationError.self) { try ActivationFunction(name: "elu:nan") }
  }
}
