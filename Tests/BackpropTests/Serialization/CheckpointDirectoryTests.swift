import Backprop
import Foundation
import Testing

/// A checkpoint folder belongs to one run: another run is refused (or cleared on
/// request), pruning never touches another run's files, and names never collide.
@Suite struct CheckpointDirectoryTests {
  static func state(epoch: Int, batchStart: Int = 0, finished: Bool = false) throws -> (FitState<Float>, Model<Float>) {
    var rng = DefaultGenerator(seed: 7)
    let network = try Network<Float>(
      layerSizes: [2, 3, 1], hiddenActivation: .relu, output: .sigmoid, initializer: .he, using: &rng)
    let state = FitState(
      network: network, optimizerTensors: [:], optimizerCounters: [:], epoch: epoch, batchStart: batchStart,
      order: [0, 1, 2], costSum: 0, generator: DefaultGenerator(seed: 1), history: History(), best: nil,
      epochsWithoutImprovement: 0, isFinished: finished)
    return (state, Model(network: network))
  }

  static func folder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("checkpoints-\(UUID().uuidString)").path
  }

  @Test func aNewRunRefusesAnotherRunsFolderOrClearsIt() throws {
    let path = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try CheckpointDirectory(path: path, keep: 5, runID: "first")
    try first.claim(overwrite: false)
    for epoch in 2...3 {
      let (state, model) = try Self.state(epoch: epoch)
      try first.save(state, model: model, configuration: ["/work", "--epochs", "3"])
    }
    let second = try CheckpointDirectory(path: path, keep: 5, runID: "second")
    let error = #expect(throws: ConfigurationError.self) { try second.claim(overwrite: false) }
    #expect(error?.parameter == "checkpointDirectory")
    #expect(error?.problem.contains(path) == true)
    #expect(error?.problem.contains("run first") == true)
    #expect(error?.problem.contains("`resume`") == true && error?.problem.contains("`overwrite`") == true)
    #expect(first.checkpoints().count == 2)
    try second.claim(overwrite: true)
    #expect(second.checkpoints().isEmpty)
  }

  /// Two runs writing into one folder (started together, before either wrote): each prunes only its own files.
  @Test func pruningKeepsAnotherRunsCheckpoints() throws {
    let path = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let a = try CheckpointDirectory(path: path, keep: 1, runID: "a")
    let b = try CheckpointDirectory(path: path, keep: 1, runID: "b")
    let (early, model) = try Self.state(epoch: 2)
    let (late, _) = try Self.state(epoch: 9)
    let fileA = try a.save(late, model: model, configuration: ["/"])
    let fileB = try b.save(early, model: model, configuration: ["/"])
    #expect(FileManager.default.fileExists(atPath: fileA) && FileManager.default.fileExists(atPath: fileB))
    #expect(Set(a.runs().map(\.runID)) == ["a", "b"])
  }

  /// The checkpoint before the last epoch and the final one have different names; order is by number.
  @Test func theFinalCheckpointHasItsOwnNameAndOrderIsNumeric() throws {
    let path = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let directory = try CheckpointDirectory(path: path, keep: 10, runID: "r")
    let (beforeLast, model) = try Self.state(epoch: 5)
    let (final, _) = try Self.state(epoch: 5, finished: true)
    let (big, _) = try Self.state(epoch: 1_000_000)
    let (small, _) = try Self.state(epoch: 999_999, batchStart: 7)
    let one = try directory.save(beforeLast, model: model, configuration: ["/"])
    let two = try directory.save(final, model: model, configuration: ["/"])
    #expect(one != two)
    #expect(two.hasSuffix("checkpoint-000005-final.safetensors"))
    try directory.save(big, model: model, configuration: ["/"])
    try directory.save(small, model: model, configuration: ["/"])
    #expect(
      directory.checkpoints().map { URL(fileURLWithPath: $0).lastPathComponent } == [
        "checkpoint-000005-00000000.safetensors", "checkpoint-000005-final.safetensors",
        "checkpoint-999999-00000007.safetensors", "checkpoint-1000000-00000000.safetensors",
      ])
    #expect(try CheckpointFile.summary(path: two).finished)
  }
}
