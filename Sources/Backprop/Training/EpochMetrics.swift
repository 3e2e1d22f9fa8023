#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A metric the trainer can report each epoch (`--metrics`).
public enum MetricName: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  case accuracy
  case precision = "macro_precision"
  case recall = "macro_recall"
  case f1 = "macro_f1"
  case logLoss = "log_loss"
  case rocAUC = "roc_auc"
  case mse
  case mae
  case r2

  /// Whether it scores classifications (else regressions).
  public var isClassification: Bool {
    switch self {
    case .mse, .mae, .r2: return false
    default: return true
    }
  }

  public var description: String { rawValue }

  /// Parses a name: the raw values, plus `precision`, `recall`, `f1`, `auc`, `logloss`.
  /// - Throws: ``ConfigurationError`` naming `metrics`.
  public init(parsing text: String) throws(ConfigurationError) {
    let name = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
    let aliases: [String: MetricName] = [
      "precision": .precision, "recall": .recall, "f1": .f1, "auc": .rocAUC, "logloss": .logLoss,
      "acc": .accuracy,
    ]
    if let metric = MetricName(rawValue: name) ?? aliases[name] {
      self = metric
      return
    }
    throw ConfigurationError(
      parameter: "metrics",
      "unknown metric '\(text)'; choose from \(MetricName.allCases.map(\.rawValue).joined(separator: ", "))")
  }

  /// The metrics reported by default for an output.
  public static func defaults(for output: Output) -> [MetricName] {
    output.isClassification ? [.accuracy] : [.mse]
  }
}

/// The chosen metrics of a network's outputs against labels, by name
/// (from ``ClassificationReport`` and ``RegressionReport``).
enum EpochMetrics {
  static func values<Scalar: MatrixScalar>(
    _ names: [MetricName], output: Output, outputs a: Matrix<Scalar>, labels y: Matrix<Scalar>
  ) throws -> [String: Double] {
    guard !names.isEmpty else { return [:] }
    var all: [String: Double]
    if output.isClassification {
      if output == .softmax || a.rows == 1 {
        all = try ClassificationReport(trueClasses: Metrics.classIndices(labels: y), probabilities: a).values
      } else {
        // Several independent sigmoid units (multi-label): the fraction of units right.
        let predicted = output.predictions(from: a)
        var right = 0
        for k in 0..<predicted.count where predicted.scalars[k] == y.scalars[k] { right += 1 }
        all = ["accuracy": Double(right) / Double(max(predicted.count, 1))]
      }
    } else {
      all = try RegressionReport(predictions: a, targets: y).values
    }
    return names.reduce(into: [String: Double]()) { result, name in
      if let value = all[name.rawValue] { result[name.rawValue] = value }
    }
  }
}
