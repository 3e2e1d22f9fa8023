@testable import Backprop
import Foundation
import Testing

/// The system CBLAS (found at run time) against the built-in kernel and an
/// independent Double-accumulated loop: the same BLAS contract on both paths.
/// Skipped when no library is found (install one, e.g. `libopenblas0`).
@Suite(
  .enabled(
    if: SystemBLAS.current != nil,
    "no system CBLAS found (\(SystemBLAS.status)); install e.g. libopenblas0 to run these"))
struct SystemBLASTests {
  @Test func floatRandomShapesAllTransposesAndScalings() { randomShapes(Float.self, seed: 11) }
  @Test func doubleRandomShapesAllTransposesAndScalings() { randomShapes(Double.self, seed: 12) }

  @Test func floatNaNInCWithBetaZeroIsOverwritten() { nanWithBetaZero(Float.self) }
  @Test func doubleNaNInCWithBetaZeroIsOverwritten() { nanWithBetaZero(Double.self) }

  @Test func floatPaddedLeadingDimensions() { paddedLeadingDimensions(Float.self) }
  @Test func doublePaddedLeadingDimensions() { paddedLeadingDimensions(Double.self) }

  @Test func floatDegenerateCasesMatchTheBuiltInKernel() { degenerate(Float.self) }
  @Test func doubleDegenerateCasesMatchTheBuiltInKernel() { degenerate(Double.self) }

