import Backprop
import BackpropTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A finished run is never thrown away, and a checkpoint folder belongs to one run.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct RunSafetyTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A folder with a CSV of `rows` two-feature examples of two classes.
  func makeFolder(rows: Int = 60) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-safety-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 11)
    var text = "a,b,label\n"
    for j in 0..<rows {
      let k = j % 2
      text += "\(rng.nextGaussian() + Double(k)),\(rng.nextGaussian() - Double(k)),\(k)\n"
    }
    try text.write(to: folder.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  func options(_ folder: URL, epochs: Int = 3) -> [String] {
    [
      "train", "--data", folder.appendingPathComponent("data.csv").path, "--layers", "2,4,2", "--output", "softmax",
      "--epochs", String(epochs), "--print-every", "0",
    ]
  }

  func names(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
  }

  // MARK: - Checkpoint folders belong to one run

  /// A new run into a folder holding another run's checkpoints is refused (naming both), or clears it with --overwrite.
  /// Baseline: exit 0, the second run overwrote and pruned the first run's checkpoints.
  @Test func aNewRunRefusesAnotherRunsCheckpointFolder() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = folder.appendingPathComponent("run").path
    let first = try run(options(folder) + ["--checkpoint-dir", checkpoints, "--checkpoint-every", "1", "--keep", "10"])
    #expect(first.status == 0, "\(first.error)")
    let before = names(checkpoints)
    let second = try run(options(folder, epochs: 2) + ["--seed", "4", "--checkpoint-dir", checkpoints, "--keep", "2"])
    #expect(second.status == 2)
    #expect(second.error.contains(checkpoints) && second.error.contains("another run"), "\(second.error)")
    #expect(second.error.contains("--resume") && second.error.contains("--overwrite"))
    #expect(!second.error.contains("Trained"))
    #expect(names(checkpoints) == before)

    let overwritten = try run(
      options(folder, epochs: 2) + ["--seed", "4", "--checkpoint-dir", checkpoints, "--keep", "2", "--overwrite"])
    #expect(overwritten.status == 0, "\(overwritten.error)")
    let runs = CheckpointDirectory(existing: checkpoints).runs()
    #expect(runs.count == 1)
    #expect(runs.first?.checkpoints.allSatisfy { $0.summary.configuration.contains("--seed") } == true)
  }

  /// The checkpoint after epoch E−1 (at the start of epoch E) and the final one have different names.
  /// Baseline: one `checkpoint-000003-00000000.safetensors`, the final one written over it.
  @Test func theFinalCheckpointDoesNotReplaceTheOneBeforeIt() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = folder.appendingPathComponent("run").path
    let result = try run(
      options(folder) + ["--checkpoint-dir", checkpoints, "--checkpoint-every", "1", "--keep", "10"])
    #expect(result.status == 0, "\(result.error)")
    #expect(
      names(checkpoints) == [
        "checkpoint-000002-00000000.safetensors", "checkpoint-000003-00000000.safetensors",
        "checkpoint-000003-final.safetensors",
      ])
  }

  /// `--resume DIR` writes into DIR, wherever the folder has moved.
  /// Baseline: the resumed run recreated the old folder and wrote its checkpoints there.
  @Test func resumingAMovedFolderWritesIntoIt() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let original = folder.appendingPathComponent("run").path
    let result = try run(
      options(folder, epochs: 4) + ["--checkpoint-dir", original, "--checkpoint-every", "1", "--keep", "10"])
    #expect(result.status == 0, "\(result.error)")
    // Keep the checkpoint at the start of epoch 3 only, as if the run had been stopped there, then move the folder.
    for name in names(original) where name != "checkpoint-000003-00000000.safetensors" {
      try FileManager.default.removeItem(atPath: original + "/" + name)
    }
    let moved = folder.appendingPathComponent("moved").path
    try FileManager.default.moveItem(atPath: original, toPath: moved)
    let resumed = try run(["train", "--resume", moved])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(!FileManager.default.fileExists(atPath: original))
    #expect(names(moved).contains("checkpoint-000004-final.safetensors"), "\(names(moved))")
  }

  // MARK: - train --resume with the run's options

  /// The run's own options are accepted with --resume; different ones are listed; --epochs extends a finished run.
  /// Baseline: "Unknown option '--data'" for any of them.
  @Test func resumeAcceptsTheRunsOptionsAndExtendsIt() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = folder.appendingPathComponent("run").path
    let history = folder.appendingPathComponent("history.csv").path
    let first = try run(options(folder) + ["--checkpoint-dir", checkpoints, "--history", history])
    #expect(first.status == 0, "\(first.error)")

    let same = try run(options(folder) + ["--checkpoint-dir", checkpoints, "--resume", checkpoints])
    #expect(same.status == 0, "\(same.error)")
    #expect(same.error.contains("3 epochs"), "\(same.error)")

    let different = try run([
      "train", "--resume", checkpoints, "--data", folder.appendingPathComponent("data.csv").path, "--layers", "2,5,2",
      "--learning-rate", "0.5",
    ])
    #expect(different.status == 2)
    #expect(
      different.error.contains("--layers 2,5,2") && different.error.contains("--learning-rate 0.5"),
      "\(different.error)")
    #expect(!different.error.contains("--data"), "the matching --data is not listed: \(different.error)")

    let extended = try run(["train", "--resume", checkpoints, "--epochs", "5"])
    #expect(extended.status == 0, "\(extended.error)")
    #expect(extended.error.contains("5 epochs"), "\(extended.error)")
    #expect(names(checkpoints).contains("checkpoint-000005-final.safetensors"), "\(names(checkpoints))")
    let rows = try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 6, "a header and 5 epochs: \(rows)")

    let fewer = try run(["train", "--resume", checkpoints, "--epochs", "2"])
    #expect(fewer.status == 2 && fewer.error.contains("already trained 5 epochs"), "\(fewer.error)")
  }

  // MARK: - A finished run is never thrown away

  /// Every output path is checked before training; --events says why it cannot be written.
  /// Baseline: a missing --history folder failed only after training, the model unsaved;
  /// --events said "cannot create the file" with no reason.
  @Test func outputsAreCheckedBeforeTraining() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("missing").path
    try FileManager.default.createDirectory(atPath: folder.path + "/folder.csv", withIntermediateDirectories: false)
    let model = folder.appendingPathComponent("model.safetensors").path
    for (option, path) in [
      ("--history", missing + "/history.csv"), ("--events", missing + "/events.jsonl"), ("--save", missing + "/m.npz"),
      ("--report", missing + "/report/deeper"), ("--history", folder.path + "/folder.csv"),
    ] {
      let result = try run(options(folder) + [option, path, "--save", option == "--save" ? path : model])
      #expect(result.status == 2, "\(option) \(path)")
      #expect(result.error.contains(option) && result.error.contains(path), "\(result.error)")
      #expect(!result.error.contains("Trained"), "refused before training: \(result.error)")
      #expect(!FileManager.default.fileExists(atPath: model))
    }
    let tooLong = folder.appendingPathComponent(String(repeating: "e", count: 300) + ".jsonl").path
    let events = try run(options(folder) + ["--events", tooLong])
    #expect(events.status == 2)
    #expect(events.error.contains("--events") && events.error.contains("too long"), "\(events.error)")
  }

  /// A history that cannot be written after training: the model is saved first, and the error says so.
  /// Baseline: the history failed first and the model was never written.
  @Test func theModelIsSavedBeforeAFailingHistory() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("model.safetensors").path
    // A name the folder accepts but whose temporary file (".NAME.UUID.tmp") is over the 255-byte limit.
    let history = folder.appendingPathComponent(String(repeating: "h", count: 240) + ".csv").path
    let result = try run(options(folder) + ["--history", history, "--save", model])
    #expect(result.status != 0)
    #expect(
      result.error.contains("--history") && result.error.contains("the model was saved to \(model)"), "\(result.error)")
    #expect(FileManager.default.fileExists(atPath: model))
    #expect(throws: Never.self) { try ModelFile.read(path: model, as: Float.self) }
  }

  /// A second signal while the interrupt checkpoint is written: the checkpoint is finished (or the exit says
  /// nothing is being written), exit 128 + a signal's number, no temporary file left, every checkpoint readable.
  /// Baseline: the second signal exited at once, saying nothing.
  @Test func aSecondInterruptSaysWhatHappenedAndLeavesNoTemporaryFile() throws {
    guard let url = BackpropExecutable.url else { return }
    let folder = try makeFolder(rows: 4000)
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = folder.appendingPathComponent("run").path
    let process = Process()
    process.executableURL = url
    // Layers wide enough that the interrupt checkpoint (W, b and Adam's two moments, ~0.8 MB) takes
    // longer to write than the 2 ms between the signals: with a tiny one the process could finish and
    // exit before the second signal arrived on a loaded machine, and there was nothing left to test.
    process.arguments = [
      "train", "--data", folder.appendingPathComponent("data.csv").path, "--layers", "2,256,256,2", "--output",
      "softmax", "--epochs", "100000", "--batch-size", "8", "--optimizer", "adam", "--print-every", "0",
      "--checkpoint-dir", checkpoints, "--checkpoint-every", "1", "--threads", "1",
    ]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    while names(checkpoints).filter({ $0.hasPrefix("checkpoint-") }).isEmpty && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.01)
    }
    // Two different signals: two SIGINTs sent while the process waits for a core (a loaded
    // machine) are merged into one pending signal by the kernel, and the test saw one interrupt.
    kill(process.processIdentifier, SIGINT)
    Thread.sleep(forTimeInterval: 0.002)
    kill(process.processIdentifier, SIGTERM)
    // Never hang: a process that ignored the signals is killed after 60 s (and the test fails).
    Subprocess.killIfStillRunning(process)
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // 128 + the signal handled last (two pending signals may be delivered in either order).
    #expect([128 + SIGINT, 128 + SIGTERM].contains(process.terminationStatus), "\(message)")
    #expect(
      message.contains("stopped at once by a second signal")
        || message.contains("after finishing the checkpoint"), "\(message)")
    #expect(!names(checkpoints).contains { $0.hasSuffix(".tmp") }, "\(names(checkpoints))")
    for name in names(checkpoints) {
      #expect(throws: Never.self) { try CheckpointFile.read(path: checkpoints + "/" + name, as: Float.self) }
    }
  }
}
