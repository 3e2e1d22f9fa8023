import Foundation
import Testing

@testable import Backprop

/// The operators compute what NumPy computes, and the notes' formulas written
/// with them give the library's own forward and backward propagation.
@Suite struct MatrixOperatorTests {
  let a = Matrix<Double>(rowMajor: [[1, 2, 3], [4, 5, 6]])

  @Test func productAndTranspose() {
    let b = Matrix<Double>(rowMajor: [[1, 0], [0, 1], [2, -1]])
    // np.dot([[1,2,3],[4,5,6]], [[1,0],[0,1],[2,-1]]) = [[7, -1], [16, -1]]
    #expect(a • b == Matrix(rowMajor: [[7, -1], [16, -1]]))
    #expect(a.T == Matrix(rowMajor: [[1, 4], [2, 5], [3, 6]]))
    #expect((a • a.T).shape == Shape(2, 2))
  }

  @Test func elementwiseWithNumPyBroadcasting() {
    let column = Matrix<Double>(rowMajor: [[10], [20]])
    let row = Matrix<Double>(rowMajor: [[1, 0, -1]])
    #expect(a + column == Matrix(rowMajor: [[11, 12, 13], [24, 25, 26]]))
    #expect(column + a == a + column)
    #expect(a - row == Matrix(rowMajor: [[0, 2, 4], [3, 5, 7]]))
    #expect(a * a == Matrix(rowMajor: [[1, 4, 9], [16, 25, 36]]))
    #expect(a / column == Matrix(rowMajor: [[0.1, 0.2, 0.3], [0.2, 0.25, 0.3]]))
    #expect(2 * a == a + a)
    #expect(a * 2 == a + a)
    #expect(1 - a == Matrix(rowMajor: [[0, -1, -2], [-3, -4, -5]]))
    #expect(-a + a == Matrix(rows: 2, columns: 3))
    #expect(a / 2 == Matrix(rowMajor: [[0.5, 1, 1.5], [2, 2.5, 3]]))
    #expect(a + 1 - 1 == a)
  }

  @Test func sumsAlongAnAxisKeepTheirDimension() {
    #expect(a.sum(axis: 1) == Matrix(rowMajor: [[6], [15]]))
    #expect(a.sum(axis: 0) == Matrix(rowMajor: [[5, 7, 9]]))
    #expect(a.sum() == 21)
    #expect(a.map { max($0 - 3, 0) } == Matrix(rowMajor: [[0, 0, 0], [1, 2, 3]]))
  }

  /// A 2-layer tanh/sigmoid network's forward pass, cost and gradients written
  /// as the notes write them equal ``Network``'s.
  @Test func theNotesFormulasGiveTheLibrarysGradients() throws {
    var rng = NumPyLegacyGenerator(seed: 3)
    let network = try Network<Double>(
      layerSizes: [3, 4, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .xavier, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 5, using: &rng)
    let y = Matrix<Double>(rowMajor: [[1, 0, 0, 1, 1]])
    let m = Double(x.columns)
    let (w1, b1) = (network.layers[0].weight, network.layers[0].bias)
    let (w2, b2) = (network.layers[1].weight, network.layers[1].bias)

    let z1 = w1 • x + b1
    let a1 = z1.map { Foundation.tanh($0) }
    let z2 = w2 • a1 + b2
    let a2 = z2.map { 1 / (1 + Foundation.exp(-$0)) }
    let logLoss = y * a2.map { Foundation.log($0) } + (1 - y) * (1 - a2).map { Foundation.log($0) }
    let cost = -logLoss.sum() / m
    let dZ2 = a2 - y
    let dW2 = (1 / m) * (dZ2 • a1.T)
    let db2 = (1 / m) * dZ2.sum(axis: 1)
    let dA1 = w2.T • dZ2
    let dZ1 = dA1 * (1 - a1 * a1)
    let dW1 = (1 / m) * (dZ1 • x.T)
    let db1 = (1 / m) * dZ1.sum(axis: 1)

    let pass = try network.forward(x)
    let gradients = try network.backward(pass, labels: y)
    func close(_ p: Matrix<Double>, _ q: Matrix<Double>) -> Bool {
      p.shape == q.shape && zip(p.scalars, q.scalars).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
    }
    #expect(close(a2, pass.output))
    #expect(abs(cost - (try network.cost(pass, labels: y))) < 1e-12)
    #expect(close(dW2, gradients[1].dW))
    #expect(close(db2, gradients[1].db))
    #expect(close(dW1, gradients[0].dW))
    #expect(close(db1, gradients[0].db))
  }
}
