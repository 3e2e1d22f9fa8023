import Backprop
import BackpropTestSupport
import Testing

@Suite struct TrainerTests {
  /// Gradient descent lowers the cost on the flower, in Float and in Double, and
  /// reports the cost before each update (iteration 0 is the untrained network's).
  func learnsTheFlower<S: MatrixScalar>(_: S.Type) throws {
    var rng = NumPyLegacyGenerator(seed: 1)
    let (x, y) = PlanarData.flower(examples: 200, using: &rng, as: S.self)
    var network = try Network<S>(
      layerSizes: [2, 6, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .xavier, using: &rng)
    let untrained = try network.cost(network.forward(x), labels: y)
    let trainer = try Trainer(optimizer: GradientDescent(learningRate: S(1)), iterations: 400)
    var reported = [Int]()
    let costs = try trainer.train(&network, x: x, y: y) { i, _ in
      reported.append(i)
      return true
    }
    #expect(reported == Array(0..<400))
    expectClose(costs[0], untrained, rtol: 1e-6, atol: 0, "cost at iteration 0")
    #expect(costs[399] < 0.5 * costs[0])
    #expect(try network.accuracy(x, labels: y) > 0.8)
  }

  @Test func learnsTheFlowerFloat() throws { try learnsTheFlower(Float.self) }
  @Test func learnsTheFlowerDouble() throws { try learnsTheFlower(Double.self) }

  @Test func progressCanStopTraining() throws {
    var rng = DefaultGenerator(seed: 2)
    let (x, y) = PlanarData.spiral(classes: 3, pointsPerClass: 10, using: &rng, as: Double.self)
    var network = try Network<Double>(
      layerSizes: [2, 5, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    let costs = try Trainer(optimizer: GradientDescent(learningRate: 0.1), iterations: 100)
      .train(&network, x: x, y: y) { i, _ in i < 9 }
    #expect(costs.count == 10)
  }

  /// A learning rate far too large makes the cost blow up: training stops with
  /// a DivergenceError naming the iteration, not with NaN parameters silently.
  @Test func divergenceIsReported() throws {
    var rng = DefaultGenerator(seed: 2)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 20, using: &rng)
    let y = Matrix<Double>.randomNormal(rows: 1, columns: 20, using: &rng)
    var network = try Network<Double>(
      layerSizes: [3, 8, 1], hiddenActivation: .relu, output: .identity, initializer: .he, using: &rng)
    let error = #expect(throws: DivergenceError.self) {
      try Trainer(optimizer: GradientDescent(learningRate: 1e6), iterations: 200).train(&network, x: x, y: y)
    }
    #expect(error?.description.contains("learning rate") == true)
  }

  @Test func impossibleHyperparametersAreRefused() {
    #expect(throws: ConfigurationError.self) { try GradientDescent<Double>(learningRate: -0.1) }
    #expect(throws: ConfigurationError.self) { try GradientDescent<Float>(learningRate: .nan) }
    #expect(throws: ConfigurationError.self) {
      try Trainer(optimizer: GradientDescent<Double>(learningRate: 0.1), iterations: -1)
    }
  }

  /// PReLU's α moves with its gradient, like W and b.
  @Test func preluSlopesLearn() throws {
    var rng = DefaultGenerator(seed: 4)
    let (x, y) = PlanarData.flower(examples: 100, using: &rng, as: Double.self)
    var network = try Network<Double>(
      layerSizes: [2, 6, 1], hiddenActivation: .prelu(initialAlpha: 0.25), output: .sigmoid, initializer: .he,
      using: &rng)
    let before = try #require(network.layers[0].alpha)
    try Trainer(optimizer: GradientDescent(learningRate: 0.5), iterations: 50).train(&network, x: x, y: y)
    let after = try #require(network.layers[0].alpha)
    #expect(before != after)
    #expect(network.layers[1].alpha == nil)
  }
}
