import RealModule

extension Kernels {
  /// The fused forward tail of a dense layer (Flux's `bias_act!`):
  ///
  ///     Z ← Z + b   (b broadcast over the columns)      A ← g(Z)
  ///
  /// Specialised for the activation type `G`; Float tanh and sigmoid run one
  /// vectorised C kernel for both steps (``tanhFloat(_:)``, ``sigmoidFloat(_:)``).
  /// - Precondition: `bias` is (rows of Z, 1).
  @inlinable
  package static func biasActivation<Scalar: MatrixScalar, G: Activation>(
    z: inout Matrix<Scalar>, bias: Matrix<Scalar>, activation g: G, into a: inout Matrix<Scalar>
  ) {
    precondition(bias.rows == z.rows && bias.columns == 1, "bias \(bias.shape) does not fit Z \(z.shape)")
    a.reshape(to: z.shape)
    let rows = z.rows
    let columns = z.columns
    bias.withUnsafeBufferPointer { b in
      z.withUnsafeMutableBufferPointer { zp in
        a.withUnsafeMutableBufferPointer { ap in
          guard let z = zp.baseAddress, let a = ap.baseAddress, let b = b.baseAddress else { return }
          // Large batches are split by columns across threads.
          forEachRange(count: columns, cost: rows) { range in
            let start = range.lowerBound * rows
            if fusedBiasActivation(g, z: z + start, bias: b, rows: rows, columns: range.count, into: a + start) {
              return
            }
            // Z += b (one unit: one flat loop, not a loop per column)
            if rows == 1 {
              let b0 = b[0]
              for k in start..<(start + range.count) { z[k] += b0 }
            } else {
              for j in range {
                let column = z + j * rows
                for i in 0..<rows { column[i] += b[i] }
              }
            }
            // A = g(Z)
            for k in start..<(start + range.count * rows) { a[k] = g(z[k]) }
          }
        }
      }
    }
  }

  /// The vectorised C kernels that add the bias and apply Float tanh or
  /// sigmoid in one pass (`bp_bias_tanh_f32`, `bp_bias_sigmoid_f32`); false,
  /// with nothing done, for other activations and scalars.
  @inlinable @inline(__always)
  static func fusedBiasActivation<Scalar: MatrixScalar, G: Activation>(
    _ g: G, z: UnsafeMutablePointer<Scalar>, bias: UnsafePointer<Scalar>, rows: Int, columns: Int,
    into a: UnsafeMutablePointer<Scalar>
  ) -> Bool {
    guard Scalar.self == Float.self && (G.self == Tanh.self || G.self == Sigmoid.self) else { return false }
    let z = UnsafeMutableRawPointer(z).assumingMemoryBound(to: Float.self)
    let b = UnsafeRawPointer(bias).assumingMemoryBound(to: Float.self)
    let a = UnsafeMutableRawPointer(a).assumingMemoryBound(to: Float.self)
    if G.self == Tanh.self {
      biasTanh(z, bias: b, rows: rows, columns: columns, into: a)
    } else {
      biasSigmoid(z, bias: b, rows: rows, columns: columns, into: a)
    }
    return true
  }

  /// The fused forward tail of a PReLU layer:
  ///
  ///     Z ← Z + b        Aᵢⱼ = Zᵢⱼ for Zᵢⱼ > 0, αᵢ·Zᵢⱼ otherwise
  @inlinable
  package static func biasPReLU<Scalar: MatrixScalar>(
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
  ///
  /// The second formula is ``Softmax``'s `forward`, run here on each column.
  @inlinable
  package static func biasSoftmax<Scalar: MatrixScalar>(
    z: inout Matrix<Scalar>, bias: Matrix<Scalar>, into a: inout Matrix<Scalar>
  ) {
    precondition(bias.rows == z.rows && bias.columns == 1, "bias \(bias.shape) does not fit Z \(z.shape)")
    a.reshape(to: z.shape)
    let rows = z.rows
    let columns = z.columns
    bias.withUnsafeBufferPointer { b in
      z.withUnsafeMutableBufferPointer { zp in
        a.withUnsafeMutableBufferPointer { ap in
          guard let z = zp.baseAddress, let a = ap.baseAddress, let b = b.baseAddress else { return }
          forEachRange(count: columns, cost: 4 * rows) { range in
            for j in range {
              let zj = z + j * rows
              for i in 0..<rows { zj[i] += b[i] }
              Softmax.forward(zj, into: a + j * rows, count: rows)
            }
          }
        }
      }
    }
  }

  /// x[k] ← e^x[k] for k < count: the vectorised kernel for Float, the
  /// C library's `exp` otherwise.
  @inlinable @inline(__always)
  static func exponentiate<Scalar: MatrixScalar>(_ x: UnsafeMutablePointer<Scalar>, count: Int) {
    if Scalar.self == Float.self {
      let p = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
      exponential(p, into: p, count: count)
      return
    }
    for k in 0..<count { x[k] = Scalar.exp(x[k]) }
  }
}
