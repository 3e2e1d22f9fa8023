import CBackpropKernels

#if arch(x86_64)
  extension Kernels {
    /// The AVX2 + FMA micro-kernel for Float: `bp_sgemm_avx2_16x6` in
    /// `CBackpropKernels`, MR × NR = 16 × 6 (two ymm vectors × 6 columns),
    /// B̃ as plain scalars that the kernel broadcasts.
    ///
    /// Blocks (Zen 4: 32 KiB L1d, 1 MiB L2 per core; Zen 3: 512 KiB L2):
    /// - **KC = 256**: a B̃ micro-panel (KC × 6 × 4 B = 6 KiB) stays in L1 with
    ///   room for the Ã micro-panel streaming past it (KC × 16 × 4 B = 16 KiB).
    /// - **MC = 256**: the Ã block, MC × KC × 4 B = 256 KiB, in L2.
    /// - **NC = 3072**: the B̃ block (KC × NC × 4 B = 3 MiB) in L3.
    enum AVX2FloatMicroKernel: GEMMMicroKernel {
      typealias Scalar = Float
      typealias PackedB = Float
      @inline(__always) static var mr: Int { 16 }
      @inline(__always) static var nr: Int { 6 }
      @inline(__always) static var kcMax: Int { 256 }
      @inline(__always) static var mcMax: Int { 256 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Float) -> Float { x }
      @inline(__always) static var packedZero: Float { 0 }

      /// Never: B̃ holds one scalar per element, as cheap to pack as Ã, and
      /// the course's short, wide products (m = 20) measured faster unswapped
      /// (Z1 Float 45 vs 31 GFLOP/s, dW1 Double 24 vs 19 on one Zen 4 core).
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx2_16x6(kc, a, b, c, ldc, alpha, beta)
      }
    }

    /// The AVX2 + FMA micro-kernel for Double: `bp_dgemm_avx2_8x6`,
    /// MR × NR = 8 × 6 (two ymm vectors × 6 columns).
    ///
    /// Blocks: **KC = 256** (B̃ micro-panel 12 KiB, Ã micro-panel 16 KiB: L1),
    /// **MC = 128** (Ã block 256 KiB: L2), **NC = 3072** (B̃ block 6 MiB: L3).
    enum AVX2DoubleMicroKernel: GEMMMicroKernel {
      typealias Scalar = Double
      typealias PackedB = Double
      @inline(__always) static var mr: Int { 8 }
      @inline(__always) static var nr: Int { 6 }
      @inline(__always) static var kcMax: Int { 256 }
      @inline(__always) static var mcMax: Int { 128 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Double) -> Double { x }
      @inline(__always) static var packedZero: Double { 0 }

      /// Never (see `AVX2FloatMicroKernel.shouldSwap(m:n:k:)`).
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx2_8x6(kc, a, b, c, ldc, alpha, beta)
      }
    }
  }
#endif
