/// Counts of (true class, predicted class) pairs, and the scores read from them:
/// accuracy, and per class precision, recall and F1.
///
/// Row i is the true class, column j the predicted one (scikit-learn's
/// `confusion_matrix`); with weights, each example adds its weight instead of 1.
/// For class k, with TP = C[k][k], FP = Σᵢ C[i][k] − TP, FN = Σⱼ C[k][j] − TP:
///
///     precision = TP / (TP + FP)        recall = TP / (TP + FN)
///     F1 = 2·TP / (2·TP + FP + FN)      (= 2·precision·recall / (precision + recall))
///     accuracy = Σₖ C[k][k] / Σᵢⱼ C[i][j]
///
/// A division by 0 gives 0, as scikit-learn's `zero_division=0`: a class never
/// predicted has precision 0, one never true has recall 0, never NaN.
///
/// The macro average is the plain mean over the classes that occur among the
/// true or the predicted classes (scikit-learn's default labels); the weighted
/// average weighs each class by its support.
public struct ConfusionMatrix: Sendable, Hashable {
  /// C[i][j]: the (weighted) number of examples of true class i predicted as j.
  public let counts: [[Double]]
  /// Whether each class occurs among the true or the predicted classes (whatever its weight).
  public let occurs: [Bool]

  /// The number of classes K; the matrix is K × K.
  public var classCount: Int { counts.count }

  /// Counts the pairs.
  /// - Parameters:
  ///   - trueClasses: y, the class index of each example, in 0..<classCount.
  ///   - predictedClasses: ŷ, the predicted index of each example.
  ///   - classCount: K, the number of classes (the output's units).
  ///   - weights: one per example, or nil for 1 each.
  /// - Throws: ``DataError`` when the lists differ in length, an index is out of range,
  ///   or the weights are unusable.
  public init(
    trueClasses: [Int], predictedClasses: [Int], classCount: Int, weights: [Double]? = nil
  ) throws(DataError) {
    guard classCount >= 1 else { throw DataError("a confusion matrix needs at least 1 class, got \(classCount)") }
    let m = trueClasses.count
    try Metrics.validate(count: predictedClasses.count, "predicted classes", examples: m)
    try Metrics.validate(classes: trueClasses, classCount: classCount, "true")
    try Metrics.validate(classes: predictedClasses, classCount: classCount, "predicted")
    let w = try Metrics.validate(weights: weights, examples: m)
    var counts = [[Double]](repeating: [Double](repeating: 0, count: classCount), count: classCount)
    var occurs = [Bool](repeating: false, count: classCount)
    for k in 0..<m {
      counts[trueClasses[k]][predictedClasses[k]] += w[k]
      occurs[trueClasses[k]] = true
      occurs[predictedClasses[k]] = true
    }
    self.counts = counts
    self.occurs = occurs
  }

  /// A matrix from counts already made (``RunningMetrics`` sums them batch by batch).
  /// - Parameters:
  ///   - counts: C, K rows of K counts.
  ///   - occurs: K flags: whether each class occurred as a true or a predicted class.
  init(counts: [[Double]], occurs: [Bool]) {
    precondition(counts.count == occurs.count && counts.allSatisfy { $0.count == counts.count }, "not K × K counts")
    self.counts = counts
    self.occurs = occurs
  }

  /// Σᵢⱼ C[i][j], the (weighted) number of examples.
  public var total: Double { counts.reduce(0) { $0 + $1.reduce(0, +) } }

  /// Σₖ C[k][k] / Σᵢⱼ C[i][j], the fraction predicted right (0 with no examples).
  public var accuracy: Double {
    let total = total
    return total > 0 ? (0..<classCount).reduce(0) { $0 + counts[$1][$1] } / total : 0
  }

  /// Σⱼ C[k][j], the (weighted) number of examples whose true class is k.
  public func support(_ k: Int) -> Double { counts[k].reduce(0, +) }

  /// Σᵢ C[i][k], the (weighted) number of examples predicted as k.
  public func predictedCount(_ k: Int) -> Double { counts.reduce(0) { $0 + $1[k] } }

  /// TP / (TP + FP) for class k; 0 when k is never predicted.
  public func precision(_ k: Int) -> Double {
    let predicted = predictedCount(k)
    return predicted > 0 ? counts[k][k] / predicted : 0
  }

  /// TP / (TP + FN) for class k; 0 when k is never the true class.
  public func recall(_ k: Int) -> Double {
    let support = support(k)
    return support > 0 ? counts[k][k] / support : 0
  }

  /// 2·TP / (2·TP + FP + FN) for class k; 0 when k is neither true nor predicted.
  public func f1(_ k: Int) -> Double {
    let denominator = predictedCount(k) + support(k)  // 2·TP + FP + FN
    return denominator > 0 ? 2 * counts[k][k] / denominator : 0
  }

  /// The classes that occur among the true or predicted classes, those the averages run over.
  public var occurringClasses: [Int] { (0..<classCount).filter { occurs[$0] } }

  /// The mean of `score` over the occurring classes (scikit-learn's `average='macro'`).
  public func macroAverage(_ score: (Int) -> Double) -> Double {
    let classes = occurringClasses
    return classes.isEmpty ? 0 : classes.reduce(0) { $0 + score($1) } / Double(classes.count)
  }

  /// The mean of `score` weighted by support (scikit-learn's `average='weighted'`).
  public func weightedAverage(_ score: (Int) -> Double) -> Double {
    let total = total
    guard total > 0 else { return 0 }
    return (0..<classCount).reduce(0) { $0 + support($1) * score($1) } / total
  }
}
