import Backprop
import Foundation

/// A sweep's trials ranked by a ``SweepMetric``, as a text table for the terminal and as CSV.
///
/// ```swift
/// let table = SweepTable(results, parameters: ["learning-rate", "layers"], metric: .init(costOn: true))
/// print(table.text())          // rank  trial  learning-rate  layers  validation_cost  …
/// try AtomicFile.write(Data(table.csv().utf8), to: "sweep/sweep.csv")
/// table.best?.trial            // the trial to keep
/// ```
///
/// Finished trials with a value come first, best first (ties by trial number), then
/// finished trials without one, then failed trials, which have no rank.
public struct SweepTable: Sendable {
  /// The varied options' names, one column each.
  public var parameters: [String]
  /// What ranks the trials.
  public var metric: SweepMetric
  /// The trials, best first.
  public private(set) var rows: [SweepResult]

  /// Ranks `results` by `metric`.
  public init(_ results: [SweepResult], parameters: [String], metric: SweepMetric) {
    self.parameters = parameters
    self.metric = metric
    rows = results.sorted { a, b in
      let (x, y) = (a.history.flatMap(metric.value), b.history.flatMap(metric.value))
      if (a.failure == nil) != (b.failure == nil) { return a.failure == nil }
      if metric.ranksBefore(x, y) { return true }
      if metric.ranksBefore(y, x) { return false }
      return a.trial < b.trial
    }
  }

  /// The best-ranked trial that finished with a finite value of the metric.
  public var best: SweepResult? {
    rows.first.flatMap { row in row.history.flatMap(metric.value).map { $0.isFinite } == true ? row : nil }
  }

  /// The other figures beside the metric: the training cost, the validation cost, then the final scores.
  private var extraColumns: [String] {
    var names = [String]()
    for name in ["cost", "validation_cost"] where name != metric.description {
      let present = rows.contains { row in
        row.history.flatMap { SweepMetric(costOn: name == "validation_cost").value(in: $0) } != nil
      }
      if present { names.append(name) }
    }
    // Validation scores before test scores.
    let scores = Set(rows.flatMap(\.scores.keys)).subtracting([metric.description])
    return names + scores.sorted { ($0.hasPrefix("test_") ? 1 : 0, $0) < ($1.hasPrefix("test_") ? 1 : 0, $1) }
  }

  /// The column names, in order: rank, trial, the parameters, the metric, other figures, epochs, seconds, status.
  public var columns: [String] {
    ["rank", "trial"] + parameters + [metric.description] + extraColumns + ["epochs", "seconds", "status"]
  }

  /// Each row's cells, in `columns` order (numbers with 6 significant digits; empty where none).
  public func cells() -> [[String]] {
    let extras = extraColumns
    var rank = 0
    return rows.map { row in
      let value = row.history.flatMap(metric.value)
      let ranked = row.failure == nil && value.map(\.isFinite) == true
      if ranked { rank += 1 }
      var cells = [ranked ? String(rank) : "", String(row.trial)]
      cells += parameters.map { name in row.values.first { $0.name == name }?.value ?? "" }
      cells.append(value.map(Self.number) ?? "")
      for name in extras {
        switch name {
        case "cost", "validation_cost":
          let figure = row.history.flatMap { SweepMetric(costOn: name == "validation_cost").value(in: $0) }
          cells.append(figure.map(Self.number) ?? "")
        default:
          cells.append(row.scores[name].map(Self.number) ?? "")
        }
      }
      cells.append(row.history.map { String($0.epochCount) } ?? "")
      cells.append(String(format: "%.1f", row.seconds))
      cells.append(row.failure.map { "failed: " + $0 } ?? (row.history?.stoppedEarly == true ? "stopped early" : "ok"))
      return cells
    }
  }

  /// The table as CSV: a header, then one row per trial, best first (fields quoted where needed).
  public func csv() -> String {
    ([columns] + cells()).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// The table for a terminal: aligned columns (numbers to the right), failures' messages in the last column.
  public func text() -> String {
    let body = cells()
    let all = [columns] + body
    let widths = columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    let numeric = columns.indices.map { column in
      body.allSatisfy { $0[column].isEmpty || Double($0[column]) != nil } && column >= 2 + parameters.count
    }
    return all.map { row in
      row.indices.map { column -> String in
        let padding = String(repeating: " ", count: widths[column] - row[column].count)
        if column == row.count - 1 { return row[column] }
        return numeric[column] || column < 2 ? padding + row[column] : row[column] + padding
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  /// Six significant digits: `0.0912345`, `1.23457e-05`; `nan`, `inf`.
  public static func number(_ value: Double) -> String {
    value.isFinite ? String(format: "%.6g", value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
  }

  /// A CSV field, quoted when it holds a comma, a quote or a line break.
  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
