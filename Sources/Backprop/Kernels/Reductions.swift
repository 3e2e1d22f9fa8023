import CBackpropKernels
import RealModule

extension Kernels {
  /// The sum over columns, scaled — the notes' bias gradient:
  ///
  ///     db = scale · Σ_columns dZ        (scale = 1/m; result (rows, 1))
  @inlinable
  package static func sumColumns<Scalar: MatrixScalar>(
    _ x: Matrix<Scalar>, scale: Scalar, into result: inout Matrix<Scalar>
  ) {
    result.reshape(to: Shape(x.rows, 1))
    let rows = x.rows
    let columns = x.columns
    x.withUnsafeBufferPointer { xp in
      result.withUnsafeMutableBufferPointer { rp in
        guard let r = rp.baseAddress else { return }
        guard let x = xp.baseAddress else {
          r.update(repeating: 0, count: rows)
          return
        }
        sumColumns(x, rows: rows, columns: columns, scale: scale, into: r)
      }
    }
  }

  /// r = scale · Σ_j X[:, j] as the matrix-vector product scale·X·1, the
  /// vector of ones being one element read with stride 0: one pass over X
  /// with the sums in registers (the C kernel for Float and Double).
  @usableFromInline
  static func sumColumns<Scalar: MatrixScalar>(
    _ x: UnsafePointer<Scalar>, rows: Int, columns: Int, scale: Scalar, into r: UnsafeMutablePointer<Scalar>
  ) {
    var one: Scalar = 1
    matrixVector(
      transposeA: false, m: rows, k: columns, alpha: scale, a: x, lda: rows, x: &one, incx: 0, beta: 0, y: r,
      incy: 1, features: vectorFeatures)
  }

  /// y ← y + α·x, the BLAS `axpy`; the gradient-descent update is
  /// `axpy(-learningRate, dW, &W)`.
  @inlinable
  package static func axpy<Scalar: MatrixScalar>(_ alpha: Scalar, _ x: Matrix<Scalar>, _ y: inout Matrix<Scalar>) {
    precondition(x.shape == y.shape, "axpy: x \(x.shape) and y \(y.shape) differ")
    let count = x.count
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        // In ranges on the worker pool when large (a parameter update); elementwise, so the same bits.
        forEachRange(count: count) { range in
          // Local copies: the loop then reads no captured variable through memory its stores could alias.
          let (x, y, alpha) = (xp, yp, alpha)
          for k in range { y[k] += alpha * x[k] }
        }
      }
    }
  }

  /// C ← A − B, elementwise, into C's existing buffer (the notes' dZ[L] = A[L] − Y).
  @inlinable
  package static func difference<Scalar: MatrixScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>, into c: inout Matrix<Scalar>
  ) {
    precondition(a.shape == b.shape, "difference: \(a.shape) and \(b.shape) differ")
    c.reshape(to: a.shape)
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          for k in 0..<cp.count { cp[k] = ap[k] - bp[k] }
        }
      }
    }
  }

  /// B ← A, into B's existing buffer (no new allocation when the sizes match).
  @inlinable
  package static func copy<Scalar: MatrixScalar>(_ a: Matrix<Scalar>, into b: inout Matrix<Scalar>) {
    b.reshape(to: a.shape)
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeMutableBufferPointer { bp in
        for k in 0..<bp.count { bp[k] = ap[k] }
      }
    }
  }

  /// The number of elements outside [lower, upper], NaN included: one
  /// branch-free (vectorised) pass, for validating labels.
  @inlinable
  package static func countOutside<Scalar: MatrixScalar>(_ x: Matrix<Scalar>, lower: Scalar, upper: Scalar) -> Int {
    x.withUnsafeBufferPointer { xp in
      guard let x = xp.baseAddress else { return 0 }
      var outside = 0
      for k in 0..<xp.count {
        // Two selects, not `&&`: a branch would stop the compiler vectorising.
        let below = x[k] >= lower ? 0 : 1
        let above = x[k] <= upper ? 0 : 1
        outside &+= below | above
      }
      return outside
    }
  }

  /// The squared Frobenius norm, Σ xᵢⱼ², accumulated in Double.
  ///
  /// Float and Double run `bp_sum_squares_*` (sixteen partial sums: one running
  /// sum is a chain of dependent additions, and the gradient norms of every
  /// training step waited on it) over fixed blocks of at least
  /// ``squaredNormBlock`` elements, on the worker pool when there are several,
  /// whose sums are then added in order. The blocks depend on the element
  /// count only, so the result is the same on any thread count.
  package static func squaredNorm<Scalar: MatrixScalar>(_ x: Matrix<Scalar>, features: UInt32 = vectorFeatures)
    -> Double
  {
    x.withUnsafeBufferPointer { xp in
      guard let base = xp.baseAddress else { return 0 }
      guard Scalar.self == Float.self || Scalar.self == Double.self else {
        var sum = 0.0
        for v in xp { sum += Double(v) * Double(v) }
        return sum
      }
      let count = xp.count
      func sum(from start: Int, count n: Int) -> Double {
        Scalar.self == Float.self
          ? bp_sum_squares_f32(UnsafeRawPointer(base + start).assumingMemoryBound(to: Float.self), n, features)
          : bp_sum_squares_f64(UnsafeRawPointer(base + start).assumingMemoryBound(to: Double.self), n, features)
      }
      // At most 64 blocks, so that their sums fit on the stack.
      let block = max(squaredNormBlock, (count + 63) / 64)
      let blocks = (count + block - 1) / block
      guard blocks > 1 else { return sum(from: 0, count: count) }
      return withUnsafeTemporaryAllocation(of: Double.self, capacity: blocks) { partials in
        WorkerPool.run(tasks: blocks, threads: threadCount) { i in
          partials[i] = sum(from: i * block, count: min(block, count - i * block))
        }
        var total = 0.0
        for i in 0..<blocks { total += partials[i] }
        return total
      }
    }
  }

  /// The smallest block of ``squaredNorm(_:features:)``: 2¹⁴ elements.
  package static let squaredNormBlock = 1 << 14

  /// The binary cross-entropy of a sigmoid output, from its logits Z, summed
  /// over the elements and accumulated in Double:
  ///
  ///     Σᵢⱼ max(zᵢⱼ, 0) − zᵢⱼ·yᵢⱼ + log(1 + e^(−|zᵢⱼ|))
  ///
  /// Float runs the vectorised kernel `bp_logistic_loss_sum_f32` (the first
  /// two terms exact in Double, the logarithm within 3 Float ulp); other
  /// scalars are converted to Double and use the C library's `exp` and `log1p`.
  static func logisticLossSum<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, y: Matrix<Scalar>, features: UInt32 = vectorFeatures
  ) -> Double {
    precondition(z.shape == y.shape, "logisticLossSum: Z \(z.shape) and Y \(y.shape) differ")
    return z.withUnsafeBufferPointer { zp in
      y.withUnsafeBufferPointer { yp in
        if Scalar.self == Float.self, let z = zp.baseAddress, let y = yp.baseAddress {
          return bp_logistic_loss_sum_f32(
            UnsafeRawPointer(z).assumingMemoryBound(to: Float.self),
            UnsafeRawPointer(y).assumingMemoryBound(to: Float.self), zp.count, features)
        }
        var sum = 0.0
        for k in 0..<zp.count {
          let zk = Double(zp[k])
          let yk = Double(yp[k])
          sum += Swift.max(zk, 0) - zk * yk + Double.log(onePlus: Double.exp(-Swift.abs(zk)))
        }
        return sum
      }
    }
  }
}
