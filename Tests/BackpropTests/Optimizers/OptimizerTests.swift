import Backprop
import BackpropTestSupport
import Testing

/// Hyperparameter checks, choosing an optimizer by name, and a whole-network step.
@Suite struct OptimizerTests {
  /// Records an issue unless `make` throws a ``ConfigurationError`` naming `parameter`.
  func expectRefused(
    _ option: String, sourceLocation: SourceLocation = #_sourceLocation, _ make: () throws -> Void
  ) {
    let error = #expect(throws: ConfigurationError.self, sourceLocation: sourceLocation) { try make() }
    #expect(error?.parameter == option, sourceLocation: sourceLocation)
  }

  /// Each impossible value is refused with the option that set it.
  @Test func impossibleHyperparametersAreRefused() {
    expectRefused("momentum") { _ = try Momentum<Double>(learningRate: 0.1, beta: 1) }
    expectRefused("momentum") { _ = try Momentum<Double>(learningRate: 0.1, beta: -0.1) }
    expectRefused("learningRate") { _ = try Momentum<Double>(learningRate: 0) }
    expectRefused("momentum") { _ = try Nesterov<Float>(learningRate: 0.1, momentum: .nan) }
    expectRefused("learningRate") { _ = try Nesterov<Float>(learningRate: .infinity) }
    expectRefused("beta2") { _ = try RMSprop<Double>(learningRate: 0.01, beta2: 1) }
    expectRefused("epsilon") { _ = try RMSprop<Double>(learningRate: 0.01, epsilon: 0) }
    expectRefused("epsilon") { _ = try RMSprop<Float>(learningRate: 0.01, epsilon: -1e-8) }
    expectRefused("beta1") { _ = try Adam<Double>(learningRate: 0.001, beta1: 1) }
    expectRefused("beta1") { _ = try Adam<Double>(learningRate: 0.001, beta1: .nan) }
    expectRefused("beta2") { _ = try Adam<Float>(learningRate: 0.001, beta2: 1.5) }
    expectRefused("epsilon") { _ = try Adam<Double>(learningRate: 0.001, epsilon: .nan) }
    expectRefused("learningRate") { _ = try Adam<Double>(learningRate: -0.001) }
    expectRefused("weightDecay") { _ = try AdamW<Double>(learningRate: 0.001, weightDecay: -0.01) }
    expectRefused("weightDecay") { _ = try AdamW<Double>(learningRate: 0.001, weightDecay: .nan) }
    expectRefused("weightDecay") { _ = try AdamW<Double>(learningRate: 0.5, weightDecay: 2) }
    expectRefused("epsilon") { _ = try AdamW<Double>(learningRate: 0.001, epsilon: .infinity) }
    let error = #expect(throws: ConfigurationError.self) { try Adam<Double>(learningRate: 0.001, beta1: 1) }
    #expect(error?.description == "beta1: 1.0 is not usable: β₁ must be at least 0 and below 1 (0.9 is usual)")
  }

  /// β = 0 is allowed (momentum reduces to gradient descent), and PyTorch's defaults are the defaults.
  @Test func defaults() throws {
    let momentum = try Momentum<Double>(learningRate: 0.1)
    #expect(momentum.beta == 0.9)
    #expect(try Nesterov<Double>(learningRate: 0.1).momentum == 0.9)
    let rmsprop = try RMSprop<Double>(learningRate: 0.01)
    #expect(rmsprop.beta2 == 0.99 && rmsprop.epsilon == 1e-8)
    let adam = try Adam<Double>(learningRate: 0.001)
    #expect(adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8)
    #expect(try AdamW<Double>(learningRate: 0.001).weightDecay == 0.01)
    _ = try Momentum<Double>(learningRate: 0.1, beta: 0)
    _ = try AdamW<Double>(learningRate: 0.1, weightDecay: 0)
  }

