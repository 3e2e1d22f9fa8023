/// An L-layer fully connected network: layers 1…L and the output's loss.
///
///     A[0] = X
///     Z[l] = W[l]·A[l-1] + b[l],   A[l] = g[l](Z[l])        l = 1…L
///     J = (1/m) Σ L(A[L], Y)
///
/// A value type: copying a network copies its parameters (cheaply, on write).
///
/// ```swift
/// var rng = NumPyLegacyGenerator(seed: 1)
/// let net = try Network<Double>(
///   layerSizes: [12288, 20, 7, 5, 1], hiddenActivation: .relu, output: .sigmoid,
///   initializer: .course, using: &rng)
/// let pass = try net.forward(x)                 // caches for every layer
/// let cost = try net.cost(pass, labels: y)
/// let grads = try net.backward(pass, labels: y) // dW[l], db[l] for l = 1…L
/// ```
public struct Network<Scalar: MatrixScalar>: Sendable, Hashable {
  /// Layers 1…L; `layers[l - 1]` is layer l.
  public var layers: [Dense<Scalar>]
  /// The output layer's kind and its loss.
  public var output: Output

  /// A network from layers whose sizes chain: n[l-1] of layer l equals n[l-1] of layer l−1.
  ///
  /// - Throws: ``ShapeError`` naming the first layer that does not fit,
  ///   or ``ConfigurationError`` when the last layer's activation is not the output's.
  public init(layers: [Dense<Scalar>], output: Output) throws {
    guard !layers.isEmpty else { throw ConfigurationError(parameter: "layers", "a network needs at least one layer") }
    for l in 1..<layers.count where layers[l].inputSize != layers[l - 1].outputSize {
      throw ShapeError(
        "layer \(l + 1): W[\(l + 1)] is \(layers[l].weight.shape) but layer \(l) has \(layers[l - 1].outputSize) units")
    }
    guard layers[layers.count - 1].normalization == nil else {
      throw ConfigurationError(
        parameter: "batchNormalization",
        "batch normalisation is for hidden layers; the output layer \(layers.count) cannot have it")
    }
    guard layers[layers.count - 1].activation == output.activation else {
      throw ConfigurationError(
        parameter: "output",
        "the last layer's activation is \(layers[layers.count - 1].activation) but a \(output) output needs \(output.activation)"
      )
    }
    if output == .softmax, layers[layers.count - 1].outputSize < 2 {
      throw ConfigurationError(parameter: "output", "a softmax output needs at least 2 units (classes), got 1")
    }
    self.layers = layers
    self.output = output
  }

  /// A freshly initialised network, the course's `initialize_parameters_deep`.
  ///
  /// - Parameters:
  ///   - layerSizes: n[0], n[1], …, n[L] — the course's `layers_dims`.
  ///   - hiddenActivation: g[l] for l = 1…L−1.
  ///   - output: g[L] and the loss.
  ///   - initializer: how W[l] starts (b[l] = 0).
  ///   - generator: the random source; W1, W2, … are drawn in that order.
  /// - Throws: ``ConfigurationError`` for fewer than two sizes, a size below 1,
  ///   softmax in a hidden layer or with one unit.
  ///
  /// No layer batch-normalises; to batch-normalise every hidden layer, use
  /// ``init(layerSizes:hiddenActivation:output:initializer:batchNormalization:using:)``.
  public init(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output,
    initializer: Initializer, using generator: inout some RandomGenerator
  ) throws {
    try self.init(
      layerSizes: layerSizes, hiddenActivation: hiddenActivation, output: output, initializer: initializer,
      batchNormalization: false, using: &generator)
  }

  /// A freshly initialised network whose hidden layers batch-normalise when
  /// `batchNormalization` is true: every hidden layer, γ = 1, β = 0 (see ``BatchNormalization``);
  /// the output layer never does. The other parameters are as in
  /// ``init(layerSizes:hiddenActivation:output:initializer:using:)``.
  public init(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output,
    initializer: Initializer, batchNormalization: Bool, using generator: inout some RandomGenerator
  ) throws {
    try Self.validate(layerSizes: layerSizes)
    try self.init(
      layerSizes: layerSizes,
      hiddenActivations: Array(repeating: hiddenActivation, count: max(layerSizes.count - 2, 0)), output: output,
      initializer: initializer, batchNormalization: batchNormalization, using: &generator)
  }

