import Dispatch

/// A register-tile kernel of the packed product, and the layout it wants its
/// packs in. ``Kernels/BlockedGEMM`` picks one per call; `PackedGEMM` runs
/// the cache blocking, packing and threading around it.
protocol GEMMMicroKernel: SendableMetatype {
  associatedtype Scalar: MatrixScalar
  /// What B̃ holds for one element of op(B): the scalar, or a vector of
  /// copies of it (a pre-broadcast B̃, for kernels without a broadcast load).
  associatedtype PackedB

  /// Rows of the register tile (Ã micro-panels are MR scalars wide).
  static var mr: Int { get }
  /// Columns of the register tile.
  static var nr: Int { get }
  /// The largest block of the shared dimension.
  static var kcMax: Int { get }
  /// Rows of op(A) per packed block (a multiple of `mr`).
  static var mcMax: Int { get }
  /// Columns of op(B) per packed block (a multiple of `nr`).
  static var ncMax: Int { get }

  /// B̃'s entry for one element of op(B).
  static func packB(_ x: Scalar) -> PackedB
  /// B̃'s zero padding.
  static var packedZero: PackedB { get }

  /// C[0..<MR, 0..<NR] ← α·Σ_q Ã[q, 0..<MR] ⊗ B̃[q, 0..<NR] + β·C, with C
  /// column-major (leading dimension `ldc`) and β = 0 not reading C. Ã is
  /// `kc × MR` scalars and B̃ `kc × NR` entries, both k-major and 64-byte
  /// aligned.
  static func tile(
    kc: Int, a: UnsafePointer<Scalar>, b: UnsafePointer<PackedB>,
    c: UnsafeMutablePointer<Scalar>, ldc: Int, alpha: Scalar, beta: Scalar)

  /// Whether to compute a short, wide product as Cᵀ = op(B)ᵀ·op(A)ᵀ.
  static func shouldSwap(m: Int, n: Int, k: Int) -> Bool
}

