import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `train --scores FILE.json`: the final scores the run printed, as JSON, the file a sweep reads.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ScoresFileCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  @Test func theScoresPrintedAreTheScoresWritten() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-scores-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var rng = DefaultGenerator(seed: 5)
    var lines = ["a,b,kind"]
    for j in 0..<100 {
      let k = j % 2
      lines.append("\(Double(k) + rng.nextGaussian()),\(Double(1 - k) + rng.nextGaussian()),\(k)")
    }
    let table = folder.appendingPathComponent("t.csv").path
    try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let scores = folder.appendingPathComponent("scores.json").path
    let result = try run([
      "train", "--data", table, "--layers", "2,4,1", "--output", "sigmoid", "--epochs", "3", "--batch-size", "10",
      "--validation-split", "0.2", "--test-split", "0.2", "--quiet", "--scores", scores,
    ])
    #expect(result.status == 0, "\(result.error)")
    let data = try Data(contentsOf: URL(fileURLWithPath: scores))
    let written = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Double])
    #expect(Set(written.keys) == ["train_accuracy", "validation_accuracy", "test_accuracy"])
    for (name, printed) in [("train", "Train"), ("validation", "Validation"), ("test", "Test")] {
      let value = try #require(written["\(name)_accuracy"])
      #expect(result.output.contains("\(printed) accuracy: " + String(format: "%.6f", value)), "\(result.output)")
    }
  }

  @Test func aScoresFileMustBeJSON() throws {
    let result = try run(["train", "--data", "t.csv", "--layers", "2,1", "--scores", "scores.txt"])
    #expect(result.status != 0)
    #expect(result.error.contains("--scores scores.txt: the file must end in .json"), "\(result.error)")
  }
}
