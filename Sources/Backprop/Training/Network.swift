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
  /// - Throws: ``ConfigurationError`` for fewer than two sizes, a size below 1,
  ///   softmax in a hidden layer or with one unit.
  public init(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output,
    initializer: Initializer, using generator: inout some RandomGenerator
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
      layers.append(try Dense(weight: w, bias: b, activation: g, layer: l))
    }
    try self.init(layers: layers, output: output)
  }

  /// Checks a `layers_dims` list: at least n[0] and n[L], every size ≥ 1.
  /// - Throws: ``ConfigurationError`` naming `--layers`.
  public static func validate(layerSizes: [Int]) throws(ConfigurationError) {
    guard layerSizes.count >= 2 else {
      throw ConfigurationError(
        option: "--layers", "needs at least two sizes, n0 (inputs) and nL (outputs), got \(layerSizes.count)")
    }
    if let l = layerSizes.firstIndex(where: { $0 < 1 }) {
      throw ConfigurationError(option: "--layers", "n\(l) is \(layerSizes[l]); every layer needs at least 1 unit")
    }
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
  }

  /// Forward propagation, the course's `L_model_forward`: A[0] = X, then each layer in turn.
  /// - Throws: ``ShapeError`` naming the layer when X does not have n[0] rows.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(_ x: Matrix<Scalar>) throws(ShapeError) -> ForwardPass {
    var pass = ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: layers.count))
    try forward(x, into: &pass)
    return pass
  }

  /// Forward propagation reusing the buffers of an earlier pass.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(_ x: Matrix<Scalar>, into pass: inout ForwardPass) throws(ShapeError) {
    if pass.caches.count != layers.count {
      pass.caches = Array(repeating: Dense<Scalar>.Cache(), count: layers.count)
    }
    // Drop the references the caches hold to each other's A[l] first, so that
    // every buffer is uniquely referenced and is overwritten in place.
    for l in pass.caches.indices { pass.caches[l].aPrev = Matrix(rows: 0, columns: 0) }
    var aPrev = x
    for l in 1...layers.count {
      try layers[l - 1].forward(aPrev, layer: l, into: &pass.caches[l - 1])
      aPrev = pass.caches[l - 1].a
    }
  }

  /// A[L] for a batch, keeping no caches: inference.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func callAsFunction(_ x: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
    try forward(x).output
  }

  /// The cost J = (1/m) Σ L(A[L], Y) of a forward pass, the course's `compute_cost`.
  /// - Throws: ``DataError`` when Y does not fit the output (see ``Loss/validate(labels:outputUnits:examples:)``).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func cost(_ pass: ForwardPass, labels y: Matrix<Scalar>) throws(DataError) -> Double {
    let last = pass.caches[pass.caches.count - 1]
    try output.validate(labels: y, outputUnits: last.a.rows, examples: last.a.columns)
    return output.cost(z: last.z, a: last.a, y: y)
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
  public func backward(_ pass: ForwardPass, labels y: Matrix<Scalar>) throws -> [Dense<Scalar>.Gradients] {
    guard pass.caches.count == layers.count else {
      throw ShapeError("the forward pass has \(pass.caches.count) layers but the network has \(layers.count)")
    }
    var workspace = Workspace(for: self)
    workspace.pass = pass
    try backward(labels: y, workspace: &workspace)
    return workspace.gradients
  }
}
