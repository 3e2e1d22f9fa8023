import ArgumentParser
import Backprop
import Foundation
import BackpropSweep

/// Runs a sweep's trials as child `backprop train` processes, at most `parallel`
/// at a time, each writing its output to its folder's `log.txt`. Ctrl-C (or
/// SIGTERM) interrupts the running children and stops the sweep.
struct SweepRunner {
  /// One trial to run: its number, the values it sets, its `train` arguments and folder.
  struct Job {
    var trial: Int
    var values: [(name: String, value: String)]
    var arguments: [String]
    var folder: URL
  }

  /// What a child left: its exit status, its wall time and its log.
  struct Finished {
    var job: Job
    var status: Int32
    var seconds: Double
    var log: String
  }

  /// This program, to run as the children (the same build, whatever the working folder).
  static var executable: URL {
    let proc = "/proc/self/exe"
    if FileManager.default.fileExists(atPath: proc) { return URL(fileURLWithPath: proc).resolvingSymlinksInPath() }
    return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
  }

  var parallel: Int

  /// Runs every job; calls `done` as each ends (in the order they end).
  /// - Throws: ``ExitCode`` 130 (143 for SIGTERM) when interrupted, after the children have stopped.
  func run(_ jobs: [Job], done: (Finished) -> Void) throws {
    // A parent may have started this process with signals blocked (a thread pool's thread does):
    // unblock Ctrl-C and SIGTERM, here and so in the children, which inherit this thread's mask.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    Interruption.install()
    let program = Self.executable
    var waiting = jobs[...]
    var running = [(job: Job, process: Process, started: Date, log: FileHandle)]()
    while !waiting.isEmpty || !running.isEmpty {
      if Interruption.requested {
        for child in running where child.process.isRunning { child.process.interrupt() }
        let deadline = Date().addingTimeInterval(5)
        while running.contains(where: { $0.process.isRunning }) && Date() < deadline {
          Thread.sleep(forTimeInterval: 0.02)
        }
        for child in running where child.process.isRunning { child.process.terminate() }
        for child in running { child.process.waitUntilExit() }
        FileHandleOutput.standardError(
          "Interrupted: stopped \(running.count) running trial\(running.count == 1 ? "" : "s") "
            + "(\(jobs.count - waiting.count - running.count) had finished); no table, best model or report written")
        throw ExitCode(Interruption.exitStatus)
      }
      while running.count < parallel, let job = waiting.popFirst() {
        let logPath = job.folder.appendingPathComponent("log.txt").path
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
          let log = FileHandle(forWritingAtPath: logPath)
        else { throw ValidationError("cannot write \(logPath)") }
        let process = Process()
        process.executableURL = program
        process.arguments = ["train"] + job.arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        running.append((job, process, Date(), log))
      }
      if let index = running.firstIndex(where: { !$0.process.isRunning }) {
        let child = running.remove(at: index)
        child.process.waitUntilExit()
        try? child.log.close()
        let text = (try? String(contentsOf: child.job.folder.appendingPathComponent("log.txt"), encoding: .utf8)) ?? ""
        done(
          Finished(
            job: child.job, status: child.process.terminationStatus,
            seconds: Date().timeIntervalSince(child.started), log: text))
      } else {
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  /// The first error a trial's log shows: its first line starting `Error:`, else its last line.
  static func firstError(in log: String, status: Int32) -> String {
    let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    if let line = lines.first(where: { $0.hasPrefix("Error:") }) {
      return line.dropFirst("Error:".count).trimmingCharacters(in: .whitespaces)
    }
    let signal = status > 128 ? " (signal \(status - 128))" : ""
    return (lines.last { !$0.isEmpty } ?? "no output") + " [exit status \(status)\(signal)]"
  }
}
