extension Kernels {
  /// The backward step through an activation:
  ///
  ///     dZ = dA ⊙ g'(Z)
  ///
  /// `a` is g(Z) from the forward pass, for derivatives written in terms of it.
  /// Float tanh and sigmoid run vectorised C kernels.
  @inlinable
  package static func activationGradient<Scalar: MatrixScalar, G: Activation>(
    dA: Matrix<Scalar>, z: Matrix<Scalar>, a: Matrix<Scalar>, activation g: G, into dZ: inout Matrix<Scalar>
  ) {
    precondition(dA.shape == z.shape && a.shape == z.shape, "dA \(dA.shape), Z \(z.shape), A \(a.shape) differ")
    dZ.reshape(to: z.shape)
    let count = z.count
    dA.withUnsafeBufferPointer { dAp in
      z.withUnsafeBufferPointer { zp in
        a.withUnsafeBufferPointer { ap in
          dZ.withUnsafeMutableBufferPointer { dZp in
            guard let dA = dAp.baseAddress, let z = zp.baseAddress, let a = ap.baseAddress,
              let dZ = dZp.baseAddress
            else { return }
            forEachRange(count: count) { range in
              let (start, n) = (range.lowerBound, range.count)
              let (dA, z, a, dZ) = (dA + start, z + start, a + start, dZ + start)
              if Scalar.self == Float.self && (G.self == Tanh.self || G.self == Sigmoid.self) {
                // The vectorised C kernels: dA ⊙ (1 − A²), dA ⊙ A ⊙ (1 − A).
                let (dA, a, dZ): (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) = (
                  UnsafeRawPointer(dA).assumingMemoryBound(to: Float.self),
                  UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                  UnsafeMutableRawPointer(dZ).assumingMemoryBound(to: Float.self)
                )
                if G.self == Tanh.self {
                  tanhGradient(dA, a: a, into: dZ, count: n)
                } else {
                  sigmoidGradient(dA, a: a, into: dZ, count: n)
                }
                return
              }
              for k in 0..<n { dZ[k] = dA[k] * g.derivative(z: z[k], a: a[k]) }
            }
          }
        }
      }
    }
  }

  /// The backward step through PReLU, with the gradient of its slopes:
  ///
  ///     dZᵢⱼ = dAᵢⱼ · (Zᵢⱼ > 0 ? 1 : αᵢ)
  ///     dαᵢ = scale · Σⱼ dAᵢⱼ · (Zᵢⱼ > 0 ? 0 : Zᵢⱼ)      (scale = 1/m)
  @inlinable
  package static func preluGradient<Scalar: MatrixScalar>(
    dA: Matrix<Scalar>, z: Matrix<Scalar>, alpha: Matrix<Scalar>, scale: Scalar,
    into dZ: inout Matrix<Scalar>, dAlpha: inout Matrix<Scalar>
  ) {
    precondition(dA.shape == z.shape && alpha.rows == z.rows, "dA \(dA.shape), Z \(z.shape), α \(alpha.shape)")
    dZ.reshape(to: z.shape)
    dAlpha.reshape(to: Shape(z.rows, 1))
    let rows = z.rows
    let columns = z.columns
    dA.withUnsafeBufferPointer { dAp in
      z.withUnsafeBufferPointer { zp in
        alpha.withUnsafeBufferPointer { slope in
          dZ.withUnsafeMutableBufferPointer { dZp in
            dAlpha.withUnsafeMutableBufferPointer { dAlphaP in
              for i in 0..<rows { dAlphaP[i] = 0 }
              for j in 0..<columns {
                let offset = j * rows
                for i in 0..<rows {
                  let zij = zp[offset + i]
                  let dAij = dAp[offset + i]
                  dZp[offset + i] = dAij * PReLU.derivative(zij, alpha: slope[i])
                  if zij <= 0 { dAlphaP[i] += dAij * zij }
                }
              }
              for i in 0..<rows { dAlphaP[i] *= scale }
            }
          }
        }
      }
    }
  }
}
