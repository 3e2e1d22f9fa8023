/// A micro-kernel that can also read its operands where they lie (the AVX-512
/// ones): `stridedTile` is `tile` with Ã's k step q the first `rows` of the
/// MR scalars at `a + q·lda` (nothing past them is read; the rest count as
/// zeros), B̃[q][j] at `b[q·ldbk + j·ldbj]`, and only the first `rows` rows
/// of C read and written; `tile` is the case `lda = MR`, `rows = MR`,
/// `ldbk = NR`, `ldbj = 1`.
protocol StridedGEMMMicroKernel: GEMMMicroKernel where PackedB == Scalar {
  static func stridedTile(
    kc: Int, a: UnsafePointer<Scalar>, lda: Int, rows: Int, b: UnsafePointer<Scalar>, ldbk: Int, ldbj: Int,
    c: UnsafeMutablePointer<Scalar>, ldc: Int, alpha: Scalar, beta: Scalar)
}

extension Kernels {
  /// A short, wide product, C ← α·op(A)·op(B) + β·C with at most two tiles
  /// of rows (m ≤ 2·MR) and at least two of columns, computed without
  /// packing op(B) (and without packing op(A) unless it is Aᵀ):
  ///
  ///     Z1  = W1·X      (20 × 12288)·(12288 × 209)     the course's cat network
  ///     dW1 = dZ1·Xᵀ    (20 × 209)·(209 × 12288)
  ///
  /// `PackedGEMM` would copy all of op(B) (here X, 20 MB in Double) into B̃
  /// for only one or two Ã micro-panels to read it: the copy costs as much as
  /// the arithmetic. Here the micro-kernel broadcasts op(B)'s elements from
  /// where they lie (NR columns side by side for `B`, NR contiguous elements
  /// of a row for `Bᵀ`), so X is read once, straight from memory. op(A) = A
  /// is read in place too (its m ≤ 2·MR rows by masked loads, so nothing
  /// past them is touched); only Aᵀ is packed. The last tile of columns is
  /// the last NR columns of op(B), overlapping the one before it, of which
  /// only the new columns are stored: nothing is copied for the edge either.
  ///
  ///     for jc in 0..<n by NC                       columns of C (kept in L2)
  ///       for pc in 0..<k by KC                     the shared dimension
  ///         (pack op(A)[0..<m, pc..] when it is Aᵀ)
  ///         for jr in jc..<jc+NC by NR              NR columns of op(B), in place
  ///           for ir in 0..<m by MR                 one or two tiles
  ///             C[ir.., jr..] ← micro-kernel(op(A)[ir.., pc..], op(B)[pc.., jr..])
  ///
  /// The dispatch (`BlockedGEMM.run`) picks the tile: 2 vectors × 12 columns,
  /// or 3 vectors × 8 (`AVX512DoubleTallMicroKernel`) when m fits three
  /// vectors but not two — 20 Double rows are one 24-row tile (83 % of its
  /// lanes used) rather than two of 16 (63 %). Threads split the columns, as
  /// for `PackedGEMM`, and the split changes no element's arithmetic.
  enum ShortWideGEMM<Kernel: StridedGEMMMicroKernel> {
    typealias Scalar = Kernel.Scalar

    /// The k block when op(B) = Bᵀ: each k step reads NR scalars of a row
    /// of B, `ldb` scalars after the previous row's (96 KiB for X), so a
    /// tile touches KC pages.
    /// With 64 rows their lines stay in L1 for the next tile, which reads
    /// on along the same rows; with all 209 rows of `dZ1·Xᵀ` one tile's
    /// misses no longer overlap (2.4 vs 3.4–6.8 ms on one core).
    static var kcMaxRows: Int { 64 }
    /// The k block when op(B) = B: columns of B are read down, NR streams
    /// that the hardware prefetches, so a long block (fewer passes over C)
    /// is best.
    static var kcMaxColumns: Int { 512 }
    /// Columns per pass over the k blocks: C's 512 columns (80 KiB for 20
    /// Double rows) stay in L2 between the passes of a `Bᵀ` product.
    static var ncMax: Int { 512 }

    /// Whether the product is short and wide enough: m ≤ 2·MR rows, and at
    /// least two tiles of columns.
    static func applies(to p: GEMMProblem<Scalar>) -> Bool {
      !p.cTransposed && p.m <= 2 * Kernel.mr && p.n >= 2 * Kernel.nr
    }

