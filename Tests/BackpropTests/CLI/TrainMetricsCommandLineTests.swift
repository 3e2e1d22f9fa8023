import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `train --exact-train-metrics`: the training metrics from one pass over the
/// training set at the end of each epoch, instead of the batches' running sums.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct TrainMetricsCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// The exact pass's log loss is what `evaluate` reports for the saved model on the
  /// same data; the running metrics (the default) score each batch before its update, and differ.
  @Test func exactTrainMetricsAreTheSavedModelsScores() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-metrics-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var rng = DefaultGenerator(seed: 3)
    var lines = ["a,b,kind"]
    for j in 0..<120 {
      let k = j % 3
      lines.append("\(Double(k) + rng.nextGaussian()),\(Double(2 - k) + rng.nextGaussian()),\(k)")
    }
    let table = folder.appendingPathComponent("t.csv").path
    try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
    func train(_ extra: [String], name: String) throws -> (History, String) {
      let history = folder.appendingPathComponent("\(name).json").path
      let model = folder.appendingPathComponent("\(name).safetensors").path
      let result = try run(
        [
          "train", "--data", table, "--layers", "2,8,3", "--activation", "tanh", "--output", "softmax",
          "--epochs", "2", "--batch-size", "10", "--learning-rate", "0.5", "--metrics", "accuracy,log_loss",
          "--history", history, "--save", model,
        ] + extra)
      #expect(result.status == 0, "\(result.error)")
      return (try History.read(path: history), model)
    }
    let (exact, model) = try train(["--exact-train-metrics"], name: "exact")
    let (running, _) = try train([], name: "running")
    #expect(exact.epochs.map(\.cost) == running.epochs.map(\.cost))
    let exactLoss = try #require(exact.epochs.last?.metrics["log_loss"])
    let runningLoss = try #require(running.epochs.last?.metrics["log_loss"])
    #expect(exactLoss != runningLoss)
    let evaluated = try run(["evaluate", "--model", model, "--data", table])
    #expect(evaluated.status == 0, "\(evaluated.error)")
    #expect(evaluated.output.contains("log loss  " + String(format: "%.4f", exactLoss)), "\(evaluated.output)")
  }

  /// The help says what running metrics are and why the exact ones differ.
  @Test func theHelpExplainsRunningMetrics() throws {
    let help = try run(["train", "--help"])
    #expect(help.status == 0)
    #expect(help.output.contains("--exact-train-metrics"))
    #expect(help.output.contains("running metrics"))
  }
}
