/// The scores of a regression on a labelled set, with a readable rendering and
/// named values for history files.
///
/// ```swift
/// let report = try RegressionReport(predictions: a, targets: y)
/// print(report)
/// report.values["r2"]
/// ```
public struct RegressionReport: Sendable, Hashable, CustomStringConvertible {
  /// ``Metrics/meanSquaredError(predictions:targets:weights:)``.
  public let meanSquaredError: Double
  /// ``Metrics/meanAbsoluteError(predictions:targets:weights:)``.
  public let meanAbsoluteError: Double
  /// ``Metrics/r2(predictions:targets:weights:)``; nil when a target is constant.
  public let r2: Double?
  /// m, the number of examples.
  public let examples: Int

  /// - Parameters:
  ///   - predictions: ŷ, (outputs, m), an identity output's A[L].
  ///   - targets: y, the same shape.
  ///   - weights: one per example, or nil for 1 each.
  /// - Throws: ``DataError`` when the shapes differ or the weights are unusable.
  public init<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) {
    meanSquaredError = try Metrics.meanSquaredError(predictions: predictions, targets: targets, weights: weights)
    meanAbsoluteError = try Metrics.meanAbsoluteError(predictions: predictions, targets: targets, weights: weights)
    r2 = try Metrics.r2(predictions: predictions, targets: targets, weights: weights)
    examples = targets.columns
  }

  /// The scores by name, for history files: `mse`, `mae`, and `r2` when defined.
  public var values: [String: Double] {
    var values = ["mse": meanSquaredError, "mae": meanAbsoluteError]
    values["r2"] = r2
    return values
  }

  /// One score a line.
  public var description: String {
    """
    mean squared error   \(Metrics.fixed(meanSquaredError, 6))
    mean absolute error  \(Metrics.fixed(meanAbsoluteError, 6))
    R²                   \(r2.map { Metrics.fixed($0, 6) } ?? "undefined (constant targets)")
    examples             \(examples)

    """
  }
}
