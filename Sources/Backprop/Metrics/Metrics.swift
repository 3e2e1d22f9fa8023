/// Scores of predictions against the truth, on plain values (class indices,
/// probabilities, real outputs) so they do not depend on a network: the
/// functions scikit-learn practitioners know, with the same definitions
/// (tested against scikit-learn).
///
/// - Classification: ``ConfusionMatrix`` (accuracy, precision, recall, F1),
///   ``logLoss(trueClasses:probabilities:weights:)``,
///   ``rocAUC(trueClasses:probabilities:weights:)``, gathered by ``ClassificationReport``.
/// - Regression: ``meanSquaredError(predictions:targets:weights:)``,
///   ``meanAbsoluteError(predictions:targets:weights:)``, ``r2(predictions:targets:weights:)``,
///   gathered by ``RegressionReport``.
///
/// Every function takes optional per-example weights (scikit-learn's
/// `sample_weight`): finite, 0 or more, not all 0.
public enum Metrics {}

extension Metrics {
  /// Checks per-example weights; all 1 when nil.
  /// - Throws: ``DataError`` when there are not `m` of them, one is negative or not
  ///   finite, or they sum to 0.
  static func validate(weights: [Double]?, examples m: Int) throws(DataError) -> [Double] {
    guard let weights else { return Array(repeating: 1, count: m) }
    guard weights.count == m else {
      throw DataError("\(weights.count) sample weights for \(m) examples: give one weight per example")
    }
    if let k = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
      throw DataError("sample weight \(weights[k]) at example \(k): weights must be finite and 0 or more")
    }
    guard m == 0 || weights.reduce(0, +) > 0 else { throw DataError("the sample weights sum to 0") }
    return weights
  }

  /// Checks class indices against the number of classes.
  /// - Throws: ``DataError`` naming the first index outside 0..<classCount.
  static func validate(classes: [Int], classCount: Int, _ what: String) throws(DataError) {
    if let k = classes.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
      throw DataError(
        "\(what) class \(classes[k]) at example \(k) is not one of the \(classCount) classes 0…\(classCount - 1)")
    }
  }

  /// Checks that two per-example lists have the same length.
  static func validate(count: Int, _ what: String, examples m: Int) throws(DataError) {
    guard count == m else { throw DataError("\(count) \(what) for \(m) examples") }
  }
}
