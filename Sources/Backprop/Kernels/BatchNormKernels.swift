extension Kernels {
  /// Batch normalisation of Z = W·A[l-1] + b (n[l], m) in training mode, one
  /// unit (row) at a time over the batch's m columns:
  ///
  ///     μ = (1/m) Σ_columns Z        σ² = (1/m) Σ_columns (Z − μ)²
  ///     Ẑ = (Z − μ) / √(σ² + ε)      Z̃ = γ ⊙ Ẑ        (β is added with the activation)
  ///
  /// `zHat` comes in holding W·A[l-1] (b is added here) and leaves holding Ẑ;
  /// also writes γ ⊙ Ẑ, μ and σ² (biased, as the forward pass uses it).
  ///
  /// In a data-parallel run (synchronised batch normalisation, as PyTorch's `SyncBatchNorm`) a
  /// rank holds only part of the batch: `sum` completes each of the n[l] partial sums (Σ Z, then
  /// Σ (Z − μ)²) over every rank by an all-reduce, and `batch` is B, the whole batch's examples,
  /// so that μ and σ² are the whole batch's.
  @inlinable
  static func batchNormalize<Scalar: MatrixScalar>(
    _ zHat: inout Matrix<Scalar>, bias: Matrix<Scalar>, gamma: Matrix<Scalar>, epsilon: Scalar,
    scaled: inout Matrix<Scalar>, mean: inout Matrix<Scalar>, variance: inout Matrix<Scalar>, batch: Int? = nil,
    sum: ((UnsafeMutableBufferPointer<Scalar>) -> Void)? = nil
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    scaled.reshape(to: zHat.shape)
    mean.reshape(to: Shape(rows, 1))
    variance.reshape(to: Shape(rows, 1))
    let m = Scalar(batch ?? columns)
    bias.withUnsafeBufferPointer { b in
      gamma.withUnsafeBufferPointer { g in
        mean.withUnsafeMutableBufferPointer { mu in
          variance.withUnsafeMutableBufferPointer { v in
            zHat.withUnsafeMutableBufferPointer { zp in
              scaled.withUnsafeMutableBufferPointer { s in
                for j in 0..<columns { for i in 0..<rows { zp[i + j * rows] += b[i] } }
                for i in 0..<rows { mu[i] = 0; v[i] = 0 }
                for j in 0..<columns { for i in 0..<rows { mu[i] += zp[i + j * rows] } }
                sum?(mu)
                for i in 0..<rows { mu[i] /= m }
                for j in 0..<columns {
                  for i in 0..<rows {
                    let d = zp[i + j * rows] - mu[i]
                    v[i] += d * d
                  }
                }
                sum?(v)
                for i in 0..<rows { v[i] /= m }
                for j in 0..<columns {
                  for i in 0..<rows {
                    let k = i + j * rows
                    zp[k] = (zp[k] - mu[i]) / (v[i] + epsilon).squareRoot()
                    s[k] = g[i] * zp[k]
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Batch normalisation at inference, with the running statistics:
  /// Z̃ = γ ⊙ (W·A[l-1] + b − μ_running) / √(σ²_running + ε)  (β is added with the activation).
  @inlinable
  static func batchNormalizeWithStatistics<Scalar: MatrixScalar>(
    _ z: Matrix<Scalar>, bias: Matrix<Scalar>, gamma: Matrix<Scalar>, mean: Matrix<Scalar>,
    variance: Matrix<Scalar>, epsilon: Scalar, into scaled: inout Matrix<Scalar>
  ) {
    let (rows, columns) = (z.rows, z.columns)
    scaled.reshape(to: z.shape)
    bias.withUnsafeBufferPointer { b in
      z.withUnsafeBufferPointer { zp in
        gamma.withUnsafeBufferPointer { g in
          mean.withUnsafeBufferPointer { mu in
            variance.withUnsafeBufferPointer { v in
              scaled.withUnsafeMutableBufferPointer { s in
                for j in 0..<columns {
                  for i in 0..<rows {
                    let k = i + j * rows
                    s[k] = g[i] * (zp[k] + b[i] - mu[i]) / (v[i] + epsilon).squareRoot()
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The backward step through batch normalisation, per example (the layers
  /// apply 1/m to parameter gradients), from dZ̃ = ∂L/∂Z̃:
  ///
  ///     dγ = (1/m) Σ_columns dZ̃ ⊙ Ẑ        dβ = (1/m) Σ_columns dZ̃
  ///     dẐ = γ ⊙ dZ̃
  ///     dZ = (1/√(σ² + ε)) ⊙ (dẐ − mean_columns(dẐ) − Ẑ ⊙ mean_columns(dẐ ⊙ Ẑ))
  ///
  /// Synchronised (a data-parallel rank with m_r of the batch's B columns, see
  /// ``batchNormalize(_:bias:gamma:epsilon:scaled:mean:variance:batch:sum:)``): the two sums of
  /// dZ are the whole batch's (`sum` completes them, in one buffer) and the means divide by B,
  /// while dγ and dβ stay this rank's own means over its m_r columns, like every other parameter
  /// gradient of a rank (the step's all-reduce weights them by m_r / B and sums them).
  @inlinable
  static func batchNormBackward<Scalar: MatrixScalar>(
    dScaled: Matrix<Scalar>, zHat: Matrix<Scalar>, gamma: Matrix<Scalar>, variance: Matrix<Scalar>,
    epsilon: Scalar, into dZ: inout Matrix<Scalar>, dGamma: inout Matrix<Scalar>, dBeta: inout Matrix<Scalar>,
    batch: Int? = nil, sum: ((UnsafeMutableBufferPointer<Scalar>) -> Void)? = nil
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    dZ.reshape(to: zHat.shape)
    dGamma.reshape(to: Shape(rows, 1))
    dBeta.reshape(to: Shape(rows, 1))
    let m = Scalar(batch ?? columns)
    let local = Scalar(columns)
    // The whole batch's Σ dZ̃ ⊙ Ẑ then Σ dZ̃, one buffer for one all-reduce (synchronised only).
    var totals = sum == nil ? [] : [Scalar](repeating: 0, count: 2 * rows)
    dScaled.withUnsafeBufferPointer { ds in
      zHat.withUnsafeBufferPointer { h in
        gamma.withUnsafeBufferPointer { g in
          variance.withUnsafeBufferPointer { v in
            dGamma.withUnsafeMutableBufferPointer { dg in
              dBeta.withUnsafeMutableBufferPointer { db in
                dZ.withUnsafeMutableBufferPointer { dz in
                  totals.withUnsafeMutableBufferPointer { total in
                    for i in 0..<rows { dg[i] = 0; db[i] = 0 }
                    // Σ dZ̃ ⊙ Ẑ and Σ dZ̃ per unit
                    for j in 0..<columns {
                      for i in 0..<rows {
                        let k = i + j * rows
                        dg[i] += ds[k] * h[k]
                        db[i] += ds[k]
                      }
                    }
                    if let sum {
                      for i in 0..<rows {
                        total[i] = dg[i]
                        total[rows + i] = db[i]
                      }
                      sum(total)
                    }
                    // mean(dẐ) = γ·Σ dZ̃ / m, mean(dẐ ⊙ Ẑ) = γ·Σ dZ̃ ⊙ Ẑ / m
                    for j in 0..<columns {
                      for i in 0..<rows {
                        let k = i + j * rows
                        let sumDH = sum == nil ? dg[i] : total[i]
                        let sumD = sum == nil ? db[i] : total[rows + i]
                        let meanD = g[i] * sumD / m
                        let meanDH = g[i] * sumDH / m
                        dz[k] = (g[i] * ds[k] - meanD - h[k] * meanDH) / (v[i] + epsilon).squareRoot()
                      }
                    }
                    for i in 0..<rows { dg[i] /= local; db[i] /= local }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
