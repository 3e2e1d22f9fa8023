import Foundation

/// The scores of a classifier on a labelled set, with a readable rendering and
/// named values for history files.
///
/// ```swift
/// let y = try Metrics.classIndices(labels: labels)        // (1, m) labels → [Int]
/// let report = try ClassificationReport(trueClasses: y, probabilities: a, classNames: ["cat", "dog"])
/// print(report)           // a table like scikit-learn's classification_report, then the confusion matrix
/// report.values["macro_f1"]
/// ```
///
/// The table has a row per class that occurs (true or predicted): precision, recall,
/// F1 and support (see ``ConfusionMatrix``), then accuracy, the macro and the
/// support-weighted averages, in scikit-learn's layout; then log loss and ROC AUC
/// when probabilities were given, and the confusion matrix (rows: true class,
/// columns: predicted).
public struct ClassificationReport: Sendable, Hashable, CustomStringConvertible {
  /// The counts every score below comes from.
  public let confusionMatrix: ConfusionMatrix
  /// A name per class (`"0"`, `"1"`, … when none were given).
  public let classNames: [String]
  /// ``Metrics/logLoss(trueClasses:probabilities:weights:)``, when probabilities were given.
  public let logLoss: Double?
  /// ``Metrics/rocAUC(trueClasses:probabilities:weights:)``, when probabilities were
  /// given and it is defined (both classes present; for K ≥ 3, one-vs-rest macro).
  public let rocAUC: Double?
  /// Whether per-example weights were given (support is then a sum of weights).
  public let isWeighted: Bool

  /// A report from hard predictions (no log loss, no ROC AUC).
  /// - Parameters:
  ///   - trueClasses: y, the class of each example.
  ///   - predictedClasses: ŷ.
  ///   - classCount: K, the number of classes.
  ///   - classNames: K names, or nil for the indices.
  ///   - weights: one per example, or nil for 1 each.
  /// - Throws: ``DataError`` when the sizes differ, a class is out of range, there are
  ///   not K names, or the weights are unusable.
  public init(
    trueClasses: [Int], predictedClasses: [Int], classCount: Int, classNames: [String]? = nil,
    weights: [Double]? = nil
  ) throws(DataError) {
    try self.init(
      confusionMatrix: ConfusionMatrix(
        trueClasses: trueClasses, predictedClasses: predictedClasses, classCount: classCount, weights: weights),
      classNames: classNames, logLoss: nil, rocAUC: nil, isWeighted: weights != nil)
  }

  /// A report from predicted probabilities: the predicted class is the course's
  /// (``Metrics/predictedClasses(probabilities:)``), and log loss and ROC AUC are included.
  /// - Parameters:
  ///   - trueClasses: y, the class of each example.
  ///   - probabilities: A[L]: (K, m) for a softmax, or (1, m) P(class 1) for a sigmoid (K = 2).
  ///   - classNames: K names, or nil for the indices.
  ///   - weights: one per example, or nil for 1 each.
  /// - Throws: ``DataError`` when the sizes differ, a class is out of range, a probability
  ///   is outside [0, 1], there are not K names, or the weights are unusable.
  public init<Scalar: MatrixScalar>(
    trueClasses: [Int], probabilities: Matrix<Scalar>, classNames: [String]? = nil, weights: [Double]? = nil
  ) throws(DataError) {
    let logLoss = try Metrics.logLoss(trueClasses: trueClasses, probabilities: probabilities, weights: weights)
    try self.init(
      confusionMatrix: ConfusionMatrix(
        trueClasses: trueClasses, predictedClasses: Metrics.predictedClasses(probabilities: probabilities),
        classCount: Metrics.classCount(probabilities: probabilities), weights: weights),
      classNames: classNames, logLoss: logLoss,
      rocAUC: Metrics.rocAUC(trueClasses: trueClasses, probabilities: probabilities, weights: weights),
      isWeighted: weights != nil)
  }

  private init(
    confusionMatrix: ConfusionMatrix, classNames: [String]?, logLoss: Double?, rocAUC: Double?, isWeighted: Bool
  ) throws(DataError) {
    let k = confusionMatrix.classCount
    if let classNames, classNames.count != k {
      throw DataError("\(classNames.count) class names for \(k) classes")
    }
    self.confusionMatrix = confusionMatrix
    self.classNames = classNames ?? (0..<k).map(String.init)
    self.logLoss = logLoss
    self.rocAUC = rocAUC
    self.isWeighted = isWeighted
  }

