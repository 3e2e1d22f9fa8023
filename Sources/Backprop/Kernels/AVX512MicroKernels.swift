import CBackpropKernels

#if arch(x86_64)
  extension Kernels {
    /// The AVX-512 micro-kernel for Float: `bp_sgemm_avx512_32x12` in
    /// `CBackpropKernels`, MR × NR = 32 × 12 (two zmm vectors × 12 columns,
    /// 24 accumulators), B̃ as plain scalars that the kernel broadcasts.
    ///
    /// Blocks (Sapphire Rapids: 48 KiB L1d, 2 MiB L2 per core; Skylake-SP:
    /// 32 KiB, 1 MiB):
    /// - **KC = 384**: a B̃ micro-panel (KC × 12 × 4 B = 18 KiB) stays in L1
    ///   while the Ã micro-panels (KC × 32 × 4 B = 48 KiB) stream from L2.
    /// - **MC = 192**: the Ã block, MC × KC × 4 B = 288 KiB, in L2.
    /// - **NC = 3072**: the B̃ block (KC × NC × 4 B = 4.5 MiB) in L3; it is
    ///   re-read once per MC rows, 1 byte per 100 flops.
    ///
    /// KC ∈ {256, 384, 512} × MC ∈ {96 … 384} measured within the noise of
    /// a shared two-core machine of each other (the bare macro-kernel at
    /// 167–173 GFLOP/s on one core); these are BLIS's SkylakeX values, scaled
    /// to the tile.
    enum AVX512FloatMicroKernel: StridedGEMMMicroKernel {
      typealias Scalar = Float
      typealias PackedB = Float
      @inline(__always) static var mr: Int { 32 }
      @inline(__always) static var nr: Int { 12 }
      @inline(__always) static var kcMax: Int { 384 }
      @inline(__always) static var mcMax: Int { 192 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Float) -> Float { x }
      @inline(__always) static var packedZero: Float { 0 }

      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx512_32x12(kc, a, b, c, ldc, alpha, beta)
      }

      @inline(__always)
      static func stridedTile(
        kc: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, b: UnsafePointer<Float>, ldbk: Int,
        ldbj: Int, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx512_32x12_strided(kc, a, lda, rows, b, ldbk, ldbj, c, ldc, alpha, beta)
      }
    }

    /// The AVX-512 micro-kernel for Double: `bp_dgemm_avx512_16x12`,
    /// MR × NR = 16 × 12 (two zmm vectors × 12 columns).
    ///
    /// Blocks: **KC = 256** (B̃ micro-panel 24 KiB in L1, Ã micro-panels of
    /// 32 KiB streaming from L2), **MC = 192** (Ã block 384 KiB: L2),
    /// **NC = 3072** (B̃ block 6 MiB: L3).
    enum AVX512DoubleMicroKernel: StridedGEMMMicroKernel {
      typealias Scalar = Double
      typealias PackedB = Double
      @inline(__always) static var mr: Int { 16 }
      @inline(__always) static var nr: Int { 12 }
      @inline(__always) static var kcMax: Int { 256 }
      @inline(__always) static var mcMax: Int { 192 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Double) -> Double { x }
      @inline(__always) static var packedZero: Double { 0 }

      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx512_16x12(kc, a, b, c, ldc, alpha, beta)
      }

      @inline(__always)
      static func stridedTile(
        kc: Int, a: UnsafePointer<Double>, lda: Int, rows: Int, b: UnsafePointer<Double>, ldbk: Int,
        ldbj: Int, c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx512_16x12_strided(kc, a, lda, rows, b, ldbk, ldbj, c, ldc, alpha, beta)
      }
    }

    /// The AVX-512 tile of 3 zmm vectors × 8 columns for Float,
    /// `bp_sgemm_avx512_48x8_strided`: for short, wide products of 33 to 48
    /// rows, one tile high instead of two (`ShortWideGEMM`).
    enum AVX512FloatTallMicroKernel: StridedGEMMMicroKernel {
      typealias Scalar = Float
      typealias PackedB = Float
      @inline(__always) static var mr: Int { 48 }
      @inline(__always) static var nr: Int { 8 }
      @inline(__always) static var kcMax: Int { AVX512FloatMicroKernel.kcMax }
      @inline(__always) static var mcMax: Int { 192 }
      @inline(__always) static var ncMax: Int { AVX512FloatMicroKernel.ncMax }
      @inline(__always) static func packB(_ x: Float) -> Float { x }
      @inline(__always) static var packedZero: Float { 0 }
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx512_48x8_strided(kc, a, 48, 48, b, 8, 1, c, ldc, alpha, beta)
      }

      @inline(__always)
      static func stridedTile(
        kc: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, b: UnsafePointer<Float>, ldbk: Int,
        ldbj: Int, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx512_48x8_strided(kc, a, lda, rows, b, ldbk, ldbj, c, ldc, alpha, beta)
      }
    }

    /// The AVX-512 tile of 3 zmm vectors × 8 columns for Double,
    /// `bp_dgemm_avx512_24x8_strided`: for short, wide products of 17 to 24
    /// rows (the course's 20 hidden units), one tile high instead of two.
    enum AVX512DoubleTallMicroKernel: StridedGEMMMicroKernel {
      typealias Scalar = Double
      typealias PackedB = Double
      @inline(__always) static var mr: Int { 24 }
      @inline(__always) static var nr: Int { 8 }
      @inline(__always) static var kcMax: Int { AVX512DoubleMicroKernel.kcMax }
      @inline(__always) static var mcMax: Int { 96 }
      @inline(__always) static var ncMax: Int { AVX512DoubleMicroKernel.ncMax }
      @inline(__always) static func packB(_ x: Double) -> Double { x }
      @inline(__always) static var packedZero: Double { 0 }
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx512_24x8_strided(kc, a, 24, 24, b, 8, 1, c, ldc, alpha, beta)
      }

      @inline(__always)
      static func stridedTile(
        kc: Int, a: UnsafePointer<Double>, lda: Int, rows: Int, b: UnsafePointer<Double>, ldbk: Int,
        ldbj: Int, c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx512_24x8_strided(kc, a, lda, rows, b, ldbk, ldbj, c, ldc, alpha, beta)
      }
    }
  }

#endif
