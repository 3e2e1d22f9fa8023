extension Matrix {
  /// A matrix of standard normal draws, N(0, 1), filled in C (row-major) order:
  /// element (i, j) gets draw number `i·columns + j`, each Double rounded to `Scalar`.
  ///
  /// This is the order of `np.random.randn(rows, columns)`, which fills its C-ordered
  /// array draw by draw, so with ``NumPyLegacyGenerator`` the result equals NumPy's
  /// bit for bit (before the conversion to Float, if any). The course's deep initialiser
  ///
  /// ```python
  /// W = np.random.randn(n[l], n[l-1]) / np.sqrt(n[l-1])
  /// ```
  ///
  /// is `Matrix<Double>.randomNormal(rows: n[l], columns: n[l-1], using: &rng)` with
  /// each element divided by `Double(n[l-1]).squareRoot()`. Filling in storage
  /// (column-major) order instead would put the same draws in other places: a
  /// different W, and a different training run.
  public static func randomNormal(
    rows: Int, columns: Int, using generator: inout some RandomGenerator
  ) -> Matrix {
    filledInRowMajorOrder(rows: rows, columns: columns) { Scalar(generator.nextGaussian()) }
  }

  /// A matrix of standard normal draws of the given shape; see
  /// ``randomNormal(rows:columns:using:)``.
  public static func randomNormal(_ shape: Shape, using generator: inout some RandomGenerator) -> Matrix {
    randomNormal(rows: shape.rows, columns: shape.columns, using: &generator)
  }

  /// A matrix of uniform draws in `range`, filled in C (row-major) order like
  /// ``randomNormal(rows:columns:using:)``.
  ///
  /// Each element is `lower + (upper − lower) · u`, computed in Double with u from
  /// ``RandomGenerator/nextUniform()``, then rounded to `Scalar`: with the default
  /// range 0..<1 and ``NumPyLegacyGenerator`` this is `np.random.rand(rows, columns)`,
  /// otherwise `np.random.uniform(lower, upper, (rows, columns))`. As in NumPy, rounding
  /// can make an element equal to `upper` (for Float, any u within 2⁻²⁵ of 1).
  public static func randomUniform(
    rows: Int, columns: Int, in range: Range<Scalar> = 0..<1, using generator: inout some RandomGenerator
  ) -> Matrix {
    let lower = Double(range.lowerBound)
    let width = Double(range.upperBound) - lower
    return filledInRowMajorOrder(rows: rows, columns: columns) {
      Scalar(lower + width * generator.nextUniform())
    }
  }

  /// A matrix of uniform draws of the given shape; see
  /// ``randomUniform(rows:columns:in:using:)``.
  public static func randomUniform(
    _ shape: Shape, in range: Range<Scalar> = 0..<1, using generator: inout some RandomGenerator
  ) -> Matrix {
    randomUniform(rows: shape.rows, columns: shape.columns, in: range, using: &generator)
  }

  /// Calls `draw` once per element in C order, (0, 0), (0, 1), …, (1, 0), …, storing
  /// each value at its column-major place `i + j·rows`.
  private static func filledInRowMajorOrder(
    rows: Int, columns: Int, _ draw: () -> Scalar
  ) -> Matrix {
    var matrix = Matrix(rows: rows, columns: columns)
    matrix.withUnsafeMutableBufferPointer { storage in
      for i in 0..<rows {
        for j in 0..<columns { storage[i + j * rows] = draw() }
      }
    }
    return matrix
  }
}
