/// Forward propagation, the course's `L_model_forward`:
///
///     A[0] = X
///     for l = 1…L:  Z[l] = W[l]·A[l-1] + b[l],   A[l] = g[l](Z[l])
///
/// Each layer's step is ``Dense/forward(_:layer:into:training:)``; this file holds
/// the loop over the layers, its caches (``Network/ForwardPass``) and inference.
extension Network {
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
  /// - Parameter x: X = A[0], (n[0], m), one example per column.
  /// - Parameter pass: the caches to write, layer l's A[l-1], Z[l], A[l] at `pass.caches[l - 1]`;
  ///   given any other number of caches than L, it starts from fresh ones.
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

  /// The most examples an inference pass (``callAsFunction(_:)-(Matrix<Scalar>)``) runs at once.
  public static var inferenceChunk: Int { 2048 }

  /// Moves every batch-normalised layer's running statistics towards the
  /// batch statistics of a training pass (see ``BatchNormalization``).
  public mutating func updateRunningStatistics(from pass: ForwardPass) {
    for l in layers.indices where layers[l].normalization != nil {
      guard l < pass.caches.count, let stats = pass.caches[l].normalization else { continue }
      layers[l].normalization!.updateRunningStatistics(stats)
    }
  }
}
