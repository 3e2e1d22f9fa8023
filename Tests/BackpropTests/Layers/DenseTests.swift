import Backprop
import BackpropTestSupport
import Testing

@Suite struct DenseTests {
  let layer = try! Dense<Double>(  // a literal: cannot fail
    weight: Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]]), bias: Matrix(rowMajor: [[0.5], [-1]]), activation: .relu)

  /// Z = W·A_prev + b by hand, and A = relu(Z).
  @Test func forwardByHand() throws {
    let x = Matrix<Double>(rowMajor: [[1, 0], [0, -1], [1, 1]])
    let cache = try layer.forward(x, layer: 1)
    // column 0: W·[1,0,1] = [4, 10]; column 1: W·[0,-1,1] = [1, 1]
    #expect(cache.z == Matrix(rowMajor: [[4.5, 1.5], [9, 0]]))
    #expect(cache.a == Matrix(rowMajor: [[4.5, 1.5], [9, 0]]))
    #expect(cache.aPrev == x)
  }

  /// Every shape mismatch throws a ShapeError naming the layer and both shapes.
  @Test func dimensionErrorsNameTheLayer() throws {
    let wrong = Matrix<Double>(rows: 4, columns: 7)
    let error = #expect(throws: ShapeError.self) { try layer.forward(wrong, layer: 3) }
    let message = error?.description ?? ""
    #expect(message.contains("layer 3") && message.contains("(2, 3)") && message.contains("(4, 7)"), "\(message)")

    let cache = try layer.forward(Matrix(rows: 3, columns: 5), layer: 2)
    let backwardError = #expect(throws: ShapeError.self) {
      try layer.backward(Matrix(rows: 2, columns: 4), cache: cache, layer: 2)
    }
    #expect(backwardError?.description.contains("dA[2] is (2, 4)") == true)
    #expect(throws: ShapeError.self) {
      try Dense<Double>(weight: Matrix(rows: 2, columns: 3), bias: Matrix(rows: 3, columns: 1), activation: .tanh)
    }
    #expect(throws: ShapeError.self) {
      try Dense<Double>(
        weight: Matrix(rows: 2, columns: 3), bias: Matrix(rows: 2, columns: 1), alpha: Matrix(rows: 2, columns: 1),
        activation: .tanh)
    }
  }

  @Test func networkChainsAndNamesTheBrokenLayer() throws {
    let first = try Dense<Double>(
      weight: Matrix(rows: 4, columns: 3), bias: Matrix(rows: 4, columns: 1), activation: .relu)
    let second = try Dense<Double>(
      weight: Matrix(rows: 1, columns: 5), bias: Matrix(rows: 1, columns: 1), activation: .sigmoid)
    let error = #expect(throws: ShapeError.self) { try Network(layers: [first, second], output: .sigmoid) }
    #expect(error?.description.contains("layer 2") == true)
    let net = try Network(
      layers: [
        first, try Dense(weight: Matrix(rows: 1, columns: 4), bias: Matrix(rows: 1, columns: 1), activation: .sigmoid),
      ],
      output: .sigmoid)
    let forwardError = #expect(throws: ShapeError.self) { try net.forward(Matrix(rows: 12288, columns: 2)) }
    #expect(forwardError?.description.contains("A[0] is (12288, 2)") == true)
    // Labels that do not fit the output.
    let pass = try net.forward(Matrix(rows: 3, columns: 2))
    #expect(throws: DataError.self) { try net.cost(pass, labels: Matrix(rows: 1, columns: 3)) }
    #expect(throws: DataError.self) { try net.backward(pass, labels: Matrix(rowMajor: [[0, 2]])) }
  }

  @Test func softmaxOutputNeedsTwoUnits() throws {
    var rng = DefaultGenerator(seed: 1)
    #expect(throws: ConfigurationError.self) {
      try Network<Float>(layerSizes: [3, 1], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    }
    #expect(throws: ConfigurationError.self) {
      try Network<Float>(
        layerSizes: [3, 0, 2], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    }
    #expect(throws: ConfigurationError.self) {
      try Network<Float>(layerSizes: [3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    }
  }

  /// The first layer does not compute dA[0], which nobody needs.
  @Test func firstLayerSkipsInputGradient() throws {
    let cache = try layer.forward(Matrix(rows: 3, columns: 2, repeating: 1), layer: 1)
    let result = try layer.backward(
      Matrix(rows: 2, columns: 2, repeating: 1), cache: cache, layer: 1, needsInputGradient: false)
    #expect(result.dAPrev == nil)
    #expect(result.gradients.dW.shape == Shape(2, 3) && result.gradients.db.shape == Shape(2, 1))
  }
}
