import Dispatch

extension Kernels {
  /// C ← α·op(A)·op(B) + β·C on column-major buffers with leading dimensions,
  /// the BLAS `xGEMM` contract. `a`, `b` may be nil when the product is empty.
  ///
  /// op(A) is m × k, op(B) is k × n and C is m × n; element (i, j) of C lives at
  /// `c[i + j * ldc]`, of A at `a[i + p * lda]` (or `a[p + i * lda]` when
  /// `transposeA`), of B at `b[p + j * ldb]` (or `b[j + p * ldb]` when
  /// `transposeB`).
  ///
  /// The semantics are BLAS's exactly:
  /// - when `alpha` is zero or `k` is zero, A and B are not read and C ← β·C;
  /// - when `beta` is zero, C's old contents are not read (NaN or ±∞ in C do
  ///   not leak through), so C may be uninitialised.
  ///
  /// Float and Double run a packed, cache-blocked SIMD kernel in the
  /// BLIS/GotoBLAS style (internal `Kernels.BlockedGEMM`, which documents the
  /// blocking). Its micro-kernel is picked at run time (``microKernelName``):
  /// on x86-64 CPUs with AVX-512, C intrinsics with register tiles of
  /// 16 × 12 (Double) or 32 × 12 (Float); with AVX2 and FMA (or
  /// `BACKPROP_SIMD=avx2`), tiles of 8 × 6 or 16 × 6; elsewhere, or with
  /// `BACKPROP_SIMD=portable`, Swift SIMD tiles of 4 × 4 or 8 × 4. Products of
  /// at least 2²⁰ (about 10⁶) multiply-adds are split across up to
  /// `Kernels.threadCount` threads: the environment variable
  /// `BACKPROP_THREADS`, or else the number of active processors. The result
  /// does not depend on the thread count. Any other `MatrixScalar` falls back
  /// to a plain loop.
  ///
  /// Two cases skip the packing, on CPUs with AVX2 + FMA or AVX-512F (C
  /// kernels, the widest that `BACKPROP_SIMD` allows): one column or one row
  /// (n = 1 or m = 1, single-example inference) is a matrix-vector product,
  /// and a product of at most `Kernels.directProductLimit` (2¹⁸)
  /// multiply-adds runs the direct kernel, which reads A and B in place.
  ///
  /// When a system BLAS is loaded (`SystemBLAS`, ``Kernels/backend``), it
  /// computes the non-degenerate Float and Double products instead, with the
  /// same semantics, except those two cases, which the built-in kernels do
  /// faster (unless the library is forced for every product, as tests do).
  package static func gemm<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>?, lda: Int,
    b: UnsafePointer<Scalar>?, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>?, ldc: Int
  ) {
    if systemGEMM(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    {
      return
    }
    gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
      threads: threadCount)
  }

  /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with
  /// an explicit upper bound on the number of threads and the size (m·n·k)
  /// from which a product is split across them, the size up to which it runs
  /// the direct kernel, and the instruction sets the C kernels may use (tests
  /// use these to force each path).
  internal static func gemm<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>?, lda: Int,
    b: UnsafePointer<Scalar>?, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>?, ldc: Int,
    threads: Int, parallelThreshold: Int = Kernels.parallelThreshold,
    directLimit: Int = Kernels.directProductLimit, features: UInt32 = Kernels.vectorFeatures
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension (\(m), \(n), \(k))")
    guard m > 0, n > 0, let c else { return }
    precondition(ldc >= m, "gemm: ldc \(ldc) < m \(m)")
    if alpha == 0 || k == 0 {
      scale(c, m: m, n: n, ldc: ldc, by: beta)
      return
    }
    guard let a, let b else { preconditionFailure("gemm: A or B is nil for a non-empty product") }
    precondition(lda >= (transposeA ? k : m), "gemm: lda \(lda) too small")
    precondition(ldb >= (transposeB ? n : k), "gemm: ldb \(ldb) too small")

    // One column (a single example): a matrix-vector product, no packing.
    if n == 1 {
      concreteMatrixVector(
        transposeA: transposeA, m: m, k: k, alpha: alpha, a: a, lda: lda, x: b, incx: transposeB ? ldb : 1,
        beta: beta, y: c, incy: 1, features: features)
      return
    }
    // One row: Cᵀ = op(B)ᵀ·op(A)ᵀ is a matrix-vector product with op(B)ᵀ.
    if m == 1 {
      concreteMatrixVector(
        transposeA: !transposeB, m: n, k: k, alpha: alpha, a: b, lda: ldb, x: a, incx: transposeA ? 1 : lda,
        beta: beta, y: c, incy: ldc, features: features)
      return
    }
    // A small product: the direct kernel, no packing.
    let size = Double(m) * Double(n) * Double(k)
    if size <= Double(directLimit), size < Double(parallelThreshold), hasVectorProducts(features),
      Scalar.self == Float.self || Scalar.self == Double.self
    {
      directProduct(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
        b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, features: features)
      return
    }
    // Concrete dispatch: each branch calls a fully specialised kernel, so the
    // hot loops never go through generic witnesses, whichever module calls us.
    if Scalar.self == Double.self {
      let problem = GEMMProblem<Double>(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        alpha: unsafeBitCast(alpha, to: Double.self), a: rebind(a), lda: lda, b: rebind(b), ldb: ldb,
        beta: unsafeBitCast(beta, to: Double.self), c: rebind(c), ldc: ldc)
      BlockedGEMM<SIMD2<Double>>.run(problem, threads: threads, parallelThreshold: parallelThreshold)
    } else if Scalar.self == Float.self {
      let problem = GEMMProblem<Float>(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        alpha: unsafeBitCast(alpha, to: Float.self), a: rebind(a), lda: lda, b: rebind(b), ldb: ldb,
        beta: unsafeBitCast(beta, to: Float.self), c: rebind(c), ldc: ldc)
      BlockedGEMM<SIMD4<Float>>.run(problem, threads: threads, parallelThreshold: parallelThreshold)
    } else {
      naiveGEMM(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
  }

  /// ``matrixVector(transposeA:m:k:alpha:a:lda:x:incx:beta:y:incy:features:)``
  /// specialised for Float and Double, whichever module calls `gemm`.
  private static func concreteMatrixVector<Scalar: MatrixScalar>(
    transposeA: Bool, m: Int, k: Int, alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    x: UnsafePointer<Scalar>, incx: Int, beta: Scalar, y: UnsafeMutablePointer<Scalar>, incy: Int,
    features: UInt32
  ) {
    if Scalar.self == Double.self {
      matrixVector(
        transposeA: transposeA, m: m, k: k, alpha: unsafeBitCast(alpha, to: Double.self), a: rebind(a), lda: lda,
        x: rebind(x), incx: incx, beta: unsafeBitCast(beta, to: Double.self), y: rebind(y), incy: incy,
        features: features)
    } else if Scalar.self == Float.self {
      matrixVector(
        transposeA: transposeA, m: m, k: k, alpha: unsafeBitCast(alpha, to: Float.self), a: rebind(a), lda: lda,
        x: rebind(x), incx: incx, beta: unsafeBitCast(beta, to: Float.self), y: rebind(y), incy: incy,
        features: features)
    } else {
      matrixVector(
        transposeA: transposeA, m: m, k: k, alpha: alpha, a: a, lda: lda, x: x, incx: incx, beta: beta, y: y,
        incy: incy, features: features)
    }
  }

  /// C ← β·C, with β = 0 writing zeros without reading C.
  private static func scale<Scalar: MatrixScalar>(
    _ c: UnsafeMutablePointer<Scalar>, m: Int, n: Int, ldc: Int, by beta: Scalar
  ) {
    if beta == 1 { return }
    for j in 0..<n {
      let column = c + j * ldc
      if beta == 0 {
        column.update(repeating: 0, count: m)
      } else {
        for i in 0..<m { column[i] *= beta }
      }
    }
  }

  /// The reference loop, for `MatrixScalar` types other than Float and Double.
  private static func naiveGEMM<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
  ) {
    for j in 0..<n {
      for i in 0..<m {
        var sum: Scalar = 0
        for p in 0..<k {
          let aip = transposeA ? a[p + i * lda] : a[i + p * lda]
          let bpj = transposeB ? b[j + p * ldb] : b[p + j * ldb]
          sum += aip * bpj
        }
        let old = beta == 0 ? 0 : beta * c[i + j * ldc]
        c[i + j * ldc] = alpha * sum + old
      }
    }
  }

  @inline(__always)
  static func rebind<From, To>(_ p: UnsafePointer<From>) -> UnsafePointer<To> {
    UnsafeRawPointer(p).assumingMemoryBound(to: To.self)
  }

  @inline(__always)
  static func rebind<From, To>(_ p: UnsafeMutablePointer<From>) -> UnsafeMutablePointer<To> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: To.self)
  }
}
