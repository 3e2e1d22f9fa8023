/// The one matrix product every layer goes through, in BLAS's terms:
///
///     C ← α · op(A) · op(B) + β · C        op(X) = X or Xᵀ
///
/// With the transpose flags the notes' products need no copies:
/// `Z = W·A_prev` is `gemm(w, aPrev, into: &z)`, `dW = (1/m)·dZ·A_prevᵀ` is
/// `gemm(dZ, aPrev, transposeB: true, alpha: 1 / m, into: &dW)`, and
/// `dA_prev = Wᵀ·dZ` is `gemm(w, transposeA: true, dZ, into: &dAPrev)`.
///
/// Shapes are an internal invariant here (layers check them and throw a
/// ``ShapeError`` naming the layer first): a mismatch is a precondition failure.
/// When `beta` is zero, `c` is reshaped to the product's shape and its old
/// contents are ignored (NaN in it does not leak through).
///
/// - Parameters:
///   - a: A, shape (m, k), or (k, m) when `transposeA`.
///   - transposeA: whether op(A) is Aᵀ (read in place, never copied); false by default.
///   - b: B, shape (k, n), or (n, k) when `transposeB`.
///   - transposeB: whether op(B) is Bᵀ (read in place, never copied); false by default.
///   - alpha: α, the product's scale.
///   - beta: β, the scale of C's current contents.
///   - c: C, shape (m, n).
public func gemm<Scalar: MatrixScalar>(
  _ a: Matrix<Scalar>, transposeA: Bool = false,
  _ b: Matrix<Scalar>, transposeB: Bool = false,
  alpha: Scalar = 1, beta: Scalar = 0,
  into c: inout Matrix<Scalar>
) {
  let m = transposeA ? a.columns : a.rows
  let k = transposeA ? a.rows : a.columns
  let kB = transposeB ? b.columns : b.rows
  let n = transposeB ? b.rows : b.columns
  precondition(k == kB, "gemm: op(A) is (\(m), \(k)) but op(B) is (\(kB), \(n))")
  if beta == 0 {
    c.reshape(to: Shape(m, n))
  } else {
    precondition(c.rows == m && c.columns == n, "gemm: C is \(c.shape) but op(A)·op(B) is (\(m), \(n))")
  }
  a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        Kernels.gemm(
          transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
          alpha: alpha, a: pa.baseAddress, lda: max(1, a.rows),
          b: pb.baseAddress, ldb: max(1, b.rows),
          beta: beta, c: pc.baseAddress, ldc: max(1, m))
      }
    }
  }
}

/// The project's compute kernels: the only code that touches raw pointers.
/// Layers call these; these know nothing of layers.
public enum Kernels {}
