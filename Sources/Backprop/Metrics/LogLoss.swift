import RealModule

extension Metrics {
  /// The log loss (cross-entropy) of predicted probabilities, scikit-learn's `log_loss`:
  ///
  ///     L = −(1/Σᵢ wᵢ) Σᵢ wᵢ·log p̂(yᵢ)        p̂ = min(max(p, ε), 1 − ε)
  ///
  /// where p̂(yᵢ) is the probability given to example i's true class, clipped so a
  /// confident mistake costs −log ε instead of ∞; ε is the scalar type's machine
  /// epsilon (2.2e-16 for Double, 1.2e-7 for Float), as scikit-learn clips.
  ///
  /// - Parameters:
  ///   - y: the true class yᵢ of each example, 0…K−1.
  ///   - p: (K, m) class probabilities, one column per example (a
  ///     softmax's A[L]); or (1, m), P(class 1) of a binary classifier (a sigmoid's
  ///     A[L]), for which class 0 has 1 − p.
  ///   - weights: one per example, or nil for 1 each.
  /// - Throws: ``DataError`` when the sizes differ, a class is out of range, a
  ///   probability is outside [0, 1], or the weights are unusable.
  public static func logLoss<Scalar: MatrixScalar>(
    trueClasses y: [Int], probabilities p: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) -> Double {
    try validate(probabilities: p, trueClasses: y)
    let w = try validate(weights: weights, examples: y.count)
    let epsilon = Scalar.ulpOfOne
    var sum = 0.0
    var totalWeight = 0.0
    for i in 0..<y.count {
      let probability = p.rows == 1 ? (y[i] == 1 ? p[0, i] : 1 - p[0, i]) : p[y[i], i]
      let clipped = Swift.min(Swift.max(probability, epsilon), 1 - epsilon)
      sum += w[i] * Double.log(Double(clipped))
      totalWeight += w[i]
    }
    return totalWeight > 0 ? -sum / totalWeight : 0
  }
}
