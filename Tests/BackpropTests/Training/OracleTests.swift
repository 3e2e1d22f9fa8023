import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Forward values, costs and gradients against the NumPy oracle
/// (`Tests/Fixtures/oracle/make_oracle.py`), in float64 to 1e-12, and in
/// float32 to the precision float32 allows.
@Suite struct OracleTests {
  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var hidden: String
    var output: String
    var sizes: [Int]
    var X: [[Double]]
    var Y: [[Double]]
    var params: [String: [[Double]]]
    var Z: [[[Double]]]
    var A: [[[Double]]]
    var cost: Double
    var grads: [String: [[Double]]]
    var testDescription: String { name }
  }

  struct File: Decodable { var cases: [Case] }

  static let cases: [Case] = {
    guard let data = FileManager.default.contents(atPath: Fixtures.path("oracle/forward_backward.json")),
      let file = try? JSONDecoder().decode(File.self, from: data)
    else { return [] }
    return file.cases
  }()

  static func matrix<S: MatrixScalar>(_ rows: [[Double]], as _: S.Type) -> Matrix<S> {
    Matrix(rowMajor: rows.map { $0.map { S($0) } })
  }

  static func network<S: MatrixScalar>(_ c: Case, as _: S.Type) throws -> Network<S> {
    let output = try Output(name: c.output)
    let hidden = try ActivationFunction(name: c.hidden)
    var layers = [Dense<S>]()
    let depth = c.sizes.count - 1
    for l in 1...depth {
      layers.append(
        try Dense(
          weight: matrix(c.params["W\(l)"] ?? [], as: S.self), bias: matrix(c.params["b\(l)"] ?? [], as: S.self),
          alpha: c.params["alpha\(l)"].map { matrix($0, as: S.self) },
          activation: l == depth ? output.activation : hidden, layer: l))
    }
    return try Network(layers: layers, output: output)
  }

  @Test func fixtureIsPresent() {
    #expect(Self.cases.count == 31, "Tests/Fixtures/oracle/forward_backward.json missing or unreadable")
  }

  func check<S: MatrixScalar>(_ c: Case, as _: S.Type, rtol: Double, atol: Double) throws {
    let network = try Self.network(c, as: S.self)
    let x = Self.matrix(c.X, as: S.self)
    let y = Self.matrix(c.Y, as: S.self)
    let pass = try network.forward(x)
    for l in 1...network.depth {
      expectClose(pass.caches[l - 1].z, Self.matrix(c.Z[l - 1], as: S.self), rtol: rtol, atol: atol, "\(c.name) Z\(l)")
      expectClose(pass.caches[l - 1].a, Self.matrix(c.A[l - 1], as: S.self), rtol: rtol, atol: atol, "\(c.name) A\(l)")
    }
    expectClose(try network.cost(pass, labels: y), c.cost, rtol: rtol, atol: atol, "\(c.name) cost")
    let gradients = try network.backward(pass, labels: y)
    for l in 1...network.depth {
      let g = gradients[l - 1]
      expectClose(g.dW, Self.matrix(c.grads["dW\(l)"] ?? [], as: S.self), rtol: rtol, atol: atol, "\(c.name) dW\(l)")
      expectClose(g.db, Self.matrix(c.grads["db\(l)"] ?? [], as: S.self), rtol: rtol, atol: atol, "\(c.name) db\(l)")
      if let expected = c.grads["dalpha\(l)"] {
        let dAlpha = try #require(g.dAlpha, "\(c.name): layer \(l) has no dα")
        expectClose(dAlpha, Self.matrix(expected, as: S.self), rtol: rtol, atol: atol, "\(c.name) dalpha\(l)")
      }
    }
  }

  @Test(arguments: OracleTests.cases) func float64(_ c: Case) throws {
    try check(c, as: Double.self, rtol: 1e-12, atol: 1e-12)
  }

  @Test(arguments: OracleTests.cases) func float32(_ c: Case) throws {
    // Float has 24-bit significands: ~1e-7 relative per operation, a few dozen operations deep.
    try check(c, as: Float.self, rtol: 2e-4, atol: 2e-5)
  }
}
