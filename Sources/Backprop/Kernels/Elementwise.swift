extension Kernels {
  /// X ← X ⊙ M, elementwise (a dropout mask, already scaled by 1/(1 − p)).
  @inlinable
  static func multiply<Scalar: MatrixScalar>(
    _ x: Matrix<Scalar>, by mask: Matrix<Scalar>, into out: inout Matrix<Scalar>
  ) {
    precondition(x.shape == mask.shape, "multiply: \(x.shape) and \(mask.shape) differ")
    out.reshape(to: x.shape)
    x.withUnsafeBufferPointer { xp in
      mask.withUnsafeBufferPointer { mp in
        out.withUnsafeMutableBufferPointer { op in
          for k in 0..<op.count { op[k] = xp[k] * mp[k] }
        }
      }
    }
  }

  /// X ← X ⊙ M in place (the dropout step of backward: dA := dA ⊙ D / keep).
  @inlinable
  static func multiply<Scalar: MatrixScalar>(_ x: inout Matrix<Scalar>, by mask: Matrix<Scalar>) {
    precondition(x.shape == mask.shape, "multiply: \(x.shape) and \(mask.shape) differ")
    mask.withUnsafeBufferPointer { mp in
      x.withUnsafeMutableBufferPointer { xp in
        for k in 0..<xp.count { xp[k] *= mp[k] }
      }
    }
  }

  /// X ← c·X in place.
  @inlinable
  static func scale<Scalar: MatrixScalar>(_ x: inout Matrix<Scalar>, by c: Scalar) {
    x.withUnsafeMutableBufferPointer { xp in
      for k in 0..<xp.count { xp[k] *= c }
    }
  }

  /// Each column j of X times w[j]: per-example weights on dZ[L].
  @inlinable
  static func scaleColumns<Scalar: MatrixScalar>(_ x: inout Matrix<Scalar>, by weights: Matrix<Scalar>) {
    precondition(weights.count == x.columns, "scaleColumns: \(weights.count) weights for \(x.columns) columns")
    let rows = x.rows
    weights.withUnsafeBufferPointer { w in
      x.withUnsafeMutableBufferPointer { xp in
        for j in 0..<w.count { for i in 0..<rows { xp[i + j * rows] *= w[j] } }
      }
    }
  }
}

extension Kernels {
  /// The columns of X at `indices`, in that order, into `out` (a mini-batch).
  /// Columns are contiguous (column-major), so each is one `memcpy`; a single
  /// row (labels, weights) is an indexed loop. Allocates nothing once `out` has its size.
  @inlinable
  static func gatherColumns<Scalar: MatrixScalar>(
    _ x: Matrix<Scalar>, _ indices: ArraySlice<Int>, into out: inout Matrix<Scalar>
  ) {
    let rows = x.rows
    let columns = x.columns
    out.reshape(to: Shape(rows, indices.count))
    guard rows > 0 else { return }
    x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { op in
        guard let source = xp.baseAddress, let destination = op.baseAddress else { return }
        if rows == 1 {
          var j = 0
          for index in indices {
            precondition(index >= 0 && index < columns, "gatherColumns: column \(index) of \(columns)")
            destination[j] = source[index]
            j += 1
          }
          return
        }
        // Columns in ranges on the worker pool when the batch is large: the copies are reads
        // from scattered places of a large X, which two cores wait on in parallel.
        let first = indices.startIndex
        forEachRange(count: indices.count, cost: rows) { range in
          for j in range {
            let index = indices[first + j]
            precondition(index >= 0 && index < columns, "gatherColumns: column \(index) of \(columns)")
            (destination + j * rows).update(from: source + index * rows, count: rows)
          }
        }
      }
    }
  }
}