    /// Computes the product, on up to `threads` threads when it is large.
    static func run(_ problem: GEMMProblem<Scalar>, threads: Int, parallelThreshold: Int) {
      problem.forEachThreadBlock(
        rowUnit: Kernel.mr, columnUnit: Kernel.nr, threads: threads, parallelThreshold: parallelThreshold,
        serial)
    }

    /// The loops above on the calling thread.
    static func serial(_ p: GEMMProblem<Scalar>) {
      typealias Packed = PackedGEMM<Kernel>
      let kcMax = p.transposeB ? kcMaxRows : kcMaxColumns
      let kBlocks = (p.k + kcMax - 1) / kcMax
      let kcStep = (p.k + kBlocks - 1) / kBlocks  // equal k blocks of at most kcMax
      let panels = (p.m + Kernel.mr - 1) / Kernel.mr

      // Ã (when op(A) is Aᵀ) and an edge tile of C.
      let size = MemoryLayout<Scalar>.stride
      let aBytes = p.transposeA ? Packed.roundUp(panels * Kernel.mr * kcStep * size, 64) : 0
      let tileBytes = Packed.roundUp(Kernel.mr * Kernel.nr * size, 64)
      ScratchPool.shared.withBuffer(bytes: aBytes + tileBytes) { raw in
        let packedA = raw.bindMemory(to: Scalar.self, capacity: panels * Kernel.mr * kcStep)
        let tile = (raw + aBytes).bindMemory(to: Scalar.self, capacity: Kernel.mr * Kernel.nr)
        let ncStep = Packed.roundUp(ncMax, Kernel.nr)
        for jc in stride(from: 0, to: p.n, by: ncStep) {
          var pc = 0
          while pc < p.k {
            let kc = min(kcStep, p.k - pc)
            if p.transposeA { Packed.packA(p, rows: 0, p.m, columns: pc, kc, into: packedA) }
            for jr in stride(from: jc, to: min(p.n, jc + ncStep), by: Kernel.nr) {
              for panel in 0..<panels {
                multiply(
                  p, rows: panel * Kernel.mr, columns: jr, depth: pc, kc,
                  packedA: p.transposeA ? packedA + panel * kc * Kernel.mr : nil, tile: tile)
              }
            }
            pc += kc
          }
        }
      }
    }

    /// C[i0..<i0+MR, j0..<j0+NR] (within m × n) ← α·op(A)[i0.., pc..<pc+kc]·op(B)[pc.., j0..]
    /// + β·C, β only for the first k block: one call of the micro-kernel on
    /// op(A) (or Ã, `packedA`) and op(B) in place.
    @inline(__always)
    static func multiply(
      _ p: GEMMProblem<Scalar>, rows i0: Int, columns j0: Int, depth pc: Int, _ kc: Int,
      packedA: UnsafeMutablePointer<Scalar>?, tile: UnsafeMutablePointer<Scalar>
    ) {
      let rows = min(Kernel.mr, p.m - i0)
      let beta = pc == 0 ? p.beta : 1
      // op(A)(i0 + i, pc + q): Ã, or a[i0 + i + (pc + q)·lda] for A.
      let (a, lda) = packedA.map { (UnsafePointer($0), Kernel.mr) } ?? (p.a + i0 + pc * p.lda, p.lda)
      // The last tile is the last NR columns of op(B) (n ≥ NR), overlapping
      // the one before it; only its new columns are stored.
      let first = min(j0, p.n - Kernel.nr)
      let skipped = j0 - first
      // op(B)(pc + q, first + j): b[(pc + q)·ldb + first + j] for Bᵀ,
      // b[pc + q + (first + j)·ldb] for B.
      let (b, ldbk, ldbj) =
        p.transposeB ? (p.b + first + pc * p.ldb, p.ldb, 1) : (p.b + pc + first * p.ldb, 1, p.ldb)
      if skipped == 0 {
        Kernel.stridedTile(
          kc: kc, a: a, lda: lda, rows: rows, b: b, ldbk: ldbk, ldbj: ldbj, c: p.c(i0, j0), ldc: p.ldc,
          alpha: p.alpha, beta: beta)
      } else {
        Kernel.stridedTile(
          kc: kc, a: a, lda: lda, rows: rows, b: b, ldbk: ldbk, ldbj: ldbj, c: tile, ldc: Kernel.mr,
          alpha: 1, beta: 0)
        PackedGEMM<Kernel>.update(
          p.c(i0, j0), rows: rows, columns: Kernel.nr - skipped, rowStride: 1, columnStride: p.ldc,
          from: tile + skipped * Kernel.mr, alpha: p.alpha, beta: beta)
      }
    }
  }
}
