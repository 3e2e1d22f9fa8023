import Backprop
import Foundation
import Testing
import BackpropSweep

/// Ranking trials by a metric, the table's cells and CSV, and the metric's value in a history.
@Suite struct SweepTableTests {
  /// A history whose costs fall to `final` (validation costs to `validation`, accuracy `accuracy`).
  func history(final: Double, validation: Double? = nil, accuracy: Double? = nil, best: Int? = nil) -> History {
    var history = History()
    for epoch in 1...3 {
      let factor = Double(4 - epoch)
      history.epochs.append(
        EpochRecord(
          epoch: epoch, cost: final * factor, validationCost: validation.map { $0 * factor },
          validationMetrics: accuracy.map { ["accuracy": $0 / factor] } ?? [:], learningRate: 0.01, seconds: 0.1))
    }
    history.bestEpoch = best
    return history
  }

  func result(_ trial: Int, _ rate: String, _ outcome: SweepResult.Outcome) -> SweepResult {
    SweepResult(trial: trial, values: [("learning-rate", rate), ("layers", "4,8,3")], outcome: outcome, seconds: 1.25)
  }

  @Test func costsRankSmallestFirstFailuresLast() throws {
    let results = [
      result(1, "0.1", .finished(history(final: 0.5, validation: 0.7))),
      result(2, "1", .failed("diverged at epoch 2")),
      result(3, "0.01", .finished(history(final: 0.2, validation: 0.3))),
      result(4, "0.001", .finished(history(final: .nan, validation: .nan))),
      result(5, "0.05", .finished(history(final: 0.2, validation: 0.3))),
    ]
    let metric = SweepMetric.default(for: results.compactMap(\.history))
    #expect(metric.description == "validation_cost" && !metric.higherIsBetter)
    let table = SweepTable(results, parameters: ["learning-rate", "layers"], metric: metric)
    #expect(table.rows.map(\.trial) == [3, 5, 1, 4, 2])  // ties by trial number; NaN, then the failure, last
    #expect(table.best?.trial == 3)
    #expect(
      table.columns == [
        "rank", "trial", "learning-rate", "layers", "validation_cost", "cost", "epochs", "seconds", "status",
      ])
    let cells = table.cells()
    #expect(cells[0] == ["1", "3", "0.01", "4,8,3", "0.3", "0.2", "3", "1.2", "ok"])
    #expect(cells.map(\.[0]) == ["1", "2", "3", "", ""])
    #expect(cells[4].last == "failed: diverged at epoch 2")
    let csv = table.csv().split(separator: "\n")
    #expect(csv.count == 6)
    #expect(csv[1] == "1,3,0.01,\"4,8,3\",0.3,0.2,3,1.2,ok")
    // The text table: one line per trial under the header, columns aligned.
    let lines = table.text().split(separator: "\n")
    #expect(lines.count == 6 && lines[0].hasPrefix("rank  trial  learning-rate"))
  }

  @Test func accuracyRanksLargestFirstAtTheKeptEpoch() throws {
    let metric = try SweepMetric(parsing: "validation-accuracy")
    #expect(metric.description == "validation_accuracy" && metric.higherIsBetter)
    // Trial 1 kept epoch 1 (early stopping): its accuracy there is 0.9 / 3 = 0.3, not the last epoch's 0.9.
    let results = [
      result(1, "0.1", .finished(history(final: 0.5, accuracy: 0.9, best: 1))),
      result(2, "0.01", .finished(history(final: 0.5, accuracy: 0.6))),
    ]
    #expect(metric.value(in: results[0].history!) == 0.3)
    let table = SweepTable(results, parameters: ["learning-rate"], metric: metric)
    #expect(table.rows.map(\.trial) == [2, 1])
    #expect(try SweepMetric(parsing: "cost").description == "cost")
    #expect(try SweepMetric(parsing: "validation_macro-f1").description == "validation_macro_f1")
    #expect(try !SweepMetric(parsing: "mse").higherIsBetter)
    let error = #expect(throws: ConfigurationError.self) { try SweepMetric(parsing: "validation-speed") }
    #expect(error?.parameter == "SweepMetric")
  }

  @Test func noBestWhenEveryTrialFailed() {
    let table = SweepTable(
      [result(1, "0.1", .failed("bad")), result(2, "0.2", .failed("bad"))], parameters: ["learning-rate"],
      metric: SweepMetric(costOn: false))
    #expect(table.best == nil)
    #expect(table.cells().allSatisfy { $0[0].isEmpty })
  }

  @Test func historyJSONReadsBack() throws {
    var history = history(final: 0.4, validation: 0.5, accuracy: 0.8, best: 2)
    history.epochs[0].metrics = ["log_loss": 0.7, "macro_f1": .nan]
    history.stoppedEarly = true
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try history.write(to: path)
    let read = try History.read(path: path)
    #expect(read.epochs.count == 3 && read.bestEpoch == 2 && read.stoppedEarly)
    #expect(read.epochs[0].metrics["log_loss"] == 0.7 && read.epochs[0].metrics["macro_f1"]?.isNaN == true)
    #expect(read.epochs[2].validationMetrics == history.epochs[2].validationMetrics)
    #expect(read.epochs.map(\.validationCost) == history.epochs.map(\.validationCost))
    #expect(throws: FileFormatError.self) { try History.read(path: path + ".missing") }
  }
}
