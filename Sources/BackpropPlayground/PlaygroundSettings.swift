import Backprop

/// What the page asks for: the data, the network and the training, as it sends them (JSON).
/// Every field may be left out (its default is taken); ``validated()`` checks them all.
public struct PlaygroundSettings: Sendable, Hashable, Codable {
  /// A hidden layer: n[l] and the name of g[l].
  public struct Layer: Sendable, Hashable, Codable {
    /// n[l].
    public var units: Int
    /// g[l]'s name, as `--activation` takes it.
    public var activation: String

    /// - Parameters:
    ///   - units: n[l].
    ///   - activation: g[l]'s name.
    public init(units: Int, activation: String) {
      self.units = units
      self.activation = activation
    }
  }

  /// The data set: flower, spiral, circles, xor, gaussians or regression.
  public var dataset = "spiral"
  /// How far the points stray from the clean shape, 0…1.
  public var noise = 0.1
  /// The fraction of the examples trained on; the rest is the test set.
  public var trainRatio = 0.7
  /// The run's seed: the data, the split, the initial W[l] and the shuffles.
  public var seed: UInt64 = 1
  /// m, the examples generated.
  public var examples = 300
  /// The rows of X: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).
  public var features = ["x1", "x2"]
  /// The hidden layers 1…L−1.
  public var layers = [Layer(units: 8, activation: "tanh"), Layer(units: 8, activation: "tanh")]
  /// The output: sigmoid, softmax or identity (regression).
  public var output = "softmax"
  /// How W[l] starts: course, small, he, xavier, lecun.
  public var initializer = "xavier"
  /// The update rule: sgd, momentum, nesterov, rmsprop, adam, adamw.
  public var optimizer = "adam"
  /// α.
  public var learningRate = 0.03
  /// λ of L2 regularisation.
  public var l2 = 0.0
  /// The dropout rate of every hidden layer.
  public var dropout = 0.0
  /// The mini-batch size.
  public var batchSize = 32

