import Backprop
import Foundation

/// One chart of a ``TrainingReport``: the page shows it inline and the report's
/// folder holds it as `fileName`.
public struct ReportChart: Sendable, Hashable {
  /// The page section it belongs to.
  public enum Section: String, Sendable, Hashable {
    /// The curves per epoch or iteration.
    case training
    /// The confusion matrix's heat map.
    case confusionMatrix
    /// The decision boundary.
    case decisionBoundary
  }

  /// `cost.svg`, `accuracy.svg`, `learning-rate.svg`, `confusion-matrix.svg`, `decision-boundary.svg`.
  public var fileName: String
  /// The chart's heading.
  public var title: String
  /// A sentence under it on the page.
  public var caption: String
  /// The `<svg>` element.
  public var svg: String
  /// Where it goes on the page.
  public var section: Section

  /// The standalone file's text: an XML declaration, then the chart.
  public var fileText: String { SVG.file(svg) }
}

extension TrainingReport {
  /// The report's charts, in page order: the cost, each metric, the learning
  /// rate (with a history), the confusion matrix (with a classification
  /// report) and the decision boundary (for two inputs).
  public func charts() -> [ReportChart] {
    var charts = [ReportChart]()
    if let history, !history.epochs.isEmpty {
      charts += trainingCharts(history)
    }
    if let headline, let classification = headline.classification {
      let heatMap = ConfusionMatrixHeatMap(
        classification.confusionMatrix, classNames: classification.classNames,
        title: "Confusion matrix — \(headline.label)", isWeighted: classification.isWeighted)
      charts.append(
        ReportChart(
          fileName: "confusion-matrix.svg", title: heatMap.title,
          caption: "Counts of (true class, predicted class) on \(headline.phrase) (m = \(headline.examples)); "
            + "each cell is shaded by its share of the true class, so the diagonal reads as recall.",
          svg: heatMap.svg(id: "confusion-matrix"), section: .confusionMatrix))
    }
    if let decisionBoundary {
      let plot = DecisionBoundaryPlot(decisionBoundary, title: "Decision boundary")
      charts.append(
        ReportChart(
          fileName: "decision-boundary.svg", title: plot.title,
          caption:
            "The model's prediction over the input plane (\(decisionBoundary.columns) × \(decisionBoundary.rows) "
            + "grid), the examples of \(SetEvaluation.phrase(decisionBoundary.setName)) on top: the course's plot_decision_boundary.",
          svg: plot.svg(id: "decision-boundary"), section: .decisionBoundary))
    }
    return charts
  }

