/// A fully connected layer l of the notes: parameters W[l], b[l] and the activation g[l].
///
///     Z[l] = W[l]·A[l-1] + b[l]        A[l] = g[l](Z[l])
///
/// `weight` is W[l] with shape (n[l], n[l-1]) and `bias` is b[l] with shape
/// (n[l], 1) — PyTorch's names, the notes' shapes. A batch A[l-1] is
/// (n[l-1], m), one example per column.
///
/// ```swift
/// let layer = try Dense<Double>(weight: w, bias: b, activation: .relu)
/// let cache = try layer.forward(aPrev, layer: 1)           // Z and A, kept for backward
/// let (dAPrev, grads) = try layer.backward(dA, cache: cache, layer: 1)
/// ```
public struct Dense<Scalar: MatrixScalar>: Sendable, Hashable {
  /// W[l], shape (n[l], n[l-1]).
  public var weight: Matrix<Scalar>
  /// b[l], shape (n[l], 1).
  public var bias: Matrix<Scalar>
  /// PReLU's learned slopes α, shape (n[l], 1); nil for every other activation.
  public var alpha: Matrix<Scalar>?
  /// g[l].
  public var activation: ActivationFunction
  /// Batch normalisation between Z[l] and g[l], or nil (see ``BatchNormalization``).
  public var normalization: BatchNormalization<Scalar>?

  /// A layer from its parameters.
  ///
  /// For `.prelu(initialAlpha:)` without `alpha`, α starts at `initialAlpha` for every unit.
  /// - Throws: ``ShapeError`` when b is not (n[l], 1) or α not (n[l], 1).
  public init(
    weight: Matrix<Scalar>, bias: Matrix<Scalar>, alpha: Matrix<Scalar>? = nil,
    activation: ActivationFunction, normalization: BatchNormalization<Scalar>? = nil, layer l: Int = 1
  ) throws(ShapeError) {
    guard bias.shape == Shape(weight.rows, 1) else {
      throw ShapeError(
        "layer \(l): W[\(l)] is \(weight.shape) so b[\(l)] must be (\(weight.rows), 1), got \(bias.shape)")
    }
    var slopes = alpha
    if case .prelu(let initial) = activation {
      let given = slopes ?? Matrix(rows: weight.rows, columns: 1, repeating: Scalar(initial))
      guard given.shape == Shape(weight.rows, 1) else {
        throw ShapeError("layer \(l): PReLU α[\(l)] must be (\(weight.rows), 1), got \(given.shape)")
      }
      slopes = given
    } else if alpha != nil {
      throw ShapeError("layer \(l): α is only a parameter of PReLU layers, not \(activation)")
    }
    self.weight = weight
    self.bias = bias
    if let normalization, normalization.units != weight.rows {
      throw ShapeError(
        "layer \(l): batch normalisation has \(normalization.units) units but W[\(l)] has \(weight.rows)")
    }
    self.alpha = slopes
    self.activation = activation
    self.normalization = normalization
  }

  /// n[l-1], the number of inputs.
  public var inputSize: Int { weight.columns }
  /// n[l], the number of units.
  public var outputSize: Int { weight.rows }
  /// The number of learned scalars: W, b, α, γ and β (every ``Parameter`` the layer has).
  public var parameterCount: Int {
    Parameter.all.reduce(0) { $0 + (self[$1]?.count ?? 0) }
  }

  /// What forward keeps for backward: the course's `cache`.
  public struct Cache: Sendable {
    /// A[l-1], the layer's input.
    public var aPrev: Matrix<Scalar>
    /// Z[l] = W[l]·A[l-1] + b[l].
    public var z: Matrix<Scalar>
    /// A[l] = g[l](Z[l]).
    public var a: Matrix<Scalar>
    /// With batch normalisation: Ẑ and the batch's μ, σ²; `z` then holds Z̃[l], g's input.
    public var normalization: BatchNormalization<Scalar>.Cache?
    /// A dropout mask D[l]/keep for this layer's output (see ``Dropout``), set
    /// before a training forward pass; empty for none.
    public var mask: Matrix<Scalar>
    /// A[l] ⊙ mask, what the next layer sees when there is a mask.
    public var dropped: Matrix<Scalar>

    public init(
      aPrev: Matrix<Scalar> = Matrix(rows: 0, columns: 0), z: Matrix<Scalar> = Matrix(rows: 0, columns: 0),
      a: Matrix<Scalar> = Matrix(rows: 0, columns: 0)
    ) {
      self.aPrev = aPrev
      self.z = z
      self.a = a
      mask = Matrix(rows: 0, columns: 0)
      dropped = Matrix(rows: 0, columns: 0)
    }

