import CBackpropKernels

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Kernels {
  /// The register-tile kernel under the packed matrix product
  /// (`Kernels.BlockedGEMM`), chosen once per process from the CPU.
  enum MicroKernel: String, Sendable, CaseIterable {
    /// Swift SIMD vectors at the package's baseline ISA (SSE2 on x86-64, NEON
    /// on arm64): tiles of 4 × 4 (Double) / 8 × 4 (Float). Runs everywhere.
    case portable
    /// C intrinsics compiled for AVX2 + FMA with function-level target
    /// attributes: tiles of 8 × 6 (Double) / 16 × 6 (Float). x86-64 only.
    case avx2

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
      }
    }

    /// The instruction set it runs, as `backprop info` prints it.
    var instructionSet: String {
      switch self {
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
    static var best: MicroKernel { avx2.isSupported ? .avx2 : .portable }

    /// The kernel asked for by `BACKPROP_SIMD`: `portable` (or `sse2`,
    /// `neon`) forces the portable kernel, `avx2` asks for AVX2 (granted only
    /// when the CPU has it); unset, `auto` or anything else: the best one.
    static func fromEnvironment(_ value: String?) -> MicroKernel {
      switch value?.lowercased() {
      case "portable", "sse2", "neon", "generic": return .portable
      case "avx2", "avx2+fma": return avx2.isSupported ? .avx2 : .portable
      default: return best
      }
    }
  }

  /// The SIMD extensions this CPU has and the operating system has enabled,
  /// as CPUID reports them and XGETBV confirms: some of `sse2`, `avx`,
  /// `avx2`, `fma`, `avx512f` on x86-64; empty elsewhere.
  public static var simdFeatures: [String] {
    let names: [(UInt32, String)] = [
      (BP_SIMD_SSE2, "sse2"), (BP_SIMD_AVX, "avx"), (BP_SIMD_AVX2, "avx2"),
      (BP_SIMD_FMA, "fma"), (BP_SIMD_AVX512F, "avx512f"),
    ]
    return names.filter { simdFeatureBits & $0.0 != 0 }.map(\.1)
  }

  /// The instruction set of the matrix product's micro-kernel in this process:
  /// `avx2+fma` on an x86-64 CPU that has both (unless `BACKPROP_SIMD=portable`),
  /// otherwise the portable Swift SIMD kernel's `sse2` (x86-64) or `neon` (arm64).
  public static var microKernelName: String { activeMicroKernel.instructionSet }

  /// `bp_simd_features()`, read once.
  static let simdFeatureBits: UInt32 = bp_simd_features()

  /// The kernel picked at start-up: `BACKPROP_SIMD`, else the best available.
  static let defaultMicroKernel = MicroKernel.fromEnvironment(
    ProcessInfo.processInfo.environment["BACKPROP_SIMD"])

  /// Forces a kernel for the products computed inside
  /// `Kernels.$microKernelOverride.withValue(…) { … }` (tests run both paths
  /// side by side this way). An unsupported choice falls back to the portable kernel.
  @TaskLocal static var microKernelOverride: MicroKernel?

  /// The kernel the next product uses.
  static var activeMicroKernel: MicroKernel {
    guard let forced = microKernelOverride else { return defaultMicroKernel }
    return forced.isSupported ? forced : .portable
  }
}
