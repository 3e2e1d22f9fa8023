import ArgumentParser
import Backprop
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Checkpoints, resuming, interruption and divergence: never lose a run.
struct SafetyOptions: ParsableArguments {
  @Option(
    name: .customLong("checkpoint-dir"),
    help: ArgumentHelp(
      "Save checkpoints here (parameters, optimizer state, batch-norm statistics, random state, position, history): "
        + "every --checkpoint-every epochs, at the end, and on Ctrl-C or SIGTERM.", valueName: "dir"))
  var checkpointDir: String?

  @Option(
    name: .customLong("checkpoint-every"),
    help: ArgumentHelp(
      "Checkpoint every N epochs (iterations without --epochs); 0: only at the end and on interruption.", valueName: "N"
    ))
  var checkpointEvery: Int = 0

  @Option(help: ArgumentHelp("Keep the newest K checkpoints in --checkpoint-dir.", valueName: "K"))
  var keep: Int = 3

  @Flag(
    help: ArgumentHelp(
      "Start a new run in a --checkpoint-dir that holds another run's checkpoints, deleting them first "
        + "(without it, such a folder is refused)."))
  var overwrite = false

  @Option(
    help: ArgumentHelp(
      "Continue a run from a checkpoint file, or from the newest in a checkpoint folder, with the options it was "
        + "started with; new checkpoints go to that folder. The result is bit for bit the uninterrupted run's (same "
        + "thread count). Other train options may be repeated but must match the run's; --epochs or --iterations "
        + "may be raised to train a finished run further.",
      valueName: "dir|checkpoint"))
  var resume: String?

  @Option(
    name: .customLong("clip-norm"),
    help: ArgumentHelp(
      "Clip the gradients' global norm to C before each update (against exploding gradients).", valueName: "C"))
  var clipNorm: Double?

  @Flag(
    help: ArgumentHelp(
      "Results independent of the thread count: the built-in kernel computes every product (its sums have a "
        + "fixed order); a system BLAS's threads may reorder them."))
  var deterministic = false

  func validate() throws {
    if checkpointEvery < 0 { throw ValidationError("--checkpoint-every \(checkpointEvery): must be 0 or more") }
    if keep < 1 { throw ValidationError("--keep \(keep): must be at least 1") }
    if checkpointDir == nil && checkpointEvery > 0 {
      throw ValidationError("--checkpoint-every needs --checkpoint-dir")
    }
    if checkpointDir == nil && overwrite { throw ValidationError("--overwrite needs --checkpoint-dir") }
    if let clipNorm, !(clipNorm > 0) || !clipNorm.isFinite {
      throw ValidationError("--clip-norm \(clipNorm): must be a positive number")
    }
  }

  /// The checkpoint file `--resume` names: the file, or the newest in the folder.
  static func checkpointFile(_ source: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
      throw ValidationError("--resume \(source): no such file or folder")
    }
    if !isDirectory.boolValue { return source }
    let folder = CheckpointDirectory(existing: source)
    let runs = folder.runs()
    if runs.count > 1 {
      let list = runs.map { run in
        "run \(run.runID ?? "(no id)") (newest \(URL(fileURLWithPath: run.checkpoints.last!.path).lastPathComponent))"
      }
      throw ValidationError(
        "--resume \(source): the folder holds the checkpoints of \(runs.count) runs: "
          + list.joined(separator: ", ") + "; name the checkpoint file to resume")
    }
    guard let latest = folder.latest else {
      throw ValidationError("--resume \(source): the folder holds no checkpoint-*.safetensors")
    }
    return latest
  }
}

/// SIGINT and SIGTERM during training: the first asks the training loop to
/// finish its step, checkpoint and stop. A second one exits at once, unless a
/// checkpoint is being written (``whileSaving(_:)``): then the write is
/// finished, and the process stops right after it, saying so on standard error.
/// Files on disk are only ever replaced by atomic renames, so none is left
/// half-written, and no temporary file is left behind.
enum Interruption {
  /// The number of signals received, and the last one.
  private static let count = Atomic<Int>(0)
  private static let lastSignal = Atomic<Int32>(0)
  /// Whether a checkpoint is being written.
  private static let saving = Atomic<Bool>(false)

  /// Installs the handlers.
  static func install() {
    // A process may start with these signals blocked (inherited from its parent); unblock them.
    var mask = sigset_t()
    sigemptyset(&mask)
    sigaddset(&mask, SIGINT)
    sigaddset(&mask, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    for sig in [SIGINT, SIGTERM] {
      signal(sig) { received in
        Interruption.lastSignal.store(received, ordering: .relaxed)
        guard Interruption.count.add(1, ordering: .relaxed).newValue > 1 else { return }
        if Interruption.saving.load(ordering: .sequentiallyConsistent) {
          Interruption.say("\nbackprop: a checkpoint is being written; it will be finished, then training stops\n")
        } else {
          Interruption.say("\nbackprop: stopped at once by a second signal; the checkpoints already written are kept\n")
          _exit(128 + received)
        }
      }
    }
  }

  /// Writes a fixed message to standard error from a signal handler (write(2) only).
  private static func say(_ message: StaticString) {
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
  }

  /// Runs `save` (a checkpoint write) to its end even if a second signal comes;
  /// if one came, says what was written and exits with 128 + the signal.
  static func whileSaving(_ save: () throws -> String) throws -> String {
    saving.store(true, ordering: .sequentiallyConsistent)
    let written: String
    do {
      written = try save()
    } catch {
      saving.store(false, ordering: .sequentiallyConsistent)
      throw error
    }
    saving.store(false, ordering: .sequentiallyConsistent)
    if count.load(ordering: .sequentiallyConsistent) > 1 {
      FileHandleOutput.standardError(
        "Stopped by a second signal after finishing the checkpoint \(written). Resume with: backprop train --resume \(written)"
      )
      Foundation.exit(exitStatus)
    }
    return written
  }

  /// Whether a signal asked to stop.
  static var requested: Bool { count.load(ordering: .relaxed) > 0 }

  /// The conventional exit status for the signal received (130 for SIGINT, 143 for SIGTERM).
  static var exitStatus: Int32 { 128 + max(lastSignal.load(ordering: .relaxed), 2) }
}