  /// With β = 0, momentum is gradient descent.
  @Test func momentumWithoutMomentumIsGradientDescent() throws {
    var w = Matrix<Double>(rowMajor: [[1, -2], [0.5, 3]])
    let dW = Matrix<Double>(rowMajor: [[0.25, -1], [2, 0]])
    var expected = w
    let momentum = try Momentum<Double>(learningRate: 0.1, beta: 0)
    var state = momentum.makeState(for: w)
    momentum.update(parameter: &w, gradient: dW, state: &state)
    let sgd = try GradientDescent<Double>(learningRate: 0.1)
    var none: Void = ()
    sgd.update(parameter: &expected, gradient: dW, state: &none)
    expectClose(w, expected, rtol: 0, atol: 0, "β = 0")
  }

  @Test func namesAreParsed() throws {
    #expect(try OptimizerKind(name: "Adam") == .adam)
    #expect(try OptimizerKind(name: "ADAMW") == .adamw)
    #expect(try OptimizerKind(name: "gd") == .sgd)
    #expect(try OptimizerKind(name: "gradient_descent") == .sgd)
    #expect(try OptimizerKind(name: "rmsprop") == .rmsprop)
    let error = #expect(throws: ConfigurationError.self) { try OptimizerKind(name: "adamax") }
    #expect(error?.parameter == "optimizer")
    #expect(error?.problem.contains("'adamax'") == true)
    #expect(error?.problem.contains("sgd, momentum, nesterov, rmsprop, adam or adamw") == true)
  }

  @Test func settingsTakeDefaultsAndRefuseOptionsThatDoNotApply() throws {
    #expect(try OptimizerSettings(name: "adam") == .adam(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
    #expect(try OptimizerSettings(name: "rmsprop") == .rmsprop(learningRate: 0.01, beta2: 0.99, epsilon: 1e-8))
    #expect(
      try OptimizerSettings(name: "adamw", learningRate: 0.003)
        == .adamw(learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01))
    #expect(try OptimizerSettings(name: "momentum", momentum: 0.8) == .momentum(learningRate: 0.001, beta: 0.8))
    #expect(try OptimizerSettings(name: "sgd", learningRate: 0.0075) == .sgd(learningRate: 0.0075))