extension Kernels {
  /// The packed, cache-blocked matrix product (BLIS / GotoBLAS structure)
  /// behind `Kernels.gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`
  /// for Float and Double:
  ///
  ///     C ← α · op(A) · op(B) + β · C        op(X) = X or Xᵀ
  ///
  /// `V` is the SIMD vector of the portable micro-kernel, `SIMD2<Double>` or
  /// `SIMD4<Float>`; ``run(_:threads:parallelThreshold:)`` picks the
  /// micro-kernel for this CPU (see `Kernels.MicroKernel`) and hands the
  /// product to `PackedGEMM`, which is generic over it:
  ///
  /// - **avx512** (x86-64 with AVX-512 F, VL, DQ): C intrinsics compiled by
  ///   a function-level `target` attribute like the AVX2 ones, tiles of
  ///   MR × NR = 32 × 12 (Float) / 16 × 12 (Double): 24 zmm accumulators.
  ///   Short, wide products (m ≤ 2·MR) go to `ShortWideGEMM`, which reads
  ///   its operands in place instead of packing them; a product split
  ///   across threads along its columns packs op(A) once for all of them
  ///   (`PackedGEMM.run(_:threads:parallelThreshold:sharingPackedA:)`).
  ///   Blocks on `AVX512FloatMicroKernel`.
  /// - **avx2** (x86-64 with AVX2 and FMA): C intrinsics in the
  ///   `CBackpropKernels` target, compiled for AVX2 + FMA by a function-level
  ///   `target` attribute and chosen at run time, so the package still builds
  ///   for and runs on the baseline x86-64. Tiles of MR × NR = 16 × 6 (Float)
  ///   / 8 × 6 (Double): 12 ymm accumulators, 2 vectors of Ã and a broadcast,
  ///   15 of the 16 registers; B̃ holds plain scalars, broadcast by the
  ///   kernel's `vbroadcastss/sd` loads. See docs/Kernels.md.
  /// - **portable**: Swift SIMD vectors of the baseline ISA (SSE2's 128-bit
  ///   registers on x86-64, NEON on arm64), tiles of 4 × 4 (Double) /
  ///   8 × 4 (Float), B̃ pre-broadcast. Everywhere else, or with
  ///   `BACKPROP_SIMD=portable`.
  ///
  /// ## The loops
  ///
  ///     for jc in 0..<n by NC                       columns of C and op(B)
  ///       for pc in 0..<k by KC                     the shared dimension
  ///         pack op(B)[pc.., jc..]  (KC × NC)  →  B̃, NR-column micro-panels
  ///         for ic in 0..<m by MC                   rows of C and op(A)
  ///           pack op(A)[ic.., pc..] (MC × KC) →  Ã, MR-row micro-panels
  ///           for jr in 0..<NC by NR                one micro-panel of B̃ (L1)
  ///             for ir in 0..<MC by MR              one micro-panel of Ã (L2)
  ///               C[ir.., jr..] (MR × NR) ← micro-kernel(Ã panel, B̃ panel)
  ///
  /// Packing absorbs the transposes: whichever of the four combinations the
  /// caller asks for, the micro-kernel reads Ã and B̃ in the same contiguous,
  /// aligned order, and the edges (m, n not multiples of the tile) are padded
  /// with zeros in the packs, so only the final write to C knows about them.
  /// β is applied on the first KC block only (later blocks accumulate with
  /// β = 1); β = 0 stores without reading C. α scales the finished tile sum.
  ///
  /// A short, wide product (m ≤ 64, n ≥ 4m, k ≥ 32: `W1·X` and `dZ1·Xᵀ` with
  /// 20 hidden units against 12288 inputs) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ
  /// by the portable kernel, so that the big operand is the cheaply packed Ã;
  /// see `PortableMicroKernel.shouldSwap(m:n:k:)`.
  ///
  /// ## The portable kernel's parameters, and why
  ///
  /// - **MR × NR = 2W × 4** (4 × 4 for Double, 8 × 4 for Float): the tile of C
  ///   that lives in registers. 8 accumulator vectors + 2 for the column of Ã
  ///   + temporaries fit the 16 vector registers without spilling, and 8
  ///   independent add chains cover the adder's latency (3–4 cycles, 2 ports).
  ///   Without FMA in the baseline ISA each multiply-add is a multiply and an
  ///   add, so the kernel is written as `acc + a * b` (an `fma` would become a
  ///   library call).
  /// - **B̃ is stored broadcast**: each element of op(B) is packed as a whole
  ///   vector (W copies), so the micro-kernel's k-loop is loads, multiplies and
  ///   adds only, with no shuffle competing for the floating-point ports.
  /// - **KC = 256**: one B̃ micro-panel, KC × NR vectors = 16 KiB, stays in the
  ///   32 KiB L1 data cache while the Ã micro-panels (KC × MR scalars = 8 KiB)
  ///   stream past it. k is cut into equal blocks of at most KC.
  /// - **MC = 128 (Double) / 256 (Float)**: the packed Ã block, MC × KC
  ///   scalars = 256 KiB, stays in the L2 cache (512 KiB per core on Zen 3)
  ///   while every B̃ micro-panel of the block is multiplied by it.
  /// - **NC = 1024**: the packed B̃ block (KC × NC vectors = 4 MiB) sits in the
  ///   L3. A larger NC only saves re-packing Ã, already < 0.1 % of the work.
  ///
  /// The AVX2 kernels' blocks are documented on `AVX2FloatMicroKernel`.
  ///
  /// ## Threads
  ///
  /// A product of at least ``Kernels/parallelThreshold`` multiply-adds is cut
  /// along its larger dimension (columns, or rows for tall products) into
  /// equal blocks of C, in whole tiles: one per thread, or two to four per
  /// thread while each stays at least 256 wide, which the shared
  /// ``Kernels/WorkerPool`` hands out as threads free up (a core busy with something else then
  /// delays the product less). Each block runs the whole blocked algorithm
  /// with its own pack buffers, so threads write disjoint parts of C and
  /// share nothing mutable; the split changes no element's arithmetic, so the
  /// result is the same bit for bit whatever the thread count (for a given
  /// micro-kernel: the AVX2 and portable kernels round differently).
  enum BlockedGEMM<V: SIMD & SendableMetatype> where V.Scalar: MatrixScalar {
    typealias Scalar = V.Scalar

