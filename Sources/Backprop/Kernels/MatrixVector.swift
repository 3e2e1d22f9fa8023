import CBackpropKernels

extension Kernels {
  /// The n = 1 product, y ← α·op(A)·x + β·y, without the packing a blocked
  /// product needs: what single-example inference spends its time on. x is
  /// at `x[p·incx]`, y at `y[i·incy]`.
  ///
  /// - op(A) = A, (m, k) column-major: y accumulates α·xₚ times column p of A.
  ///   The C kernel (`bp_sgemv`/`bp_dgemv`) keeps a panel of up to 256 rows
  ///   (AVX-512) of y in registers while it streams through those rows of
  ///   every column: one pass over A, reading each column's panel contiguously.
  /// - op(A) = Aᵀ, A stored (k, m): yᵢ = α·(column i of A)·x + β·yᵢ, dot
  ///   products over contiguous memory, eight columns at a time in the C kernel.
  ///
  /// Float and Double use the C kernels when `features` allows them (AVX2 +
  /// FMA or AVX-512F) and the vector they read or write whole is contiguous
  /// (y for op(A) = A, x for Aᵀ); otherwise the plain loops below.
  /// BLAS semantics: β = 0 ignores y's old contents.
  @inline(__always)
  static func matrixVector<Scalar: MatrixScalar>(
    transposeA: Bool, m: Int, k: Int, alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    x: UnsafePointer<Scalar>, incx: Int, beta: Scalar, y: UnsafeMutablePointer<Scalar>, incy: Int,
    features: UInt32
  ) {
    if hasVectorProducts(features) && (transposeA ? incx == 1 : incy == 1) {
      if Scalar.self == Float.self {
        bp_sgemv(
          transposeA ? 1 : 0, m, k, unsafeBitCast(alpha, to: Float.self), rebind(a), lda, rebind(x), incx,
          unsafeBitCast(beta, to: Float.self), rebind(y), incy, features)
        return
      }
      if Scalar.self == Double.self {
        bp_dgemv(
          transposeA ? 1 : 0, m, k, unsafeBitCast(alpha, to: Double.self), rebind(a), lda, rebind(x), incx,
          unsafeBitCast(beta, to: Double.self), rebind(y), incy, features)
        return
      }
    }
    if !transposeA {
      // y = β·y, then y += (α·xₚ)·A[:, p] for each p
      for i in 0..<m { y[i * incy] = beta == 0 ? 0 : beta * y[i * incy] }
      for p in 0..<k {
        let s = alpha * x[p * incx]
        let column = a + p * lda
        if incy == 1 {
          for i in 0..<m { y[i] += s * column[i] }
        } else {
          for i in 0..<m { y[i * incy] += s * column[i] }
        }
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
        y[i * incy] = beta == 0 ? alpha * dot : alpha * dot + beta * y[i * incy]
      }
    }
  }
}
