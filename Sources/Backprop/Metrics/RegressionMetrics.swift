extension Metrics {
  /// mean((ŷ − y)²) over every output and example, weighted per example:
  /// Σᵢ wᵢ Σₒ (ŷₒᵢ − yₒᵢ)² / (n_outputs · Σᵢ wᵢ), scikit-learn's `mean_squared_error`
  /// (averaged uniformly over outputs).
  /// - Parameters:
  ///   - predictions: ŷ, (outputs, m), an identity output's A[L].
  ///   - targets: y, the same shape.
  ///   - weights: one per example (column), or nil for 1 each.
  /// - Throws: ``DataError`` when the shapes differ or the weights are unusable.
  public static func meanSquaredError<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) -> Double {
    try weightedMean(predictions: predictions, targets: targets, weights: weights) { $0 * $0 }
  }

  /// mean(|ŷ − y|), weighted as ``meanSquaredError(predictions:targets:weights:)``;
  /// scikit-learn's `mean_absolute_error`.
  /// - Throws: ``DataError`` when the shapes differ or the weights are unusable.
  public static func meanAbsoluteError<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) -> Double {
    try weightedMean(predictions: predictions, targets: targets, weights: weights) { Swift.abs($0) }
  }

  /// The coefficient of determination, scikit-learn's `r2_score`, for each output o
  ///
  ///     R²ₒ = 1 − Σᵢ wᵢ(yₒᵢ − ŷₒᵢ)² / Σᵢ wᵢ(yₒᵢ − ȳₒ)²        ȳₒ = Σᵢ wᵢ yₒᵢ / Σᵢ wᵢ
  ///
  /// averaged uniformly over the outputs (scikit-learn's `multioutput='uniform_average'`):
  /// the one R² of the library (``Model/Evaluation/r2``, ``RegressionReport``, the history).
  /// - Returns: R², or nil when some output's targets are all equal (the denominator is 0;
  ///   scikit-learn then returns 1 or 0 by convention).
  /// - Throws: ``DataError`` when the shapes differ or the weights are unusable.
  public static func r2<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]? = nil
  ) throws(DataError) -> Double? {
    let w = try validate(predictions: predictions, targets: targets, weights: weights)
    let totalWeight = w.reduce(0, +)
    var sum = 0.0
    for o in 0..<targets.rows {
      var mean = 0.0
      for i in 0..<targets.columns { mean += w[i] * Double(targets[o, i]) }
      mean /= totalWeight
      var residual = 0.0
      var total = 0.0
      for i in 0..<targets.columns {
        let y = Double(targets[o, i])
        let error = y - Double(predictions[o, i])
        residual += w[i] * error * error
        total += w[i] * (y - mean) * (y - mean)
      }
      guard total > 0 else { return nil }
      sum += 1 - residual / total
    }
    return targets.rows > 0 && totalWeight > 0 ? sum / Double(targets.rows) : nil
  }

  /// Σᵢ wᵢ Σₒ f(ŷₒᵢ − yₒᵢ) / (n_outputs · Σᵢ wᵢ).
  private static func weightedMean<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]?, _ f: (Double) -> Double
  ) throws(DataError) -> Double {
    let w = try validate(predictions: predictions, targets: targets, weights: weights)
    var sum = 0.0
    var totalWeight = 0.0
    for i in 0..<targets.columns {
      var row = 0.0
      for o in 0..<targets.rows { row += f(Double(predictions[o, i]) - Double(targets[o, i])) }
      sum += w[i] * row
      totalWeight += w[i]
    }
    let count = totalWeight * Double(targets.rows)
    return count > 0 ? sum / count : 0
  }

  /// Checks that ŷ and y have the same shape and returns the weights.
  private static func validate<Scalar: MatrixScalar>(
    predictions: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Double]?
  ) throws(DataError) -> [Double] {
    guard predictions.shape == targets.shape else {
      throw DataError("predictions are \(predictions.shape) but targets are \(targets.shape): they must match")
    }
    return try validate(weights: weights, examples: targets.columns)
  }
}