    /// Computes the product with the micro-kernel for this CPU, on up to
    /// `threads` threads when it is large.
    static func run(_ problem: GEMMProblem<Scalar>, threads: Int, parallelThreshold: Int) {
      #if arch(x86_64)
        let kernel = Kernels.activeMicroKernel
        if kernel == .avx512 {
          if Scalar.self == Float.self {
            run(
              unsafeBitCast(problem, to: GEMMProblem<Float>.self), on: AVX512FloatMicroKernel.self,
              tall: AVX512FloatTallMicroKernel.self, threads: threads, parallelThreshold: parallelThreshold)
            return
          }
          if Scalar.self == Double.self {
            run(
              unsafeBitCast(problem, to: GEMMProblem<Double>.self), on: AVX512DoubleMicroKernel.self,
              tall: AVX512DoubleTallMicroKernel.self, threads: threads, parallelThreshold: parallelThreshold)
            return
          }
        }
        if kernel == .avx2 {
          if Scalar.self == Float.self {
            PackedGEMM<AVX2FloatMicroKernel>.run(
              unsafeBitCast(problem, to: GEMMProblem<Float>.self), threads: threads,
              parallelThreshold: parallelThreshold)
            return
          }
          if Scalar.self == Double.self {
            PackedGEMM<AVX2DoubleMicroKernel>.run(
              unsafeBitCast(problem, to: GEMMProblem<Double>.self), threads: threads,
              parallelThreshold: parallelThreshold)
            return
          }
        }
      #endif
      PackedGEMM<PortableMicroKernel<V>>.run(
        problem, threads: threads, parallelThreshold: parallelThreshold)
    }

    /// Kernels that read operands in place: `ShortWideGEMM` when the product
    /// is short and wide (with the `tall` tile when it covers m in one tile
    /// that `Kernel`'s cannot), else `PackedGEMM` with `Kernel`.
    static func run<Kernel: StridedGEMMMicroKernel, Tall: StridedGEMMMicroKernel>(
      _ problem: GEMMProblem<Kernel.Scalar>, on _: Kernel.Type, tall _: Tall.Type, threads: Int,
      parallelThreshold: Int
    ) where Tall.Scalar == Kernel.Scalar {
      if ShortWideGEMM<Kernel>.applies(to: problem) {
        if problem.m > Kernel.mr && problem.m <= Tall.mr {
          ShortWideGEMM<Tall>.run(problem, threads: threads, parallelThreshold: parallelThreshold)
        } else {
          ShortWideGEMM<Kernel>.run(problem, threads: threads, parallelThreshold: parallelThreshold)
        }
      } else {
        PackedGEMM<Kernel>.run(
          problem, threads: threads, parallelThreshold: parallelThreshold, sharingPackedA: true)
      }
    }
  }

  /// The blocked algorithm of ``Kernels/BlockedGEMM`` around one micro-kernel:
  /// threads, cache blocks, packing, edges.
  enum PackedGEMM<Kernel: GEMMMicroKernel> {
    typealias Scalar = Kernel.Scalar
    typealias PackedB = Kernel.PackedB

    @inline(__always) static var mr: Int { Kernel.mr }
    @inline(__always) static var nr: Int { Kernel.nr }
    @inline(__always) static var kcMax: Int { Kernel.kcMax }
    @inline(__always) static var mcMax: Int { Kernel.mcMax }
    @inline(__always) static var ncMax: Int { Kernel.ncMax }

