@testable import Backprop
import Testing

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `Kernels.gemm` against an independent triple loop accumulated in Double.
///
/// Tolerance, per element of C: the classical bound for a length-k dot product,
/// `|ĉ − c| ≤ γ_(k+2) · (|α|·Σ_p |a_ip|·|b_pj| + |β|·|c_ij|)` with
/// `γ_n ≈ n·ε` (ε the scalar's machine epsilon), with a factor 2 to spare. With
/// entries in [−1, 1] that is at most about `2·(k+2)·ε·k·max|a|·max|b|`.
@Suite struct GEMMTests {
  // MARK: - Against the reference

  // Every test runs on each micro-kernel this CPU supports (AVX-512, AVX2 +
  // FMA and the portable Swift SIMD one), forced per test with the
  // task-local override; a kernel the CPU lacks is left out of the arguments
  // (the test does not run for it).

  @Test(arguments: testedMicroKernels)
  func floatAllTransposesAndScalings(_ kernel: Kernels.MicroKernel) {
    on(kernel) { transposesAndScalings(Float.self) }
  }
  @Test(arguments: testedMicroKernels)
  func doubleAllTransposesAndScalings(_ kernel: Kernels.MicroKernel) {
    on(kernel) { transposesAndScalings(Double.self) }
  }

  @Test(arguments: testedMicroKernels)
  func floatEdgesAroundTilesAndBlocks(_ kernel: Kernels.MicroKernel) {
    on(kernel) { edgesAroundTilesAndBlocks(Float.self) }
  }
  @Test(arguments: testedMicroKernels)
  func doubleEdgesAroundTilesAndBlocks(_ kernel: Kernels.MicroKernel) {
    on(kernel) { edgesAroundTilesAndBlocks(Double.self) }
  }

  @Test(arguments: testedMicroKernels)
  func floatLeadingDimensionsLargerThanRows(_ kernel: Kernels.MicroKernel) {
    on(kernel) { leadingDimensions(Float.self) }
  }
  @Test(arguments: testedMicroKernels)
  func doubleLeadingDimensionsLargerThanRows(_ kernel: Kernels.MicroKernel) {
    on(kernel) { leadingDimensions(Double.self) }
  }

  @Test(arguments: testedMicroKernels)
  func floatMultiThreaded(_ kernel: Kernels.MicroKernel) { on(kernel) { multiThreaded(Float.self) } }
  @Test(arguments: testedMicroKernels)
  func doubleMultiThreaded(_ kernel: Kernels.MicroKernel) { on(kernel) { multiThreaded(Double.self) } }

  @Test(arguments: testedMicroKernels)
  func floatEmptyAndDegenerate(_ kernel: Kernels.MicroKernel) { on(kernel) { emptyAndDegenerate(Float.self) } }
  @Test(arguments: testedMicroKernels)
  func doubleEmptyAndDegenerate(_ kernel: Kernels.MicroKernel) { on(kernel) { emptyAndDegenerate(Double.self) } }

  // The direct kernel (small products, no packing) and the matrix-vector
  // kernels (n = 1, m = 1), for each instruction set this CPU has: the same
  // shapes, transposes and scalings against the same reference.

  /// The variants of the C product kernels this CPU runs (AVX2 + FMA, AVX-512F).
  static let productVariants = Kernels.vectorVariants.filter { Kernels.hasVectorProducts($0.features) }.map(\.name)

  static func features(_ variant: String) -> UInt32 {
    Kernels.vectorVariants.first { $0.name == variant }!.features
  }

  @Test(arguments: productVariants)
  func floatDirectKernel(_ variant: String) {
    let path = GEMMPath.direct(Self.features(variant))
    transposesAndScalings(Float.self, path: path)
    edgesAroundTilesAndBlocks(Float.self, path: path)
    leadingDimensions(Float.self, path: path)
    directKernelTiles(Float.self, path: path)
  }
  @Test(arguments: productVariants)
  func doubleDirectKernel(_ variant: String) {
    let path = GEMMPath.direct(Self.features(variant))
    transposesAndScalings(Double.self, path: path)
    edgesAroundTilesAndBlocks(Double.self, path: path)
    leadingDimensions(Double.self, path: path)
    directKernelTiles(Double.self, path: path)
  }

