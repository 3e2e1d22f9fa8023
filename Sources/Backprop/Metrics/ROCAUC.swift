extension Metrics {
  /// The area under the ROC curve, scikit-learn's `roc_auc_score`: the chance that
  /// a random positive example scores above a random negative one, ties counting
  /// one half (the trapezoidal area, which is the Mann–Whitney statistic with
  /// average ranks for tied scores):
  ///
  ///     AUC = Σ_{i positive} Σ_{j negative} wᵢ·wⱼ·([sᵢ > sⱼ] + ½[sᵢ = sⱼ]) / (Σ_{positive} w · Σ_{negative} w)
  ///
  /// Binary: the score is P(class 1), the single row of a sigmoid's output or row 1
  /// of two. With K ≥ 3 classes, the macro average over classes of class k against
  /// the rest, scored by row k (scikit-learn's `multi_class='ovr', average='macro'`).
  ///
  /// - Returns: the area, or nil when it is undefined: every example (or all the
  ///   weight) is of one class — for K ≥ 3, when some class k is never or always true.
  ///   scikit-learn warns and returns NaN there (older versions raise `ValueError`).
  /// - Throws: ``DataError`` when the sizes differ, a class is out of range, a
  ///   probability is outside [0, 1], or the weights are unusable.
  public static func rocAUC<Scalar: MatrixScalar>(
    trueClasses y: [Int], probabilities p: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) -> Double? {
    try validate(probabilities: p, trueClasses: y)
    let w = try validate(weights: weights, examples: y.count)
    if p.rows <= 2 {
      let row = p.rows - 1
      return binaryAUC(positive: y.map { $0 == 1 }, scores: (0..<p.columns).map { p[row, $0] }, weights: w)
    }
    var sum = 0.0
    for k in 0..<p.rows {
      guard let area = binaryAUC(positive: y.map { $0 == k }, scores: (0..<p.columns).map { p[k, $0] }, weights: w)
      else { return nil }
      sum += area
    }
    return sum / Double(p.rows)
  }

  /// The trapezoidal area under the ROC curve: examples by decreasing score, tied
  /// scores taken together (one diagonal segment), normalised by P·N.
  static func binaryAUC<Scalar: MatrixScalar>(positive: [Bool], scores: [Scalar], weights w: [Double]) -> Double? {
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var truePositives = 0.0
    var falsePositives = 0.0
    var area = 0.0
    var k = 0
    while k < order.count {
      let score = scores[order[k]]
      let (tp0, fp0) = (truePositives, falsePositives)
      while k < order.count, scores[order[k]] == score {
        if positive[order[k]] { truePositives += w[order[k]] } else { falsePositives += w[order[k]] }
        k += 1
      }
      area += (falsePositives - fp0) * (truePositives + tp0) / 2
    }
    guard truePositives > 0, falsePositives > 0 else { return nil }
    return area / (truePositives * falsePositives)
  }
}
