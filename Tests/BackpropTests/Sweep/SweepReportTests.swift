import Backprop
import Foundation
import Testing
import BackpropSweep

/// The sweep's page and chart: one curve per finished trial, the best widest, the ranked table.
@Suite struct SweepReportTests {
  func report() -> SweepReport {
    func history(_ scale: Double) -> History {
      var history = History()
      for epoch in 1...5 {
        history.epochs.append(
          EpochRecord(
            epoch: epoch, cost: scale / Double(epoch), validationCost: 1.1 * scale / Double(epoch), learningRate: 0.1,
            seconds: 0.1))
      }
      return history
    }
    let results = [
      SweepResult(trial: 1, values: [("optimizer", "sgd")], outcome: .finished(history(2))),
      SweepResult(trial: 2, values: [("optimizer", "adam")], outcome: .finished(history(1))),
      SweepResult(trial: 3, values: [("optimizer", "<nope>")], outcome: .failed("unknown optimizer '<nope>'")),
    ]
    let table = SweepTable(results, parameters: ["optimizer"], metric: SweepMetric(costOn: true))
    return SweepReport(table: table, title: "t.csv", command: ["backprop", "sweep", "--vary", "optimizer=sgd|adam"])
  }

  @Test func theChartHasEveryFinishedTrialTheBestOnTopAndWidest() throws {
    let svg = try XMLTree(report().costChart().svg(id: "cost"))
    let lines = svg.root.all("polyline")
    #expect(lines.map { $0.attributes["data-series"] } == ["#1 sgd", "best: #2 adam"])
    #expect(lines.map { $0.attributes["stroke-width"] } == ["1.6", "3.6"])
    #expect(lines[0].attributes["stroke-opacity"] == "0.7" && lines[1].attributes["stroke-opacity"] == nil)
    #expect(svg.root.texts.contains("validation cost J"))
  }

  @Test func thePageHasTheChartAndTheRankedTable() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let paths = try report().write(to: folder.path)
    #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["cost.svg", "index.html"])
    let svg = try String(contentsOfFile: paths[0], encoding: .utf8)
    #expect(try XMLTree(svg).root.all("polyline").count == 2)
    let html = try String(contentsOfFile: paths[1], encoding: .utf8)
    #expect(html.contains("<svg") && html.contains("best: trial 2 (optimizer=adam)"))
    #expect(html.contains("failed: unknown optimizer &#39;&lt;nope&gt;&#39;"))
    #expect(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"))
    // Rows in rank order: trial 2, trial 1, then the failure.
    let order = [
      "<td class=\"num\">1</td><td>2</td>", "<td class=\"num\">2</td><td>1</td>", "<td class=\"num\"></td><td>3</td>",
    ]
    .map { html.range(of: $0)?.lowerBound }
    #expect(order.allSatisfy { $0 != nil })
    #expect(order.compactMap { $0 }.sorted() == order.compactMap { $0 })
  }
}
