import Backprop
import Foundation
import Testing

/// The history's size is bounded whatever the number of epochs (memory, and the
/// checkpoints that embed it), and what it keeps is deterministic.
@Suite struct HistoryBoundTests {
  static func record(_ epoch: Int) -> EpochRecord {
    EpochRecord(
      epoch: epoch, cost: 1 / Double(epoch), validationCost: 2 / Double(epoch), metrics: ["accuracy": 0.5],
      learningRate: 0.01, seconds: 0.001, gradientNorms: [0.1, 0.2], deadUnitFractions: [0.25, nil])
  }

  /// A million epochs: at most `capacity` records, epoch 1, the newest window and the pinned epoch kept.
  @Test func aMillionEpochsStayWithinTheCapacity() {
    var history = History()
    var largest = 0
    for epoch in 1...1_000_000 {
      history.append(Self.record(epoch), keeping: 12_345)
      largest = max(largest, history.epochs.count)
    }
    #expect(largest <= History.capacity)
    #expect(history.epochCount == 1_000_000)
    #expect(history.epochs.first?.epoch == 1)
    #expect(history.epochs.contains { $0.epoch == 12_345 })
    let newest = history.epochs.suffix(History.recentWindow).map(\.epoch)
    #expect(newest == Array((1_000_000 - History.recentWindow + 1)...1_000_000))
    // Oldest first, and the older records evenly spaced.
    #expect(zip(history.epochs, history.epochs.dropFirst()).allSatisfy { $0.epoch < $1.epoch })
    #expect(history.sampleEvery > 1)
    #expect(
      history.epochs.filter { $0.epoch < 900_000 && $0.epoch != 12_345 }
        .allSatisfy { ($0.epoch - 1) % history.sampleEvery == 0 })
  }

  /// Up to the capacity every epoch is kept, as before.
  @Test func shortRunsKeepEveryEpoch() {
    var history = History()
    for epoch in 1...History.capacity { history.append(Self.record(epoch)) }
    #expect(history.epochs.map(\.epoch) == Array(1...History.capacity))
    #expect(history.sampleEvery == 1)
  }

  /// A thinned history survives JSON (as in a checkpoint) and appends on exactly as the original.
  @Test func aThinnedHistoryRoundTripsAndContinuesIdentically() throws {
    var history = History()
    for epoch in 1...10_000 { history.append(Self.record(epoch)) }
    let decoded = try JSONDecoder().decode(History.self, from: try JSONEncoder().encode(history))
    #expect(decoded == history)
    var a = history
    var b = decoded
    for epoch in 10_001...20_000 {
      a.append(Self.record(epoch))
      b.append(Self.record(epoch))
    }
    #expect(a == b)
    // A history written before `sampleEvery` existed still decodes.
    let old =
      #"{"epochs":[{"epoch":1,"cost":0.5,"metrics":{},"validationMetrics":{},"learningRate":0.1,"seconds":0.2}],"stoppedEarly":false}"#
    let legacy = try JSONDecoder().decode(History.self, from: Data(old.utf8))
    #expect(legacy.epochCount == 1 && legacy.sampleEvery == 1)
  }

  /// A checkpoint after far more epochs than the header limit allowed (≈ 350,000) still writes and reads back.
  @Test func aCheckpointAfterHalfAMillionEpochsWritesAndReadsBack() throws {
    var rng = DefaultGenerator(seed: 3)
    let network = try Network<Float>(
      layerSizes: [2, 3, 1], hiddenActivation: .relu, output: .sigmoid, initializer: .he, using: &rng)
    var history = History()
    for epoch in 1...500_000 { history.append(Self.record(epoch)) }
    let state = FitState(
      network: network, optimizerTensors: [:], optimizerCounters: [:], epoch: 500_001, batchStart: 0, order: [0, 1],
      costSum: 0, generator: DefaultGenerator(seed: 1), history: history, best: nil, epochsWithoutImprovement: 0,
      isFinished: false)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bound-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try CheckpointFile.write(state, model: Model(network: network), configuration: ["/"], runID: "r1", to: path)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size < SafetensorsFile.maximumHeaderSize / 10)
    let contents = try CheckpointFile.read(path: path, as: Float.self)
    #expect(contents.state.history == history)
    #expect(contents.runID == "r1")
    #expect(contents.state.history.epochCount == 500_000)
  }
}
