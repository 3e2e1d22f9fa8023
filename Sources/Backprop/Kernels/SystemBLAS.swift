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

/// A CBLAS library found at run time (`dlopen`), which
/// `Kernels.gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`
/// uses for Float and Double instead of the built-in kernel.
///
/// Nothing is linked at build time: the library is looked for once, on first
/// use, by the environment variable `BACKPROP_BLAS`:
///
/// - unset, empty or `auto`: the first of `SystemBLAS.candidates` that the
///   dynamic linker finds and that exports `cblas_sgemm` and `cblas_dgemm`
///   (OpenBLAS, BLIS, oneMKL, a distribution's CBLAS; Accelerate first on
///   macOS). None found: the built-in kernel, silently. A library found this
///   way is *used* only for the precisions where it is measurably faster than
///   the built-in kernel on this CPU (`Kernels.BackendChoice`): a
///   distribution's build can predate the CPU and run a generic kernel.
/// - `system`: the same search, and the library found computes every product,
///   unmeasured.
/// - `none` (or `builtin`, `off`): the built-in kernel; no library is opened.
/// - anything else: that library, a path (`/opt/OpenBLAS/lib/libopenblas.so`)
///   or a name the linker searches for (`libblis.so.4`), used for every
///   product, unmeasured. When it cannot be
///   loaded, or lacks `cblas_sgemm`/`cblas_dgemm`, a warning naming it goes to
///   standard error once and the built-in kernel is used: a bad setting never
///   stops a program, and `backprop info` shows why.
///
/// The library's own thread count is set to ``Kernels/threadCount`` when it
/// is loaded and whenever that changes (OpenBLAS, BLIS and oneMKL have the
/// calls; Accelerate chooses for itself).
package final class SystemBLAS: @unchecked Sendable {
  /// The library's family: "OpenBLAS", "BLIS", "oneMKL", "Accelerate", or
  /// "CBLAS" when it does not say.
  package let name: String
  /// The file the `cblas_sgemm` in use lives in, symbolic links resolved.
  package let path: String
  /// The library's own description of itself (OpenBLAS's
  /// `openblas_get_config()`, BLIS's version string, oneMKL's version
  /// string), or nil when it has none.
  package let version: String?
  /// What `BACKPROP_BLAS` asked for, or the search's candidate that was found.
  package let requested: String
  /// Whether `BACKPROP_BLAS` named this library (or said `system`), so that it
  /// is used unmeasured; false when an automatic search found it.
  package private(set) var isExplicitRequest = false

  typealias SGEMM =
    @convention(c) (
      Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
  typealias DGEMM =
    @convention(c) (
      Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32
    ) -> Void

  let sgemm: SGEMM
  let dgemm: DGEMM
  private let setThreads: ((Int) -> Void)?
  private let getThreads: (() -> Int)?
  /// Whether C is zeroed before a β = 0 call because the library was seen to
  /// let NaN in C through (reference BLAS, OpenBLAS, BLIS and oneMKL
  /// overwrite; a probe at load time checks).
  private(set) var zeroesCWhenBetaIsZero = false

  // CBLAS's enum values.
  static let columnMajor: Int32 = 102
  static let noTranspose: Int32 = 111
  static let transpose: Int32 = 112

  private init(
    name: String, path: String, version: String?, requested: String, sgemm: @escaping SGEMM, dgemm: @escaping DGEMM,
    setThreads: ((Int) -> Void)?, getThreads: (() -> Int)?
  ) {
    self.name = name
    self.path = path
    self.version = version
    self.requested = requested
    self.sgemm = sgemm
    self.dgemm = dgemm
    self.setThreads = setThreads
    self.getThreads = getThreads
  }

  /// The library's current thread count, when it can tell.
  package var threadCount: Int? { getThreads?() }

  /// Sets the library's thread count (no-op for a library without the call).
  func setThreadCount(_ count: Int) { setThreads?(max(1, count)) }

  /// The library in use, or nil: the built-in kernel computes every product.
  package static var current: SystemBLAS? { loaded.library }

  /// How the search went, in a sentence: which library was chosen and why,
  /// or why none was.
  package static var status: String { loaded.status }

  /// The libraries tried, in order, when `BACKPROP_BLAS` does not name one:
  /// file names only, searched for by the dynamic linker.
  package static let candidates: [String] = {
    #if canImport(Darwin)
      return [
        "/System/Library/Frameworks/Accelerate.framework/Accelerate",
        "libopenblas.dylib", "libopenblas.0.dylib", "libblis.dylib", "libblis.4.dylib", "libmkl_rt.dylib",
        "libmkl_rt.2.dylib", "libcblas.dylib", "libblas.dylib",
      ]
    #else
      return [
        "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libblis.so.4", "libblis.so",
        "libmkl_rt.so.2", "libmkl_rt.so", "libcblas.so.3", "libcblas.so", "libblas.so.3", "libblas.so",
      ]
    #endif
  }()

  // MARK: - Loading

  struct Loaded: @unchecked Sendable {
    var library: SystemBLAS?
    var status: String
  }

  /// Loaded once, on first use (a `static let` is initialised exactly once,
  /// whichever threads race for it).
  static let loaded: Loaded = {
    let setting =
      getenv("BACKPROP_BLAS").map { String(cString: $0) }?
      .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    let result = load(setting: setting)
    if let warning = result.warning { writeToStandardError("backprop: warning: \(warning)\n") }
    result.library?.setThreadCount(Kernels.threadCount)
    return Loaded(library: result.library, status: result.status)
  }()

  /// What a `BACKPROP_BLAS` setting leads to: the library (or none), a status
  /// line, and a warning when an explicit request failed.
  static func load(setting: String) -> (library: SystemBLAS?, status: String, warning: String?) {
    switch setting.lowercased() {
    case "none", "builtin", "built-in", "off", "0", "false":
      return (nil, "BACKPROP_BLAS=\(setting): the built-in kernel by request", nil)
    case "", "auto", "system":
      let explicit = setting.lowercased() == "system"
      for candidate in candidates {
        if case .success(let library) = open(candidate, requested: candidate) {
          library.isExplicitRequest = explicit
          return (
            library, explicit ? "BACKPROP_BLAS=system: found \(candidate)" : "found \(candidate) by searching", nil
          )
        }
      }
      let tried = "no CBLAS library found (tried \(candidates.joined(separator: ", ")))"
      let warning = explicit ? "BACKPROP_BLAS=system: \(tried); using the built-in kernel" : nil
      return (nil, warning ?? tried, warning)
    default:
      switch open(setting, requested: setting) {
      case .success(let library):
        library.isExplicitRequest = true
        return (library, "BACKPROP_BLAS=\(setting)", nil)
      case .failure(let reason):
        let message = "BACKPROP_BLAS=\(setting): \(reason.message); using the built-in kernel"
        return (nil, message, message)
      }
    }
  }

  /// Opens one library and resolves its CBLAS and threading functions.
  private static func open(_ file: String, requested: String) -> Result<SystemBLAS, DynamicLibrary.LoadError> {
    let library: DynamicLibrary
    switch DynamicLibrary.open(file) {
    case .success(let opened): library = opened
    case .failure(let error): return .failure(error)
    }
    guard let sgemmAddress = library.address(of: "cblas_sgemm"),
      let sgemm = library.function("cblas_sgemm", as: SGEMM.self),
      let dgemm = library.function("cblas_dgemm", as: DGEMM.self)
    else {
      library.close()
      return .failure(DynamicLibrary.LoadError(message: "\(file) does not export cblas_sgemm and cblas_dgemm"))
    }
    let path = DynamicLibrary.file(containing: sgemmAddress) ?? file
    let blas = describe(library, file: file, path: path, requested: requested, sgemm: sgemm, dgemm: dgemm)
    guard blas.probe() else {
      library.close()
      return .failure(
        DynamicLibrary.LoadError(message: "\(path): cblas_sgemm/cblas_dgemm gave wrong results in a self-test"))
    }
    return .success(blas)
  }

  /// Names the library's family and version and finds its threading calls.
  private static func describe(
    _ library: DynamicLibrary, file: String, path: String, requested: String, sgemm: @escaping SGEMM,
    dgemm: @escaping DGEMM
  ) -> SystemBLAS {
    typealias GetString = @convention(c) () -> UnsafePointer<CChar>?
    typealias SetInt32 = @convention(c) (Int32) -> Void
    typealias GetInt32 = @convention(c) () -> Int32
    typealias SetInt64 = @convention(c) (Int64) -> Void
    typealias GetInt64 = @convention(c) () -> Int64
    typealias MKLVersion = @convention(c) (UnsafeMutablePointer<CChar>?, Int32) -> Void
    func make(_ name: String, _ version: String?, set: ((Int) -> Void)?, get: (() -> Int)?) -> SystemBLAS {
      SystemBLAS(
        name: name, path: path, version: version, requested: requested, sgemm: sgemm, dgemm: dgemm, setThreads: set,
        getThreads: get)
    }
    if let config = library.function("openblas_get_config", as: GetString.self) {
      let set = library.function("openblas_set_num_threads", as: SetInt32.self)
      let get = library.function("openblas_get_num_threads", as: GetInt32.self)
      return make(
        "OpenBLAS", config().map { String(cString: $0).trimmingCharacters(in: .whitespaces) },
        set: set.map { f in { f(Int32(clamping: $0)) } }, get: get.map { f in { Int(f()) } })
    }
    if let version = library.function("bli_info_get_version_str", as: GetString.self) {
      // BLIS's dim_t is 64 bits wide in its default (and every distribution's) build.
      let set = library.function("bli_thread_set_num_threads", as: SetInt64.self)
      let get = library.function("bli_thread_get_num_threads", as: GetInt64.self)
      return make(
        "BLIS", version().map { "BLIS " + String(cString: $0) },
        set: set.map { f in { f(Int64($0)) } }, get: get.map { f in { Int(f()) } })
    }
    if let versionString = library.function("MKL_Get_Version_String", as: MKLVersion.self) {
      var buffer = [CChar](repeating: 0, count: 256)
      buffer.withUnsafeMutableBufferPointer { versionString($0.baseAddress, Int32($0.count - 1)) }
      let version = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let set = library.function("MKL_Set_Num_Threads", as: SetInt32.self)
      let get = library.function("MKL_Get_Max_Threads", as: GetInt32.self)
      return make(
        "oneMKL", version.trimmingCharacters(in: .whitespaces),
        set: set.map { f in { f(Int32(clamping: $0)) } }, get: get.map { f in { Int(f()) } })
    }
    if path.contains("Accelerate.framework") || path.contains("vecLib.framework") {
      return make("Accelerate", nil, set: nil, get: nil)
    }
    return make("CBLAS", nil, set: nil, get: nil)
  }

  /// A self-test: a 2 × 2 product in each precision with NaN in C and β = 0.
  /// Wrong numbers reject the library (a mismatched interface, say 64-bit
  /// integers); NaN coming through means C is zeroed before β = 0 calls.
  private func probe() -> Bool {
    if multiplyTwoByTwo(startingFrom: .nan).contains(where: \.isNaN) {
      zeroesCWhenBetaIsZero = true
    }
    // A = [1 2; 3 4], B = [5 6; 7 8] column-major; A·B = [19 22; 43 50].
    return multiplyTwoByTwo(startingFrom: 0) == [19, 43, 22, 50, 19, 43, 22, 50]
  }

  /// [1 2; 3 4]·[5 6; 7 8] with β = 0 over C filled with `initial`, by
  /// `cblas_sgemm` then `cblas_dgemm`: the two results, column-major.
  private func multiplyTwoByTwo(startingFrom initial: Double) -> [Double] {
    let a: [Double] = [1, 3, 2, 4]
    let b: [Double] = [5, 7, 6, 8]
    let aF = a.map(Float.init)
    let bF = b.map(Float.init)
    var singles = [Float](repeating: Float(initial), count: 4)
    var doubles = [Double](repeating: initial, count: 4)
    let (order, notT) = (Self.columnMajor, Self.noTranspose)
    aF.withUnsafeBufferPointer { pa in
      bF.withUnsafeBufferPointer { pb in
        singles.withUnsafeMutableBufferPointer { pc in
          sgemm(order, notT, notT, 2, 2, 2, 1, pa.baseAddress, 2, pb.baseAddress, 2, 0, pc.baseAddress, 2)
        }
      }
    }
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        doubles.withUnsafeMutableBufferPointer { pc in
          dgemm(order, notT, notT, 2, 2, 2, 1, pa.baseAddress, 2, pb.baseAddress, 2, 0, pc.baseAddress, 2)
        }
      }
    }
    return singles.map(Double.init) + doubles
  }

  private static func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
        if written <= 0 { break }
        offset += written
      }
    }
  }
}
