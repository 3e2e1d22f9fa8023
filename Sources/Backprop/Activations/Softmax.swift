import RealModule

/// Softmax over each column (example), for a multi-class output layer.
///
///     g(z)ₖ = e^(zₖ) / Σⱼ e^(zⱼ)
///
/// Computed as e^(zₖ − max z) / Σⱼ e^(zⱼ − max z), which never overflows.
/// Softmax is not elementwise: its derivative is the Jacobian
/// diag(a) − a·aᵀ. Backprop uses it only in the output layer paired with
/// cross-entropy, where the Jacobian and the loss's derivative collapse to the
/// notes' dZ[L] = A[L] − Y (see ``SoftmaxCrossEntropy``).
public enum Softmax {
  /// The stable log-sum-exp of one column, log Σⱼ e^(zⱼ).
  @inlinable public static func logSumExp<Scalar: MatrixScalar>(_ z: UnsafeBufferPointer<Scalar>) -> Scalar {
    var maximum = -Scalar.infinity
    for v in z where v > maximum { maximum = v }
    if !maximum.isFinite { return maximum }
    var sum: Scalar = 0
    for v in z { sum += Scalar.exp(v - maximum) }
    return maximum + Scalar.log(sum)
  }

  /// The forward step of a softmax output for one example (one column of Z[L]
  /// and A[L], `count` = n[L] values each):
  ///
  ///     aₖ = e^(zₖ − max z) / Σⱼ e^(zⱼ − max z)
  ///
  /// `Kernels.biasSoftmax(z:bias:into:)` runs it on every column, after
  /// adding b[L], over the worker pool.
  @inlinable @inline(__always)
  static func forward<Scalar: MatrixScalar>(
    _ z: UnsafePointer<Scalar>, into a: UnsafeMutablePointer<Scalar>, count: Int
  ) {
    var maximum = -Scalar.infinity
    for i in 0..<count { maximum = Swift.max(maximum, z[i]) }
    for i in 0..<count { a[i] = z[i] - maximum }
    Kernels.exponentiate(a, count: count)
    var sum: Scalar = 0
    for i in 0..<count { sum += a[i] }
    let inverse = 1 / sum
    for i in 0..<count { a[i] *= inverse }
  }
}