    /// Computes the product, on up to `threads` threads when it is large.
    ///
    /// With `sharingPackedA`, a product split along its columns first packs
    /// all of op(A) once, its blocks spread over the threads, into one Ã that
    /// every block of columns then reads: each block would otherwise pack the
    /// whole of op(A) again (a quarter of the time of a 2048² product split
    /// in 256-column blocks on two cores).
    static func run(
      _ problem: GEMMProblem<Scalar>, threads: Int, parallelThreshold: Int, sharingPackedA: Bool = false
    ) {
      let problem =
        Kernel.shouldSwap(m: problem.m, n: problem.n, k: problem.k) ? problem.swapped : problem
      let split = problem.threadSplit(
        rowUnit: mr, columnUnit: nr, threads: threads, parallelThreshold: parallelThreshold)
      let sharedBytes = roundUp(problem.m, mr) * problem.k * MemoryLayout<Scalar>.stride
      guard sharingPackedA && split.alongColumns && split.blocks > 1 && sharedBytes <= sharedPackLimit else {
        problem.forEachThreadBlock(
          rowUnit: mr, columnUnit: nr, threads: threads, parallelThreshold: parallelThreshold
        ) { serial($0) }
        return
      }
      // Ã for all of op(A): the k block starting at pc holds the rows padded
      // to whole panels, ⌈m/MR⌉·MR × kc, the block of rows at ic at
      // pc·⌈m/MR⌉·MR + ic·kc (what `serial` would pack there).
      let (m, k) = (problem.m, problem.k)
      let kcStep = kcBlock(k)
      let mPadded = roundUp(m, mr)
      let kBlocks = (k + kcStep - 1) / kcStep
      let mBlocks = (m + mcMax - 1) / mcMax
      ScratchPool.shared.withBuffer(bytes: sharedBytes) { raw in
        let packedA = UncheckedSendable(raw.bindMemory(to: Scalar.self, capacity: mPadded * k))
        WorkerPool.run(tasks: kBlocks * mBlocks, threads: threads) { index in
          let (pc, ic) = (index / mBlocks * kcStep, index % mBlocks * mcMax)
          let kc = min(kcStep, k - pc)
          packA(
            problem, rows: ic, min(mcMax, m - ic), columns: pc, kc,
            into: packedA.value + pc * mPadded + ic * kc)
        }
        problem.forEachThreadBlock(
          rowUnit: mr, columnUnit: nr, threads: threads, parallelThreshold: parallelThreshold
        ) { serial($0, packedA: packedA.value) }
      }
    }

    /// The largest shared Ã (64 MiB: a 2896² Double op(A)); larger products
    /// pack per block of columns.
    static var sharedPackLimit: Int { 64 << 20 }

    /// The k blocks: equal, of at most kcMax.
    static func kcBlock(_ k: Int) -> Int {
      let kBlocks = (k + kcMax - 1) / kcMax
      return (k + kBlocks - 1) / kBlocks
    }

    /// The blocked algorithm on the calling thread; `packedA`, when given,
    /// is all of op(A) packed already (see `run`).
    static func serial(_ p: GEMMProblem<Scalar>, packedA shared: UnsafeMutablePointer<Scalar>? = nil) {
      let kcStep = kcBlock(p.k)
      let mcCap = min(mcMax, roundUp(p.m, mr))
      let ncCap = min(ncMax, roundUp(p.n, nr))
      let mPadded = roundUp(p.m, mr)

      // One scratch buffer per thread from the pool (no allocation once it is warm): Ã, B̃ and an edge tile.
      let aBytes = shared == nil ? roundUp(mcCap * kcStep * MemoryLayout<Scalar>.stride, 64) : 0
      let bBytes = roundUp(ncCap * kcStep * MemoryLayout<PackedB>.stride, 64)
      let tileBytes = roundUp(mr * nr * MemoryLayout<Scalar>.stride, 64)
      ScratchPool.shared.withBuffer(bytes: aBytes + bBytes + tileBytes) { raw in
        let packedA = raw.bindMemory(to: Scalar.self, capacity: mcCap * kcStep)
        let packedB = (raw + aBytes).bindMemory(to: PackedB.self, capacity: ncCap * kcStep)
        let tile = (raw + aBytes + bBytes).bindMemory(to: Scalar.self, capacity: mr * nr)

        var jc = 0
        while jc < p.n {
          let nc = min(ncMax, p.n - jc)
          var pc = 0
          while pc < p.k {
            let kc = min(kcStep, p.k - pc)
            packB(p, rows: pc, kc, columns: jc, nc, into: packedB)
            let beta = pc == 0 ? p.beta : 1
            var ic = 0
            while ic < p.m {
              let mc = min(mcMax, p.m - ic)
              var blockA = packedA
              if let shared {
                blockA = shared + pc * mPadded + ic * kc
              } else {
                packA(p, rows: ic, mc, columns: pc, kc, into: packedA)
              }
              macroKernel(
                mc: mc, nc: nc, kc: kc, packedA: blockA, packedB: packedB,
                c: p.c(ic, jc), ldc: p.ldc, cTransposed: p.cTransposed,
                alpha: p.alpha, beta: beta, tile: tile)
              ic += mc
            }
            pc += kc
          }
          jc += nc
        }
      }
    }

