/// One `xGEMM` call's operands: C ← α·op(A)·op(B) + β·C, column-major with
/// leading dimensions. A plain bundle of pointers, sendable so that the threads
/// of a parallel product can each take the block of C they own.
struct GEMMProblem<Scalar: MatrixScalar>: @unchecked Sendable {
  var transposeA: Bool
  var transposeB: Bool
  var m: Int
  var n: Int
  var k: Int
  var alpha: Scalar
  var a: UnsafePointer<Scalar>
  var lda: Int
  var b: UnsafePointer<Scalar>
  var ldb: Int
  var beta: Scalar
  var c: UnsafeMutablePointer<Scalar>
  var ldc: Int
  /// Whether C is stored transposed: element (i, j) at `c[j + i·ldc]`.
  var cTransposed = false

  /// The same product computed as Cᵀ ← α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ: A and B swap
  /// roles (and transposes), and C is addressed transposed.
  var swapped: GEMMProblem {
    var s = self
    s.m = n
    s.n = m
    s.transposeA = !transposeB
    s.a = b
    s.lda = ldb
    s.transposeB = !transposeA
    s.b = a
    s.ldb = lda
    s.cTransposed = !cTransposed
    return s
  }

  /// The address of C(i, j).
  func c(_ i: Int, _ j: Int) -> UnsafeMutablePointer<Scalar> {
    cTransposed ? c + j + i * ldc : c + i + j * ldc
  }

  /// Runs `body` on blocks of C that together make the product: the whole
  /// product on the calling thread when it is small (fewer than
  /// `parallelThreshold` multiply-adds) or `threads` ≤ 1, else equal blocks
  /// along the larger dimension, in whole tiles of `rowUnit` rows or
  /// `columnUnit` columns, run concurrently.
  ///
  /// Up to four blocks per thread (the ``Kernels/WorkerPool`` hands them out
  /// as threads free up, which evens out a busy core), each at least 256 wide
  /// so that re-packing the shared operand per block stays a small cost, and
  /// a whole number per thread so that idle cores finish together.
  func forEachThreadBlock(
    rowUnit: Int, columnUnit: Int, threads: Int, parallelThreshold: Int,
    _ body: @escaping @Sendable (GEMMProblem) -> Void
  ) {
    let split = threadSplit(
      rowUnit: rowUnit, columnUnit: columnUnit, threads: threads, parallelThreshold: parallelThreshold)
    if split.blocks <= 1 {
      body(self)
      return
    }
    let (m, n) = (self.m, self.n)
    let extent = split.alongColumns ? n : m
    Kernels.WorkerPool.run(tasks: split.blocks, threads: threads) { index in
      let range = (index * split.width)..<min(extent, (index + 1) * split.width)
      body(split.alongColumns ? block(rows: 0..<m, columns: range) : block(rows: range, columns: 0..<n))
    }
  }

  /// How ``forEachThreadBlock(rowUnit:columnUnit:threads:parallelThreshold:_:)``
  /// cuts C: along the columns or the rows, into `blocks` blocks of `width`
  /// columns or rows (the last one narrower); one block when it runs on the
  /// calling thread.
  func threadSplit(
    rowUnit: Int, columnUnit: Int, threads: Int, parallelThreshold: Int
  ) -> (alongColumns: Bool, width: Int, blocks: Int) {
    let big = Double(m) * Double(n) * Double(k) >= Double(parallelThreshold)
    let alongColumns = n >= m
    let extent = alongColumns ? n : m
    let unit = alongColumns ? columnUnit : rowUnit
    let tiles = (extent + unit - 1) / unit
    let perThread = max(1, min(4, extent / (256 * max(threads, 1))))
    let parts = big && threads > 1 ? min(tiles, threads * perThread) : 1
    // Equal shares, in whole tiles.
    let width = ((tiles + parts - 1) / parts) * unit
    return (alongColumns, width, (extent + width - 1) / width)
  }

  /// The sub-problem that computes rows `rows` and columns `columns` of C
  /// (all of k): rows of op(A), columns of op(B), one block of C.
  func block(rows: Range<Int>, columns: Range<Int>) -> GEMMProblem {
    var sub = self
    sub.m = rows.count
    sub.n = columns.count
    sub.a = transposeA ? a + rows.lowerBound * lda : a + rows.lowerBound
    sub.b = transposeB ? b + columns.lowerBound : b + columns.lowerBound * ldb
    sub.c = self.c(rows.lowerBound, columns.lowerBound)
    return sub
  }
}
