/// Backward propagation, the course's `L_model_backward`:
///
///     dZ[L] = A[L] − Y
///     for l = L…1:  dW[l] = (1/m) dZ[l]·A[l-1]ᵀ,  db[l] = (1/m) Σ_columns dZ[l]
///                   dA[l-1] = W[l]ᵀ·dZ[l]
///                   dZ[l-1] = dA[l-1] ⊙ g[l-1]'(Z[l-1])
///
/// Each layer's step is ``Dense`` (`activationGradient`, `parameterGradients`);
/// this file holds the loop from L down to 1, into a ``Workspace``'s buffers.
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
  ///   - y: Y, the labels of the pass's m examples, fitting the output (see
  ///     ``Loss/validate(labels:outputUnits:examples:)``).
  ///   - weights: per-example weights (1, m) of the loss, or nil (all 1).
  ///   - lambda: the L2 strength λ (0: none).
  ///   - workspace: its `pass` holds the forward caches; dZ[l], dA[l] and the gradients are
  ///     written into its buffers, the gradients of layer l at `workspace.gradients[l - 1]`.
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
