/// Batch normalisation of layer l, between Z[l] and g[l] (Ioffe and Szegedy,
/// 2015; the course's week 3 of "Improving Deep Neural Networks"):
///
///     training:   μ = (1/m) Σ Z[l],  σ² = (1/m) Σ (Z[l] − μ)²        (per unit, over the batch)
///                 Ẑ = (Z[l] − μ) / √(σ² + ε)
///                 Z̃[l] = γ[l] ⊙ Ẑ + β[l]          A[l] = g[l](Z̃[l])
///     inference:  μ, σ² are the running averages kept during training
///
/// γ and β, shape (n[l], 1), are learned like W and b (γ starts at 1, β at 0).
/// With normalisation b[l] has no effect in training (μ absorbs it; its
/// gradient is zero), as the course notes, so it stays at its initial value.
/// The running statistics follow PyTorch's `BatchNorm1d`:
///
///     μ_run := momentum·μ_run + (1 − momentum)·μ
///     σ²_run := momentum·σ²_run + (1 − momentum)·σ²·m/(m − 1)     (unbiased)
///
/// The backward pass is written out in ``Kernels`` (`batchNormBackward`):
///
///     dγ = (1/m) Σ dZ̃ ⊙ Ẑ        dβ = (1/m) Σ dZ̃
///     dZ = (γ / √(σ² + ε)) ⊙ (dZ̃ − mean(dZ̃) − Ẑ ⊙ mean(dZ̃ ⊙ Ẑ))
public struct BatchNormalization<Scalar: MatrixScalar>: Sendable, Hashable {
  /// γ[l], the learned scale, (n[l], 1).
  public var gamma: Matrix<Scalar>
  /// β[l], the learned shift, (n[l], 1).
  public var beta: Matrix<Scalar>
  /// The running mean of Z[l], (n[l], 1), used at inference.
  public var runningMean: Matrix<Scalar>
  /// The running (unbiased) variance of Z[l], (n[l], 1), used at inference.
  public var runningVariance: Matrix<Scalar>
  /// ε, added to σ² before the square root.
  public var epsilon: Scalar
  /// How much of the running statistics each batch keeps (PyTorch's `1 − momentum`).
  public var momentum: Scalar

  /// γ = 1, β = 0, running mean 0 and variance 1 for `units` units.
  public init(units: Int, epsilon: Scalar = 1e-5, momentum: Scalar = 0.9) {
    gamma = Matrix(rows: units, columns: 1, repeating: 1)
    beta = Matrix(rows: units, columns: 1)
    runningMean = Matrix(rows: units, columns: 1)
    runningVariance = Matrix(rows: units, columns: 1, repeating: 1)
    self.epsilon = epsilon
    self.momentum = momentum
  }

  /// From stored parameters and statistics.
  /// - Throws: ``ShapeError`` when any of them is not (units, 1), or ``ConfigurationError`` for ε ≤ 0 or a momentum outside [0, 1).
  public init(
    gamma: Matrix<Scalar>, beta: Matrix<Scalar>, runningMean: Matrix<Scalar>, runningVariance: Matrix<Scalar>,
    epsilon: Scalar = 1e-5, momentum: Scalar = 0.9, layer l: Int = 1
  ) throws {
    let shape = Shape(gamma.rows, 1)
    for (name, value) in [
      ("γ", gamma), ("β", beta), ("running mean", runningMean), ("running variance", runningVariance),
    ]
    where value.shape != shape {
      throw ShapeError("layer \(l): batch normalisation's \(name) is \(value.shape); it must be \(shape)")
    }
    guard epsilon > 0, epsilon.isFinite else {
      throw ConfigurationError(parameter: "batch normalisation ε", "\(epsilon) must be positive and finite")
    }
    guard momentum >= 0, momentum < 1 else {
      throw ConfigurationError(parameter: "batch normalisation momentum", "\(momentum) must be in [0, 1)")
    }
    if runningVariance.scalars.contains(where: { !($0 >= 0) }) {
      throw ShapeError("layer \(l): batch normalisation's running variance must be non-negative")
    }
    self.gamma = gamma
    self.beta = beta
    self.runningMean = runningMean
    self.runningVariance = runningVariance
    self.epsilon = epsilon
    self.momentum = momentum
  }

  /// n[l].
  public var units: Int { gamma.rows }

  /// What a training forward pass keeps for backward.
  public struct Cache: Sendable {
    /// Ẑ = (Z − μ) / √(σ² + ε).
    public var zHat = Matrix<Scalar>(rows: 0, columns: 0)
    /// μ of this batch, (n[l], 1).
    public var mean = Matrix<Scalar>(rows: 0, columns: 0)
    /// σ² of this batch (biased), (n[l], 1).
    public var variance = Matrix<Scalar>(rows: 0, columns: 0)
    /// B when the statistics are the whole batch's over every rank of a data-parallel run
    /// (synchronised batch normalisation); 0 when they are this pass's own columns'.
    public internal(set) var batchCount = 0
    /// The all-reduce that makes the statistics the whole batch's, in a data-parallel run.
    var synchronization: BatchStatisticsSum?
    public init() {}
  }

  /// Moves the running statistics towards a training batch's μ and σ² (see the type's notes).
  public mutating func updateRunningStatistics(_ cache: Cache) {
    let m = cache.batchCount > 0 ? cache.batchCount : cache.zHat.columns
    guard m > 0, cache.mean.count == units else { return }
    let correction = m > 1 ? Scalar(m) / Scalar(m - 1) : 1
    let keep = momentum
    runningMean.withUnsafeMutableBufferPointer { rm in
      runningVariance.withUnsafeMutableBufferPointer { rv in
        cache.mean.withUnsafeBufferPointer { mu in
          cache.variance.withUnsafeBufferPointer { v in
            for i in 0..<rm.count {
              rm[i] = keep * rm[i] + (1 - keep) * mu[i]
              rv[i] = keep * rv[i] + (1 - keep) * v[i] * correction
            }
          }
        }
      }
    }
  }
}