    /// Whether a dropout mask applies.
    public var hasMask: Bool { mask.count > 0 }
    /// The layer's output as the next layer sees it: A[l], or A[l] ⊙ D[l]/keep under dropout.
    public var output: Matrix<Scalar> { hasMask ? dropped : a }
  }

  /// The gradients of the cost with respect to the layer's parameters, shaped like them.
  public struct Gradients: Sendable, Hashable {
    /// dW[l] = ∂J/∂W[l], shape (n[l], n[l-1]).
    public var dW: Matrix<Scalar>
    /// db[l] = ∂J/∂b[l], shape (n[l], 1).
    public var db: Matrix<Scalar>
    /// dα[l] = ∂J/∂α[l] for PReLU, shape (n[l], 1).
    public var dAlpha: Matrix<Scalar>?
    /// dγ[l] and dβ[l] with batch normalisation, shape (n[l], 1).
    public var dGamma: Matrix<Scalar>?
    public var dBeta: Matrix<Scalar>?

    /// ‖dW‖² + ‖db‖² (+ ‖dα‖², ‖dγ‖², ‖dβ‖²): every ``Parameter``'s, in that order, accumulated in Double.
    public var squaredNorm: Double {
      var sum = 0.0
      for parameter in Parameter.all {
        if let g = self[parameter] { sum += Kernels.squaredNorm(g) }
      }
      return sum
    }

    /// Every gradient times `factor` (gradient clipping), in place.
    public mutating func scale(by factor: Scalar) {
      for parameter in Parameter.all {
        modify(parameter) { Kernels.scale(&$0, by: factor) }
      }
    }

    public init(
      dW: Matrix<Scalar>, db: Matrix<Scalar>, dAlpha: Matrix<Scalar>? = nil, dGamma: Matrix<Scalar>? = nil,
      dBeta: Matrix<Scalar>? = nil
    ) {
      self.dW = dW
      self.db = db
      self.dAlpha = dAlpha
      self.dGamma = dGamma
      self.dBeta = dBeta
    }
  }

  /// Forward propagation through layer l:
  ///
  ///     Z[l] = W[l]·A[l-1] + b[l]        A[l] = g[l](Z[l])
  ///
  /// - Parameter aPrev: A[l-1], the previous layer's output (X for layer 1), shape (n[l-1], m).
  /// - Parameter l: the layer's number, for error messages.
  /// - Throws: ``ShapeError`` naming the layer and both shapes when A[l-1] does not have n[l-1] rows.
  public func forward(_ aPrev: Matrix<Scalar>, layer l: Int) throws(ShapeError) -> Cache {
    var cache = Cache()
    try forward(aPrev, layer: l, into: &cache)
    return cache
  }

  /// Forward propagation into an existing cache, reusing its buffers.
  ///
  /// - Parameter aPrev: A[l-1], the previous layer's output (X for layer 1), shape (n[l-1], m).
  /// - Parameter l: the layer's number, for error messages.
  /// - Parameter cache: where A[l-1], Z[l], A[l] (and the batch statistics, and A[l] ⊙ D[l]/keep)
  ///   are written for the backward pass; a dropout mask set in it beforehand is applied.
  /// - Parameter training: with batch normalisation, normalise by this batch's
  ///   statistics (true) or the running ones (false); with a mask in the cache,
  ///   apply dropout (training only).
  public func forward(
    _ aPrev: Matrix<Scalar>, layer l: Int, into cache: inout Cache, training: Bool = true
  ) throws(ShapeError) {
    guard aPrev.rows == inputSize else {
      throw ShapeError(
        "layer \(l): W[\(l)] is \(weight.shape) but A[\(l - 1)] is \(aPrev.shape): "
          + "W[\(l)]·A[\(l - 1)] needs A[\(l - 1)] to have \(inputSize) rows")
    }
    cache.aPrev = aPrev
    if let normalization {
      // Z = W·A_prev + b, normalised: Z̃ = γ ⊙ Ẑ (+ β with the activation below)
      var stats = cache.normalization ?? BatchNormalization<Scalar>.Cache()
      cache.normalization = nil  // unique while written
      gemm(weight, aPrev, into: &stats.zHat)
      if training, let synchronization = stats.synchronization {
        // A data-parallel rank: the whole batch's statistics (synchronised batch normalisation).
        Kernels.batchNormalize(
          &stats.zHat, bias: bias, gamma: normalization.gamma, epsilon: normalization.epsilon, scaled: &cache.z,
          mean: &stats.mean, variance: &stats.variance, batch: synchronization.batch, sum: synchronization.sum)
        stats.batchCount = synchronization.batch
      } else if training {
        Kernels.batchNormalize(
          &stats.zHat, bias: bias, gamma: normalization.gamma, epsilon: normalization.epsilon, scaled: &cache.z,
          mean: &stats.mean, variance: &stats.variance)
        stats.batchCount = 0
      } else {
        Kernels.batchNormalizeWithStatistics(
          stats.zHat, bias: bias, gamma: normalization.gamma, mean: normalization.runningMean,
          variance: normalization.runningVariance, epsilon: normalization.epsilon, into: &cache.z)
      }
      cache.normalization = stats
      applyActivation(shift: normalization.beta, into: &cache)
    } else {
      // Z = W·A_prev
      gemm(weight, aPrev, into: &cache.z)
      applyActivation(shift: bias, into: &cache)
    }
    if training && cache.hasMask {
      guard cache.mask.shape == cache.a.shape else {
        throw ShapeError("layer \(l): the dropout mask is \(cache.mask.shape) but A[\(l)] is \(cache.a.shape)")
      }
      // A := A ⊙ D / keep
      Kernels.multiply(cache.a, by: cache.mask, into: &cache.dropped)
    }
  }

