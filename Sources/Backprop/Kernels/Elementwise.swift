extension Kernels {
  /// X ← X ⊙ M, elementwise (a dropout mask, already scaled by 1/(1 − p)).
  @inlinable
  static func multiply<Scalar: MatrixScalar>(_ x: Matrix<Scalar>, by mask: Matrix<Scalar>, into out: inout Matrix<Scalar>) {
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
  @inlinable
  static func gatherColumns<Scalar: MatrixScalar>(
    _ x: Matrix<Scalar>, _ indices: ArraySlice<Int>, into out: inout Matrix<Scalar>
  ) {
    let rows = x.rows
    out.reshape(to: Shape(rows, indices.count))
    x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { op in
        var j = 0
        for index in indices {
          precondition(index >= 0 && index < x.columns, "gatherColumns: column \(index) of \(x.columns)")
          let source = UnsafeBufferPointer(rebasing: xp[(index * rows)..<((index + 1) * rows)])
          for i in 0..<rows { op[j * rows + i] = source[i] }
          j += 1
        }
      }
    }
  }
}