  /// A library found by searching is used where it measured faster; a test
  /// can always ask for either backend.
  @Test func theLibraryIsUsedWhereItIsFasterAndCanBeOverridden() throws {
    let choice = Kernels.backendChoice
    #expect(Kernels.backend == choice.float)
    #expect(Kernels.backend(for: Double.self) == choice.double)
    #expect(Kernels.backend(for: Int.self) == .builtin)
    if SystemBLAS.current?.isExplicitRequest == true {
      #expect(choice.float == .systemBLAS && choice.double == .systemBLAS && choice.measurements.isEmpty)
    } else {
      try #require(choice.measurements.count == 2)
      for (measurement, backend) in zip(choice.measurements, [choice.float, choice.double]) {
        #expect(measurement.builtinGFLOPS > 0 && measurement.libraryGFLOPS > 0, "\(measurement)")
        let faster = measurement.libraryGFLOPS >= Kernels.BackendChoice.requiredSpeedup * measurement.builtinGFLOPS
        #expect(backend == (faster ? .systemBLAS : .builtin), "\(choice.reason)")
      }
      #expect(choice.reason.contains("GFLOP/s"), "\(choice.reason)")
    }
    Kernels.withBackend(.builtin) { #expect(Kernels.backend == .builtin) }
    Kernels.withBackend(.systemBLAS) { #expect(Kernels.backend == .systemBLAS) }
  }

  @Test func theLibraryDescribesItself() throws {
    let blas = try #require(SystemBLAS.current)
    #expect(blas.path.hasPrefix("/"), "not an absolute path: \(blas.path)")
    #expect(FileManager.default.fileExists(atPath: blas.path))
    if blas.name == "OpenBLAS" {
      #expect(blas.version?.hasPrefix("OpenBLAS ") == true)
      #expect(blas.threadCount != nil)
    }
  }

  /// Setting Backprop's thread count sets the library's (when it has the call).
  @Test func threadCountReachesTheLibrary() throws {
    let blas = try #require(SystemBLAS.current)
    guard blas.threadCount != nil else { return }
    let saved = Kernels.threadCount
    defer { Kernels.threadCount = saved }
    Kernels.threadCount = 1
    #expect(blas.threadCount == 1)
    Kernels.threadCount = 2
    #expect(blas.threadCount == 2)
  }

  /// The layers' entry point gives the same products on both backends.
  @Test func matrixProductsAgreeAcrossBackends() {
    var rng = SplitMix64(seed: 13)
    let w = Matrix<Double>(rows: 20, columns: 300, rng: &rng)
    let x = Matrix<Double>(rows: 300, columns: 64, rng: &rng)
    var viaBLAS = Matrix<Double>(rows: 1, columns: 1, repeating: .nan)
    var viaKernel = Matrix<Double>(rows: 1, columns: 1, repeating: .nan)
    Kernels.withBackend(.systemBLAS) { gemm(w, x, into: &viaBLAS) }
    Kernels.withBackend(.builtin) { gemm(w, x, into: &viaKernel) }
    #expect(viaBLAS.shape == Shape(20, 64) && viaKernel.shape == Shape(20, 64))
    for j in 0..<64 {
      for i in 0..<20 { #expect(abs(viaBLAS[i, j] - viaKernel[i, j]) <= 1e-12) }
    }
  }

  // MARK: - Harness

  func randomShapes<T: MatrixScalar>(_: T.Type, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let scalings: [(T, T)] = [(1, 0), (1, 1), (0.5, 0), (-1.5, 0.25), (2, -1)]
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for _ in 0..<6 {
        let m = Int(rng.next() % 70) + 1
        let n = Int(rng.next() % 70) + 1
        let k = Int(rng.next() % 90) + 1
        let (alpha, beta) = scalings[Int(rng.next() % UInt64(scalings.count))]
        compare(T.self, ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta, rng: &rng)
      }
    }
    // Awkward ones: vectors, and a size where OpenBLAS leaves its small-matrix path.
    for (m, n, k) in [(1, 1, 1), (1, 37, 5), (37, 1, 5), (1, 1, 300), (129, 65, 257)] {
      compare(T.self, m % 2 == 0, n % 2 == 0, m: m, n: n, k: k, alpha: 0.75, beta: 0.5, rng: &rng)
    }
  }

  /// β = 0 with C full of NaN: C is overwritten, on small and large products
  /// and every transpose combination.
  func nanWithBetaZero<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 14)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in [(1, 1, 1), (3, 5, 2), (16, 16, 16), (64, 70, 80), (150, 120, 100)] {
        compare(T.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, rng: &rng)
      }
    }
  }

  /// Leading dimensions above the rows: NaN padding in A and B is not read,
  /// the sentinel padding of C is not written.
  func paddedLeadingDimensions<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 15)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in [(5, 7, 3), (13, 9, 31), (40, 33, 70)] {
        compare(T.self, ta, tb, m: m, n: n, k: k, alpha: 0.5, beta: 1, padA: 3, padB: 1, padC: 2, rng: &rng)
        compare(T.self, ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0, padA: 1, padB: 5, padC: 7, rng: &rng)
      }
    }
  }

  /// m, n, k = 0 and α = 0 through the public entry point on each backend:
  /// identical results (C untouched, C ← β·C, zeros over NaN, A and B unread).
  func degenerate<T: MatrixScalar>(_: T.Type) {
    let nans = [T](repeating: .nan, count: 12)
    let cases: [(m: Int, n: Int, k: Int, alpha: T, beta: T, c: [T])] = [
      (0, 2, 3, 1, 0, [.nan, 7]),
      (2, 0, 3, 1, 0, [.nan, 7]),
      (3, 2, 0, 1, 0, [.nan, .infinity, .nan, 1, 2, 3]),
      (3, 2, 0, 1, 2, [1, 2, 3, 4, 5, 6]),
      (2, 2, 3, 0, 0.5, [1, 2, 3, 4]),
      (2, 2, 3, 0, 0, [.nan, 2, .infinity, 4]),
      (2, 2, 3, 0, 1, [1, 2, 3, 4]),
    ]
    for (m, n, k, alpha, beta, start) in cases {
      var results = [[T]]()
      for backend in Kernels.Backend.allCases {
        var c = start
        nans.withUnsafeBufferPointer { pa in
          c.withUnsafeMutableBufferPointer { pc in
            Kernels.withBackend(backend) {
              Kernels.gemm(
                transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: alpha,
                a: k == 0 || m == 0 ? nil : pa.baseAddress, lda: max(1, m),
                b: k == 0 || n == 0 ? nil : pa.baseAddress, ldb: max(1, k),
                beta: beta, c: pc.baseAddress, ldc: max(1, m))
            }
          }
        }
        results.append(c)
      }
      let same = zip(results[0], results[1]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
      #expect(same, "m=\(m) n=\(n) k=\(k) α=\(alpha) β=\(beta): \(results[0]) vs \(results[1])")
      if m > 0 && n > 0 {
        #expect(!results[0].prefix(m * n).contains { $0.isNaN } || beta != 0, "NaN left in C: \(results[0])")
      }
    }
  }

  /// One product through the system BLAS and the built-in kernel (public
  /// entry point, each backend forced), both checked against the reference,
  /// and against each other.
  func compare<T: MatrixScalar>(
    _: T.Type, _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, alpha: T, beta: T,
    padA: Int = 0, padB: Int = 0, padC: Int = 0,
    rng: inout SplitMix64, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let (rowsA, colsA) = ta ? (k, m) : (m, k)
    let (rowsB, colsB) = tb ? (n, k) : (k, n)
    let lda = max(1, rowsA + padA)
    let ldb = max(1, rowsB + padB)
    let ldc = max(1, m + padC)
    let sentinel = T(-12345)
    func fill(rows: Int, columns: Int, ld: Int, inside: () -> T, padding: T) -> [T] {
      var out = [T](repeating: padding, count: ld * columns)
      for j in 0..<columns { for i in 0..<rows { out[i + j * ld] = inside() } }
      return out
    }
    let a = fill(rows: rowsA, columns: colsA, ld: lda, inside: { rng.uniform() }, padding: .nan)
    let b = fill(rows: rowsB, columns: colsB, ld: ldb, inside: { rng.uniform() }, padding: .nan)
    let c0 = fill(rows: m, columns: n, ld: ldc, inside: { beta == 0 ? .nan : rng.uniform() }, padding: sentinel)
    func product(_ backend: Kernels.Backend) -> [T] {
      var c = c0
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            Kernels.withBackend(backend) {
              Kernels.gemm(
                transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress, lda: lda,
                b: pb.baseAddress, ldb: ldb, beta: beta, c: pc.baseAddress, ldc: ldc)
            }
          }
        }
      }
      return c
    }
    let viaBLAS = product(.systemBLAS)
    let viaKernel = product(.builtin)
    let name = "\(T.self) \(ta ? "T" : "N")\(tb ? "T" : "N") m=\(m) n=\(n) k=\(k) α=\(alpha) β=\(beta)"
    let eps = Double(T.ulpOfOne)
    var failures = 0
    for j in 0..<n {
      for i in 0..<m {
        var sum = 0.0
        var magnitude = 0.0
        for p in 0..<k {
          let aip = Double(ta ? a[p + i * lda] : a[i + p * lda])
          let bpj = Double(tb ? b[j + p * ldb] : b[p + j * ldb])
          sum += aip * bpj
          magnitude += abs(aip * bpj)
        }
        let old = Double(c0[i + j * ldc])
        let expected = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * old)
        let bound = abs(Double(alpha)) * magnitude + (beta == 0 ? 0 : abs(Double(beta) * old))
        let tolerance = 2 * Double(k + 2) * eps * bound
        for (label, c) in [("system BLAS", viaBLAS), ("built-in kernel", viaKernel)] {
          let got = Double(c[i + j * ldc])
          if !(abs(got - expected) <= tolerance) {
            failures += 1
            if failures <= 3 {
              Issue.record(
                "\(name) \(label): C[\(i), \(j)] = \(got), expected \(expected) ± \(tolerance)",
                sourceLocation: sourceLocation)
            }
          }
        }
        // The two backends agree to twice the bound between them.
        let gap = abs(Double(viaBLAS[i + j * ldc]) - Double(viaKernel[i + j * ldc]))
        if !(gap <= 2 * tolerance) && failures < 3 {
          failures += 1
          Issue.record("\(name): backends differ by \(gap) at C[\(i), \(j)]", sourceLocation: sourceLocation)
        }
      }
      for i in m..<ldc where viaBLAS[i + j * ldc] != sentinel {
        Issue.record("\(name): the system BLAS wrote padding C[\(i), \(j)]", sourceLocation: sourceLocation)
      }
    }
  }
}

