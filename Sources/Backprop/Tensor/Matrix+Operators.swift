/// The matrix product, the notes' W·A (NumPy's `np.dot(W, A)`).
infix operator • : MultiplicationPrecedence

/// Operators for writing the notes' formulas as they read, in a playground or a
/// test, with NumPy's meaning:
///
///     Z = W • A + b             np.dot(W, A) + b      (b, a column, is added to every column)
///     A = Z.map(relu)
///     dZ = dA * gPrime          dA * g'(Z)            (elementwise)
///     dW = (1 / m) * (dZ • A.T)
///     db = (1 / m) * dZ.sum(axis: 1)                  np.sum(dZ, axis=1, keepdims=True)
///
/// Each returns a new matrix; shapes that do not fit stop the program with both
/// shapes named (a precondition, as NumPy raises). The training code does not use
/// them: it writes into preallocated buffers through the kernels (``gemm(_:transposeA:_:transposeB:alpha:beta:into:)``,
/// ``Kernels``), which these call.
extension Matrix {
  /// The matrix product A·B, (m, k)·(k, n) → (m, n).
  public static func • (a: Matrix, b: Matrix) -> Matrix {
    precondition(a.columns == b.rows, "•: \(a.shape)·\(b.shape): A's columns must equal B's rows")
    var c = Matrix(rows: a.rows, columns: b.columns)
    gemm(a, b, into: &c)
    return c
  }

  /// Aᵀ, NumPy's `A.T`.
  public var T: Matrix { transposed }

  /// Elementwise A + B: the same shape, or either one a column (n, 1) added to
  /// every column of the other, or a row (1, m) added to every row (NumPy broadcasting).
  public static func + (a: Matrix, b: Matrix) -> Matrix { broadcast(a, b, "+") { $0 + $1 } }

  /// Elementwise A − B, broadcast as ``+(_:_:)-(_,Matrix)``.
  public static func - (a: Matrix, b: Matrix) -> Matrix { broadcast(a, b, "-") { $0 - $1 } }

  /// Elementwise (Hadamard) A ⊙ B, NumPy's `A * B`, broadcast as ``+(_:_:)-(_,Matrix)``.
  public static func * (a: Matrix, b: Matrix) -> Matrix { broadcast(a, b, "*") { $0 * $1 } }

  /// Elementwise A / B, broadcast as ``+(_:_:)-(_,Matrix)``.
  public static func / (a: Matrix, b: Matrix) -> Matrix { broadcast(a, b, "/") { $0 / $1 } }

  /// s·A.
  public static func * (s: Scalar, a: Matrix) -> Matrix { a.map { s * $0 } }

  /// A·s.
  public static func * (a: Matrix, s: Scalar) -> Matrix { a.map { $0 * s } }

  /// A / s.
  public static func / (a: Matrix, s: Scalar) -> Matrix { a.map { $0 / s } }

  /// A + s, to every element.
  public static func + (a: Matrix, s: Scalar) -> Matrix { a.map { $0 + s } }

  /// A − s, from every element.
  public static func - (a: Matrix, s: Scalar) -> Matrix { a.map { $0 - s } }

  /// s − A, elementwise (as in 1 − A).
  public static func - (s: Scalar, a: Matrix) -> Matrix { a.map { s - $0 } }

  /// −A.
  public static prefix func - (a: Matrix) -> Matrix { a.map { -$0 } }

  /// `f` applied to every element (an activation: `z.map { max($0, 0) }`).
  public func map(_ f: (Scalar) throws -> Scalar) rethrows -> Matrix {
    var result = self
    try result.withUnsafeMutableBufferPointer { buffer in
      for k in buffer.indices { buffer[k] = try f(buffer[k]) }
    }
    return result
  }

  /// The sums along an axis, kept as a matrix (NumPy's `keepdims=True`): axis 1
  /// sums each row over the columns (examples), giving (rows, 1), as db[l] =
  /// (1/m) Σ_columns dZ[l]; axis 0 sums each column, giving (1, columns).
  public func sum(axis: Int) -> Matrix {
    precondition(axis == 0 || axis == 1, "sum(axis:): axis \(axis); a matrix has axes 0 (rows) and 1 (columns)")
    if axis == 1 {
      var result = Matrix(rows: rows, columns: 1)
      Kernels.sumColumns(self, scale: 1, into: &result)
      return result
    }
    var result = Matrix(rows: 1, columns: columns)
    for j in 0..<columns {
      var total: Scalar = 0
      for i in 0..<rows { total += self[i, j] }
      result[0, j] = total
    }
    return result
  }

  /// The sum of every element.
  public func sum() -> Scalar { scalars.reduce(0, +) }

  /// `f(a, b)` elementwise, with a column or a row of one side repeated to the other's shape.
  private static func broadcast(
    _ a: Matrix, _ b: Matrix, _ name: String, _ f: (Scalar, Scalar) -> Scalar
  ) -> Matrix {
    let rows = Swift.max(a.rows, b.rows)
    let columns = Swift.max(a.columns, b.columns)
    func fits(_ x: Matrix) -> Bool {
      (x.rows == rows || x.rows == 1) && (x.columns == columns || x.columns == 1)
    }
    precondition(
      fits(a) && fits(b),
      "\(name): \(a.shape) and \(b.shape) do not broadcast (the same shape, or one of them (n, 1) or (1, m))")
    var result = Matrix(rows: rows, columns: columns)
    for j in 0..<columns {
      let ja = a.columns == 1 ? 0 : j
      let jb = b.columns == 1 ? 0 : j
      for i in 0..<rows {
        result[i, j] = f(a[a.rows == 1 ? 0 : i, ja], b[b.rows == 1 ? 0 : i, jb])
      }
    }
    return result
  }
}
