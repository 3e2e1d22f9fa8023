extension Kernels {
  /// out ← columns `range` of x, (rows, range.count), reusing out's buffer.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  static func copyColumns<Scalar: MatrixScalar>(
    _ x: Matrix<Scalar>, _ range: Range<Int>, into out: inout Matrix<Scalar>
  ) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= x.columns, "copyColumns: \(range) of \(x.columns) columns")
    let rows = x.rows
    out.reshape(to: Shape(rows, range.count))
    guard rows > 0, !range.isEmpty else { return }
    x.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        // Whole columns are contiguous in column-major storage: one copy.
        target.baseAddress!.update(from: source.baseAddress! + range.lowerBound * rows, count: range.count * rows)
      }
    }
  }

  /// Columns `start ..< start + a.columns` of `result` ← a (same rows).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  static func placeColumns<Scalar: MatrixScalar>(_ a: Matrix<Scalar>, into result: inout Matrix<Scalar>, at start: Int)
  {
    precondition(
      a.rows == result.rows && start >= 0 && start + a.columns <= result.columns,
      "placeColumns: \(a.shape) at column \(start) of \(result.shape)")
    let rows = a.rows
    guard rows > 0, a.columns > 0 else { return }
    a.withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { target in
        (target.baseAddress! + start * rows).update(from: source.baseAddress!, count: a.columns * rows)
      }
    }
  }
}
