extension Kernels {
  /// What computes the Float and Double products of
  /// `Kernels.gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`.
  public enum Backend: String, Sendable, CaseIterable {
    /// The project's own kernels: the packed SIMD product, the direct small
    /// product and the matrix-vector product.
    case builtin = "built-in kernel"
    /// A CBLAS library loaded at run time: `SystemBLAS.current`. Chosen by
    /// default, it leaves small and matrix-vector products to the built-in
    /// kernels (see `Kernels.builtinIsFaster(m:n:k:)`); forced with
    /// `withBackend`, it computes them all.
    case systemBLAS = "system BLAS"
  }

  /// The backend of Float products: ``backend(for:)``.
  public static var backend: Backend { backend(for: Float.self) }

  /// The backend that computes `Scalar`'s products: the system BLAS where
  /// `backendChoice` chose it (see `SystemBLAS` for how `BACKPROP_BLAS`
  /// finds one), else the built-in kernel. Scalar types other than Float and
  /// Double always use the built-in code.
  public static func backend<Scalar>(for _: Scalar.Type) -> Backend {
    if let chosen = backendOverride { return chosen == .systemBLAS && SystemBLAS.current == nil ? .builtin : chosen }
    if SystemBLAS.current == nil { return .builtin }
    return backendChoice.backend(for: Scalar.self)
  }

  /// Runs `body` with `backend` for the products it starts on this task (and
  /// its child tasks), so that tests can compare the two backends side by
  /// side, in parallel. `.systemBLAS` with no library loaded is the built-in
  /// kernel.
  public static func withBackend<R>(_ backend: Backend, _ body: () throws -> R) rethrows -> R {
    try $backendOverride.withValue(backend, operation: body)
  }

  @TaskLocal static var backendOverride: Backend?

  /// The system-BLAS branch of `gemm`: computes C ← α·op(A)·op(B) + β·C with
  /// the loaded library and returns true, or returns false (nothing done) so
  /// that the built-in kernel runs: when no library is in use, for scalars
  /// other than Float and Double, and for the degenerate cases (m, n or
  /// k = 0, α = 0) and dimensions beyond 32 bits, which the built-in code
  /// handles with the same BLAS semantics. So a library only ever sees
  /// m, n, k ≥ 1 and leading dimensions ≥ the rows, as BLAS requires.
  ///
  /// When the library is in use by default (not forced with
  /// ``withBackend(_:_:)``), the products the built-in C kernels do best stay
  /// with them (``builtinIsFaster(m:n:k:)``).
  @inline(__always)
  static func systemGEMM<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>?, lda: Int,
    b: UnsafePointer<Scalar>?, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>?, ldc: Int
  ) -> Bool {
    guard Scalar.self == Float.self || Scalar.self == Double.self, m > 0, n > 0, k > 0, alpha != 0,
      backend(for: Scalar.self) == .systemBLAS, let blas = SystemBLAS.current
    else { return false }
    if backendOverride == nil && builtinIsFaster(m: m, n: n, k: k) { return false }
    let limit = Int(Int32.max)
    guard m <= limit, n <= limit, k <= limit, lda <= limit, ldb <= limit, ldc <= limit else { return false }
    guard let a, let b, let c else { preconditionFailure("gemm: A, B or C is nil for a non-empty product") }
    precondition(ldc >= m, "gemm: ldc \(ldc) < m \(m)")
    precondition(lda >= (transposeA ? k : m), "gemm: lda \(lda) too small")
    precondition(ldb >= (transposeB ? n : k), "gemm: ldb \(ldb) too small")
    if beta == 0 && blas.zeroesCWhenBetaIsZero {
      for j in 0..<n { (c + j * ldc).update(repeating: 0, count: m) }
    }
    // The library runs its own threads: ours stop spinning, so as not to compete with them for the cores.
    WorkerPool.park()
    let ta = transposeA ? SystemBLAS.transpose : SystemBLAS.noTranspose
    let tb = transposeB ? SystemBLAS.transpose : SystemBLAS.noTranspose
    if Scalar.self == Double.self {
      blas.dgemm(
        SystemBLAS.columnMajor, ta, tb, Int32(m), Int32(n), Int32(k), unsafeBitCast(alpha, to: Double.self),
        UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
        UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), unsafeBitCast(beta, to: Double.self),
        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
    } else {
      blas.sgemm(
        SystemBLAS.columnMajor, ta, tb, Int32(m), Int32(n), Int32(k), unsafeBitCast(alpha, to: Float.self),
        UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
        UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), unsafeBitCast(beta, to: Float.self),
        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
    }
    return true
  }

  /// Whether the built-in kernels beat a library call on this product, so
  /// that the default backend leaves it to them: with the C kernels available
  /// (AVX2 + FMA or AVX-512F), the small products of the direct kernel
  /// (m·n·k ≤ ``directProductLimit``) and matrix-vector products (n or m = 1)
  /// of up to 2²² elements, where a call's fixed cost and the library's
  /// threads dominate. (On the tiny network's step, Debian's OpenBLAS took
  /// 150 µs against the built-in kernels' 35; on one mnist-mlp inference 65 µs
  /// against 14.)
  static func builtinIsFaster(m: Int, n: Int, k: Int) -> Bool {
    guard hasVectorProducts(vectorFeatures) else { return false }
    let size = Double(m) * Double(n) * Double(k)
    return size <= Double(directProductLimit) || (min(m, n) == 1 && size <= Double(1 << 22))
  }
}
