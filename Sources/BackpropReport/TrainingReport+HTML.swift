import Backprop
import Foundation

extension TrainingReport {
  /// The report as one self-contained HTML page: the headline numbers, the
  /// training curves, the final scores, the confusion matrix, the decision
  /// boundary, the layer table, the hyperparameters and the reproducibility
  /// stamp. Inline CSS and SVG; no script; nothing fetched.
  public func html() -> String {
    let charts = charts()
    var sections = [(id: String, title: String, html: String)]()
    let training = charts.filter { $0.section == .training }
    if let history, !training.isEmpty {
      sections.append(("training", "Training", trainingSection(history, charts: training)))
    }
    if !evaluations.isEmpty { sections.append(("metrics", "Final metrics", metricsSection())) }
    for chart in charts where chart.section != .training {
      let id = chart.section == .confusionMatrix ? "confusion-matrix" : "decision-boundary"
      let title = chart.section == .confusionMatrix ? "Confusion matrix" : "Decision boundary"
      sections.append((id, title, figure(chart, centered: true)))
    }
    sections.append(("network", "Network", networkSection()))
    if !hyperparameters.isEmpty { sections.append(("hyperparameters", "Hyperparameters", hyperparameterSection())) }
    sections.append(("reproducibility", "Reproducibility", stampSection()))

    var page =
      ReportStyleSheet.pageStart(title: "\(esc(title)) — Backprop report", generator: "Backprop \(esc(stamp.version))")
        + """

        <header>
        <h1>\(esc(title))</h1>
        <p class="subtitle">\(esc(subtitle))</p>
        \(statCards())
        <nav aria-label="Sections">
        """
    for section in sections { page += "<a href=\"#\(section.id)\">\(esc(section.title))</a>\n" }
    page += "</nav>\n</header>\n<main>\n"
    for section in sections {
      page += "<section id=\"\(section.id)\">\n<h2>\(esc(section.title))</h2>\n\(section.html)</section>\n"
    }
    let files = charts.map(\.fileName) + ["run.json"]
    page += """
      </main>
      <footer>
      <p>Files in this folder: \(files.map { "<a href=\"\(esc($0))\">\(esc($0))</a>" }.joined(separator: ", ")).
      Rebuild this page and the charts from <code>run.json</code> with <code>backprop report FOLDER</code>.</p>
      </footer>
      </body>
      </html>

      """
    return page
  }

  // MARK: - Header

  private var subtitle: String {
    var parts = [String]()
    if history == nil, let headline {
      parts.append("A saved model evaluated on \(headline.name) (no training history)")
    }
    parts.append("\(network.layers.count)-layer \(network.output) network, \(network.dtype)")
    parts.append(stamp.date)
    parts.append("Backprop \(stamp.version) (\(stamp.buildConfiguration))")
    return parts.joined(separator: " · ")
  }

  private func statCards() -> String {
    var stats = [(String, String)]()
    if let headline {
      let set = headline.name.prefix(1).uppercased() + headline.name.dropFirst()
      if let accuracy = headline.accuracy {
        stats.append(("\(set) accuracy", String(format: "%.2f %%", accuracy * 100)))
      }
      if let report = headline.classification { stats.append(("\(set) macro F1", decimal(report.macroF1, 4))) }
      if let regression = headline.regression {
        stats.append(("\(set) R²", regression.r2.map { decimal($0, 4) } ?? "—"))
        stats.append(("\(set) MSE", significant(regression.meanSquaredError)))
      }
      stats.append(("\(set) loss", decimal(headline.loss, 4)))
    }
    stats.append(("Parameters", grouped(network.parameterCount)))
    if let history {
      let count = history.epochCount
      let unit = progressUnit == .epoch ? "Epochs" : "Iterations"
      stats.append((unit + (history.stoppedEarly ? " (stopped early)" : ""), grouped(count)))
    }
    if let seconds = trainingSeconds { stats.append(("Training time", duration(seconds))) }
    return "<div class=\"cards\">\n"
      + stats.map {
        "<div class=\"stat\"><span class=\"label\">\(esc($0.0))</span><span class=\"value\">\(esc($0.1))</span></div>\n"
      }
      .joined() + "</div>"
  }

  // MARK: - Sections

  private func trainingSection(_ history: History, charts: [ReportChart]) -> String {
    let count = history.epochCount
    var note = "\(grouped(count)) \(progressUnit.rawValue)\(count == 1 ? "" : "s")"
    if let last = history.epochs.last {
      note += "; final training cost \(decimal(last.cost, 4))"
      if let validation = last.validationCost { note += ", validation cost \(decimal(validation, 4))" }
    }
    if let best = history.bestEpoch {
      note +=
        ". Early stopping "
        + (history.stoppedEarly ? "ended training and " : "")
        + "restored the parameters of \(progressUnit.rawValue) \(progressUnit == .iteration ? best - 1 : best) (dashed line)"
    }
    return "<p class=\"note\">\(esc(note)).</p>\n<div class=\"charts\">\n"
      + charts.map { figure($0, centered: false) }.joined() + "</div>\n"
  }

