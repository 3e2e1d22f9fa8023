import Dispatch

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Kernels {
  /// The most threads one kernel call may use (at least 1).
  ///
  /// Defaults to the environment variable `BACKPROP_THREADS` when it holds a
  /// positive integer, otherwise to the number of processors this process may
  /// run on (its CPU affinity on Linux). Setting it affects the calls that
  /// start afterwards, and sets the system BLAS's thread count too (see
  /// `SystemBLAS`). Products too small to pay for threads run on the calling
  /// thread whatever this says.
  public static var threadCount: Int {
    get { threadSetting.value }
    set {
      threadSetting.value = max(1, newValue)
      SystemBLAS.current?.setThreadCount(threadSetting.value)
    }
  }

  /// The thread count from the environment: `BACKPROP_THREADS`, else
  /// `Kernels.availableProcessorCount` (also when the variable holds no
  /// positive integer: a program that must not run on with a mistyped value
  /// checks `environmentThreadCount()` first, as the `backprop` commands do).
  public static func defaultThreadCount() -> Int {
    (try? environmentThreadCount()).flatMap { $0 } ?? availableProcessorCount
  }

  /// `BACKPROP_THREADS`: nil when it is not set (or empty), else the positive
  /// integer it holds.
  /// - Throws: ``ConfigurationError`` naming the variable when it holds anything else (`abc`, `0`, `-3`).
  package static func environmentThreadCount() throws(ConfigurationError) -> Int? {
    try threadCount(environmentValue: ProcessInfo.processInfo.environment["BACKPROP_THREADS"])
  }

  /// The thread count a `BACKPROP_THREADS` value asks for: nil for no value.
  /// - Throws: ``ConfigurationError`` naming the variable when `text` is not a positive integer.
  package static func threadCount(environmentValue text: String?) throws(ConfigurationError) -> Int? {
    guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
      throw ConfigurationError(
        parameter: "BACKPROP_THREADS",
        "'\(text)' is not a number of threads; set it to a whole number, 1 or more, or unset it")
    }
    return value
  }

  /// The processors this process may run on: the CPUs in its affinity mask
  /// on Linux (`taskset`, container CPU sets), else the active processor
  /// count.
  package static var availableProcessorCount: Int {
    processorsInAffinityMask(active: ProcessInfo.processInfo.activeProcessorCount)
  }

  /// The number of multiply-adds (m·n·k) from which a product is split across
  /// threads: about 1 ms of work on one core, well above the cost of waking
  /// the others.
  static let parallelThreshold = 1 << 20

  private static let threadSetting = LockedInt(defaultThreadCount())
}

/// An `Int` behind a lock, for settings that any thread may read.
private final class LockedInt: @unchecked Sendable {
  private let lock = DispatchSemaphore(value: 1)
  private var stored: Int

  init(_ value: Int) { stored = value }

  var value: Int {
    get {
      lock.wait()
      defer { lock.signal() }
      return stored
    }
    set {
      lock.wait()
      stored = newValue
      lock.signal()
    }
  }
}