  /// Z += shift (b, or β after normalisation);  A = g(Z).
  private func applyActivation(shift bias: Matrix<Scalar>, into cache: inout Cache) {
    // Z += b;  A = g(Z)
    switch activation {
    case .identity: Kernels.biasActivation(z: &cache.z, bias: bias, activation: Identity(), into: &cache.a)
    case .step: Kernels.biasActivation(z: &cache.z, bias: bias, activation: BinaryStep(), into: &cache.a)
    case .sigmoid: Kernels.biasActivation(z: &cache.z, bias: bias, activation: Sigmoid(), into: &cache.a)
    case .tanh: Kernels.biasActivation(z: &cache.z, bias: bias, activation: Tanh(), into: &cache.a)
    case .arctan: Kernels.biasActivation(z: &cache.z, bias: bias, activation: Arctan(), into: &cache.a)
    case .relu: Kernels.biasActivation(z: &cache.z, bias: bias, activation: ReLU(), into: &cache.a)
    case .leakyReLU(let s):
      Kernels.biasActivation(z: &cache.z, bias: bias, activation: LeakyReLU(slope: s), into: &cache.a)
    case .elu(let alpha): Kernels.biasActivation(z: &cache.z, bias: bias, activation: ELU(alpha: alpha), into: &cache.a)
    case .softplus: Kernels.biasActivation(z: &cache.z, bias: bias, activation: SoftPlus(), into: &cache.a)
    case .custom(let g): Kernels.biasActivation(z: &cache.z, bias: bias, activation: g, into: &cache.a)
    case .prelu:
      let slopes = alpha ?? Matrix(rows: outputSize, columns: 1, repeating: Scalar(PReLU.defaultInitialAlpha))
      Kernels.biasPReLU(z: &cache.z, bias: bias, alpha: slopes, into: &cache.a)
    case .softmax: Kernels.biasSoftmax(z: &cache.z, bias: bias, into: &cache.a)
    }
  }

  /// Backward propagation through layer l, from dA[l]:
  ///
  ///     dZ[l] = dA[l] ⊙ g[l]'(Z[l])
  ///
  /// then ``backward(dZ:cache:layer:needsInputGradient:)``.
  ///
  /// - Parameters:
  ///   - dA: ∂L/∂A[l] per example, shape (n[l], m).
  ///   - cache: what ``forward(_:layer:into:training:)`` kept for this layer in a training pass:
  ///     A[l-1], Z[l], A[l], the dropout mask and the batch statistics.
  ///   - l: the layer's number, for error messages.
  ///   - needsInputGradient: false for layer 1, whose dA[0] nobody needs (saves one product).
  /// - Throws: ``ShapeError`` when dA's shape differs from A[l]'s, or for softmax
  ///   (whose gradient is taken with the loss, as dZ[L] = A[L] − Y).
  public func backward(
    _ dA: Matrix<Scalar>, cache: Cache, layer l: Int, needsInputGradient: Bool = true
  ) throws(ShapeError) -> (dAPrev: Matrix<Scalar>?, gradients: Gradients) {
    var dZ = Matrix<Scalar>(rows: 0, columns: 0)
    var gradients = Gradients(dW: Matrix(rows: 0, columns: 0), db: Matrix(rows: 0, columns: 0))
    var dA = dA
    if cache.hasMask { Kernels.multiply(&dA, by: cache.mask) }  // dA := dA ⊙ D / keep
    try activationGradient(dA, cache: cache, layer: l, into: &dZ, dAlpha: &gradients.dAlpha)
    if normalization != nil {
      var dZTilde = dZ
      try normalizationGradient(dZTilde, cache: cache, layer: l, into: &dZ, gradients: &gradients)
      dZTilde = Matrix(rows: 0, columns: 0)
    }
    var dAPrev = Matrix<Scalar>(rows: 0, columns: 0)
    try parameterGradients(
      dZ: dZ, cache: cache, layer: l, into: &gradients, dAPrev: &dAPrev, needsInputGradient: needsInputGradient)
    return (needsInputGradient ? dAPrev : nil, gradients)
  }

