import RealModule

extension Kernels {
  /// The fused forward tail of a dense layer (Flux's `bias_act!`):
  ///
  ///     Z ← Z + b   (b broadcast over the columns)      A ← g(Z)
  ///
  /// One pass over Z, specialised for the activation type `G`.
  /// - Precondition: `bias` is (rows of Z, 1).
  @inlinable
  public static func biasActivation<Scalar: MatrixScalar, G: Activation>(
    z: inout Matrix<Scalar>, bias: Matrix<Scalar>, activation g: G, into a: inout Matrix<Scalar>
  ) {
    precondition(bias.rows == z.rows && bias.columns == 1, "bias \(bias.shape) does not fit Z \(z.shape)")
    a.reshape(to: z.shape)
    let rows = z.rows
    let columns = z.columns
    bias.withUnsafeBufferPointer { b in
      z.withUnsafeMutableBufferPointer { zp in
        a.withUnsafeMutableBufferPointer { ap in
          // Large batches are split by columns across threads.
          forEachRange(count: columns, cost: rows) { range in
            for j in range {
              let offset = j * rows
              for i in 0..<rows {
                let value = zp[offset + i] + b[i]
                zp[offset + i] = value
                ap[offset + i] = g(value)
              }
            }
          }
        }
      }
    }
  }

  /// The fused forward tail of a PReLU layer:
  ///
  ///     Z ← Z + b        Aᵢⱼ = Zᵢⱼ for Zᵢⱼ > 0, αᵢ·Zᵢⱼ otherwise
  @inlinable
  public static func biasPReLU<Scalar: MatrixScalar>(
    z: inout Matrix<Scalar>, bias: Matrix<Scalar>, alpha: Matrix<Scalar>, into a: inout Matrix<Scalar>
  ) {
    precondition(bias.rows == z.rows && alpha.rows == z.rows, "bias/alpha do not fit Z \(z.shape)")
    a.reshape(to: z.shape)
    let rows = z.rows
    let columns = z.columns
    bias.withUnsafeBufferPointer { b in
      alpha.withUnsafeBufferPointer { slope in
        z.withUnsafeMutableBufferPointer { zp in
          a.withUnsafeMutableBufferPointer { ap in
            for j in 0..<columns {
              let offset = j * rows
              for i in 0..<rows {
                let value = zp[offset + i] + b[i]
                zp[offset + i] = value
                ap[offset + i] = PReLU.value(value, alpha: slope[i])
              }
            }
          }
        }
      }
    }
  }

  /// The fused forward tail of a softmax output layer:
  ///
  ///     Z ← Z + b        A[:, j] = e^(Z[:, j] − max Z[:, j]) / Σ e^(Z[:, j] − max Z[:, j])
  @inlinable
  public static func biasSoftmax<Scalar: MatrixScalar>(
    z: inout Matrix<Scalar>, bias: Matrix<Scalar>, into a: inout Matrix<Scalar>
  ) {
    precondition(bias.rows == z.rows && bias.columns == 1, "bias \(bias.shape) does not fit Z \(z.shape)")
    a.reshape(to: z.shape)
    let rows = z.rows
    let columns = z.columns
    bias.withUnsafeBufferPointer { b in
      z.withUnsafeMutableBufferPointer { zp in
        a.withUnsafeMutableBufferPointer { ap in
          forEachRange(count: columns, cost: 4 * rows) { range in
          for j in range {
            let offset = j * rows
            var maximum = -Scalar.infinity
            for i in 0..<rows {
              let value = zp[offset + i] + b[i]
              zp[offset + i] = value
              maximum = Swift.max(maximum, value)
            }
            var sum: Scalar = 0
            for i in 0..<rows {
              let e = Scalar.exp(zp[offset + i] - maximum)
              ap[offset + i] = e
              sum += e
            }
            let inverse = 1 / sum
            for i in 0..<rows { ap[offset + i] *= inverse }
          }
          }
        }
      }
    }
  }
}
