import CBackpropKernels
import Dispatch

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
  /// behind ``Kernels/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
  /// for Float and Double:
  ///
  ///     C ← α · op(A) · op(B) + β · C        op(X) = X or Xᵀ
  ///
  /// `V` is the SIMD vector of the portable micro-kernel, `SIMD2<Double>` or
  /// `SIMD4<Float>`; ``run(_:threads:parallelThreshold:)`` picks the
  /// micro-kernel for this CPU (see `Kernels.MicroKernel`) and hands the
  /// product to `PackedGEMM`, which is generic over it:
  ///
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
  /// thread while each stays at least 256 wide, which `concurrentPerform`
  /// hands out as threads free up (a core busy with something else then
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
        if Kernels.activeMicroKernel == .avx2 {
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
    static func run(_ problem: GEMMProblem<Scalar>, threads: Int, parallelThreshold: Int) {
      let problem =
        Kernel.shouldSwap(m: problem.m, n: problem.n, k: problem.k) ? problem.swapped : problem
      let (m, n, k) = (problem.m, problem.n, problem.k)
      let big = Double(m) * Double(n) * Double(k) >= Double(parallelThreshold)
      let splitColumns = n >= m
      let extent = splitColumns ? n : m
      let unit = splitColumns ? nr : mr
      let tiles = (extent + unit - 1) / unit
      // Up to four chunks per thread (concurrentPerform hands them out as
      // threads free up, which evens out a busy core), each at least 256 wide
      // so that re-packing the shared operand per chunk stays a small cost,
      // and a whole number per thread so that idle cores finish together.
      let perThread = max(1, min(4, extent / (256 * max(threads, 1))))
      let parts = big ? min(tiles, threads * perThread) : 1
      if threads <= 1 || parts <= 1 {
        serial(problem)
        return
      }
      // Equal shares, in whole tiles.
      let share = ((tiles + parts - 1) / parts) * unit
      let chunks = (extent + share - 1) / share
      DispatchQueue.concurrentPerform(iterations: chunks) { index in
        let range = (index * share)..<min(extent, (index + 1) * share)
        let part =
          splitColumns
          ? problem.block(rows: 0..<m, columns: range)
          : problem.block(rows: range, columns: 0..<n)
        serial(part)
      }
    }

    /// The blocked algorithm on the calling thread.
    static func serial(_ p: GEMMProblem<Scalar>) {
      // Equal k blocks of at most kcMax.
      let kBlocks = (p.k + kcMax - 1) / kcMax
      let kcStep = (p.k + kBlocks - 1) / kBlocks
      let mcCap = min(mcMax, roundUp(p.m, mr))
      let ncCap = min(ncMax, roundUp(p.n, nr))

      // One scratch buffer per thread from the pool (no allocation once it is warm): Ã, B̃ and an edge tile.
      let aBytes = roundUp(mcCap * kcStep * MemoryLayout<Scalar>.stride, 64)
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
              packA(p, rows: ic, mc, columns: pc, kc, into: packedA)
              macroKernel(
                mc: mc, nc: nc, kc: kc, packedA: packedA, packedB: packedB,
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
            for r in 0..<mr { dst[r] = src[r] }
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
            for j in 0..<cols {
              let dst = cTile + j * columnStride
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
          ir += mr
          aPanel += aPanelSize
        }
        jr += nr
        bPanel += bPanelSize
      }
    }
  }

  // MARK: - The micro-kernels

  /// The portable micro-kernel: Swift SIMD vectors `V` of the baseline ISA,
  /// MR × NR = 2W × 4, B̃ pre-broadcast (see ``Kernels/BlockedGEMM``).
  enum PortableMicroKernel<V: SIMD & SendableMetatype>: GEMMMicroKernel where V.Scalar: MatrixScalar {
    typealias Scalar = V.Scalar
    typealias PackedB = V

    /// Lanes per vector.
    @inline(__always) static var w: Int { V.scalarCount }
    /// Rows of the register tile: two vectors.
    @inline(__always) static var mr: Int { 2 * V.scalarCount }
    @inline(__always) static var nr: Int { 4 }
    @inline(__always) static var kcMax: Int { 256 }
    @inline(__always) static var mcMax: Int { MemoryLayout<Scalar>.size == 4 ? 256 : 128 }
    @inline(__always) static var ncMax: Int { 1024 }

    @inline(__always) static func packB(_ x: Scalar) -> V { V(repeating: x) }
    @inline(__always) static var packedZero: V { V() }

    /// B̃ costs W stores per element to pack and is reused only ⌈m/MR⌉ times;
    /// when m is small (20 hidden units against 12288 inputs) that packing
    /// dominates. Swapped, the big operand is packed as Ã (one store per
    /// element) and the small one is broadcast. The price is a transposed,
    /// scalar write of each finished tile, so k must be long enough to hide it.
    static func shouldSwap(m: Int, n: Int, k: Int) -> Bool {
      m <= 64 && n >= 4 * m && k >= 32
    }

    @inline(__always)
    static func tile(
      kc: Int, a: UnsafePointer<Scalar>, b: UnsafePointer<V>,
      c: UnsafeMutablePointer<Scalar>, ldc: Int, alpha: Scalar, beta: Scalar
    ) {
      store(microKernel(kc: kc, a: UnsafeRawPointer(a), b: b), into: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    /// The register tile: Σ_q Ã[q, 0..<MR] ⊗ B̃[q, 0..<NR], as 2 × 4 vectors
    /// (`cIJ` holds rows I·W ..< (I+1)·W of column J).
    @inline(__always)
    static func microKernel(
      kc: Int, a: UnsafeRawPointer, b: UnsafePointer<V>
    ) -> (V, V, V, V, V, V, V, V) {
      var c00 = V(), c10 = V(), c01 = V(), c11 = V()
      var c02 = V(), c12 = V(), c03 = V(), c13 = V()
      var a = a
      var b = b
      for _ in 0..<kc {
        // Ã is bound to Scalar; its 16-byte aligned pairs are read as vectors.
        let a0 = a.load(as: V.self)
        let a1 = a.load(fromByteOffset: MemoryLayout<V>.stride, as: V.self)
        let b0 = b[0]
        c00 = c00 + a0 * b0
        c10 = c10 + a1 * b0
        let b1 = b[1]
        c01 = c01 + a0 * b1
        c11 = c11 + a1 * b1
        let b2 = b[2]
        c02 = c02 + a0 * b2
        c12 = c12 + a1 * b2
        let b3 = b[3]
        c03 = c03 + a0 * b3
        c13 = c13 + a1 * b3
        a += 2 * MemoryLayout<V>.stride
        b += 4
      }
      return (c00, c10, c01, c11, c02, c12, c03, c13)
    }

    /// C[0..<MR, 0..<NR] ← α·tile + β·C (β = 0: C is not read).
    @inline(__always)
    static func store(
      _ t: (V, V, V, V, V, V, V, V), into c: UnsafeMutablePointer<Scalar>, ldc: Int,
      alpha: Scalar, beta: Scalar
    ) {
      update(c, t.0, alpha: alpha, beta: beta)
      update(c + w, t.1, alpha: alpha, beta: beta)
      update(c + ldc, t.2, alpha: alpha, beta: beta)
      update(c + ldc + w, t.3, alpha: alpha, beta: beta)
      update(c + 2 * ldc, t.4, alpha: alpha, beta: beta)
      update(c + 2 * ldc + w, t.5, alpha: alpha, beta: beta)
      update(c + 3 * ldc, t.6, alpha: alpha, beta: beta)
      update(c + 3 * ldc + w, t.7, alpha: alpha, beta: beta)
    }

    @inline(__always)
    static func update(_ c: UnsafeMutablePointer<Scalar>, _ v: V, alpha: Scalar, beta: Scalar) {
      let raw = UnsafeMutableRawPointer(c)
      let product = v * alpha
      if beta == 0 {
        raw.storeBytes(of: product, as: V.self)
      } else if beta == 1 {
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + product, as: V.self)
      } else {
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) * beta + product, as: V.self)
      }
    }
  }

  #if arch(x86_64)
    /// The AVX2 + FMA micro-kernel for Float: `bp_sgemm_avx2_16x6` in
    /// `CBackpropKernels`, MR × NR = 16 × 6 (two ymm vectors × 6 columns),
    /// B̃ as plain scalars that the kernel broadcasts.
    ///
    /// Blocks (Zen 4: 32 KiB L1d, 1 MiB L2 per core; Zen 3: 512 KiB L2):
    /// - **KC = 256**: a B̃ micro-panel (KC × 6 × 4 B = 6 KiB) stays in L1 with
    ///   room for the Ã micro-panel streaming past it (KC × 16 × 4 B = 16 KiB).
    /// - **MC = 256**: the Ã block, MC × KC × 4 B = 256 KiB, in L2.
    /// - **NC = 3072**: the B̃ block (KC × NC × 4 B = 3 MiB) in L3.
    enum AVX2FloatMicroKernel: GEMMMicroKernel {
      typealias Scalar = Float
      typealias PackedB = Float
      @inline(__always) static var mr: Int { 16 }
      @inline(__always) static var nr: Int { 6 }
      @inline(__always) static var kcMax: Int { 256 }
      @inline(__always) static var mcMax: Int { 256 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Float) -> Float { x }
      @inline(__always) static var packedZero: Float { 0 }

      /// Never: B̃ holds one scalar per element, as cheap to pack as Ã, and
      /// the course's short, wide products (m = 20) measured faster unswapped
      /// (Z1 Float 45 vs 31 GFLOP/s, dW1 Double 24 vs 19 on one Zen 4 core).
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
      ) {
        bp_sgemm_avx2_16x6(kc, a, b, c, ldc, alpha, beta)
      }
    }

    /// The AVX2 + FMA micro-kernel for Double: `bp_dgemm_avx2_8x6`,
    /// MR × NR = 8 × 6 (two ymm vectors × 6 columns).
    ///
    /// Blocks: **KC = 256** (B̃ micro-panel 12 KiB, Ã micro-panel 16 KiB: L1),
    /// **MC = 128** (Ã block 256 KiB: L2), **NC = 3072** (B̃ block 6 MiB: L3).
    enum AVX2DoubleMicroKernel: GEMMMicroKernel {
      typealias Scalar = Double
      typealias PackedB = Double
      @inline(__always) static var mr: Int { 8 }
      @inline(__always) static var nr: Int { 6 }
      @inline(__always) static var kcMax: Int { 256 }
      @inline(__always) static var mcMax: Int { 128 }
      @inline(__always) static var ncMax: Int { 3072 }
      @inline(__always) static func packB(_ x: Double) -> Double { x }
      @inline(__always) static var packedZero: Double { 0 }

      /// Never (see `AVX2FloatMicroKernel.shouldSwap(m:n:k:)`).
      static func shouldSwap(m: Int, n: Int, k: Int) -> Bool { false }

      @inline(__always)
      static func tile(
        kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int, alpha: Double, beta: Double
      ) {
        bp_dgemm_avx2_8x6(kc, a, b, c, ldc, alpha, beta)
      }
    }
  #endif
}
