/// The output taken from the last layer: `.dense(10, .softmax)` last means a softmax
/// output with cross-entropy, so it need not be said twice.
extension Network {
  /// A freshly initialised network from layer specs, its output (g[L] and the loss)
  /// the last layer's activation (see ``Output/init(lastActivation:)``).
  ///
  /// ```swift
  /// var rng = DefaultGenerator(seed: 1)
  /// let network = try Network<Float>(inputs: 784, layers: [.dense(128), .dense(10, .softmax)], using: &rng)
  /// ```
  /// - Parameters:
  ///   - inputs: n[0].
  ///   - specs: layers 1…L; layer L's activation is sigmoid, softmax or identity.
  ///   - initializer: how each W[l] starts (b[l] = 0; γ = 1, β = 0).
  ///   - generator: the random source; W1, W2, … are drawn in that order.
  /// - Throws: ``ConfigurationError`` when there are no layers or the last one's
  ///   activation is no output's, and what ``init(inputs:layers:output:initializer:using:)`` throws.
  public init(
    inputs: Int, layers specs: [LayerSpec], initializer: Initializer = .he,
    using generator: inout some RandomGenerator
  ) throws {
    guard let last = specs.last else {
      throw ConfigurationError(parameter: "layers", "a network needs at least one layer")
    }
    try self.init(
      inputs: inputs, layers: specs, output: Output(lastActivation: last.activation), initializer: initializer,
      using: &generator)
  }
}

extension Model {
  /// A freshly initialised model from layer specs, its output the last layer's
  /// activation, with no preprocessing yet.
  ///
  /// ```swift
  /// var model = try Model<Float>(inputs: 64, layers: [.dense(128, .relu), .dense(10, .softmax)])
  /// ```
  /// - Parameters:
  ///   - inputs: n[0].
  ///   - layers: layers 1…L; layer L's activation is sigmoid, softmax or identity.
  ///   - initializer: how each W[l] starts.
  ///   - seed: seeds ``DefaultGenerator`` for the initial W[l].
  /// - Throws: see ``Network/init(inputs:layers:initializer:using:)``.
  public init(inputs: Int, layers: [LayerSpec], initializer: Initializer = .he, seed: UInt64 = 1) throws {
    var generator = DefaultGenerator(seed: seed)
    self.init(network: try Network(inputs: inputs, layers: layers, initializer: initializer, using: &generator))
  }
}
