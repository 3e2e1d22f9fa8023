import ArgumentParser
import Backprop
import Foundation

/// Options every command shares: how the matrix products run.
struct RuntimeOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Threads for the matrix products (built-in kernel and system BLAS). "
        + "Default: BACKPROP_THREADS, else the processors available (\(Kernels.defaultThreadCount())).",
      valueName: "n"))
  var threads: Int?

  @Option(
    help: ArgumentHelp(
      "Matrix-product backend: auto (a system BLAS such as OpenBLAS where it is installed and measured faster, else "
        + "the built-in kernel), builtin, system (the installed BLAS, unmeasured), or a library's path. "
        + "Default: BACKPROP_BLAS, else auto. `backprop info` shows the choice.",
      valueName: "auto|builtin|system|path"))
  var blas: String?

  func validate() throws {
    try NumberRange.atLeastOne.check(threads, "--threads")
    // BACKPROP_THREADS set to something unusable is an error, like a bad --threads, unless --threads overrides it.
    if threads == nil {
      do { _ = try Kernels.environmentThreadCount() } catch { throw ValidationError(error.description) }
    }
    if let blas, blas.trimmingCharacters(in: .whitespaces).isEmpty {
      throw ValidationError("--blas: give auto, builtin, system or a library's path")
    }
  }

  /// Applies the settings; each command calls this first in `run()`, before
  /// any product (the backend is chosen once per process, on first use).
  func apply() {
    if let blas { setenv("BACKPROP_BLAS", blas, 1) }
    if let threads { Kernels.threadCount = threads }
  }

  /// The `--blas` value that repeats this process's choice for `Scalar`, for
  /// the command a checkpoint records: a resumed run must compute its products
  /// with the same backend to reach the same bits.
  static func recordedBackend<Scalar: MatrixScalar>(for _: Scalar.Type) -> String {
    guard Kernels.backendChoice.backend(for: Scalar.self) == .systemBLAS, let library = SystemBLAS.current else {
      return "builtin"
    }
    return library.path
  }
}