  /// The page's first settings: the spiral, 2-8-8-2 tanh with a softmax, Adam.
  public init() {}

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = PlaygroundSettings()
    dataset = try c.decodeIfPresent(String.self, forKey: .dataset) ?? defaults.dataset
    noise = try c.decodeIfPresent(Double.self, forKey: .noise) ?? defaults.noise
    trainRatio = try c.decodeIfPresent(Double.self, forKey: .trainRatio) ?? defaults.trainRatio
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
    examples = try c.decodeIfPresent(Int.self, forKey: .examples) ?? defaults.examples
    features = try c.decodeIfPresent([String].self, forKey: .features) ?? defaults.features
    layers = try c.decodeIfPresent([Layer].self, forKey: .layers) ?? defaults.layers
    output = try c.decodeIfPresent(String.self, forKey: .output) ?? defaults.output
    initializer = try c.decodeIfPresent(String.self, forKey: .initializer) ?? defaults.initializer
    optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer) ?? defaults.optimizer
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? defaults.learningRate
    l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? defaults.l2
    dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? defaults.dropout
    batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
  }

  /// The most hidden layers the page may ask for.
  public static let maximumLayers = 8
  /// The most units a hidden layer may have.
  public static let maximumUnits = 16
  /// The most examples the page may generate.
  public static let maximumExamples = 2_000

  /// The settings checked and turned into the library's values.
  /// - Throws: ``PlaygroundError`` naming the setting and saying what would do.
  public func validated() throws(PlaygroundError) -> PlaygroundConfiguration {
    guard let kind = SyntheticData.Kind(rawValue: dataset) else {
      throw PlaygroundError(
        "unknown data set '\(dataset)'; choose \(SyntheticData.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard examples >= 4, examples <= Self.maximumExamples, examples % 2 == 0 else {
      throw PlaygroundError("examples \(examples): give an even number from 4 to \(Self.maximumExamples)")
    }
    guard trainRatio.isFinite, trainRatio >= 0.1, trainRatio <= 0.9 else {
      throw PlaygroundError("train ratio \(trainRatio): give a fraction from 0.1 to 0.9")
    }
    let parsedFeatures: [SyntheticData.Feature]
    let data: SyntheticData
    do {
      parsedFeatures = try SyntheticData.features(parsing: features.joined(separator: ","))
      data = try SyntheticData(kind: kind, examples: examples, noise: noise, features: parsedFeatures)
    } catch {
      throw PlaygroundError("\(error.parameter) \(error.problem)")
    }
    guard layers.count <= Self.maximumLayers else {
      throw PlaygroundError("\(layers.count) hidden layers: at most \(Self.maximumLayers)")
    }
    var activations = [ActivationFunction]()
    for (index, layer) in layers.enumerated() {
      let l = index + 1
      guard layer.units >= 1, layer.units <= Self.maximumUnits else {
        throw PlaygroundError("layer \(l) has \(layer.units) units: give 1 to \(Self.maximumUnits)")
      }
      guard ActivationFunction.hiddenLayerNames.contains(where: { layer.activation.hasPrefix($0) }),
        let g = try? ActivationFunction(name: layer.activation), g != .softmax
      else {
        throw PlaygroundError(
          "layer \(l): unknown activation '\(layer.activation)'; choose "
            + ActivationFunction.hiddenLayerNames.joined(separator: ", "))
      }
      activations.append(g)
    }
    let outputFunction: Output
    do { outputFunction = try Output(name: output) } catch {
      throw PlaygroundError("unknown output '\(output)'; choose sigmoid, softmax or identity")
    }
    if kind.isRegression != (outputFunction == .identity) {
      throw PlaygroundError(
        kind.isRegression
          ? "the regression data set needs the identity output (real targets)"
          : "the \(dataset) data set has classes: choose the sigmoid or softmax output")
    }
    guard let start = Initializer(rawValue: initializer) else {
      throw PlaygroundError(
        "unknown initializer '\(initializer)'; choose \(Initializer.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard learningRate.isFinite, learningRate > 0, learningRate <= 10 else {
      throw PlaygroundError("learning rate \(learningRate): give a number above 0 and at most 10")
    }
    let update: OptimizerSettings
    do { update = try OptimizerSettings(name: optimizer, learningRate: learningRate) } catch {
      throw PlaygroundError(error.problem)
    }
    guard l2.isFinite, l2 >= 0, l2 <= 10 else { throw PlaygroundError("L2 λ \(l2): give a number from 0 to 10") }
    guard dropout.isFinite, dropout >= 0, dropout < 1 else {
      throw PlaygroundError("dropout \(dropout): give a rate from 0 to below 1")
    }
    if dropout > 0 && layers.isEmpty { throw PlaygroundError("dropout needs a hidden layer: add one, or set it to 0") }
    guard batchSize >= 1, batchSize <= 10_000 else {
      throw PlaygroundError("batch size \(batchSize): give 1 to 10,000")
    }
    let outputUnits = outputFunction == .softmax ? 2 : 1
    return PlaygroundConfiguration(
      settings: self, data: data, testSplit: (100 - (trainRatio * 100).rounded()) / 100,
      layerSizes: [parsedFeatures.count] + layers.map(\.units) + [outputUnits], hiddenActivations: activations,
      output: outputFunction, initializer: start, optimizer: update)
  }
}

/// A request the playground cannot carry out, with what to do instead: shown on the page.
public struct PlaygroundError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The message, naming the setting.
  public var message: String

  /// - Parameter message: the message, naming the setting.
  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// Valid settings as the library's values: what a playground run and its `backprop train`
/// command are made of.
public struct PlaygroundConfiguration: Sendable, Hashable {
  /// The settings they come from (as validated).
  public var settings: PlaygroundSettings
  /// The generator of the examples.
  public var data: SyntheticData
  /// The test set's fraction of the examples (`--test-split`).
  public var testSplit: Double
  /// n[0], n[1], …, n[L].
  public var layerSizes: [Int]
  /// g[1]…g[L−1].
  public var hiddenActivations: [ActivationFunction]
  /// g[L] and the loss.
  public var output: Output
  /// How W[l] starts.
  public var initializer: Initializer
  /// The update rule with α.
  public var optimizer: OptimizerSettings

  /// The fit's options: shuffled mini-batches seeded by the run's seed, λ and the dropout rate;
  /// `epochs` only bounds the run (the playground stops it itself).
  /// - Parameter epochs: the last epoch the fit may reach.
  /// - Throws: `ConfigurationError` for options the library refuses.
  public func fitOptions(epochs: Int) throws -> FitOptions {
    var options = try FitOptions(epochs: epochs, batchSize: settings.batchSize)
    options.shuffle = true
    options.seed = settings.seed
    options.l2 = settings.l2
    options.dropout = settings.dropout > 0 ? [settings.dropout] : []
    try options.validate(hiddenLayers: layerSizes.count - 2)
    return options
  }
}
