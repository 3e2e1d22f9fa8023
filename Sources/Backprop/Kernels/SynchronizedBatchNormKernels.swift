extension Kernels {
  /// Batch normalisation in training mode when a data-parallel rank holds only part of the batch
  /// (synchronised batch normalisation, as PyTorch's `SyncBatchNorm`): the statistics are the
  /// whole batch's, B examples over every rank, each sum completed by `sum` (an all-reduce):
  ///
  ///     μ = (1/B) Σ_ranks Σ_columns Z        σ² = (1/B) Σ_ranks Σ_columns (Z − μ)²
  ///     Ẑ = (Z − μ) / √(σ² + ε)              Z̃ = γ ⊙ Ẑ
  ///
  /// The same steps as ``batchNormalize(_:bias:gamma:epsilon:scaled:mean:variance:)``, whose
  /// arguments these are; `sum` replaces each of the n[l] partial sums by its total over the ranks.
  @inlinable
  static func batchNormalizeSynchronized<Scalar: MatrixScalar>(
    _ zHat: inout Matrix<Scalar>, bias: Matrix<Scalar>, gamma: Matrix<Scalar>, epsilon: Scalar,
    scaled: inout Matrix<Scalar>, mean: inout Matrix<Scalar>, variance: inout Matrix<Scalar>, batch: Int,
    sum: (UnsafeMutableBufferPointer<Scalar>) -> Void
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    scaled.reshape(to: zHat.shape)
    mean.reshape(to: Shape(rows, 1))
    variance.reshape(to: Shape(rows, 1))
    let m = Scalar(batch)
    bias.withUnsafeBufferPointer { b in
      gamma.withUnsafeBufferPointer { g in
        mean.withUnsafeMutableBufferPointer { mu in
          variance.withUnsafeMutableBufferPointer { v in
            zHat.withUnsafeMutableBufferPointer { zp in
              scaled.withUnsafeMutableBufferPointer { s in
                for j in 0..<columns { for i in 0..<rows { zp[i + j * rows] += b[i] } }
                for i in 0..<rows { mu[i] = 0; v[i] = 0 }
                for j in 0..<columns { for i in 0..<rows { mu[i] += zp[i + j * rows] } }
                sum(mu)
                for i in 0..<rows { mu[i] /= m }
                for j in 0..<columns {
                  for i in 0..<rows {
                    let d = zp[i + j * rows] - mu[i]
                    v[i] += d * d
                  }
                }
                sum(v)
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

  /// The backward step through synchronised batch normalisation, for this rank's m_r columns of a
  /// batch of B over every rank. The two sums per unit are the whole batch's (completed by `sum`):
  ///
  ///     Σ dZ̃ ⊙ Ẑ,  Σ dZ̃                     (over every rank's columns)
  ///     dZ = (1/√(σ² + ε)) ⊙ (γ ⊙ dZ̃ − γ·Σ dZ̃ / B − Ẑ ⊙ γ·Σ(dZ̃ ⊙ Ẑ) / B)
  ///
  /// while dγ and dβ are left as this rank's own means, (1/m_r) Σ_columns dZ̃ ⊙ Ẑ and
  /// (1/m_r) Σ_columns dZ̃, like every other parameter gradient of a rank: the step's all-reduce
  /// weights them by m_r / B and sums them into the whole batch's.
  @inlinable
  static func batchNormBackwardSynchronized<Scalar: MatrixScalar>(
    dScaled: Matrix<Scalar>, zHat: Matrix<Scalar>, gamma: Matrix<Scalar>, variance: Matrix<Scalar>,
    epsilon: Scalar, batch: Int, into dZ: inout Matrix<Scalar>, dGamma: inout Matrix<Scalar>,
    dBeta: inout Matrix<Scalar>, sum: (UnsafeMutableBufferPointer<Scalar>) -> Void
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    dZ.reshape(to: zHat.shape)
    dGamma.reshape(to: Shape(rows, 1))
    dBeta.reshape(to: Shape(rows, 1))
    let m = Scalar(batch)
    let local = Scalar(max(columns, 1))
    // This rank's Σ dZ̃ ⊙ Ẑ, then Σ dZ̃: one buffer, one all-reduce.
    var sums = [Scalar](repeating: 0, count: 2 * rows)
    dScaled.withUnsafeBufferPointer { ds in
      zHat.withUnsafeBufferPointer { h in
        gamma.withUnsafeBufferPointer { g in
          variance.withUnsafeBufferPointer { v in
            dGamma.withUnsafeMutableBufferPointer { dg in
              dBeta.withUnsafeMutableBufferPointer { db in
                dZ.withUnsafeMutableBufferPointer { dz in
                  sums.withUnsafeMutableBufferPointer { total in
                    for j in 0..<columns {
                      for i in 0..<rows {
                        let k = i + j * rows
                        total[i] += ds[k] * h[k]
                        total[rows + i] += ds[k]
                      }
                    }
                    for i in 0..<rows {
                      dg[i] = total[i] / local
                      db[i] = total[rows + i] / local
                    }
                    sum(total)
                    for j in 0..<columns {
                      for i in 0..<rows {
                        let k = i + j * rows
                        let meanD = g[i] * total[rows + i] / m
                        let meanDH = g[i] * total[i] / m
                        dz[k] = (g[i] * ds[k] - meanD - h[k] * meanDH) / (v[i] + epsilon).squareRoot()
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
  }
}
