@testable import Backprop
import Testing

/// The short, wide products (m ≤ 2·MR rows, n ≥ 2·NR columns) that the
/// AVX-512 kernels compute in place (`Kernels.ShortWideGEMM`, with the
/// 3-vector × 8 tile when it covers m at once), against the reference of
/// `GEMMTests` (the same tolerance). On the other kernels the same shapes go
/// through the packed product, which is tested as well.
@Suite struct ShortWideGEMMTests {
  @Test(arguments: testedMicroKernels)
  func floatShortWide(_ kernel: Kernels.MicroKernel) { on(kernel) { shortWide(Float.self) } }
  @Test(arguments: testedMicroKernels)
  func doubleShortWide(_ kernel: Kernels.MicroKernel) { on(kernel) { shortWide(Double.self) } }

  @Test(arguments: testedMicroKernels)
  func floatPaddedAndThreaded(_ kernel: Kernels.MicroKernel) { on(kernel) { paddedAndThreaded(Float.self) } }
  @Test(arguments: testedMicroKernels)
  func doublePaddedAndThreaded(_ kernel: Kernels.MicroKernel) { on(kernel) { paddedAndThreaded(Double.self) } }

  /// Rows around the tiles (1; 8, 16 = one Double vector, two; 24 = three;
  /// 32, 48, 64 the same for Float; and one past each), columns around NR
  /// (12; 8 for the tall tile) and the 512-column blocks, k around the
  /// blocks (64 rows of Bᵀ, 512 of B) — every transpose and scaling in turn.
  func shortWide<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 11)
    let shapes = [
      (1, 24, 1), (1, 37, 65), (5, 25, 3), (8, 30, 64), (9, 26, 129), (15, 49, 7),
      (16, 24, 2), (17, 33, 66), (20, 209, 130), (20, 61, 513), (23, 27, 5), (24, 40, 9),
      (25, 31, 64), (31, 97, 3), (32, 36, 65), (33, 41, 7), (40, 25, 2), (47, 29, 11),
      (48, 50, 3), (49, 38, 5), (63, 26, 4), (64, 24, 1), (65, 30, 2),
      (20, 517, 3), (7, 1031, 2), (20, 12, 70),
    ]
    let scalings: [(alpha: T, beta: T)] = [(1, 0), (0.5, 1), (-1.5, 0.25), (2, -1)]
    var combination = 0
    for (m, n, k) in shapes {
      for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
        let (alpha, beta) = scalings[combination % scalings.count]
        combination += 1
        check(T.self, ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta, rng: &rng)
      }
    }
  }

  /// Leading dimensions past the rows (NaN padding in A and B must not be
  /// read, C's sentinel not written: the in-place reads of A are masked to
  /// m rows), and the column split across threads, bit for bit the
  /// single-threaded result.
  func paddedAndThreaded<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 12)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in [(20, 209, 67), (5, 40, 9), (33, 50, 130)] {
        check(T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padA: 3, padB: 2, padC: 5, rng: &rng)
        check(T.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, padA: 1, padB: 7, padC: 1, rng: &rng)
      }
      let (m, n, k) = (20, 300, 70)
      let one = check(T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padC: 1, rng: &rng)
      let three = check(
        T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padC: 1, threads: 3, parallelThreshold: 1,
        operands: one.operands, verify: false, rng: &rng)
      #expect(one.c == three.c, "threads 1 vs 3 differ for \(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k)")
    }
  }

  #if arch(x86_64)
    /// Which products the AVX-512 kernels compute in place.
    @Test func shortWideChoosesItsShapes() {
      typealias F = Kernels.AVX512FloatMicroKernel
      typealias D = Kernels.AVX512DoubleMicroKernel
      func problem<T: MatrixScalar>(_: T.Type, m: Int, n: Int) -> GEMMProblem<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
        defer { p.deallocate() }
        return GEMMProblem(
          transposeA: false, transposeB: false, m: m, n: n, k: 8, alpha: 1, a: p, lda: m, b: p, ldb: 8,
          beta: 0, c: p, ldc: m)
      }
      #expect(Kernels.ShortWideGEMM<D>.applies(to: problem(Double.self, m: 20, n: 209)))
      #expect(Kernels.ShortWideGEMM<D>.applies(to: problem(Double.self, m: 32, n: 24)))
      #expect(!Kernels.ShortWideGEMM<D>.applies(to: problem(Double.self, m: 33, n: 209)))
      #expect(!Kernels.ShortWideGEMM<D>.applies(to: problem(Double.self, m: 20, n: 23)))
      #expect(Kernels.ShortWideGEMM<F>.applies(to: problem(Float.self, m: 64, n: 24)))
      #expect(!Kernels.ShortWideGEMM<F>.applies(to: problem(Float.self, m: 65, n: 24)))
      #expect(!Kernels.ShortWideGEMM<D>.applies(to: problem(Double.self, m: 20, n: 209).swapped))
    }
  #endif
}
