import CBackpropKernels

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Kernels {
  /// The register-tile kernel under the packed matrix product
  /// (`Kernels.BlockedGEMM`), chosen once per process from the CPU: the
  /// widest one it supports, or the one `BACKPROP_SIMD` names.
  enum MicroKernel: String, Sendable, CaseIterable {
    /// Swift SIMD vectors at the package's baseline ISA (SSE2 on x86-64, NEON
    /// on arm64): tiles of 4 × 4 (Double) / 8 × 4 (Float). Runs everywhere.
    case portable
    /// C intrinsics compiled for AVX2 + FMA with function-level target
    /// attributes: tiles of 8 × 6 (Double) / 16 × 6 (Float), two ymm vectors
    /// × 6 columns. x86-64 only.
    case avx2
    /// C intrinsics compiled for AVX-512 (F, VL, DQ) + FMA with
    /// function-level target attributes: tiles of 16 × 12 (Double) /
    /// 32 × 12 (Float), two zmm vectors × 12 columns, 24 accumulators.
    /// x86-64 CPUs with AVX-512 whose OS saves the ZMM and opmask state
    /// (Skylake-SP and later Xeons, Ice Lake, Zen 4). Twice the AVX2
    /// kernel's throughput where the core has two 512-bit FMA pipes.
    case avx512

    /// Whether this CPU (and OS) can run it.
    var isSupported: Bool {
      switch self {
      case .portable: return true
      case .avx2:
        #if arch(x86_64)
          let needed = BP_SIMD_AVX2 | BP_SIMD_FMA
          return Kernels.simdFeatureBits & needed == needed
        #else
          return false
        #endif
      case .avx512:
        #if arch(x86_64)
          let needed = BP_SIMD_AVX512F | BP_SIMD_AVX512VL | BP_SIMD_AVX512DQ | BP_SIMD_FMA
          return Kernels.simdFeatureBits & needed == needed
        #else
          return false
        #endif
      }
    }

    /// This kernel when the CPU supports it, else the next narrower one that
    /// it does (AVX-512 → AVX2 → portable): asking for too much never crashes.
    var supportedOrNarrower: MicroKernel {
      if isSupported { return self }
      switch self {
      case .avx512: return MicroKernel.avx2.supportedOrNarrower
      case .avx2, .portable: return .portable
      }
    }

    /// The instruction set it runs, as `backprop info` prints it.
    var instructionSet: String {
      switch self {
      case .avx512: return "avx512f+avx512vl+avx512dq+fma"
      case .avx2: return "avx2+fma"
      case .portable:
        #if arch(x86_64)
          return "sse2"
        #elseif arch(arm64)
          return "neon"
        #else
          return "simd"
        #endif
      }
    }

    /// The best kernel this CPU supports.
    static var best: MicroKernel { avx512.supportedOrNarrower }

    /// The kernel asked for by `BACKPROP_SIMD`: `portable` (or `sse2`,
    /// `neon`) forces the portable kernel, `avx2` the AVX2 one, `avx512` the
    /// AVX-512 one (each granted only when the CPU has it, else the next
    /// narrower kernel it has); unset, `auto` or anything else: the best one.
    static func fromEnvironment(_ value: String?) -> MicroKernel {
      switch value?.lowercased() {
      case "portable", "sse2", "neon", "generic": return .portable
      case "avx2", "avx2+fma": return avx2.supportedOrNarrower
      case "avx512", "avx512f", "avx-512": return avx512.supportedOrNarrower
      default: return best
      }
    }
  }

  /// The SIMD extensions this CPU has and the operating system has enabled,
  /// as CPUID reports them and XGETBV confirms: some of `sse2`, `avx`,
  /// `avx2`, `fma`, `avx512f`, `avx512dq`, `avx512bw`, `avx512vl` on x86-64;
  /// empty elsewhere.
  package static var simdFeatures: [String] {
    let names: [(UInt32, String)] = [
      (BP_SIMD_SSE2, "sse2"), (BP_SIMD_AVX, "avx"), (BP_SIMD_AVX2, "avx2"),
      (BP_SIMD_FMA, "fma"), (BP_SIMD_AVX512F, "avx512f"), (BP_SIMD_AVX512DQ, "avx512dq"),
      (BP_SIMD_AVX512BW, "avx512bw"), (BP_SIMD_AVX512VL, "avx512vl"),
    ]
    return names.filter { simdFeatureBits & $0.0 != 0 }.map(\.1)
  }

  /// The instruction set of the matrix product's micro-kernel in this process:
  /// `avx512f+avx512vl+avx512dq+fma` on an x86-64 CPU with AVX-512,
  /// `avx2+fma` on one with AVX2 and FMA (or with `BACKPROP_SIMD=avx2`),
  /// otherwise the portable Swift SIMD kernel's `sse2` (x86-64) or `neon`
  /// (arm64), which `BACKPROP_SIMD=portable` forces.
  package static var microKernelName: String { activeMicroKernel.instructionSet }

  /// `bp_simd_features()`, read once.
  static let simdFeatureBits: UInt32 = bp_simd_features()

  /// The kernel picked at start-up: `BACKPROP_SIMD`, else the best available.
  static let defaultMicroKernel = MicroKernel.fromEnvironment(
    ProcessInfo.processInfo.environment["BACKPROP_SIMD"])

  /// Forces a kernel for the products computed inside
  /// `Kernels.$microKernelOverride.withValue(…) { … }` (tests run both paths
  /// side by side this way). An unsupported choice falls back to the next
  /// narrower kernel the CPU supports.
  @TaskLocal static var microKernelOverride: MicroKernel?

  /// The kernel the next product uses.
  static var activeMicroKernel: MicroKernel {
    guard let forced = microKernelOverride else { return defaultMicroKernel }
    return forced.supportedOrNarrower
  }
}
