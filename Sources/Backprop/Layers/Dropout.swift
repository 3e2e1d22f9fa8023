/// Inverted dropout (the course's week 1 of "Improving Deep Neural Networks"),
/// on the activations of hidden layers, in training only:
///
///     D[l] = (rand(n[l], m) < keep)          keep = 1 − p
///     A[l] := A[l] ⊙ D[l] / keep              (forward)
///     dA[l] := dA[l] ⊙ D[l] / keep            (backward)
///
/// Dividing by `keep` keeps the expected value of A[l], so inference uses the
/// network as it is. A mask holds D[l]/keep itself (0 or 1/keep), so that a
/// test can fix it (gradient checking with dropout needs the same mask on
/// every evaluation).
public enum Dropout {
  /// Fills `mask` (n, m) with 0 (probability p) or 1/(1 − p) (probability 1 − p).
  ///
  /// - Precondition: 0 ≤ p < 1.
  public static func fillMask<Scalar: MatrixScalar>(
    _ mask: inout Matrix<Scalar>, rows: Int, columns: Int, rate p: Double, using generator: inout some RandomGenerator
  ) {
    precondition(p >= 0 && p < 1, "dropout rate \(p) outside [0, 1)")
    mask.reshape(to: Shape(rows, columns))
    let keep = 1 - p
    let kept = Scalar(1 / keep)
    mask.withUnsafeMutableBufferPointer { d in
      for k in 0..<d.count { d[k] = generator.nextUniform() < keep ? kept : 0 }
    }
  }

  /// The masks of a whole batch of `columns` examples, drawn as ``fillMask(_:rows:columns:rate:using:)``
  /// draws them, of which only the columns in `kept` are stored: a data-parallel rank's part of
  /// the batch gets the masks one process would give those examples.
  public static func fillMask<Scalar: MatrixScalar>(
    _ mask: inout Matrix<Scalar>, rows: Int, columns: Int, keeping kept: Range<Int>, rate p: Double,
    using generator: inout some RandomGenerator
  ) {
    precondition(p >= 0 && p < 1, "dropout rate \(p) outside [0, 1)")
    precondition(kept.lowerBound >= 0 && kept.upperBound <= columns, "columns \(kept) outside 0..<\(columns)")
    mask.reshape(to: Shape(rows, kept.count))
    let keep = 1 - p
    let kept1 = Scalar(1 / keep)
    let first = kept.lowerBound * rows
    let last = kept.upperBound * rows
    mask.withUnsafeMutableBufferPointer { d in
      for k in 0..<(rows * columns) {
        let u = generator.nextUniform()
        if k >= first && k < last { d[k - first] = u < keep ? kept1 : 0 }
      }
    }
  }

  /// Checks a rate given on the command line or to ``FitOptions``.
  /// - Throws: ``ConfigurationError`` naming `dropout` unless 0 ≤ p < 1.
  public static func validate(rate p: Double, layer l: Int? = nil) throws(ConfigurationError) {
    guard p >= 0, p < 1, p.isFinite else {
      let which = l.map { " (layer \($0))" } ?? ""
      throw ConfigurationError(
        parameter: "dropout", "\(p)\(which) is not a dropout rate: give the probability of dropping a unit, 0 ≤ p < 1")
    }
  }
}
