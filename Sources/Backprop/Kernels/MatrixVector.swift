extension Kernels {
  /// The n = 1 product, y ← α·op(A)·x + β·y, without the packing a blocked
  /// product needs: what single-example inference spends its time on.
  ///
  /// - op(A) = A, (m, k) column-major: y accumulates α·xₚ times column p of A
  ///   (contiguous, vectorised).
  /// - op(A) = Aᵀ, A stored (k, m): yᵢ = α·(column i of A)·x + β·yᵢ, a dot
  ///   product over contiguous memory, with four partial sums.
  ///
  /// BLAS semantics: β = 0 ignores y's old contents.
  @inline(__always)
  static func matrixVector<Scalar: MatrixScalar>(
    transposeA: Bool, m: Int, k: Int, alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    x: UnsafePointer<Scalar>, incx: Int, beta: Scalar, y: UnsafeMutablePointer<Scalar>
  ) {
    if !transposeA {
      // y = β·y, then y += (α·xₚ)·A[:, p] for each p
      if beta == 0 {
        y.update(repeating: 0, count: m)
      } else if beta != 1 {
        for i in 0..<m { y[i] *= beta }
      }
      for p in 0..<k {
        let s = alpha * x[p * incx]
        let column = a + p * lda
        for i in 0..<m { y[i] += s * column[i] }
      }
    } else {
      for i in 0..<m {
        let column = a + i * lda
        var s0: Scalar = 0
        var s1: Scalar = 0
        var s2: Scalar = 0
        var s3: Scalar = 0
        var p = 0
        if incx == 1 {
          while p + 4 <= k {
            s0 += column[p] * x[p]
            s1 += column[p + 1] * x[p + 1]
            s2 += column[p + 2] * x[p + 2]
            s3 += column[p + 3] * x[p + 3]
            p += 4
          }
        }
        while p < k {
          s0 += column[p] * x[p * incx]
          p += 1
        }
        let dot = (s0 + s1) + (s2 + s3)
        y[i] = beta == 0 ? alpha * dot : alpha * dot + beta * y[i]
      }
    }
  }
}