    @inline(__always)
    static func roundUp(_ x: Int, _ multiple: Int) -> Int {
      (x + multiple - 1) / multiple * multiple
    }

    // MARK: - Packing

    /// Packs op(A)[i0 ..< i0+mc, p0 ..< p0+kc] into ⌈mc/MR⌉ micro-panels, each
    /// kc × MR scalars stored k-major (the MR rows of one k step together),
    /// zero-padding the rows past mc.
    static func packA(
      _ p: GEMMProblem<Scalar>, rows i0: Int, _ mc: Int, columns p0: Int, _ kc: Int,
      into packed: UnsafeMutablePointer<Scalar>
    ) {
      let lda = p.lda
      let fullPanels = mc / mr
      let rest = mc - fullPanels * mr
      let panelSize = kc * mr
      if !p.transposeA {
        // op(A)(i, q) = a[i + q·lda]: columns are contiguous. One column of the
        // block at a time (a sequential read), spread over the panels.
        for q in 0..<kc {
          var src = p.a + i0 + (p0 + q) * lda
          var dst = packed + q * mr
          for _ in 0..<fullPanels {
            copyPanelColumn(from: src, to: dst)
            src += mr
            dst += panelSize
          }
          if rest > 0 {
            for r in 0..<mr { dst[r] = r < rest ? src[r] : 0 }
          }
        }
      } else {
        // op(A)(i, q) = a[q + i·lda]: rows are contiguous. Read a panel's MR
        // rows side by side so that the writes are contiguous.
        var panel = packed
        var r0 = 0
        while r0 < mc {
          let rows = min(mr, mc - r0)
          let src = p.a + p0 + (i0 + r0) * lda
          var dst = panel
          if rows == mr {
            for q in 0..<kc {
              var row = src + q
              for r in 0..<mr {
                dst[r] = row.pointee
                row += lda
              }
              dst += mr
            }
          } else {
            for q in 0..<kc {
              for r in 0..<mr { dst[r] = r < rows ? src[q + r * lda] : 0 }
              dst += mr
            }
          }
          r0 += mr
          panel += panelSize
        }
      }
    }

    /// dst[0..<MR] ← src[0..<MR]: eight scalars at a time when MR allows (the
    /// compiler cannot tell that the two do not overlap, and would copy one
    /// scalar per instruction).
    @inline(__always)
    static func copyPanelColumn(from src: UnsafePointer<Scalar>, to dst: UnsafeMutablePointer<Scalar>) {
      guard mr % 8 == 0 else {
        for r in 0..<mr { dst[r] = src[r] }
        return
      }
      let from = UnsafeRawPointer(src)
      let to = UnsafeMutableRawPointer(dst)
      let bytes = 8 * MemoryLayout<Scalar>.stride
      for offset in stride(from: 0, to: mr * MemoryLayout<Scalar>.stride, by: bytes) {
        to.storeBytes(
          of: from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self), toByteOffset: offset,
          as: SIMD8<Scalar>.self)
      }
    }

