import Backprop
import BackpropReport
import Foundation

/// One page comparing a sweep's trials: every trial's cost curve on one chart
/// (the best highlighted, each named by its varied values) and the ranked table.
///
/// ```swift
/// let command = ["backprop", "sweep", "--vary", "learning-rate=log:1e-3..1e-1:3", "--", "--data", "digits.csv"]
/// let report = SweepReport(table: table, title: "digits.csv", command: command)
/// try report.write(to: "sweep")     // sweep/cost.svg and sweep/index.html
/// ```
///
/// The curve drawn is the validation cost when the trials have one, else the training
/// cost. The page is self-contained (inline CSS and SVG, no script, nothing fetched).
public struct SweepReport: Sendable {
  /// The ranked trials.
  public var table: SweepTable
  /// The page's heading.
  public var title: String
  /// The command that ran the sweep, shown on the page.
  public var command: [String]

  /// The chart's file name in the sweep's folder.
  public static let chartFileName = "cost.svg"
  /// The page's file name in the sweep's folder.
  public static let pageFileName = "index.html"

  /// - Parameters:
  ///   - table: the ranked trials.
  ///   - title: the page's heading.
  ///   - command: the command line that ran the sweep.
  public init(table: SweepTable, title: String, command: [String]) {
    self.table = table
    self.title = title
    self.command = command
  }

  /// Whether the curves are validation costs (some trial recorded one).
  private var usesValidation: Bool {
    table.rows.contains { $0.history?.epochs.contains { $0.validationCost != nil } == true }
  }

  /// Every finished trial's cost per epoch, named by its number and values (`#6 0.01 · 64,128,10`, the
  /// parameters in the title): the best last (on top), wider and opaque; the others thinner, translucent.
  public func costChart() -> LineChart {
    let validation = usesValidation
    var chart = LineChart(
      title: "\(validation ? "Validation cost" : "Cost") J per epoch by \(table.parameters.joined(separator: " · "))",
      xLabel: "epoch",
      yLabel: validation ? "validation cost J" : "cost J")
    let best = table.best?.trial
    var all = [Double]()
    for (index, row) in table.rows.enumerated() {
      guard let history = row.history else { continue }
      let points = history.epochs.compactMap { record -> (x: Double, y: Double)? in
        let cost = validation ? record.validationCost : record.cost
        return cost.map { (Double(record.epoch), $0) }
      }
      all += points.map(\.y)
      let isBest = row.trial == best
      var series = LineChart.Series(
        name: "\(isBest ? "best: " : "")#\(row.trial) " + row.values.map(\.value).joined(separator: " · "),
        points: points,
        color: ChartStyle.series[index % ChartStyle.series.count])
      series.lineWidth = isBest ? 3.6 : 1.6
      series.opacity = isBest || best == nil ? 1 : 0.7
      chart.series.append(series)
    }
    // The best drawn last, so its line is on top.
    if let first = chart.series.first, first.name.hasPrefix("best: ") {
      chart.series.append(chart.series.removeFirst())
    }
    chart.yScale = TrainingReport.suggestedScale(all)
    // Taller with more trials, so that the legend's rows leave the plot its height.
    chart.height = 380 + 20 * Double(max(0, (chart.series.count + 2) / 3 - 1))
    return chart
  }

  /// The page: a summary, the chart, the ranked table (best first, failures with their message), the command.
  public func html() -> String {
    let chart = costChart()
    let curve = usesValidation ? "validation cost (inference mode, after each epoch)" : "training cost"
    let columns = table.columns
    var rows = ""
    for (cells, row) in zip(table.cells(), table.rows) {
      let isBest = row.trial == table.best?.trial
      rows += "<tr\(isBest ? " class=\"summary\"" : "")>"
      for (column, cell) in zip(columns, cells) {
        let numeric = !["trial", "status"].contains(column) && !table.parameters.contains(column)
        rows += "<td\(numeric ? " class=\"num\"" : "")>\(SVG.escape(cell))</td>"
      }
      rows += "</tr>\n"
    }
    let finished = table.rows.filter { $0.failure == nil }.count
    let summary =
      "\(table.rows.count) trials, \(finished) finished"
      + (table.best.map { " · best: trial \($0.trial) (\(SVG.escape($0.label)))" } ?? " · no trial finished")
      + " · ranked by \(table.metric)\(table.metric.higherIsBetter ? " (higher is better)" : " (lower is better)")"
    return ReportStyleSheet.pageStart(title: "\(SVG.escape(title)) — Backprop sweep")
      + """

      <header>
      <h1>Sweep: \(SVG.escape(title))</h1>
      <p class="subtitle">\(summary)</p>
      </header>
      <main>
      <section id="curves">
      <h2>Cost curves</h2>
      <figure class="card">
      \(chart.svg(id: "cost"))
      <figcaption>Each trial's \(curve) per epoch; the best trial's line is the widest. \
      Also in <a href="\(Self.chartFileName)">\(Self.chartFileName)</a>.</figcaption>
      </figure>
      </section>
      <section id="trials">
      <h2>Trials, best first</h2>
      <div class="card table-wrap">
      <table>
      <thead><tr>\(columns.map { "<th>\(SVG.escape($0))</th>" }.joined())</tr></thead>
      <tbody>
      \(rows)</tbody>
      </table>
      </div>
      <p class="note">Each trial's folder trial-K holds its model.safetensors, history.json and log.txt; \
      best.safetensors is the best trial's model; sweep.csv holds this table.</p>
      </section>
      <section id="command">
      <h2>Command</h2>
      <div class="card"><code class="mono">\(SVG.escape(command.joined(separator: " ")))</code></div>
      </section>
      </main>
      </body>
      </html>

      """
  }

  /// Writes `chartFileName` and `pageFileName` into `directory` (which must exist), each atomically.
  /// - Returns: the paths written.
  /// - Throws: `FileFormatError` naming the file that cannot be written.
  @discardableResult
  public func write(to directory: String) throws(FileFormatError) -> [String] {
    let folder = URL(fileURLWithPath: directory)
    let files = [(Self.chartFileName, SVG.file(costChart().svg(id: "cost"))), (Self.pageFileName, html())]
    var paths = [String]()
    for (name, text) in files {
      let path = folder.appendingPathComponent(name).path
      try AtomicFile.write(Data(text.utf8), to: path)
      paths.append(path)
    }
    return paths
  }
}
