import Foundation

/// Runs another program for a test (the `backprop` executable, python3 oracles).
public enum Subprocess {
  /// What a finished program left: its exit status, standard output and standard error.
  public struct Result: Sendable {
    public var status: Int32
    public var output: String
    public var error: String
    /// Standard output followed by standard error.
    public var combined: String { output + error }
  }

  /// Runs `executable` with `arguments` and waits for it.
  public static func run(_ executable: URL, _ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain standard error on another thread so neither pipe can fill up and block the child.
    let errorData = ErrorBuffer()
    let reader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorData.isSet { Thread.sleep(forTimeInterval: 0.001) }
    return Result(
      status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
      error: String(decoding: errorData.data, as: UTF8.self))
  }

  /// Never hang a test on a child that ignored a signal: kills `process` (SIGKILL) after
  /// `seconds` unless it has exited by then (the test then fails on its status or output).
  public static func killIfStillRunning(_ process: Process, after seconds: Double = 60) {
    let watchdog = Thread {
      Thread.sleep(forTimeInterval: seconds)
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    watchdog.start()
  }

  /// Runs `python3 arguments…` (found on the PATH).
  public static func python(_ arguments: [String]) throws -> Result {
    try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
  }

  /// Whether `python3 -c "import <modules>"` works.
  public static func pythonHas(_ modules: String) -> Bool {
    (try? python(["-c", "import \(modules)"]).status) == 0
  }

  private final class ErrorBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?
    func set(_ data: Data) { lock.withLock { stored = data } }
    var isSet: Bool { lock.withLock { stored != nil } }
    var data: Data { lock.withLock { stored ?? Data() } }
  }
}
