extension Dataset {
  /// Fits a preprocessing on this set's inputs, in their own precision (a float32 set is not
  /// widened first): the training set's, to be applied to every set with ``prepared(by:as:)``.
  ///
  /// ```swift
  /// let preprocessing = try sets.training.fitPreprocessing(.standardize)
  /// let (x, y) = try sets.training.prepared(by: preprocessing, as: Float.self)
  /// ```
  ///
  /// - Parameters:
  ///   - method: standardise, min-max or none.
  ///   - divisor: every input is divided by it first (255 for 8-bit pixels).
  /// - Throws: ``ConfigurationError`` naming `divisor` when it is 0 or not finite.
  public func fitPreprocessing(_ method: Preprocessing.Method, divisor: Double = 1) throws -> Preprocessing {
    switch storage {
    case .float32(let x): try Preprocessing.fit(method, to: x, divisor: divisor)
    case .float64(let x): try Preprocessing.fit(method, to: x, divisor: divisor)
    }
  }

  /// X after `preprocessing` and Y, as `Scalar`: what the network trains or predicts on. The
  /// preprocessing is applied in the inputs' own precision, then converted.
  /// - Throws: ``ShapeError`` when the preprocessing was fitted on another number of features.
  public func prepared<Scalar: MatrixScalar>(
    by preprocessing: Preprocessing, as _: Scalar.Type = Scalar.self
  ) throws -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    let x: Matrix<Scalar>
    switch storage {
    case .float32(let stored): x = try preprocessing.apply(stored).converted(to: Scalar.self)
    case .float64(let stored): x = try preprocessing.apply(stored).converted(to: Scalar.self)
    }
    return (x, y.converted(to: Scalar.self))
  }
}