  /// Backward propagation through layer l from dZ[l] (the output layer, where
  /// the loss gives dZ[L] = A[L] − Y directly); see
  /// ``parameterGradients(dZ:cache:layer:into:dAPrev:needsInputGradient:)`` for the formulas.
  /// - Throws: ``ShapeError`` when dZ's shape differs from Z[l]'s.
  public func backward(
    dZ: Matrix<Scalar>, cache: Cache, layer l: Int, needsInputGradient: Bool = true
  ) throws(ShapeError) -> (dAPrev: Matrix<Scalar>?, gradients: Gradients) {
    var gradients = Gradients(dW: Matrix(rows: 0, columns: 0), db: Matrix(rows: 0, columns: 0))
    var dAPrev = Matrix<Scalar>(rows: 0, columns: 0)
    try parameterGradients(
      dZ: dZ, cache: cache, layer: l, into: &gradients, dAPrev: &dAPrev, needsInputGradient: needsInputGradient)
    return (needsInputGradient ? dAPrev : nil, gradients)
  }

  /// The step through the activation, into existing buffers:
  ///
  ///     dZ[l] = dA[l] ⊙ g[l]'(Z[l])        (PReLU also: dα[l] = (1/m) Σ_columns dA ⊙ min(Z, 0))
  ///
  /// - Throws: ``ShapeError`` when dA's shape differs from Z[l]'s, or for softmax.
  public func activationGradient(
    _ dA: Matrix<Scalar>, cache: Cache, layer l: Int, into dZ: inout Matrix<Scalar>, dAlpha: inout Matrix<Scalar>?
  ) throws(ShapeError) {
    guard dA.shape == cache.z.shape else {
      throw ShapeError("layer \(l): dA[\(l)] is \(dA.shape) but Z[\(l)] is \(cache.z.shape)")
    }
    let m = Scalar(cache.z.columns)
    // dZ = dA ⊙ g'(Z)
    switch activation {
    case .identity: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: Identity(), into: &dZ)
    case .step: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: BinaryStep(), into: &dZ)
    case .sigmoid: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: Sigmoid(), into: &dZ)
    case .tanh: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: Tanh(), into: &dZ)
    case .arctan: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: Arctan(), into: &dZ)
    case .relu: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: ReLU(), into: &dZ)
    case .leakyReLU(let s):
      Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: LeakyReLU(slope: s), into: &dZ)
    case .elu(let alpha):
      Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: ELU(alpha: alpha), into: &dZ)
    case .softplus: Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: SoftPlus(), into: &dZ)
    case .custom(let g): Kernels.activationGradient(dA: dA, z: cache.z, a: cache.a, activation: g, into: &dZ)
    case .prelu:
      let slopes = alpha ?? Matrix(rows: outputSize, columns: 1, repeating: Scalar(PReLU.defaultInitialAlpha))
      var slopeGradient = dAlpha ?? Matrix(rows: outputSize, columns: 1)
      dAlpha = nil  // keep the buffer uniquely referenced while it is written
      Kernels.preluGradient(dA: dA, z: cache.z, alpha: slopes, scale: 1 / m, into: &dZ, dAlpha: &slopeGradient)
      dAlpha = slopeGradient
    case .softmax:
      throw ShapeError(
        "layer \(l): softmax is an output activation; its gradient is taken with the cross-entropy loss (dZ = A − Y)")
    }
  }

  /// The step back through batch normalisation (see ``BatchNormalization``),
  /// from dZ̃[l] (what ``activationGradient(_:cache:layer:into:dAlpha:)`` gives
  /// when the layer normalises) to dZ[l], with dγ[l] and dβ[l]:
  ///
  ///     dγ = (1/m) Σ dZ̃ ⊙ Ẑ        dβ = (1/m) Σ dZ̃
  ///     dZ = (γ / √(σ² + ε)) ⊙ (dZ̃ − mean(dZ̃) − Ẑ ⊙ mean(dZ̃ ⊙ Ẑ))
  ///
  /// - Throws: ``ShapeError`` when the layer does not normalise or the cache
  ///   comes from an inference pass (no batch statistics).
  public func normalizationGradient(
    _ dZTilde: Matrix<Scalar>, cache: Cache, layer l: Int, into dZ: inout Matrix<Scalar>, gradients: inout Gradients
  ) throws(ShapeError) {
    guard let normalization, let stats = cache.normalization, stats.zHat.shape == dZTilde.shape,
      stats.mean.count == normalization.units
    else {
      throw ShapeError("layer \(l): no batch statistics to take the batch-normalisation gradient through")
    }
    var dGamma = gradients.dGamma ?? Matrix(rows: 0, columns: 0)
    var dBeta = gradients.dBeta ?? Matrix(rows: 0, columns: 0)
    gradients.dGamma = nil  // unique while written
    gradients.dBeta = nil
    if let synchronization = stats.synchronization, stats.batchCount > 0 {
      Kernels.batchNormBackward(
        dScaled: dZTilde, zHat: stats.zHat, gamma: normalization.gamma, variance: stats.variance,
        epsilon: normalization.epsilon, into: &dZ, dGamma: &dGamma, dBeta: &dBeta, batch: stats.batchCount,
        sum: synchronization.sum)
    } else {
      Kernels.batchNormBackward(
        dScaled: dZTilde, zHat: stats.zHat, gamma: normalization.gamma, variance: stats.variance,
        epsilon: normalization.epsilon, into: &dZ, dGamma: &dGamma, dBeta: &dBeta)
    }
    gradients.dGamma = dGamma
    gradients.dBeta = dBeta
  }

  /// The parameter gradients and the gradient passed down, into existing buffers:
  ///
  ///     dW[l] = (1/m) dZ[l]·A[l-1]ᵀ
  ///     db[l] = (1/m) Σ_columns dZ[l]
  ///     dA[l-1] = W[l]ᵀ·dZ[l]
  ///
  /// - Parameters:
  ///   - dZ: dZ[l], shape (n[l], m), the same as Z[l]'s.
  ///   - cache: what ``forward(_:layer:into:training:)`` kept for this layer; its A[l-1] gives dW[l]
  ///     and m.
  ///   - l: the layer's number, for error messages.
  ///   - gradients: where dW[l] and db[l] go (its buffers reused); its dα, dγ, dβ are left alone.
  ///   - dAPrev: where dA[l-1] goes.
  ///   - needsInputGradient: false for layer 1, whose dA[0] nobody needs (`dAPrev` is left alone).
  /// - Throws: ``ShapeError`` when dZ's shape differs from Z[l]'s.
  public func parameterGradients(
    dZ: Matrix<Scalar>, cache: Cache, layer l: Int, into gradients: inout Gradients,
    dAPrev: inout Matrix<Scalar>, needsInputGradient: Bool
  ) throws(ShapeError) {
    guard dZ.shape == cache.z.shape, cache.aPrev.columns == dZ.columns else {
      throw ShapeError("layer \(l): dZ[\(l)] is \(dZ.shape) but Z[\(l)] is \(cache.z.shape)")
    }
    let m = Scalar(dZ.columns)
    // dW = (1/m) dZ·A_prevᵀ
    gemm(dZ, cache.aPrev, transposeB: true, alpha: 1 / m, into: &gradients.dW)
    if normalization != nil {
      // μ absorbs b: db is exactly 0 (Σ_columns dZ is 0 but for rounding, which an adaptive
      // optimizer such as Adam would turn into steps of size α).
      gradients.db.reshape(to: Shape(dZ.rows, 1))
      gradients.db.withUnsafeMutableBufferPointer { db in
        for i in db.indices { db[i] = 0 }
      }
    } else {
      // db = (1/m) Σ_columns dZ
      Kernels.sumColumns(dZ, scale: 1 / m, into: &gradients.db)
    }
    if needsInputGradient {
      // dA_prev = Wᵀ·dZ
      gemm(weight, transposeA: true, dZ, into: &dAPrev)
    }
  }

  /// Inference: A[l] = g[l](W[l]·A[l-1] + b[l]) (normalised by the running
  /// statistics, without dropout), keeping nothing.
  public func callAsFunction(_ aPrev: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
    var cache = Cache()
    try forward(aPrev, layer: 1, into: &cache, training: false)
    return cache.a
  }
}