  /// A freshly initialised network with its own activation in each hidden layer:
  /// g[l] = `hiddenActivations[l - 1]` for l = 1…L−1, g[L] the output's. W[1], W[2], … are
  /// drawn in that order, as in ``init(layerSizes:hiddenActivation:output:initializer:using:)``,
  /// so one activation repeated gives that initializer's network bit for bit.
  ///
  /// ```swift
  /// var rng = DefaultGenerator(seed: 1)
  /// let net = try Network<Float>(
  ///   layerSizes: [2, 8, 8, 1], hiddenActivations: [.relu, .tanh], output: .sigmoid,
  ///   initializer: .he, batchNormalization: false, using: &rng)
  /// ```
  /// - Parameters:
  ///   - layerSizes: n[0], n[1], …, n[L].
  ///   - hiddenActivations: g[1]…g[L−1], one per hidden layer.
  ///   - output: g[L] and the loss.
  ///   - initializer: how W[l] starts (b[l] = 0).
  ///   - batchNormalization: whether every hidden layer batch-normalises.
  ///   - generator: the random source.
  /// - Throws: ``ConfigurationError`` naming `hiddenActivations` when their number is not L−1 or one
  ///   is softmax, and what ``validate(layerSizes:)`` throws.
  public init(
    layerSizes: [Int], hiddenActivations: [ActivationFunction], output: Output, initializer: Initializer,
    batchNormalization: Bool, using generator: inout some RandomGenerator
  ) throws {
    try Self.validate(layerSizes: layerSizes)
    guard hiddenActivations.count == layerSizes.count - 2 else {
      throw ConfigurationError(
        parameter: "hiddenActivations",
        "\(hiddenActivations.count) activations for \(layerSizes.count - 2) hidden layers; give one per hidden layer")
    }
    if let l = hiddenActivations.firstIndex(of: .softmax) {
      throw ConfigurationError(
        parameter: "hiddenActivations",
        "layer \(l + 1): softmax is an output activation; choose another for hidden layers")
    }
    var layers = [Dense<Scalar>]()
    for l in 1..<layerSizes.count {
      let w: Matrix<Scalar> = initializer.weight(fanOut: layerSizes[l], fanIn: layerSizes[l - 1], using: &generator)
      let b = Matrix<Scalar>(rows: layerSizes[l], columns: 1)
      let g = l == layerSizes.count - 1 ? output.activation : hiddenActivations[l - 1]
      let isHidden = l < layerSizes.count - 1
      let norm = batchNormalization && isHidden ? BatchNormalization<Scalar>(units: layerSizes[l]) : nil
      layers.append(try Dense(weight: w, bias: b, activation: g, normalization: norm, layer: l))
    }
    try self.init(layers: layers, output: output)
  }

  /// Checks a `layers_dims` list: at least n[0] and n[L], every size ≥ 1, and W, b small
  /// enough to fit in memory (``MemoryEstimate``).
  /// - Throws: ``ConfigurationError`` naming `layerSizes`.
  public static func validate(layerSizes: [Int]) throws(ConfigurationError) {
    guard layerSizes.count >= 2 else {
      throw ConfigurationError(
        parameter: "layerSizes", "needs at least two sizes, n0 (inputs) and nL (outputs), got \(layerSizes.count)")
    }
    if let l = layerSizes.firstIndex(where: { $0 < 1 }) {
      throw ConfigurationError(parameter: "layerSizes", "n\(l) is \(layerSizes[l]); every layer needs at least 1 unit")
    }
    // W[l] and b[l] alone must fit (and n[l]·n[l-1] must not overflow) before any is allocated.
    try MemoryEstimate(layerSizes: layerSizes, scalarBytes: MemoryLayout<Scalar>.size)
      .check(parameter: "layerSizes", value: layerSizes.map(String.init).joined(separator: ","))
  }

  /// L, the number of layers with parameters.
  public var depth: Int { layers.count }
  /// n[0], n[1], …, n[L].
  public var layerSizes: [Int] { [layers[0].inputSize] + layers.map(\.outputSize) }
  /// The number of learned scalars.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// Whether any layer batch-normalises.
  public var isBatchNormalized: Bool { layers.contains { $0.normalization != nil } }
}