  /// Rows around the vector widths (8, 16 Float; 4, 8 Double) and their
  /// doubles, columns around the tiles (24, 12, 8, 6, 4, 2, 1), k from 1
  /// (the tiny network's products among them: 16×400×2, 16×16×400, 16×400×1).
  func directKernelTiles<T: MatrixScalar>(_: T.Type, path: GEMMPath) {
    var rng = SplitMix64(seed: 7)
    let shapes = [
      (16, 400, 2), (16, 16, 400), (16, 400, 16), (16, 2, 400), (16, 400, 1), (2, 13, 5), (3, 2, 1),
      (4, 25, 3), (5, 24, 7), (8, 23, 2), (9, 12, 9), (12, 11, 3), (15, 7, 4), (17, 6, 5), (24, 5, 8),
      (31, 4, 3), (32, 3, 6), (33, 49, 2), (40, 14, 1), (47, 26, 3),
    ]
    var combination = 0
    for (m, n, k) in shapes {
      let ta = combination & 1 == 1
      let tb = combination & 2 == 2
      combination += 1
      for (alpha, beta) in [(T(1), T(0)), (T(-0.5), T(1)), (T(2), T(0.25))] {
        check(T.self, ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta, padC: 1, path: path, rng: &rng)
        check(T.self, !ta, !tb, m: m, n: n, k: k, alpha: alpha, beta: beta, path: path, rng: &rng)
      }
    }
  }

