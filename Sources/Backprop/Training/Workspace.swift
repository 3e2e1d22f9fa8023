/// Everything one training step writes — the forward caches, dZ[l], dA[l] and
/// the gradients — kept between steps, so that after the first step a step
/// allocates nothing: every buffer is reused in place.
///
/// ```swift
/// var workspace = Workspace(for: network)
/// for _ in 0..<iterations {
///   try network.forward(x, into: &workspace.pass)
///   try network.backward(labels: y, workspace: &workspace)   // fills workspace.gradients
///   network.apply(workspace.gradients, optimizer: sgd, state: &state)
/// }
/// ```
public struct Workspace<Scalar: MatrixScalar>: Sendable {
  /// The forward caches: A[l-1], Z[l], A[l] per layer.
  public var pass: Network<Scalar>.ForwardPass
  /// dW[l], db[l] (and dα[l]) at index l − 1, after ``Network/backward(labels:workspace:)``.
  public var gradients: [Dense<Scalar>.Gradients]
  /// dZ[l] at index l − 1.
  var dZ: [Matrix<Scalar>]
  /// dA[l] at index l − 1 (for l = 1…L−1; the last slot is unused).
  var dA: [Matrix<Scalar>]
  /// dZ̃[l] at index l − 1, for batch-normalised layers (the gradient at g's input).
  var dZTilde: [Matrix<Scalar>]

  /// dZ[l] after ``Network/backward(labels:weights:l2:workspace:)``: ∂L/∂Z[l] per
  /// example (for a batch-normalised layer, with respect to Z before the normalisation).
  public func outputGradient(layer l: Int) -> Matrix<Scalar> { dZ[l - 1] }

  /// Empty buffers for every layer of `network`; they take their sizes on the first step.
  public init(for network: Network<Scalar>) {
    let depth = network.depth
    let empty = Matrix<Scalar>(rows: 0, columns: 0)
    pass = Network<Scalar>.ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: depth))
    gradients = network.layers.map { layer in
      let normalized = layer.normalization == nil ? nil : empty
      return Dense<Scalar>.Gradients(
        dW: empty, db: empty, dAlpha: layer.alpha == nil ? nil : empty, dGamma: normalized, dBeta: normalized)
    }
    dZ = Array(repeating: empty, count: depth)
    dA = Array(repeating: empty, count: depth)
    dZTilde = Array(repeating: empty, count: depth)
  }
}

extension Network {
  /// Backward propagation into a workspace's buffers, after
  /// ``forward(_:into:training:)`` filled `workspace.pass` (the course's `L_model_backward`):
  ///
  ///     dZ[L] = A[L] − Y                                   (⊙ the example weights, when given)
  ///     for l = L…1:  dW[l] = (1/m) dZ[l]·A[l-1]ᵀ + (λ/m) W[l],  db[l] = (1/m) Σ dZ[l]
  ///                   dA[l-1] = W[l]ᵀ·dZ[l]
  ///                   dA[l-1] := dA[l-1] ⊙ D[l-1] / keep      (dropout, when layer l−1 had a mask)
  ///                   dZ[l-1] = dA[l-1] ⊙ g[l-1]'(Z[l-1])     (through batch normalisation when it has one)
  ///
  /// - Parameters:
  ///   - weights: per-example weights (1, m) of the loss, or nil (all 1).
  ///   - lambda: the L2 strength λ (0: none).
  /// - Throws: ``DataError`` when Y does not fit the output; ``ShapeError`` when the workspace is not this network's.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward(
    labels y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil, l2 lambda: Double = 0, workspace: inout Workspace<Scalar>
  ) throws {
    let L = layers.count
    guard workspace.pass.caches.count == L, workspace.gradients.count == L, workspace.dZTilde.count == L else {
      throw ShapeError("the workspace has \(workspace.pass.caches.count) layers but the network has \(L)")
    }
    let last = workspace.pass.caches[L - 1]
    try output.validate(labels: y, outputUnits: last.a.rows, examples: last.a.columns)
    // dZ[L] = A[L] − Y
    output.outputGradient(a: last.a, y: y, into: &workspace.dZ[L - 1])
    if let weights {
      guard weights.count == last.a.columns else {
        throw DataError("\(weights.count) example weights for \(last.a.columns) examples")
      }
      Kernels.scaleColumns(&workspace.dZ[L - 1], by: weights)
    }
    let m = Scalar(last.a.columns)
    for l in stride(from: L, through: 1, by: -1) {
      let cache = workspace.pass.caches[l - 1]
      if l < L {
        // Dropout: dA[l] := dA[l] ⊙ D[l] / keep
        if cache.hasMask { Kernels.multiply(&workspace.dA[l - 1], by: cache.mask) }
        if layers[l - 1].normalization != nil {
          // dZ̃[l] = dA[l] ⊙ g'(Z̃[l]), then back through the normalisation to dZ[l]
          try layers[l - 1].activationGradient(
            workspace.dA[l - 1], cache: cache, layer: l, into: &workspace.dZTilde[l - 1],
            dAlpha: &workspace.gradients[l - 1].dAlpha)
          try layers[l - 1].normalizationGradient(
            workspace.dZTilde[l - 1], cache: cache, layer: l, into: &workspace.dZ[l - 1],
            gradients: &workspace.gradients[l - 1])
        } else {
          // dZ[l] = dA[l] ⊙ g'(Z[l])
          try layers[l - 1].activationGradient(
            workspace.dA[l - 1], cache: cache, layer: l, into: &workspace.dZ[l - 1],
            dAlpha: &workspace.gradients[l - 1].dAlpha)
        }
      }
      // dW[l], db[l], and dA[l-1] = W[l]ᵀ·dZ[l] (not needed below layer 1)
      var dAPrev = l > 1 ? workspace.dA[l - 2] : Matrix<Scalar>(rows: 0, columns: 0)
      if l > 1 { workspace.dA[l - 2] = Matrix(rows: 0, columns: 0) }  // unique while written
      try layers[l - 1].parameterGradients(
        dZ: workspace.dZ[l - 1], cache: cache, layer: l, into: &workspace.gradients[l - 1], dAPrev: &dAPrev,
        needsInputGradient: l > 1)
      if l > 1 { workspace.dA[l - 2] = dAPrev }
      if lambda != 0 {
        // L2: dW[l] += (λ/m) W[l]
        Kernels.axpy(Scalar(lambda) / m, layers[l - 1].weight, &workspace.gradients[l - 1].dW)
      }
    }
  }
}
