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
/// var net = try Network<Double>(
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
    guard !layers.isEmpty else { throw ConfigurationError(option: "layers", "a network needs at least one layer") }
    for l in 1..<layers.count where layers[l].inputSize != layers[l - 1].outputSize {
      throw ShapeError(
        "layer \(l + 1): W[\(l + 1)] is \(layers[l].weight.shape) but layer \(l) has \(layers[l - 1].outputSize) units")
    }
    guard layers[layers.count - 1].normalization == nil else {
      throw ConfigurationError(
        option: "--batch-norm", "batch normalisation is for hidden layers; the output layer \(layers.count) cannot have it")
    }
    guard layers[layers.count - 1].activation == output.activation else {
      throw ConfigurationError(
        option: "--output",
        "the last layer's activation is \(layers[layers.count - 1].activation) but a \(output) output needs \(output.activation)")
    }
    if output == .softmax, layers[layers.count - 1].outputSize < 2 {
      throw ConfigurationError(option: "--output", "a softmax output needs at least 2 units (classes), got 1")
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
  ///   - batchNormalization: batch-normalise every hidden layer (γ = 1, β = 0; see ``BatchNormalization``).
  /// - Throws: ``ConfigurationError`` for fewer than two sizes, a size below 1,
  ///   softmax in a hidden layer or with one unit.
  public init(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output,
    initializer: Initializer, using generator: inout some RandomGenerator
  ) throws {
    try self.init(
      layerSizes: layerSizes, hiddenActivation: hiddenActivation, output: output, initializer: initializer,
      batchNormalization: false, using: &generator)
  }

  /// A freshly initialised network whose hidden layers batch-normalise when
  /// `batchNormalization` is true (see the initializer above for the rest).
  public init(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output,
    initializer: Initializer, batchNormalization: Bool, using generator: inout some RandomGenerator
  ) throws {
    try Self.validate(layerSizes: layerSizes)
    if hiddenActivation == .softmax, layerSizes.count > 2 {
      throw ConfigurationError(option: "--activation", "softmax is an output activation; choose another for hidden layers")
    }
    var layers = [Dense<Scalar>]()
    for l in 1..<layerSizes.count {
      let w: Matrix<Scalar> = initializer.weight(fanOut: layerSizes[l], fanIn: layerSizes[l - 1], using: &generator)
      let b = Matrix<Scalar>(rows: layerSizes[l], columns: 1)
      let g = l == layerSizes.count - 1 ? output.activation : hiddenActivation
      let isHidden = l < layerSizes.count - 1
      let norm = batchNormalization && isHidden ? BatchNormalization<Scalar>(units: layerSizes[l]) : nil
      layers.append(try Dense(weight: w, bias: b, activation: g, normalization: norm, layer: l))
    }
    try self.init(layers: layers, output: output)
  }

  /// Checks a `layers_dims` list: at least n[0] and n[L], every size ≥ 1, and W, b small
  /// enough to fit in memory (``MemoryEstimate``).
  /// - Throws: ``ConfigurationError`` naming `--layers`.
  public static func validate(layerSizes: [Int]) throws(ConfigurationError) {
    guard layerSizes.count >= 2 else {
      throw ConfigurationError(
        option: "--layers", "needs at least two sizes, n0 (inputs) and nL (outputs), got \(layerSizes.count)")
    }
    if let l = layerSizes.firstIndex(where: { $0 < 1 }) {
      throw ConfigurationError(option: "--layers", "n\(l) is \(layerSizes[l]); every layer needs at least 1 unit")
    }
    // W[l] and b[l] alone must fit (and n[l]·n[l-1] must not overflow) before any is allocated.
    try MemoryEstimate(layerSizes: layerSizes, scalarBytes: MemoryLayout<Scalar>.size)
      .check(option: "--layers \(layerSizes.map(String.init).joined(separator: ","))")
  }

  /// L, the number of layers with parameters.
  public var depth: Int { layers.count }
  /// n[0], n[1], …, n[L].
  public var layerSizes: [Int] { [layers[0].inputSize] + layers.map(\.outputSize) }
  /// The number of learned scalars.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// The caches of one forward pass over a batch, layer by layer.
  public struct ForwardPass: Sendable {
    /// `caches[l - 1]` holds A[l-1], Z[l] and A[l].
    public var caches: [Dense<Scalar>.Cache]
    /// A[L], the network's output.
    public var output: Matrix<Scalar> { caches[caches.count - 1].a }
    /// m, the number of examples.
    public var examples: Int { caches[0].aPrev.columns }

    /// Drops the pass's reference to X = A[0] (kept for dW[1] = (1/m) dZ[1]·A[0]ᵀ).
    ///
    /// Call it once backward propagation is done and before the matrix X came from
    /// is refilled in place (the next mini-batch gathered into the same buffer):
    /// while the pass holds X, writing that matrix copies it first (copy on write),
    /// a whole batch allocated and copied for nothing on every step.
    public mutating func releaseInput() {
      guard !caches.isEmpty else { return }
      caches[0].aPrev = Matrix(rows: 0, columns: 0)
    }
  }

  /// Forward propagation, the course's `L_model_forward`: A[0] = X, then each layer in turn.
  /// - Throws: ``ShapeError`` naming the layer when X does not have n[0] rows.
  /// In training mode (batch statistics for batch normalisation); see ``forward(_:training:)``.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(_ x: Matrix<Scalar>) throws(ShapeError) -> ForwardPass {
    try forward(x, training: true)
  }

  /// Forward propagation in training mode (batch normalisation by the batch's
  /// statistics) or inference mode (by the running ones), keeping the caches.
  public func forward(_ x: Matrix<Scalar>, training: Bool) throws(ShapeError) -> ForwardPass {
    var pass = ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: layers.count))
    try forward(x, into: &pass, training: training)
    return pass
  }

  /// Forward propagation reusing the buffers of an earlier pass.
  ///
  /// - Parameter training: true (training): batch normalisation uses the
  ///   batch's statistics and the dropout masks in the caches apply (set them
  ///   with ``Dropout/fillMask(_:rows:columns:rate:using:)``); false
  ///   (inference): the running statistics, no dropout.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(_ x: Matrix<Scalar>, into pass: inout ForwardPass, training: Bool = true) throws(ShapeError) {
    if pass.caches.count != layers.count {
      pass.caches = Array(repeating: Dense<Scalar>.Cache(), count: layers.count)
    }
    // Drop the references the caches hold to each other's A[l] first, so that
    // every buffer is uniquely referenced and is overwritten in place.
    for l in pass.caches.indices { pass.caches[l].aPrev = Matrix(rows: 0, columns: 0) }
    var aPrev = x
    for l in 1...layers.count {
      try layers[l - 1].forward(aPrev, layer: l, into: &pass.caches[l - 1], training: training)
      aPrev = training ? pass.caches[l - 1].output : pass.caches[l - 1].a
    }
  }

  /// A[L] for a batch, keeping no caches: inference (running statistics, no dropout).
  ///
  /// A batch of more than ``inferenceChunk`` examples runs in chunks of that many
  /// columns, reusing one pass's buffers: memory holds X, A[L] and one chunk's
  /// activations, not every layer's Z and A for the whole set (190 MB for
  /// 60,000 MNIST examples through 784-256-128-10; a chunk of 2,048 holds 6.5 MB).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func callAsFunction(_ x: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
    var pass = ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: layers.count))
    let m = x.columns
    guard m > Self.inferenceChunk else {
      try forward(x, into: &pass, training: false)
      return pass.output
    }
    var result = Matrix<Scalar>(rows: 0, columns: 0)
    var chunk = Matrix<Scalar>(rows: 0, columns: 0)
    for start in stride(from: 0, to: m, by: Self.inferenceChunk) {
      let end = min(m, start + Self.inferenceChunk)
      Kernels.copyColumns(x, start..<end, into: &chunk)
      try forward(chunk, into: &pass, training: false)
      let a = pass.output
      if start == 0 { result = Matrix(rows: a.rows, columns: m) }
      Kernels.placeColumns(a, into: &result, at: start)
    }
    return result
  }

  /// The most examples an inference pass (``callAsFunction(_:)``) runs at once.
  public static var inferenceChunk: Int { 2048 }

  /// Moves every batch-normalised layer's running statistics towards the
  /// batch statistics of a training pass (see ``BatchNormalization``).
  public mutating func updateRunningStatistics(from pass: ForwardPass) {
    for l in layers.indices where layers[l].normalization != nil {
      guard l < pass.caches.count, let stats = pass.caches[l].normalization else { continue }
      layers[l].normalization!.updateRunningStatistics(stats)
    }
  }

  /// Whether any layer batch-normalises.
  public var isBatchNormalized: Bool { layers.contains { $0.normalization != nil } }

  /// The cost of a forward pass, the course's `compute_cost` (and
  /// `compute_cost_with_regularization`):
  ///
  ///     J = (1/m) Σ_i w⁽ⁱ⁾ L(A[L]⁽ⁱ⁾, Y⁽ⁱ⁾) + λ/(2m) Σ_l ‖W[l]‖²_F
  ///
  /// with example weights w⁽ⁱ⁾ = 1 unless `weights` (1, m) is given, and λ = `l2`.
  /// - Throws: ``DataError`` when Y does not fit the output (see ``Loss/validate(labels:outputUnits:examples:)``).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func cost(
    _ pass: ForwardPass, labels y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil, l2 lambda: Double = 0
  ) throws(DataError) -> Double {
    let last = pass.caches[pass.caches.count - 1]
    try output.validate(labels: y, outputUnits: last.a.rows, examples: last.a.columns)
    let data = output.cost(z: last.z, a: last.a, y: y, weights: weights)
    return lambda == 0 ? data : data + l2Penalty(lambda, examples: last.a.columns)
  }

  /// The L2 term of the cost, λ/(2m) Σ_l ‖W[l]‖²_F (biases, γ, β and α are not penalised).
  public func l2Penalty(_ lambda: Double, examples m: Int) -> Double {
    lambda / (2 * Double(m)) * layers.reduce(0) { $0 + Kernels.squaredNorm($1.weight) }
  }

  /// Backward propagation, the course's `L_model_backward`:
  ///
  ///     dZ[L] = A[L] − Y
  ///     for l = L…1:  dW[l] = (1/m) dZ[l]·A[l-1]ᵀ,  db[l] = (1/m) Σ dZ[l],  dA[l-1] = W[l]ᵀ·dZ[l]
  ///                   dZ[l-1] = dA[l-1] ⊙ g[l-1]'(Z[l-1])
  ///
  /// - Returns: the gradients of layers 1…L, `gradients[l - 1]` for layer l.
  /// - Throws: ``DataError`` when Y does not fit the output; ``ShapeError`` when the pass is not this network's.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward(
    _ pass: ForwardPass, labels y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil, l2 lambda: Double = 0
  ) throws -> [Dense<Scalar>.Gradients] {
    guard pass.caches.count == layers.count else {
      throw ShapeError("the forward pass has \(pass.caches.count) layers but the network has \(layers.count)")
    }
    var workspace = Workspace(for: self)
    workspace.pass = pass
    try backward(labels: y, weights: weights, l2: lambda, workspace: &workspace)
    return workspace.gradients
  }
}