  /// n = 1 and m = 1, all transposes, with strides (padding) in x and y: the
  /// C kernels where they apply (contiguous y for A, x for Aᵀ), the Swift
  /// loops otherwise and for the baseline.
  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func matrixVector(_ variant: String) {
    var rng = SplitMix64(seed: 8)
    let path = GEMMPath(directLimit: 0, features: Self.features(variant))
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, k) in [(1, 1), (1, 9), (7, 1), (17, 33), (256, 40), (300, 17), (10, 128), (33, 300)] {
        for (alpha, beta) in [(Float(1), Float(0)), (Float(0.5), Float(-1))] {
          check(
            Float.self, ta, tb, m: m, n: 1, k: k, alpha: alpha, beta: beta, padA: 1, padB: 2, padC: 1,
            path: path, rng: &rng)
          check(
            Double.self, ta, tb, m: m, n: 1, k: k, alpha: Double(alpha), beta: Double(beta), padB: 3,
            path: path, rng: &rng)
          check(
            Float.self, ta, tb, m: 1, n: m, k: k, alpha: alpha, beta: beta, padA: 2, padB: 1,
            path: path, rng: &rng)
          check(
            Double.self, ta, tb, m: 1, n: m, k: k, alpha: Double(alpha), beta: Double(beta), padC: 2,
            path: path, rng: &rng)
        }
      }
    }
  }

  /// All four transpose combinations × α/β combinations × small awkward shapes
  /// (1×1, 1×N, N×1, primes).
  func transposesAndScalings<T: MatrixScalar>(_: T.Type, path: GEMMPath = .packed) {
    var rng = SplitMix64(seed: 1)
    let shapes = [
      (1, 1, 1), (1, 17, 5), (17, 1, 5), (1, 1, 31), (7, 13, 31), (31, 7, 13), (13, 97, 7),
      (97, 13, 3), (4, 4, 4), (2, 3, 1),
    ]
    let scalings: [(alpha: T, beta: T)] = [(1, 0), (1, 1), (0.5, 0), (0.5, 1), (-1.5, 0.25), (2, -1)]
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in shapes {
        for (alpha, beta) in scalings {
          check(T.self, ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta, path: path, rng: &rng)
        }
      }
    }
  }

  /// Sizes just below, at and above the register tiles (portable: MR = 4
  /// Double / 8 Float, NR = 4; AVX2: MR = 8 Double / 16 Float, NR = 6;
  /// AVX-512: MR = 16 Double / 32 Float, NR = 12) and the cache blocks
  /// (KC = 256; MC = 128 / 256 portable and AVX2, 96 / 192 AVX-512; NC =
  /// 1024 portable, 3072 AVX2 and AVX-512), including the short-and-wide
  /// shapes that are computed swapped (portable) or in place (AVX-512, see
  /// `ShortWideGEMMTests`).
  func edgesAroundTilesAndBlocks<T: MatrixScalar>(_: T.Type, path: GEMMPath = .packed) {
    var rng = SplitMix64(seed: 2)
    let shapes = [
      (3, 3, 3), (5, 5, 5), (8, 4, 2), (9, 5, 3), (7, 3, 9), (16, 8, 1), (15, 9, 4),
      (8, 6, 7), (16, 6, 5), (7, 5, 6), (17, 7, 11), (15, 12, 13), (33, 13, 4), (24, 18, 3),  // AVX2 tiles
      (16, 12, 9), (32, 12, 5), (31, 11, 7), (47, 23, 3), (64, 23, 2), (65, 13, 6), (97, 23, 3),  // AVX-512 tiles
      (95, 5, 3), (97, 7, 2), (191, 3, 2), (193, 11, 2),  // AVX-512 MC
      (127, 5, 3), (129, 3, 2), (255, 2, 3), (257, 6, 2),  // MC
      (5, 1023, 2), (3, 1025, 3), (2, 3071, 2), (3, 3073, 2), (1, 6151, 1),  // NC
      (5, 6, 255), (9, 7, 256), (6, 5, 257), (3, 2, 513),  // KC
      (20, 90, 40), (12, 50, 257), (3, 50, 33), (48, 200, 32),  // swapped: m ≤ 64, n ≥ 4m, k ≥ 32
    ]
    var combination = 0
    for (m, n, k) in shapes {
      for (alpha, beta) in [(T(1), T(0)), (T(0.5), T(-1))] {
        let ta = combination & 1 == 1
        let tb = combination & 2 == 2
        combination += 1
        check(T.self, ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta, path: path, rng: &rng)
        check(T.self, !ta, !tb, m: m, n: n, k: k, alpha: alpha, beta: beta, path: path, rng: &rng)
      }
    }
  }

  /// lda, ldb, ldc larger than the rows: the padding (filled with NaN in A and
  /// B, a sentinel in C) must be neither read nor written.
  func leadingDimensions<T: MatrixScalar>(_: T.Type, path: GEMMPath = .packed) {
    var rng = SplitMix64(seed: 3)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in [(5, 7, 3), (13, 9, 31), (20, 100, 40), (33, 17, 260)] {
        check(
          T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padA: 3, padB: 1, padC: 2, path: path, rng: &rng)
        check(
          T.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, padA: 1, padB: 5, padC: 7, path: path, rng: &rng)
      }
    }
  }

  /// Products split across threads, along the columns, the rows, and swapped;
  /// bit-for-bit the single-threaded result. One is above the real threshold
  /// (m·n·k ≥ 2²⁰); the others lower it, to stay fast in a debug build.
  func multiThreaded<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 4)
    let cases = [
      (false, false, 67, 131, 129, Kernels.parallelThreshold),  // columns split
      (true, true, 29, 61, 37, 1),
      (true, false, 150, 21, 37, 1),  // rows split
      (false, true, 13, 300, 40, 1),  // swapped, then rows split
    ]
    for (ta, tb, m, n, k, threshold) in cases {
      #expect(m * n * k >= threshold)
      let one = check(
        T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padC: 1, parallelThreshold: threshold, rng: &rng)
      let three = check(
        T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padC: 1, threads: 3,
        parallelThreshold: threshold, operands: one.operands, verify: false, rng: &rng)
      #expect(one.c == three.c, "threads 1 vs 3 differ for \(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k)")
    }
  }

  /// m = 0, n = 0 (nothing happens), k = 0 and α = 0 (C ← β·C, A and B unread;
  /// β = 0 writes zeros over NaN).
  func emptyAndDegenerate<T: MatrixScalar>(_: T.Type) {
    // m = 0 or n = 0: C untouched, pointers may be nil.
    var c: [T] = [.nan, 7]
    c.withUnsafeMutableBufferPointer { pc in
      Kernels.gemm(
        transposeA: false, transposeB: false, m: 0, n: 2, k: 3, alpha: T(1), a: nil, lda: 1,
        b: nil, ldb: 3, beta: T(0), c: pc.baseAddress, ldc: 1)
      Kernels.gemm(
        transposeA: false, transposeB: false, m: 2, n: 0, k: 3, alpha: T(1), a: nil, lda: 2,
        b: nil, ldb: 3, beta: T(0), c: pc.baseAddress, ldc: 2)
    }
    #expect(c[0].isNaN && c[1] == 7)

    // k = 0: C ← β·C with A and B nil.
    for (beta, expected) in [
      (T(0), [T(0), 0, 0, 0, 0, 0]), (T(2), [2, 4, 6, 8, 10, 12]), (T(1), [1, 2, 3, 4, 5, 6]),
    ] {
      var c: [T] = beta == 0 ? [.nan, .infinity, .nan, 1, 2, 3] : [1, 2, 3, 4, 5, 6]
      c.withUnsafeMutableBufferPointer { pc in
        Kernels.gemm(
          transposeA: false, transposeB: true, m: 3, n: 2, k: 0, alpha: T(1), a: nil, lda: 3,
          b: nil, ldb: 2, beta: beta, c: pc.baseAddress, ldc: 3)
      }
      #expect(c == expected)
    }

    // α = 0: A and B are not read (NaN in them does not matter).
    let a = [T](repeating: .nan, count: 6)
    let b = [T](repeating: .nan, count: 6)
    var c2: [T] = [1, 2, 3, 4]
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c2.withUnsafeMutableBufferPointer { pc in
          Kernels.gemm(
            transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: T(0), a: pa.baseAddress,
            lda: 2, b: pb.baseAddress, ldb: 3, beta: T(0.5), c: pc.baseAddress, ldc: 2)
        }
      }
    }
    #expect(c2 == [0.5, 1, 1.5, 2])
  }

  // MARK: - The Matrix-level API

  @Test func matrixProductsOfTheNotes() {
    let w = Matrix<Double>(rowMajor: [[1, 2, 3], [4, 5, 6]])  // (2, 3)
    let x = Matrix<Double>(rowMajor: [[1, 0], [0, 1], [1, 1]])  // (3, 2)
    var z = Matrix<Double>(rows: 5, columns: 5, repeating: .nan)
    gemm(w, x, into: &z)  // β = 0 reshapes C and ignores its NaN
    #expect(z == Matrix(rowMajor: [[4, 5], [10, 11]]))

    var dW = Matrix<Double>(rows: 1, columns: 1)
    gemm(z, x, transposeB: true, alpha: 0.5, into: &dW)  // (2, 2)·(2, 3)
    #expect(dW == Matrix(rowMajor: [[2, 2.5, 4.5], [5, 5.5, 10.5]]))

    var dA = Matrix<Double>(rows: 3, columns: 2, repeating: 1)
    gemm(w, transposeA: true, z, beta: 1, into: &dA)  // Wᵀ·Z + dA
    #expect(dA == Matrix(rowMajor: [[45, 50], [59, 66], [73, 82]]))

    var both = Matrix<Double>(rows: 0, columns: 0)
    gemm(x, transposeA: true, w, transposeB: true, into: &both)  // (2, 3)·(3, 2)
    #expect(both == Matrix(rowMajor: [[4, 10], [5, 11]]))
  }

  @Test func matrixProductFloatAgainstReference() {
    var rng = SplitMix64(seed: 5)
    let a = Matrix<Float>(rows: 13, columns: 40, rng: &rng)
    let b = Matrix<Float>(rows: 29, columns: 40, rng: &rng)
    var c = Matrix<Float>(rows: 0, columns: 0)
    gemm(a, b, transposeB: true, alpha: 2, into: &c)
    #expect(c.shape == Shape(13, 29))
    let tolerance: Double = 2 * 42 * Double(Float.ulpOfOne) * 2 * 40
    for i in 0..<13 {
      for j in 0..<29 {
        var sum = 0.0
        for p in 0..<40 { sum += Double(a[i, p]) * Double(b[j, p]) }
        let error: Double = abs(Double(c[i, j]) - 2 * sum)
        #expect(error <= tolerance)
      }
    }
  }

  // MARK: - Run-time dispatch

  /// On a CPU with AVX-512 (F, VL, DQ) the AVX-512 kernel is the default,
  /// on one with AVX2 and FMA the AVX2 kernel (unless the environment asks
  /// for another), and the names agree.
  @Test func dispatchFollowsTheCPU() {
    let features = Kernels.simdFeatures
    let hasAVX2 = features.contains("avx2") && features.contains("fma")
    let hasAVX512 = ["avx512f", "avx512vl", "avx512dq", "fma"].allSatisfy(features.contains)
    #expect(Kernels.MicroKernel.avx2.isSupported == hasAVX2)
    #expect(Kernels.MicroKernel.avx512.isSupported == hasAVX512)
    #expect(Kernels.MicroKernel.best == (hasAVX512 ? .avx512 : hasAVX2 ? .avx2 : .portable))
    #if arch(x86_64)
      #expect(features.contains("sse2"))
      // The features agree with what the operating system reports (on
      // Linux, /proc/cpuinfo; CPUFeatures.simd is empty where it says nothing).
      if !CPUFeatures.simd.isEmpty {
        for name in ["avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"] {
          #expect(features.contains(name) == CPUFeatures.simd.contains(name), "\(name)")
        }
      }
    #endif
    #expect(
      Kernels.defaultMicroKernel
        == Kernels.MicroKernel.fromEnvironment(ProcessInfo.processInfo.environment["BACKPROP_SIMD"]))
    #expect(Kernels.microKernelName == Kernels.activeMicroKernel.instructionSet)
    #expect(Kernels.MicroKernel.avx2.instructionSet == "avx2+fma")
    #expect(Kernels.MicroKernel.avx512.instructionSet == "avx512f+avx512vl+avx512dq+fma")
    Kernels.$microKernelOverride.withValue(.portable) {
      #expect(Kernels.activeMicroKernel == .portable)
      #expect(!Kernels.microKernelName.hasPrefix("avx"))
    }
    // Asking for a kernel the CPU lacks gives the next narrower one it has.
    #expect(Kernels.MicroKernel.avx512.supportedOrNarrower == (hasAVX512 ? .avx512 : hasAVX2 ? .avx2 : .portable))
    #expect(Kernels.MicroKernel.avx2.supportedOrNarrower == (hasAVX2 ? .avx2 : .portable))
    Kernels.$microKernelOverride.withValue(.avx512) {
      #expect(Kernels.activeMicroKernel == Kernels.MicroKernel.avx512.supportedOrNarrower)
    }
  }

  @Test func simdEnvironmentVariable() {
    let avx2 = Kernels.MicroKernel.avx2.supportedOrNarrower
    let avx512 = Kernels.MicroKernel.avx512.supportedOrNarrower
    #expect(Kernels.MicroKernel.fromEnvironment("portable") == .portable)
    #expect(Kernels.MicroKernel.fromEnvironment("SSE2") == .portable)
    #expect(Kernels.MicroKernel.fromEnvironment("avx2") == avx2)
    #expect(Kernels.MicroKernel.fromEnvironment("AVX512") == avx512)
    #expect(Kernels.MicroKernel.fromEnvironment(nil) == avx512)
    #expect(Kernels.MicroKernel.fromEnvironment("auto") == avx512)
    #expect(Kernels.MicroKernel.fromEnvironment("bogus") == avx512)
  }

  /// All kernels agree with each other on a product with whole and edge
  /// tiles in every direction, all transposes, within the reference tolerance.
  @Test func kernelsAgree() {
    var rng = SplitMix64(seed: 6)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      let (m, n, k) = (45, 39, 300)
      let portable = Kernels.$microKernelOverride.withValue(.portable) {
        check(Double.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, rng: &rng)
      }
      for kernel in testedMicroKernels where kernel != .portable {
        let fast = Kernels.$microKernelOverride.withValue(kernel) {
          check(Double.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, operands: portable.operands, rng: &rng)
        }
        for (x, y) in zip(portable.c, fast.c) {
          #expect(abs(x - y) <= 1e-12 * Double(k), "\(kernel)")
        }
      }
    }
  }

  /// The default system-BLAS backend leaves small and matrix-vector products
  /// to the built-in kernels (when the C kernels can run), and only those.
  @Test func smallProductsStayBuiltIn() {
    let vector = Kernels.hasVectorProducts(Kernels.vectorFeatures)
    #expect(Kernels.builtinIsFaster(m: 16, n: 400, k: 16) == vector)
    #expect(Kernels.builtinIsFaster(m: 64, n: 64, k: 64) == vector)
    #expect(!Kernels.builtinIsFaster(m: 128, n: 128, k: 128))
    #expect(Kernels.builtinIsFaster(m: 256, n: 1, k: 784) == vector)
    #expect(Kernels.builtinIsFaster(m: 1, n: 300, k: 2000) == vector)
    #expect(!Kernels.builtinIsFaster(m: 4096, n: 1, k: 4096))
  }

  @Test func threadCountIsPositive() {
    #expect(Kernels.threadCount >= 1)
    #expect(Kernels.defaultThreadCount() >= 1)
  }
}

