extension Kernels {
  /// Batch normalisation of Z = W·A[l-1] + b (n[l], m) in training mode, one
  /// unit (row) at a time over the batch's m columns:
  ///
  ///     μ = (1/m) Σ_columns Z        σ² = (1/m) Σ_columns (Z − μ)²
  ///     Ẑ = (Z − μ) / √(σ² + ε)      Z̃ = γ ⊙ Ẑ        (β is added with the activation)
  ///
  /// `zHat` comes in holding W·A[l-1] (b is added here) and leaves holding Ẑ;
  /// also writes γ ⊙ Ẑ, μ and σ² (biased, as the forward pass uses it).
  @inlinable
  static func batchNormalize<Scalar: MatrixScalar>(
    _ zHat: inout Matrix<Scalar>, bias: Matrix<Scalar>, gamma: Matrix<Scalar>, epsilon: Scalar,
    scaled: inout Matrix<Scalar>, mean: inout Matrix<Scalar>, variance: inout Matrix<Scalar>
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    scaled.reshape(to: zHat.shape)
    mean.reshape(to: Shape(rows, 1))
    variance.reshape(to: Shape(rows, 1))
    let m = Scalar(columns)
    bias.withUnsafeBufferPointer { b in
      gamma.withUnsafeBufferPointer { g in
        mean.withUnsafeMutableBufferPointer { mu in
          variance.withUnsafeMutableBufferPointer { v in
            zHat.withUnsafeMutableBufferPointer { zp in
              scaled.withUnsafeMutableBufferPointer { s in
                for j in 0..<columns { for i in 0..<rows { zp[i + j * rows] += b[i] } }
                for i in 0..<rows { mu[i] = 0; v[i] = 0 }
                for j in 0..<columns { for i in 0..<rows { mu[i] += zp[i + j * rows] } }
                for i in 0..<rows { mu[i] /= m }
                for j in 0..<columns {
                  for i in 0..<rows {
                    let d = zp[i + j * rows] - mu[i]
                    v[i] += d * d
                  }
                }
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
  @inlinable
  static func batchNormBackward<Scalar: MatrixScalar>(
    dScaled: Matrix<Scalar>, zHat: Matrix<Scalar>, gamma: Matrix<Scalar>, variance: Matrix<Scalar>,
    epsilon: Scalar, into dZ: inout Matrix<Scalar>, dGamma: inout Matrix<Scalar>, dBeta: inout Matrix<Scalar>
  ) {
    let (rows, columns) = (zHat.rows, zHat.columns)
    dZ.reshape(to: zHat.shape)
    dGamma.reshape(to: Shape(rows, 1))
    dBeta.reshape(to: Shape(rows, 1))
    let m = Scalar(columns)
    dScaled.withUnsafeBufferPointer { ds in
      zHat.withUnsafeBufferPointer { h in
        gamma.withUnsafeBufferPointer { g in
          variance.withUnsafeBufferPointer { v in
            dGamma.withUnsafeMutableBufferPointer { dg in
              dBeta.withUnsafeMutableBufferPointer { db in
                dZ.withUnsafeMutableBufferPointer { dz in
                  for i in 0..<rows { dg[i] = 0; db[i] = 0 }
                  // Σ dZ̃ ⊙ Ẑ and Σ dZ̃ per unit
                  for j in 0..<columns {
                    for i in 0..<rows {
                      let k = i + j * rows
                      dg[i] += ds[k] * h[k]
                      db[i] += ds[k]
                    }
                  }
                  // mean(dẐ) = γ·Σ dZ̃ / m, mean(dẐ ⊙ Ẑ) = γ·Σ dZ̃ ⊙ Ẑ / m
                  for j in 0..<columns {
                    for i in 0..<rows {
                      let k = i + j * rows
                      let meanD = g[i] * db[i] / m
                      let meanDH = g[i] * dg[i] / m
                      dz[k] = (g[i] * ds[k] - meanD - h[k] * meanDH) / (v[i] + epsilon).squareRoot()
                    }
                  }
                  for i in 0..<rows { dg[i] /= m; db[i] /= m }
                }
              }
            }
          }
        }
      }
    }
  }
}
