extension Metrics {
  /// The class index of each example from a labels matrix as the losses take it:
  /// (1, m) of class indices (softmax) or of 0/1 (a sigmoid with one unit).
  /// - Throws: ``DataError`` when Y has more than one row (multi-label sigmoid
  ///   outputs are not single-class predictions) or a value is not a whole number ≥ 0.
  public static func classIndices<Scalar: MatrixScalar>(labels y: Matrix<Scalar>) throws(DataError) -> [Int] {
    guard y.rows == 1 else {
      throw DataError("labels are \(y.shape): class metrics need one row of class indices, (1, m)")
    }
    var classes = [Int]()
    classes.reserveCapacity(y.columns)
    for (k, value) in y.scalars.enumerated() {
      guard value >= 0, value.rounded() == value, value < Scalar(Int32.max) else {
        throw DataError("label \(value) at example \(k) is not a class index (a whole number, 0 or more)")
      }
      classes.append(Int(value))
    }
    return classes
  }

  /// The predicted class of each example from probabilities, the course's rule:
  /// for one row (a sigmoid's P(class 1)) 1 where p > 0.5, else the arg-max class
  /// of each column (the first on ties), as ``Output/predictions(from:)``.
  public static func predictedClasses<Scalar: MatrixScalar>(probabilities p: Matrix<Scalar>) -> [Int] {
    if p.rows == 1 { return p.scalars.map { $0 > 0.5 ? 1 : 0 } }
    return (0..<p.columns).map { j in
      var best = 0
      for k in 1..<max(p.rows, 1) where p[k, j] > p[best, j] { best = k }
      return best
    }
  }

  /// The number of classes probabilities describe: 2 for one row (binary), else the rows.
  static func classCount<Scalar: MatrixScalar>(probabilities p: Matrix<Scalar>) -> Int {
    p.rows == 1 ? 2 : p.rows
  }

  /// Checks probabilities against the true classes: one column per example, values in [0, 1].
  static func validate<Scalar: MatrixScalar>(
    probabilities p: Matrix<Scalar>, trueClasses: [Int]
  ) throws(DataError) {
    guard p.rows >= 1 else { throw DataError("probabilities \(p.shape) have no rows") }
    try validate(count: p.columns, "columns of probabilities", examples: trueClasses.count)
    try validate(classes: trueClasses, classCount: classCount(probabilities: p), "true")
    if let k = p.scalars.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
      throw DataError(
        "probability \(p.scalars[k]) at (\(k % p.rows), \(k / p.rows)) is not in [0, 1]: pass A[L], not Z[L]")
    }
  }
}