    let beta1 = #expect(throws: ConfigurationError.self) { try OptimizerSettings(name: "sgd", beta1: 0.9) }
    #expect(beta1?.parameter == "beta1")
    #expect(beta1?.problem == "sgd does not take it; adam, adamw do")
    let decay = #expect(throws: ConfigurationError.self) { try OptimizerSettings(name: "adam", weightDecay: 0.1) }
    #expect(decay?.parameter == "weightDecay")
    let momentum = #expect(throws: ConfigurationError.self) { try OptimizerSettings(name: "rmsprop", momentum: 0.9) }
    #expect(momentum?.parameter == "momentum")
    let bad = #expect(throws: ConfigurationError.self) { try OptimizerSettings(name: "adam", beta2: 1) }
    #expect(bad?.parameter == "beta2")
    let rate = #expect(throws: ConfigurationError.self) { try OptimizerSettings(name: "nesterov", learningRate: -1) }
    #expect(rate?.parameter == "learningRate")
  }

  @Test func settingsDescribeThemselves() throws {
    let settings = try OptimizerSettings(name: "adamw", learningRate: 0.01, weightDecay: 0.1)
    #expect(settings.kind == .adamw)
    #expect(settings.learningRate == 0.01)
    #expect(settings.hyperparameters.map(\.name) == ["learning_rate", "beta1", "beta2", "epsilon", "weight_decay"])
    #expect(
      settings.description == "adamw(learning_rate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-08, weight_decay 0.1)")
    #expect(OptimizerKind.allCases.map(\.parameters.count) == [0, 1, 1, 2, 3, 4])
  }

  struct Name<S: MatrixScalar>: OptimizerVisitor {
    typealias Scalar = S
    func visit<O: Optimizer>(_ optimizer: O) -> String where O.Scalar == S { "\(O.self)" }
  }

  /// The visitor receives the concrete optimizer type.
  @Test func visitorGetsTheConcreteOptimizer() throws {
    let expected = [
      "GradientDescent<Float>", "Momentum<Float>", "Nesterov<Float>", "RMSprop<Float>", "Adam<Float>", "AdamW<Float>",
    ]
    for (kind, name) in zip(OptimizerKind.allCases, expected) {
      #expect(try OptimizerSettings(name: kind.rawValue).accept(Name<Float>()) == name)
    }
    #expect(try OptimizerSettings(name: "adam").accept(Name<Double>()) == "Adam<Double>")
  }

  /// A value that is fine in Double but not in Float is refused when the Float optimizer is built.
  @Test func valuesAreCheckedInTheScalarType() throws {
    let settings = try OptimizerSettings(name: "adam", epsilon: 1e-50)
    let error = #expect(throws: ConfigurationError.self) { try settings.accept(Name<Float>()) }
    #expect(error?.parameter == "epsilon")
    #expect(try settings.accept(Name<Double>()) == "Adam<Double>")
  }

  /// One step over a PReLU network moves W, b and α, and counts t once for each.
  @Test func networkStepUpdatesEveryParameterAndItsState() throws {
    var rng = DefaultGenerator(seed: 3)
    var network = try Network<Double>(
      layerSizes: [3, 4, 1], hiddenActivation: .prelu(initialAlpha: 0.2), output: .sigmoid, initializer: .he,
      using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 8, using: &rng)
    let y = Matrix<Double>(rowMajor: [[0, 1, 1, 0, 1, 0, 0, 1]])
    let optimizer = try Adam<Double>(learningRate: 0.01)
    var state = OptimizerState(for: network, optimizer: optimizer)
    let before = network
    for _ in 0..<2 {
      let gradients = try network.backward(network.forward(x), labels: y)
      network.apply(gradients, optimizer: optimizer, state: &state)
    }
    #expect(network.layers[0].weight != before.layers[0].weight)
    #expect(network.layers[0].bias != before.layers[0].bias)
    #expect(network.layers[0].alpha != before.layers[0].alpha)
    #expect(
      state[layer: 0, parameter: .weight]?.step == 2 && state[layer: 0, parameter: .bias]?.step == 2
        && state[layer: 0, parameter: .alpha]?.step == 2)
    #expect(state[layer: 1, parameter: .weight]?.step == 2 && state[layer: 1, parameter: .alpha] == nil)
    #expect(state[layer: 0, parameter: .alpha]?.firstMoment.shape == Shape(4, 1))
    #expect(state[layer: 0, parameter: .gamma] == nil && state.states[0].count == Parameter.all.count)
  }

  /// Adam lowers the cost on the flower faster than plain gradient descent at the usual rates.
  @Test func adamLearnsTheFlower() throws {
    var rng = NumPyLegacyGenerator(seed: 1)
    let (x, y) = PlanarData.flower(examples: 200, using: &rng, as: Double.self)
    let start = try Network<Double>(
      layerSizes: [2, 6, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .xavier, using: &rng)
    func cost(after optimizer: some Optimizer<Double>, steps: Int) throws -> Double {
      var network = start
      let costs = try Trainer(optimizer: optimizer, iterations: steps).train(&network, x: x, y: y)
      return costs[costs.count - 1]
    }
    let adam = try cost(after: Adam(learningRate: 0.01), steps: 300)
    let sgd = try cost(after: GradientDescent(learningRate: 0.01), steps: 300)
    #expect(adam < 0.8 * sgd)
  }

  /// The settings' cases carry the same defaults as the command line's names
  /// (PyTorch's): `.adam()` is `--optimizer adam` with nothing else given.
  @Test func settingsCasesHaveTheCommandLineDefaults() throws {
    let cases: [(OptimizerSettings, String)] = [
      (.sgd(), "sgd"), (.momentum(), "momentum"), (.nesterov(), "nesterov"), (.rmsprop(), "rmsprop"),
      (.adam(), "adam"), (.adamw(), "adamw"),
    ]
    for (settings, name) in cases {
      #expect(settings == (try OptimizerSettings(name: name)), "\(name)")
    }
    #expect(OptimizerSettings.adam(learningRate: 0.01) == (try OptimizerSettings(name: "adam", learningRate: 0.01)))
  }
}