  /// The fraction predicted right.
  public var accuracy: Double { confusionMatrix.accuracy }
  /// Precision averaged over the occurring classes.
  public var macroPrecision: Double { confusionMatrix.macroAverage(confusionMatrix.precision) }
  /// Recall averaged over the occurring classes.
  public var macroRecall: Double { confusionMatrix.macroAverage(confusionMatrix.recall) }
  /// F1 averaged over the occurring classes.
  public var macroF1: Double { confusionMatrix.macroAverage(confusionMatrix.f1) }
  /// F1 averaged with each class weighted by its support.
  public var weightedF1: Double { confusionMatrix.weightedAverage(confusionMatrix.f1) }

  /// The scores by name, for history files: `accuracy`, `macro_precision`,
  /// `macro_recall`, `macro_f1`, `weighted_f1`, and `log_loss`, `roc_auc` when known.
  public var values: [String: Double] {
    var values = [
      "accuracy": accuracy, "macro_precision": macroPrecision, "macro_recall": macroRecall, "macro_f1": macroF1,
      "weighted_f1": weightedF1,
    ]
    values["log_loss"] = logLoss
    values["roc_auc"] = rocAUC
    return values
  }

  /// The table (scikit-learn's `classification_report` layout, two decimals), the
  /// probability scores, and the confusion matrix.
  public var description: String {
    let c = confusionMatrix
    let width = max(c.occurringClasses.map { classNames[$0].count }.max() ?? 0, "weighted avg".count)
    func cell(_ text: String) -> String { " " + Metrics.pad(text, 9) }
    func row(_ name: String, _ scores: [Double?], support: Double) -> String {
      Metrics.pad(name, width) + " " + scores.map { cell($0.map { Metrics.fixed($0, 2) } ?? "") }.joined()
        + cell(count(support))
        + "\n"
    }
    var text =
      Metrics.pad("", width) + " " + ["precision", "recall", "f1-score", "support"].map(cell).joined() + "\n\n"
    for k in c.occurringClasses {
      text += row(classNames[k], [c.precision(k), c.recall(k), c.f1(k)], support: c.support(k))
    }
    text += "\n"
    text += row("accuracy", [nil, nil, accuracy], support: c.total)
    text += row("macro avg", [macroPrecision, macroRecall, macroF1], support: c.total)
    text += row(
      "weighted avg",
      [c.weightedAverage(c.precision), c.weightedAverage(c.recall), weightedF1], support: c.total)
    if logLoss != nil || rocAUC != nil {
      text += "\n"
      if let logLoss { text += "log loss  " + Metrics.fixed(logLoss, 4) + "\n" }
      if let rocAUC {
        text += "ROC AUC   " + Metrics.fixed(rocAUC, 4) + (c.classCount > 2 ? " (one-vs-rest, macro)" : "") + "\n"
      }
    }
    text += "\nconfusion matrix (rows: true class, columns: predicted class)\n"
    let cells = c.counts.map { $0.map(count) }
    let columnWidth = max((cells.flatMap { $0 } + classNames).map(\.count).max() ?? 1, 1)
    let nameWidth = classNames.map(\.count).max() ?? 1
    text += Metrics.pad("", nameWidth) + classNames.map { "  " + Metrics.pad($0, columnWidth) }.joined() + "\n"
    for (k, line) in cells.enumerated() {
      text += Metrics.pad(classNames[k], nameWidth) + line.map { "  " + Metrics.pad($0, columnWidth) }.joined() + "\n"
    }
    return text
  }

  /// A count: whole without weights, two decimals with them.
  private func count(_ x: Double) -> String {
    isWeighted ? Metrics.fixed(x, 2) : String(Int(x.rounded()))
  }
}

extension Metrics {
  /// `text` right-aligned in `width` characters.
  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(width - text.count, 0)) + text
  }

  /// `x` with `decimals` digits after the point (`%.2f`).
  static func fixed(_ x: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", x)
  }
}
