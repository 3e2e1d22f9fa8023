extension Network {
  /// Class predictions for a batch, the course's `predict`: for a sigmoid
  /// output 1 where A > 0.5 else 0 (per output unit), for softmax the arg-max
  /// class index per column. For an identity output, A[L] itself.
  /// - Throws: ``ShapeError`` when X does not have n[0] rows.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func predict(_ x: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
    output.predictions(from: try self(x))
  }

  /// The fraction of labels predicted exactly, (1/m) Σ [ŷ = y] over all entries.
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func accuracy(_ x: Matrix<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    try accuracy(outputs: self(x), labels: y)
  }

  /// The fraction of labels that the outputs A[L] predict exactly.
  func accuracy(outputs a: Matrix<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    let p = output.predictions(from: a)
    try output.validate(labels: y, outputUnits: layers[layers.count - 1].outputSize, examples: a.columns)
    guard p.count > 0 else { return 0 }
    var correct = 0
    for k in 0..<p.count where p.scalars[k] == y.scalars[k] { correct += 1 }
    return Double(correct) / Double(p.count)
  }

  /// The mean squared error over all entries, mean((A[L] − Y)²), for regression.
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func meanSquaredError(_ x: Matrix<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    try meanSquaredError(outputs: self(x), labels: y)
  }

  /// mean((A[L] − Y)²) from the outputs A[L].
  func meanSquaredError(outputs a: Matrix<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    try output.validate(labels: y, outputUnits: a.rows, examples: a.columns)
    guard a.count > 0 else { return 0 }
    var sum = 0.0
    for k in 0..<a.count {
      let d = Double(a.scalars[k]) - Double(y.scalars[k])
      sum += d * d
    }
    return sum / Double(a.count)
  }
}
