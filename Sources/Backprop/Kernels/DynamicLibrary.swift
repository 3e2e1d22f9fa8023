#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A shared library opened at run time with `dlopen`, and the C functions
/// looked up in it with `dlsym`. Nothing here is linked at build time.
///
/// The handle is never closed: the functions taken from it stay valid for the
/// life of the process.
struct DynamicLibrary: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  /// Opens `name`: a path (with a `/`) is opened as it is; a bare file name
  /// (`libopenblas.so.0`) is searched for by the dynamic linker
  /// (`LD_LIBRARY_PATH`, the `ldconfig` cache, the default directories).
  /// With `global`, its symbols resolve the libraries it opens in turn (MPI's plug-ins need it).
  static func open(_ name: String, global: Bool = false) -> Result<DynamicLibrary, LoadError> {
    _ = dlerror()
    guard let handle = dlopen(name, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) else {
      return .failure(LoadError(message: lastError() ?? "dlopen failed"))
    }
    return .success(DynamicLibrary(handle: handle))
  }

  /// Closes a library that turned out to be of no use.
  func close() { dlclose(handle) }

  /// The address of `symbol`, or nil when the library (and those it depends
  /// on) does not export it.
  func address(of symbol: String) -> UnsafeMutableRawPointer? { dlsym(handle, symbol) }

  /// `symbol` as a C function of type `F`, or nil when it is absent.
  func function<F>(_ symbol: String, as _: F.Type) -> F? {
    guard let pointer = address(of: symbol) else { return nil }
    return unsafeBitCast(pointer, to: F.self)
  }

  /// Why `dlopen` failed, from `dlerror`.
  struct LoadError: Error, Sendable {
    var message: String
  }

  private static func lastError() -> String? {
    guard let text = dlerror() else { return nil }
    return String(cString: text)
  }

  /// The file of the loaded object that contains `address` (`dladdr`), with
  /// its symbolic links resolved (`realpath`): the library a symbol really
  /// came from, wherever the search found it.
  static func file(containing address: UnsafeRawPointer) -> String? {
    // dladdr is a GNU extension the Glibc module does not declare; it is in
    // every libc that has dlopen, so it is taken with dlsym too.
    typealias DLAddr = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32
    // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr, four pointers.
    var info: (UnsafePointer<CChar>?, UnsafeRawPointer?, UnsafePointer<CChar>?, UnsafeRawPointer?) = (
      nil, nil, nil, nil
    )
    #if canImport(Darwin)
      let found = withUnsafeMutableBytes(of: &info) { bytes in
        dladdr(address, bytes.baseAddress?.assumingMemoryBound(to: Dl_info.self))
      }
    #else
      guard let symbol = dlsym(defaultHandle, "dladdr") else { return nil }
      let dladdr = unsafeBitCast(symbol, to: DLAddr.self)
      let found = withUnsafeMutableBytes(of: &info) { dladdr(address, $0.baseAddress) }
    #endif
    guard found != 0, let name = info.0 else { return nil }
    guard let resolved = realpath(name, nil) else { return String(cString: name) }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// `RTLD_DEFAULT`: look a symbol up in the process's global scope.
  static var defaultHandle: UnsafeMutableRawPointer? {
    #if canImport(Darwin)
      return UnsafeMutableRawPointer(bitPattern: -2)
    #else
      return nil
    #endif
  }
}

/// The number of processors this process may run on: the CPUs in its
/// affinity mask (`sched_getaffinity`, so `taskset` and container CPU sets
/// count) on Linux, else the active processor count.
func processorsInAffinityMask(active: Int) -> Int {
  #if os(Linux)
    typealias GetAffinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer?) -> Int32
    // Another GNU extension missing from the Glibc module.
    if let symbol = dlsym(DynamicLibrary.defaultHandle, "sched_getaffinity") {
      let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
      // 1024 CPUs (glibc's cpu_set_t), then larger masks for bigger machines.
      for words in [16, 128, 1024] {
        var mask = [UInt64](repeating: 0, count: words)
        let status = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress) }
        if status == 0 {
          let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
          return count > 0 ? count : max(1, active)
        }
      }
    }
  #endif
  return max(1, active)
}
