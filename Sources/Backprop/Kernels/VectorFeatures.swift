import CBackpropKernels

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Kernels {
  /// The instruction-set extensions the vectorised C kernels may use (the
  /// elementwise functions, the direct small products, the matrix-vector
  /// product), as `BP_SIMD_*` bits: what this CPU has, less what
  /// `BACKPROP_SIMD` rules out (see ``vectorFeatures(allowedBy:detected:)``).
  /// Each kernel takes the widest variant the bits allow: AVX-512F, else
  /// AVX2 + FMA, else the baseline instruction set.
  @usableFromInline
  static let vectorFeatures = vectorFeatures(
    allowedBy: ProcessInfo.processInfo.environment["BACKPROP_SIMD"], detected: simdFeatureBits)

  /// The features of `detected` that the value of `BACKPROP_SIMD` allows:
  /// `portable` (or `sse2`, `neon`, `generic`) none beyond the baseline,
  /// `avx2` (or `avx2+fma`) all but AVX-512; unset, `auto` or anything else, all.
  static func vectorFeatures(allowedBy value: String?, detected: UInt32) -> UInt32 {
    switch value?.lowercased() {
    case "portable", "sse2", "neon", "generic": return detected & BP_SIMD_SSE2
    case "avx2", "avx2+fma": return detected & ~BP_SIMD_AVX512F
    default: return detected
    }
  }

  /// Whether `features` has AVX2 and FMA or AVX-512F: what the C product
  /// kernels need (they have no baseline variant; the Swift code runs instead).
  @inline(__always)
  static func hasVectorProducts(_ features: UInt32) -> Bool {
    features & BP_SIMD_AVX512F != 0 || features & (BP_SIMD_AVX2 | BP_SIMD_FMA) == BP_SIMD_AVX2 | BP_SIMD_FMA
  }
}

extension Kernels {
  /// The variants of the vectorised C kernels this CPU can run, widest last,
  /// each with the `features` value that selects it (tests run every one).
  static var vectorVariants: [(name: String, features: UInt32)] {
    var variants: [(name: String, features: UInt32)] = [("baseline", 0)]
    let avx2 = BP_SIMD_AVX2 | BP_SIMD_FMA
    if simdFeatureBits & avx2 == avx2 { variants.append(("avx2+fma", avx2)) }
    if simdFeatureBits & BP_SIMD_AVX512F != 0 { variants.append(("avx512f", BP_SIMD_AVX512F)) }
    return variants
  }
}