  private func metricsSection() -> String {
    var html = ""
    let classification = evaluations.contains { $0.classification != nil || $0.accuracy != nil }
    var header = ["set", "examples", "loss"]
    header += classification ? ["accuracy", "macro F1", "log loss", "ROC AUC"] : ["MSE", "MAE", "R²"]
    var rows = [[String]]()
    for evaluation in evaluations {
      var row = [evaluation.name, grouped(evaluation.examples), decimal(evaluation.loss, 4)]
      if classification {
        let report = evaluation.classification
        row += [
          evaluation.accuracy.map { decimal($0, 4) } ?? "—", report.map { decimal($0.macroF1, 4) } ?? "—",
          report?.logLoss.map { decimal($0, 4) } ?? "—", report?.rocAUC.map { decimal($0, 4) } ?? "—",
        ]
      } else {
        let scores = evaluation.regression
        row += [
          scores.map { significant($0.meanSquaredError) } ?? "—",
          scores.map { significant($0.meanAbsoluteError) } ?? "—",
          scores?.r2.map { decimal($0, 4) } ?? "—",
        ]
      }
      rows.append(row)
    }
    html += table(header: header, rows: rows, numeric: Set(1..<header.count))
    let detailed = evaluations.filter { $0.classification != nil }
    for evaluation in detailed {
      guard let report = evaluation.classification else { continue }
      let isHeadline = evaluation.name == headline?.name
      let heading = "Classification report — \(evaluation.phrase) (m = \(grouped(evaluation.examples)))"
      html += isHeadline ? "<h3>\(esc(heading))</h3>\n" : "<details>\n<summary>\(esc(heading))</summary>\n"
      html += classificationTable(report)
      html += isHeadline ? "" : "</details>\n"
    }
    return html
  }

  /// scikit-learn's classification_report as a table, with bars behind the scores.
  private func classificationTable(_ report: ClassificationReport) -> String {
    let c = report.confusionMatrix
    func count(_ x: Double) -> String { report.isWeighted ? decimal(x, 2) : grouped(Int(x.rounded())) }
    func bar(_ x: Double) -> String {
      "<td class=\"num bar\" style=\"--v: \(decimal(min(max(x, 0), 1), 3))\">\(decimal(x, 4))</td>"
    }
    var html =
      "<div class=\"table-wrap\"><table>\n<thead><tr><th>class</th><th class=\"num\">precision</th>"
      + "<th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr></thead>\n<tbody>\n"
    for k in c.occurringClasses {
      html +=
        "<tr><td>\(esc(report.classNames[k]))</td>\(bar(c.precision(k)))\(bar(c.recall(k)))\(bar(c.f1(k)))"
        + "<td class=\"num\">\(count(c.support(k)))</td></tr>\n"
    }
    html +=
      "<tr class=\"total\"><td>accuracy</td><td></td><td></td>\(bar(report.accuracy))<td class=\"num\">\(count(c.total))</td></tr>\n"
    html +=
      "<tr class=\"summary\"><td>macro avg</td>\(bar(report.macroPrecision))\(bar(report.macroRecall))\(bar(report.macroF1))"
      + "<td class=\"num\">\(count(c.total))</td></tr>\n"
    html +=
      "<tr class=\"summary\"><td>weighted avg</td>\(bar(c.weightedAverage(c.precision)))\(bar(c.weightedAverage(c.recall)))"
      + "\(bar(report.weightedF1))<td class=\"num\">\(count(c.total))</td></tr>\n"
    html += "</tbody></table></div>\n"
    var extras = [String]()
    if let logLoss = report.logLoss { extras.append("log loss \(decimal(logLoss, 4))") }
    if let auc = report.rocAUC {
      extras.append("ROC AUC \(decimal(auc, 4))" + (c.classCount > 2 ? " (one-vs-rest, macro)" : ""))
    }
    if !extras.isEmpty { html += "<p class=\"note\">\(esc(extras.joined(separator: " · ")))</p>\n" }
    return html
  }

  private func networkSection() -> String {
    let m = network.batchSize
    var rows = [["0", grouped(network.inputs), "input", "", "", "A[0] = X: (\(network.inputs), \(m))", ""]]
    for layer in network.layers {
      rows.append([
        String(layer.l), grouped(layer.units), layer.activation + (layer.batchNorm ? " + batch norm" : ""),
        shape(layer.weightShape), shape(layer.biasShape), "(\(layer.units), \(m))", grouped(layer.parameters),
      ])
    }
    var html = table(
      header: ["l", "n[l]", "g[l]", "W[l]", "b[l]", "Z[l], A[l]", "parameters"], rows: rows,
      numeric: [0, 1, 6], total: ["", "", "", "", "", "total", grouped(network.parameterCount)])
    var notes = [
      "m = \(m) examples a batch", "output \(network.output) with the \(network.loss) loss",
      "inputs \(network.preprocessing) before the network",
    ]
    if let names = network.featureNames, names.count <= 12 {
      notes.append("input columns: " + names.joined(separator: ", "))
    }
    if let target = network.targetName { notes.append("target: \(target)") }
    if let classes = network.classNames, classes.count <= 20 {
      notes.append("classes: " + classes.enumerated().map { "\($0)=\($1)" }.joined(separator: ", "))
    }
    html += "<p class=\"note\">\(esc(notes.joined(separator: " · "))).</p>\n"
    return html
  }