// MARK: - The reference and the harness

/// Which kernel the products of `check` run: the packed one (the default:
/// the direct kernel is off, so the micro-kernels are what small shapes
/// test), or the direct one for every size, with the C kernels (direct,
/// matrix-vector) limited to `features`.
struct GEMMPath: CustomStringConvertible {
  var directLimit: Int
  var features: UInt32
  static let packed = GEMMPath(directLimit: 0, features: Kernels.vectorFeatures)
  static func direct(_ features: UInt32) -> GEMMPath { GEMMPath(directLimit: .max, features: features) }
  var description: String { directLimit == 0 ? "packed (features \(features))" : "direct (features \(features))" }
}

/// The micro-kernels this CPU supports: the arguments of the tests that run
/// on each.
let testedMicroKernels = Kernels.MicroKernel.allCases.filter(\.isSupported)

/// Runs `body` with `kernel` forced and checks that the products inside
/// really use it.
func on(
  _ kernel: Kernels.MicroKernel, sourceLocation: SourceLocation = #_sourceLocation, _ body: () -> Void
) {
  Kernels.$microKernelOverride.withValue(kernel) {
    #expect(Kernels.activeMicroKernel == kernel, sourceLocation: sourceLocation)
    body()
  }
}

/// The operands of one checked product, column-major with their leading
/// dimensions (padding included).
struct GEMMOperands<T: MatrixScalar> {
  var a: [T]
  var b: [T]
  var c: [T]
}

