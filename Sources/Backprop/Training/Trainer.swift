/// The notes' training loop, the course's `L_layer_model`: for each iteration,
/// forward propagation, the cost, backward propagation, the update.
///
///     for i in 0..<iterations:
///         A[L], caches = forward(X)
///         J = cost(A[L], Y)
///         grads = backward(A[L], Y, caches)
///         parameters = update(parameters, grads, α)
///
/// Full batch, so the cost reported at iteration i is the cost *before* the
/// i-th update, as in the course.
public struct Trainer<Scalar: MatrixScalar, O: Optimizer>: Sendable where O.Scalar == Scalar {
  /// The update rule.
  public var optimizer: O
  /// How many passes over the batch.
  public var iterations: Int

  /// - Throws: ``ConfigurationError`` naming `iterations` when it is negative, or when the
  ///   cost of every iteration (8 bytes each, see ``MemoryEstimate``) would not fit in memory.
  public init(optimizer: O, iterations: Int) throws(ConfigurationError) {
    guard iterations >= 0 else {
      throw ConfigurationError(parameter: "iterations", "\(iterations) is negative; give 0 or more iterations")
    }
    try MemoryEstimate(layerSizes: [], scalarBytes: MemoryLayout<Scalar>.size, iterations: iterations)
      .check(parameter: "iterations", value: "\(iterations)")
    self.optimizer = optimizer
    self.iterations = iterations
  }

  /// Trains `network` on X (n[0], m) and Y, calling `progress` after each
  /// iteration's cost is known.
  ///
  /// - Parameter network: the network to train, updated in place: W[l], b[l] (and α[l], γ[l],
  ///   β[l]) after the last update.
  /// - Parameter x: X, (n[0], m), one example per column; the whole batch every iteration.
  /// - Parameter y: Y, the labels of the m examples as the output expects.
  /// - Parameter progress: called with (i, J at iteration i); return false to stop early.
  /// - Returns: the cost of every iteration.
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit, ``DivergenceError``
  ///   when the cost becomes NaN or infinite (the network keeps its last finite parameters).
  @discardableResult
  @_specialize(where Scalar == Float, O == GradientDescent<Float>)
  @_specialize(where Scalar == Double, O == GradientDescent<Double>)
  @_specialize(where Scalar == Float, O == Momentum<Float>)
  @_specialize(where Scalar == Double, O == Momentum<Double>)
  @_specialize(where Scalar == Float, O == Nesterov<Float>)
  @_specialize(where Scalar == Double, O == Nesterov<Double>)
  @_specialize(where Scalar == Float, O == RMSprop<Float>)
  @_specialize(where Scalar == Double, O == RMSprop<Double>)
  @_specialize(where Scalar == Float, O == Adam<Float>)
  @_specialize(where Scalar == Double, O == Adam<Double>)
  @_specialize(where Scalar == Float, O == AdamW<Float>)
  @_specialize(where Scalar == Double, O == AdamW<Double>)
  public func train(
    _ network: inout Network<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>,
    progress: (_ iteration: Int, _ cost: Double) -> Bool = { _, _ in true }
  ) throws -> [Double] {
    var state = OptimizerState(for: network, optimizer: optimizer)
    var workspace = Workspace(for: network)
    var costs = [Double]()
    costs.reserveCapacity(iterations)
    for i in 0..<iterations {
      try step(
        &network, x: x, y: y, workspace: &workspace, state: &state,
        cost: { cost in
          guard cost.isFinite else { throw DivergenceError(iteration: i, cost: cost) }
          costs.append(cost)
        })
      if !progress(i, costs[i]) { break }
    }
    return costs
  }
}

extension Trainer {
  /// One iteration of the notes' loop over the full batch, reusing `workspace`
  /// (no allocation after the first call): forward, the cost (handed to `cost`
  /// before anything changes), backward, the update.
  @_specialize(where Scalar == Float, O == GradientDescent<Float>)
  @_specialize(where Scalar == Double, O == GradientDescent<Double>)
  @_specialize(where Scalar == Float, O == Momentum<Float>)
  @_specialize(where Scalar == Double, O == Momentum<Double>)
  @_specialize(where Scalar == Float, O == Nesterov<Float>)
  @_specialize(where Scalar == Double, O == Nesterov<Double>)
  @_specialize(where Scalar == Float, O == RMSprop<Float>)
  @_specialize(where Scalar == Double, O == RMSprop<Double>)
  @_specialize(where Scalar == Float, O == Adam<Float>)
  @_specialize(where Scalar == Double, O == Adam<Double>)
  @_specialize(where Scalar == Float, O == AdamW<Float>)
  @_specialize(where Scalar == Double, O == AdamW<Double>)
  public func step(
    _ network: inout Network<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>, workspace: inout Workspace<Scalar>,
    state: inout OptimizerState<O>, cost report: (Double) throws -> Void = { _ in }
  ) throws {
    try network.forward(x, into: &workspace.pass)
    try report(network.cost(workspace.pass, labels: y))
    try network.backward(labels: y, workspace: &workspace)
    network.apply(workspace.gradients, optimizer: optimizer, state: &state)
  }
}

/// Training stopped because the cost, a gradient or a parameter became NaN or infinite.
public struct DivergenceError: Error, Sendable, CustomStringConvertible {
  /// The iteration (full batch) or epoch − 1 (mini-batches) where it happened, from 0.
  public var iteration: Int
  /// The cost, or the non-finite gradient norm.
  public var cost: Double
  /// The layer whose gradient was not finite (1-based), or nil when it was the cost.
  public var layer: Int?
  /// The step within the epoch (1-based), for mini-batch training.
  public var batch: Int?

  public init(iteration: Int, cost: Double, layer: Int? = nil, batch: Int? = nil) {
    self.iteration = iteration
    self.cost = cost
    self.layer = layer
    self.batch = batch
  }

  public var description: String {
    let when = batch.map { "in epoch \(iteration + 1), batch \($0)" } ?? "at iteration \(iteration)"
    let what =
      layer.map { "the gradient of layer \($0) (dW[\($0)], db[\($0)]) became \(cost)" } ?? "the cost became \(cost)"
    return "\(what) \(when): training diverged; try a lower learning rate (`learningRate`) "
      + "or clip the gradients' norm (`clipNorm`)"
  }
}