  /// The cost, each metric and the learning rate per epoch (or iteration).
  private func trainingCharts(_ history: History) -> [ReportChart] {
    let epochs = history.epochs
    let unit = progressUnit.rawValue
    // The course numbers iterations from 0; epochs count from 1.
    func x(epoch: Int) -> Double { Double(progressUnit == .iteration ? epoch - 1 : epoch) }
    func x(_ record: EpochRecord) -> Double { x(epoch: record.epoch) }
    let markers =
      history.bestEpoch.map { [LineChart.Marker(x: x(epoch: $0), label: "kept: \(unit) \(Int(x(epoch: $0)))")] } ?? []
    var charts = [ReportChart]()

    var cost = LineChart(title: "Cost J per \(unit)", xLabel: unit, yLabel: "cost J")
    cost.series.append(.init(name: "training", points: epochs.map { (x($0), $0.cost) }))
    let validationCosts = epochs.compactMap { record in record.validationCost.map { (x(record), $0) } }
    if !validationCosts.isEmpty { cost.series.append(.init(name: "validation", points: validationCosts)) }
    cost.yScale = Self.suggestedScale(epochs.map(\.cost) + validationCosts.map(\.1))
    cost.markers = markers
    charts.append(
      ReportChart(
        fileName: "cost.svg", title: cost.title,
        caption: (progressUnit == .epoch
          ? "The training cost is the mean over each epoch's mini-batches, before each update"
          : "The cost of the whole training set at each step of gradient descent")
          + (validationCosts.isEmpty
            ? ", with the L2 term."
            : "; the validation cost is computed after each \(unit) in inference mode. Both include the L2 term.")
          + (cost.yScale == .logarithmic ? " Logarithmic axis." : ""),
        svg: cost.svg(id: "cost"), section: .training))

    let names = Set(epochs.flatMap { Array($0.metrics.keys) + Array($0.validationMetrics.keys) }).sorted()
    for name in names {
      var chart = LineChart(
        title: "\(Self.displayName(name)) per \(unit)", xLabel: unit, yLabel: Self.displayName(name))
      let training = epochs.compactMap { record in record.metrics[name].map { (x(record), $0) } }
      let validation = epochs.compactMap { record in record.validationMetrics[name].map { (x(record), $0) } }
      if !training.isEmpty {
        chart.series.append(.init(name: "training", points: training, color: ChartStyle.series[0]))
      }
      if !validation.isEmpty {
        chart.series.append(.init(name: "validation", points: validation, color: ChartStyle.series[1]))
      }
      if name == "log_loss" || name == "mse" || name == "mae" {
        chart.yScale = Self.suggestedScale(training.map(\.1) + validation.map(\.1))
      }
      chart.markers = markers
      let sets = [training.isEmpty ? nil : "training", validation.isEmpty ? nil : "validation"].compactMap { $0 }
      charts.append(
        ReportChart(
          fileName: Self.fileName(name) + ".svg", title: chart.title,
          caption:
            "\(Self.displayName(name)) on the \(sets.joined(separator: " and ")) set\(sets.count > 1 ? "s" : ""), "
            + "computed after each \(unit) in inference mode.",
          svg: chart.svg(id: "metric-" + Self.fileName(name)), section: .training))
    }

    var rate = LineChart(title: "Learning rate α per \(unit)", xLabel: unit, yLabel: "α")
    rate.series.append(.init(name: "α", points: epochs.map { (x($0), $0.learningRate) }, color: ChartStyle.series[2]))
    let rates = epochs.map(\.learningRate)
    rate.yScale = (rates.min() ?? 0) > 0 && (rates.max() ?? 0) / (rates.min() ?? 1) >= 10 ? .logarithmic : .linear
    charts.append(
      ReportChart(
        fileName: "learning-rate.svg", title: rate.title,
        caption: Set(rates).count == 1
          ? "Constant: α = \(LineChart.plain(rates[0]))."
          : "The schedule's α for each \(unit) (from \(LineChart.plain(rates.first ?? 0)) to \(LineChart.plain(rates.last ?? 0))).",
        svg: rate.svg(id: "learning-rate"), section: .training))
    return charts
  }

  /// Logarithmic when every value is positive and they span a factor of 30 or more (a cost falling by decades).
  package static func suggestedScale(_ values: [Double]) -> AxisScale.Kind {
    let finite = values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max(), low > 0 else { return .linear }
    return high / low >= 30 ? .logarithmic : .linear
  }

  /// A metric's name for people: `macro_f1` → "Macro F1".
  static func displayName(_ metric: String) -> String {
    let names = [
      "accuracy": "Accuracy", "macro_precision": "Macro precision", "macro_recall": "Macro recall",
      "macro_f1": "Macro F1", "weighted_f1": "Weighted F1", "log_loss": "Log loss", "roc_auc": "ROC AUC",
      "mse": "Mean squared error", "mae": "Mean absolute error", "r2": "R²",
    ]
    if let name = names[metric] { return name }
    let words = metric.replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }

  /// A metric's file name: lowercase letters, digits and hyphens.
  static func fileName(_ metric: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789")
    let name = String(metric.lowercased().map { allowed.contains($0) ? $0 : "-" })
    return name.isEmpty
      || ["cost", "learning-rate", "confusion-matrix", "decision-boundary", "index", "run"].contains(name)
      ? "metric-" + name : name
  }
}
