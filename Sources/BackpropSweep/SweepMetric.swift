import Backprop
import Foundation

/// What ranks a sweep's trials: a cost or a metric from each trial's `History`,
/// at the epoch whose parameters the trial kept (the last, or early stopping's best).
///
/// ```swift
/// let metric = try SweepMetric(parsing: "validation-accuracy")   // higher is better
/// metric.value(in: history)                                        // 0.972…
/// SweepMetric.default(for: histories)                              // validation-cost, else cost
/// ```
///
/// Names: `cost`, `validation-cost`, a `--metrics` name (`accuracy`, `macro-f1`, `log-loss`,
/// `roc-auc`, `mse`, `mae`, `r2`) for the training set, or `validation-` and one for the validation set.
public struct SweepMetric: Sendable, Hashable, CustomStringConvertible {
  /// The metric's key in an `EpochRecord`'s metrics (`accuracy`, `macro_f1`), or nil for the cost.
  public var metric: String?
  /// Whether it is measured on the validation set.
  public var validation: Bool

  /// The cost J on the training set (`validation: false`) or the validation set.
  public init(costOn validation: Bool) {
    metric = nil
    self.validation = validation
  }

  /// Parses a name such as `validation-cost` or `validation-accuracy`.
  /// - Throws: `ConfigurationError` naming `--rank-by` for an unknown name.
  public init(parsing text: String) throws(ConfigurationError) {
    var name = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
    validation = name.hasPrefix("validation-")
    if validation { name.removeFirst("validation-".count) }
    if name == "cost" {
      metric = nil
      return
    }
    do {
      metric = try MetricName(parsing: name).rawValue
    } catch {
      let metrics = MetricName.allCases.map(\.rawValue).joined(separator: ", ")
      throw ConfigurationError(
        parameter: "SweepMetric",
        "unknown '\(text)'; choose cost, validation-cost, or a metric (\(metrics)), "
          + "with validation- for the validation set")
    }
  }

  /// The column name: `validation_cost`, `validation_accuracy`, `cost`, `accuracy`.
  public var description: String { (validation ? "validation_" : "") + (metric ?? "cost") }

  /// Whether larger values rank first (accuracy, F1, precision, recall, ROC AUC, R²); costs and errors
  /// rank smallest first.
  public var higherIsBetter: Bool {
    guard let metric, let name = MetricName(rawValue: metric) else { return false }
    return ![.logLoss, .mse, .mae].contains(name)
  }

  /// The default: the validation cost when any trial has one, else the training cost.
  public static func `default`(for histories: [History]) -> SweepMetric {
    SweepMetric(costOn: histories.contains { $0.epochs.contains { $0.validationCost != nil } })
  }

  /// The value at the epoch the trial kept (`History/bestEpoch`, else the last); nil when not recorded.
  public func value(in history: History) -> Double? {
    guard let record = Self.keptRecord(of: history) else { return nil }
    switch (metric, validation) {
    case (nil, false): return record.cost
    case (nil, true): return record.validationCost
    case (let name?, false): return record.metrics[name]
    case (let name?, true): return record.validationMetrics[name]
    }
  }

  /// The record whose parameters a run kept: early stopping's best epoch, else the last.
  static func keptRecord(of history: History) -> EpochRecord? {
    if let best = history.bestEpoch, let record = history.epochs.last(where: { $0.epoch == best }) { return record }
    return history.epochs.last
  }

  /// Whether `a` ranks before `b`: better values first; a missing or non-finite value last.
  public func ranksBefore(_ a: Double?, _ b: Double?) -> Bool {
    switch (a.flatMap { $0.isFinite ? $0 : nil }, b.flatMap { $0.isFinite ? $0 : nil }) {
    case (let x?, let y?): return higherIsBetter ? x > y : x < y
    case (_?, nil): return true
    default: return false
    }
  }
}