/// Runs one product through `Kernels.gemm` and checks every element of C
/// against a Double-accumulated triple loop, and that the padding rows of C
/// are untouched. Returns the operands and the result.
@discardableResult
func check<T: MatrixScalar>(
  _: T.Type, _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, alpha: T, beta: T,
  padA: Int = 0, padB: Int = 0, padC: Int = 0, threads: Int = 1,
  parallelThreshold: Int = Kernels.parallelThreshold, path: GEMMPath = .packed,
  operands: GEMMOperands<T>? = nil, verify: Bool = true,
  rng: inout SplitMix64, sourceLocation: SourceLocation = #_sourceLocation
) -> (c: [T], operands: GEMMOperands<T>) {
  let (rowsA, colsA) = ta ? (k, m) : (m, k)
  let (rowsB, colsB) = tb ? (n, k) : (k, n)
  let lda = max(1, rowsA + padA)
  let ldb = max(1, rowsB + padB)
  let ldc = m + padC
  let sentinel = T(-12345)
  // Padding in A and B is NaN (it must not be read); in C a sentinel (it must
  // not be written). With β = 0, C's own elements are NaN as well.
  func fill(rows: Int, columns: Int, ld: Int, inside: () -> T, padding: T) -> [T] {
    var out = [T](repeating: padding, count: ld * columns)
    for j in 0..<columns { for i in 0..<rows { out[i + j * ld] = inside() } }
    return out
  }
  let ops =
    operands
    ?? GEMMOperands(
      a: fill(rows: rowsA, columns: colsA, ld: lda, inside: { rng.uniform() }, padding: .nan),
      b: fill(rows: rowsB, columns: colsB, ld: ldb, inside: { rng.uniform() }, padding: .nan),
      c: fill(rows: m, columns: n, ld: ldc, inside: { beta == 0 ? .nan : rng.uniform() }, padding: sentinel))
  var c = ops.c
  ops.a.withUnsafeBufferPointer { pa in
    ops.b.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        Kernels.gemm(
          transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress, lda: lda,
          b: pb.baseAddress, ldb: ldb, beta: beta, c: pc.baseAddress, ldc: ldc, threads: threads,
          parallelThreshold: parallelThreshold, directLimit: path.directLimit, features: path.features)
      }
    }
  }
  if !verify { return (c, ops) }
  let name = "\(T.self) \(ta ? "T" : "N")\(tb ? "T" : "N") m=\(m) n=\(n) k=\(k) α=\(alpha) β=\(beta) \(path)"
  let eps = Double(T.ulpOfOne)
  // The reference reads Double copies through raw buffers: debug builds are slow.
  let a64 = ops.a.map { Double($0) }
  let b64 = ops.b.map { Double($0) }
  let (aRow, aStep) = ta ? (lda, 1) : (1, lda)  // op(A)(i, p) at i·aRow + p·aStep
  let (bColumn, bStep) = tb ? (1, ldb) : (ldb, 1)  // op(B)(p, j) at j·bColumn + p·bStep
  var failures = 0
  for j in 0..<n {
    for i in 0..<m {
      var sum = 0.0
      var magnitude = 0.0
      a64.withUnsafeBufferPointer { a in
        b64.withUnsafeBufferPointer { b in
          var ia = i * aRow
          var ib = j * bColumn
          for _ in 0..<k {
            let product = a[ia] * b[ib]
            sum += product
            magnitude += abs(product)
            ia += aStep
            ib += bStep
          }
        }
      }
      let old = Double(ops.c[i + j * ldc])
      let expected = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * old)
      let bound = abs(Double(alpha)) * magnitude + (beta == 0 ? 0 : abs(Double(beta) * old))
      let tolerance = 2 * Double(k + 2) * eps * bound
      let got = Double(c[i + j * ldc])
      if !(abs(got - expected) <= tolerance) {
        failures += 1
        if failures <= 3 {
          Issue.record(
            "\(name): C[\(i), \(j)] = \(got), expected \(expected) ± \(tolerance)",
            sourceLocation: sourceLocation)
        }
      }
    }
    for i in m..<ldc where c[i + j * ldc] != sentinel {
      Issue.record("\(name): padding C[\(i), \(j)] was written", sourceLocation: sourceLocation)
    }
  }
  return (c, ops)
}

/// A small deterministic generator (SplitMix64) for test data.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [−1, 1).
  mutating func uniform<T: MatrixScalar>() -> T {
    T(Double(next() >> 11) * 0x1p-52 - 1)
  }
}

extension Matrix {
  init(rows: Int, columns: Int, rng: inout SplitMix64) {
    self.init(rows: rows, columns: columns)
    for j in 0..<columns { for i in 0..<rows { self[i, j] = rng.uniform() } }
  }
}
