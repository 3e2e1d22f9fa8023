import CBackpropKernels

extension Kernels {
  /// The size (m·n·k multiply-adds) up to which `Kernels.gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`
  /// runs the direct kernel rather than the packed one: about 10 µs of work,
  /// where packing, blocking and the pool's buffer cost more than they save
  /// (the tiny network's products, 12,800 to 102,400, are all below it).
  static let directProductLimit = 1 << 18

  /// The small product, C ← α·op(A)·op(B) + β·C, by the direct C kernel
  /// (`bp_sgemm_direct`/`bp_dgemm_direct`): register tiles of C that read A
  /// and B in place, no packing and no cache blocking (the operands of a
  /// product below ``directProductLimit`` fit the L2 cache). A transposed A
  /// is first copied into a scratch buffer (m·k scalars, 1/n of the work).
  /// Float and Double only, when `features` has AVX2 + FMA or AVX-512F.
  @inline(__always)
  static func directProduct<Scalar: MatrixScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int, features: UInt32
  ) {
    func run(scratch: UnsafeMutableRawPointer?) {
      if Scalar.self == Float.self {
        bp_sgemm_direct(
          transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, unsafeBitCast(alpha, to: Float.self), rebind(a), lda,
          rebind(b), ldb, unsafeBitCast(beta, to: Float.self), rebind(c), ldc,
          scratch?.assumingMemoryBound(to: Float.self), features)
      } else {
        bp_dgemm_direct(
          transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, unsafeBitCast(alpha, to: Double.self), rebind(a), lda,
          rebind(b), ldb, unsafeBitCast(beta, to: Double.self), rebind(c), ldc,
          scratch?.assumingMemoryBound(to: Double.self), features)
      }
    }
    precondition(Scalar.self == Float.self || Scalar.self == Double.self, "directProduct: Float or Double only")
    if transposeA {
      ScratchPool.shared.withBuffer(bytes: m * k * MemoryLayout<Scalar>.stride) { run(scratch: $0) }
    } else {
      run(scratch: nil)
    }
  }
}
