import Backprop
import BackpropTestSupport
import Testing

/// The course's own published numbers, reproduced on the course's own data.
@Suite struct CourseNumbersTests {
  /// Week 3, "Planar data classification with one hidden layer": the flower
  /// from `load_planar_dataset()` (np.random.seed(1)), `initialize_parameters`
  /// with np.random.seed(2) and randn × 0.01, 4 tanh units, learning rate 1.2,
  /// 10,000 iterations. The notebook prints
  /// "Cost after iteration 0: 0.693048", "… 1000: 0.288083", … "… 7000: 0.217504",
  /// "… 9000: 0.218607" and "Accuracy: 90%". Iterations 0 to 7000 agree to all six
  /// printed decimals. The cost bumps up near 8000 (the notebook's 8000 value is
  /// above its 7000 value), a region where rounding differences between NumPy's
  /// BLAS and ours grow, so 8000 and 9000 agree to 1e-4 only.
  @Test func planarFlowerOneHiddenLayer() throws {
    var dataGenerator = NumPyLegacyGenerator(seed: 1)
    let (x, y) = PlanarData.flower(examples: 400, using: &dataGenerator, as: Double.self)
    var parameterGenerator = NumPyLegacyGenerator(seed: 2)
    var network = try Network<Double>(
      layerSizes: [2, 4, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .small,
      using: &parameterGenerator)
    let trainer = try Trainer(optimizer: GradientDescent(learningRate: 1.2), iterations: 10_000)
    let costs = try trainer.train(&network, x: x, y: y)
    let published: [(Int, Double)] = [
      (0, 0.693048), (1000, 0.288083), (2000, 0.254385), (3000, 0.233864), (4000, 0.226792),
      (5000, 0.222644), (6000, 0.219731), (7000, 0.217504),
    ]
    for (i, cost) in published {
      expectClose(costs[i], cost, rtol: 0, atol: 5e-7, "cost after iteration \(i)")
    }
    expectClose(costs[9000], 0.218607, rtol: 0, atol: 1e-4, "cost after iteration 9000")
    expectClose(try network.accuracy(x, labels: y), 0.905, rtol: 0, atol: 0.005, "accuracy (the notebook prints 90%)")
  }
}
