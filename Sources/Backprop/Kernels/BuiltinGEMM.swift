extension Kernels {
  /// C ← α·op(A)·op(B) + β·C on column-major buffers with leading dimensions,
  /// the BLAS `xGEMM` contract. `a`, `b` may be nil when the product is empty.
  ///
  /// PLACEHOLDER reference loop, replaced by the blocked SIMD kernel.
  public static func gemm<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>?, lda: Int,
    b: UnsafePointer<Scalar>?, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>?, ldc: Int
  ) {
    guard m > 0, n > 0, let c else { return }
    for j in 0..<n {
      for i in 0..<m {
        var sum: Scalar = 0
        if k > 0, let a, let b {
          for p in 0..<k {
            let aip = transposeA ? a[p + i * lda] : a[i + p * lda]
            let bpj = transposeB ? b[j + p * ldb] : b[p + j * ldb]
            sum += aip * bpj
          }
        }
        let old = beta == 0 ? 0 : beta * c[i + j * ldc]
        c[i + j * ldc] = alpha * sum + old
      }
    }
  }
}
