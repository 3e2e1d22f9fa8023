#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The vector instruction sets of the processor this runs on, as the
/// operating system reports them.
public enum CPUFeatures {
  /// The SIMD extensions found, oldest first, in Linux's `/proc/cpuinfo`
  /// spelling: for x86-64 among sse2, sse3, ssse3, sse4_1, sse4_2, avx,
  /// avx2, fma, avx512f, avx512dq, avx512bw, avx512vl, avx512_vnni,
  /// avx512_bf16; for arm64 among asimd (NEON), asimdhp, asimddp, sve, sve2.
  /// Empty when the system does not say.
  public static let simd: [String] = {
    let reported = reportedFlags()
    return known.filter { reported.contains($0) }
  }()

  /// The processor's name, when the system reports it.
  public static let modelName: String? = {
    #if os(Linux)
      return cpuinfoField(["model name", "Model", "cpu model"])
    #elseif canImport(Darwin)
      return sysctlString("machdep.cpu.brand_string")
    #else
      return nil
    #endif
  }()

  static let known = [
    "sse2", "sse3", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw",
    "avx512vl", "avx512_vnni", "avx512_bf16", "asimd", "asimdhp", "asimddp", "sve", "sve2",
  ]

  /// Every flag the system lists for the processor.
  static func reportedFlags() -> Set<String> {
    #if os(Linux)
      // x86 lists "flags", arm64 "Features"; the first processor speaks for all.
      // SSE3 is listed as "pni" (Prescott New Instructions).
      guard let line = cpuinfoField(["flags", "Features"]) else { return [] }
      return Set(line.split(separator: " ").map { $0 == "pni" ? "sse3" : String($0) })
    #elseif canImport(Darwin)
      var flags = Set<String>()
      let names: [(String, String)] = [
        ("hw.optional.sse2", "sse2"), ("hw.optional.sse3", "sse3"), ("hw.optional.supplementalsse3", "ssse3"),
        ("hw.optional.sse4_1", "sse4_1"), ("hw.optional.sse4_2", "sse4_2"), ("hw.optional.avx1_0", "avx"),
        ("hw.optional.avx2_0", "avx2"), ("hw.optional.fma", "fma"), ("hw.optional.avx512f", "avx512f"),
        ("hw.optional.avx512dq", "avx512dq"), ("hw.optional.avx512bw", "avx512bw"),
        ("hw.optional.avx512vl", "avx512vl"), ("hw.optional.AdvSIMD", "asimd"),
        ("hw.optional.arm.FEAT_FP16", "asimdhp"), ("hw.optional.arm.FEAT_DotProd", "asimddp"),
      ]
      for (name, flag) in names where sysctlInt(name) == 1 { flags.insert(flag) }
      return flags
    #else
      return []
    #endif
  }

  #if os(Linux)
    /// The value of the first `/proc/cpuinfo` line whose key is one of `keys`.
    static func cpuinfoField(_ keys: [String]) -> String? {
      guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo") else { return nil }
      for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let key = line[..<colon].trimmingCharacters(in: .whitespaces)
        if keys.contains(key) { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
      }
      return nil
    }
  #endif

  #if canImport(Darwin)
    static func sysctlInt(_ name: String) -> Int? {
      var value: Int32 = 0
      var size = MemoryLayout<Int32>.size
      return sysctlbyname(name, &value, &size, nil, 0) == 0 ? Int(value) : nil
    }

    static func sysctlString(_ name: String) -> String? {
      var size = 0
      guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return nil }
      var buffer = [CChar](repeating: 0, count: size)
      guard sysctlbyname(name, &buffer, &size, nil, 0) == 0 else { return nil }
      return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
  #endif
}
