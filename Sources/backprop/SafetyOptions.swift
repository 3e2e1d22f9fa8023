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
    help: ArgumentHelp("Checkpoint every N epochs (iterations without --epochs); 0: only at the end and on interruption.", valueName: "N"))
  var checkpointEvery: Int = 0

  @Option(help: ArgumentHelp("Keep the newest K checkpoints in --checkpoint-dir.", valueName: "K"))
  var keep: Int = 3

  @Option(
    help: ArgumentHelp(
      "Continue a run from a checkpoint file, or from the newest in a checkpoint folder, with the options it was "
        + "started with. The result is bit for bit the uninterrupted run's (same thread count).",
      valueName: "dir|checkpoint"))
  var resume: String?

  @Option(
    name: .customLong("clip-norm"),
    help: ArgumentHelp("Clip the gradients' global norm to C before each update (against exploding gradients).", valueName: "C"))
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
    guard let latest = try CheckpointDirectory(path: source).latest else {
      throw ValidationError("--resume \(source): the folder holds no checkpoint-*.safetensors")
    }
    return latest
  }
}

/// SIGINT and SIGTERM during training: the first asks the training loop to
/// finish its step, checkpoint and stop; a second exits at once (files on disk
/// are only ever replaced by atomic renames, so none is left half-written).
enum Interruption {
  /// The number of signals received, and the last one.
  private static let count = Atomic<Int>(0)
  private static let lastSignal = Atomic<Int32>(0)

  /// Installs the handlers.
  static func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig) { received in
        Interruption.lastSignal.store(received, ordering: .relaxed)
        if Interruption.count.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + received) }
      }
    }
  }

  /// Whether a signal asked to stop.
  static var requested: Bool { count.load(ordering: .relaxed) > 0 }

  /// The conventional exit status for the signal received (130 for SIGINT, 143 for SIGTERM).
  static var exitStatus: Int32 { 128 + max(lastSignal.load(ordering: .relaxed), 2) }
}