    /// Packs op(B)[p0 ..< p0+kc, j0 ..< j0+nc] into ⌈nc/NR⌉ micro-panels, each
    /// kc × NR entries stored k-major (`Kernel.packB` of each element); the
    /// columns past nc are zero.
    static func packB(
      _ p: GEMMProblem<Scalar>, rows p0: Int, _ kc: Int, columns j0: Int, _ nc: Int,
      into packed: UnsafeMutablePointer<PackedB>
    ) {
      let ldb = p.ldb
      let panelSize = kc * nr
      if !p.transposeB {
        // op(B)(q, j) = b[q + j·ldb]: columns are contiguous; NR of them are
        // read side by side.
        var c0 = 0
        var panel = packed
        while c0 < nc {
          let cols = min(nr, nc - c0)
          let s0 = p.b + p0 + (j0 + c0) * ldb
          if cols == nr {
            var dst = panel
            for q in 0..<kc {
              var src = s0 + q
              for j in 0..<nr {
                dst[j] = Kernel.packB(src.pointee)
                src += ldb
              }
              dst += nr
            }
          } else {
            for j in 0..<nr {
              var dst = panel + j
              if j < cols {
                let src = s0 + j * ldb
                for q in 0..<kc {
                  dst.pointee = Kernel.packB(src[q])
                  dst += nr
                }
              } else {
                for _ in 0..<kc {
                  dst.pointee = Kernel.packedZero
                  dst += nr
                }
              }
            }
          }
          c0 += nr
          panel += panelSize
        }
      } else {
        // op(B)(q, j) = b[j + q·ldb]: rows of op(B) are contiguous.
        let fullPanels = nc / nr
        let rest = nc - fullPanels * nr
        for q in 0..<kc {
          var src = p.b + j0 + (p0 + q) * ldb
          var dst = packed + q * nr
          for _ in 0..<fullPanels {
            for j in 0..<nr { dst[j] = Kernel.packB(src[j]) }
            src += nr
            dst += panelSize
          }
          if rest > 0 {
            for j in 0..<nr { dst[j] = j < rest ? Kernel.packB(src[j]) : Kernel.packedZero }
          }
        }
      }
    }

    // MARK: - Compute

    /// Multiplies the packed blocks, MR × NR tiles of C at a time. Whole
    /// tiles of a column-major C are written by the micro-kernel itself;
    /// edge tiles and a transposed C go through `tile` and a scalar loop.
    static func macroKernel(
      mc: Int, nc: Int, kc: Int,
      packedA: UnsafeMutablePointer<Scalar>, packedB: UnsafeMutablePointer<PackedB>,
      c: UnsafeMutablePointer<Scalar>, ldc: Int, cTransposed: Bool, alpha: Scalar, beta: Scalar,
      tile: UnsafeMutablePointer<Scalar>
    ) {
      // C(i, j) is at c[i·rowStride + j·columnStride].
      let rowStride = cTransposed ? ldc : 1
      let columnStride = cTransposed ? 1 : ldc
      let aPanelSize = kc * mr
      let bPanelSize = kc * nr
      var jr = 0
      var bPanel = UnsafePointer(packedB)
      while jr < nc {
        let cols = min(nr, nc - jr)
        var ir = 0
        var aPanel = UnsafePointer(packedA)
        while ir < mc {
          let rows = min(mr, mc - ir)
          let cTile = c + ir * rowStride + jr * columnStride
          if rows == mr && cols == nr && !cTransposed {
            Kernel.tile(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, alpha: alpha, beta: beta)
          } else {
            Kernel.tile(kc: kc, a: aPanel, b: bPanel, c: tile, ldc: mr, alpha: 1, beta: 0)
            update(
              cTile, rows: rows, columns: cols, rowStride: rowStride, columnStride: columnStride,
              from: tile, alpha: alpha, beta: beta)
          }
          ir += mr
          aPanel += aPanelSize
        }
        jr += nr
        bPanel += bPanelSize
      }
    }

    /// C[0..<rows, 0..<columns] ← α·tile + β·C (β = 0: C is not read), one
    /// scalar at a time: the edge tiles, and the tiles of a transposed C.
    /// `tile` is column-major with leading dimension MR; C(i, j) is at
    /// `c[i·rowStride + j·columnStride]`.
    static func update(
      _ c: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, rowStride: Int, columnStride: Int,
      from tile: UnsafePointer<Scalar>, alpha: Scalar, beta: Scalar
    ) {
      for j in 0..<columns {
        let dst = c + j * columnStride
        let src = tile + j * mr
        for i in 0..<rows {
          let value = alpha * src[i]
          let c = dst + i * rowStride
          if beta == 0 {
            c.pointee = value
          } else if beta == 1 {
            c.pointee += value
          } else {
            c.pointee = beta * c.pointee + value
          }
        }
      }
    }
  }
}