  /// The settings as a grid of name–value pairs, alphabetical.
  private func hyperparameterSection() -> String {
    "<dl class=\"pairs\">\n"
      + hyperparameters.sorted { $0.key < $1.key }.map {
        "<div><dt>\(esc($0.key))</dt><dd>\(esc($0.value))</dd></div>\n"
      }
      .joined() + "</dl>\n"
  }

  private func stampSection() -> String {
    var rows = [(String, String)]()
    rows.append(("Seed", stamp.seed.map(String.init) ?? "—"))
    for file in stamp.dataFiles {
      rows.append(
        (
          "Data <code>\(esc(file.role))</code>",
          "<code>\(esc(file.path))</code> (\(esc(byteCount(file.bytes))))<br><span class=\"mono hash\">SHA-256 \(esc(file.sha256))</span>"
        ))
    }
    rows.append(("Backprop", esc("\(stamp.version), \(stamp.buildConfiguration) build")))
    for (dtype, backend) in stamp.backends.sorted(by: { $0.key < $1.key }) {
      rows.append(("Matrix products, \(esc(dtype))", esc(backend)))
    }
    rows.append(("Backend choice", esc(stamp.backendReason)))
    rows.append(("Threads", String(stamp.threads)))
    if let cpu = stamp.cpu { rows.append(("CPU", esc(cpu))) }
    rows.append(("Date", esc(stamp.date)))
    if let command = stamp.command { rows.append(("Command", commandHTML(command))) }
    return keyTable(rows)
  }

  // MARK: - Pieces

  private func figure(_ chart: ReportChart, centered: Bool) -> String {
    "<figure class=\"card\(centered ? " centered" : "")\">\n\(chart.svg)\n<figcaption>\(esc(chart.caption)) "
      + "<a href=\"\(esc(chart.fileName))\">\(esc(chart.fileName))</a></figcaption>\n</figure>\n"
  }

  private func table(header: [String], rows: [[String]], numeric: Set<Int>, total: [String]? = nil) -> String {
    func cell(_ tag: String, _ text: String, _ column: Int) -> String {
      "<\(tag)\(numeric.contains(column) ? " class=\"num\"" : "")>\(esc(text))</\(tag)>"
    }
    var html =
      "<div class=\"table-wrap\"><table>\n<thead><tr>"
      + header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr></thead>\n<tbody>\n"
    for row in rows { html += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n" }
    if let total { html += "<tr class=\"total\">" + total.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n" }
    return html + "</tbody></table></div>\n"
  }

  /// A two-column table of already-escaped HTML.
  private func keyTable(_ rows: [(String, String)]) -> String {
    "<div class=\"table-wrap\"><table class=\"keys\">\n<tbody>\n"
      + rows.map { "<tr><th scope=\"row\">\($0.0)</th><td>\($0.1)</td></tr>\n" }.joined() + "</tbody></table></div>\n"
  }

  private func esc(_ text: String) -> String { SVG.escape(text) }

  private func decimal(_ x: Double, _ digits: Int) -> String {
    x.isFinite ? String(format: "%.\(digits)f", x) : (x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞"))
  }

  /// Four decimals for everyday magnitudes, four significant digits for very small or large ones.
  private func significant(_ x: Double) -> String {
    guard x.isFinite else { return decimal(x, 0) }
    return x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e5) ? decimal(x, 4) : String(format: "%.4g", x)
  }

  private func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
      text.append(digit)
    }
    return (n < 0 ? "−" : "") + text
  }

  private func shape(_ dimensions: [Int]) -> String { "(" + dimensions.map(String.init).joined(separator: ", ") + ")" }

  private func duration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let minutes = Int(seconds / 60)
    return minutes < 60
      ? String(format: "%d min %02d s", minutes, Int(seconds) % 60)
      : String(format: "%d h %02d min", minutes / 60, minutes % 60)
  }

  private func byteCount(_ bytes: Int) -> String {
    if bytes < 1_000 { return "\(bytes) bytes" }
    if bytes < 1_000_000 { return String(format: "%.1f kB", Double(bytes) / 1e3) }
    return String(format: "%.1f MB", Double(bytes) / 1e6)
  }

  /// The command line, each argument unbreakable (lines wrap between arguments only).
  private func commandHTML(_ command: [String]) -> String {
    "<code class=\"command\">"
      + command.map { "<span>\(esc(shellQuoted($0)))</span>" }.joined(separator: " ") + "</code>"
  }

  /// An argument as a POSIX shell would need it: bare when safe, else in single quotes.
  private func shellQuoted(_ argument: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%")
    if !argument.isEmpty && argument.allSatisfy({ safe.contains($0) }) { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
