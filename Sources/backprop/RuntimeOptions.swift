import ArgumentParser
import Backprop

/// `--threads N`, on every command: how many threads the matrix products may
/// use, in the built-in kernel and in the system BLAS alike.
struct RuntimeOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Threads for the matrix products (built-in kernel and system BLAS). "
        + "Default: BACKPROP_THREADS, else the processors available (\(Kernels.defaultThreadCount())).",
      valueName: "n"))
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads \(threads): needs at least 1") }
  }

  /// Applies the settings; each command calls this first in `run()`.
  func apply() {
    if let threads { Kernels.threadCount = threads }
  }
}