/// How `BACKPROP_BLAS` is read, whatever is installed.
@Suite struct SystemBLASLoadingTests {
  /// `system` searches like the default but marks the library as asked for.
  @Test func systemForcesTheSearchedLibrary() {
    let result = SystemBLAS.load(setting: "system")
    if let library = result.library {
      #expect(library.isExplicitRequest && result.warning == nil)
      #expect(result.status.contains("BACKPROP_BLAS=system"))
    } else {
      #expect(result.warning?.contains("no CBLAS library found") == true)
    }
    #expect(SystemBLAS.load(setting: "").library?.isExplicitRequest != true)
  }

  @Test func noneForcesTheBuiltInKernel() {
    for setting in ["none", "NONE", "builtin", "off"] {
      let result = SystemBLAS.load(setting: setting)
      #expect(result.library == nil && result.warning == nil)
      #expect(result.status.contains("built-in kernel"))
    }
  }

  /// A library that cannot be loaded: a warning naming it, and the built-in kernel.
  @Test func aBadExplicitLibraryWarnsAndFallsBack() {
    let missing = SystemBLAS.load(setting: "/nonexistent/libblas.so")
    #expect(missing.library == nil)
    let warning = missing.warning ?? ""
    #expect(warning.contains("BACKPROP_BLAS=/nonexistent/libblas.so") && warning.contains("built-in kernel"))
    #expect(missing.status == warning)

    #if os(Linux)
      // A library that loads but is no CBLAS.
      let notBLAS = SystemBLAS.load(setting: "libm.so.6")
      #expect(notBLAS.library == nil)
      #expect(notBLAS.warning?.contains("does not export cblas_sgemm") == true, "\(notBLAS.status)")
    #endif
  }

  /// The search finds the same library as the process's default (when there is one).
  @Test func theSearchIsRepeatable() {
    let searched = SystemBLAS.load(setting: "")
    #expect(searched.warning == nil)
    #expect(searched.library?.path == SystemBLAS.current?.path || getenv("BACKPROP_BLAS") != nil)
    #expect(SystemBLAS.candidates.allSatisfy { !$0.contains("/") || $0.contains(".framework/") })
  }

  @Test func processorsAvailableAreCounted() {
    #expect(Kernels.availableProcessorCount >= 1)
    #expect(Kernels.availableProcessorCount <= max(1, ProcessInfo.processInfo.activeProcessorCount))
    #expect(Kernels.defaultThreadCount() >= 1)
  }

  @Test func cpuFeaturesAreReported() {
    #if os(Linux) && arch(x86_64)
      #expect(CPUFeatures.simd.contains("sse2"), "\(CPUFeatures.simd)")
    #endif
    #expect(CPUFeatures.simd.allSatisfy { CPUFeatures.known.contains($0) })
  }
}
