#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Kernels {
  /// Which backend computes the Float products and which the Double ones, and why.
  ///
  /// A system BLAS that `BACKPROP_BLAS` names (or `BACKPROP_BLAS=system`) is
  /// used as asked. One that the automatic search found is measured first,
  /// once per process, on the first product that needs the choice: a square
  /// product of ``calibrationSize`` in each precision, the best of
  /// ``calibrationRuns`` runs on each backend, the built-in kernel's first,
  /// with the process's thread count (a few milliseconds in all). The library computes a
  /// precision's products only when it was at least ``requiredSpeedup``
  /// times as fast as the built-in kernel: a distribution's OpenBLAS can be
  /// older than the CPU and fall back to a generic kernel (Debian 12's 0.3.21
  /// on a Xeon with AVX-512 runs at a third of the built-in speed), and the
  /// margin keeps two backends of equal speed from trading places between
  /// runs. `backprop info` prints the figures.
  package struct BackendChoice: Sendable, Hashable {
    /// The backend of Float products.
    package var float: Backend
    /// The backend of Double products.
    package var double: Backend
    /// One sentence: why these backends.
    package var reason: String
    /// The calibration's figures, when one ran.
    package var measurements: [Measurement]

    /// One precision's calibration, in GFLOP/s (2n³ per product).
    package struct Measurement: Sendable, Hashable {
      /// "float32" or "float64".
      package var dtype: String
      /// The square size measured.
      package var size: Int
      /// The built-in kernel's best.
      package var builtinGFLOPS: Double
      /// The library's best.
      package var libraryGFLOPS: Double
    }

    /// The side of the square products timed.
    package static let calibrationSize = 256
    /// Timed runs per backend and precision, after one warm-up each.
    package static let calibrationRuns = 5
    /// How much faster than the built-in kernel a found library must be to be used.
    package static let requiredSpeedup = 1.1

    /// The backend for `Scalar`'s products (other scalar types: always built-in).
    package func backend<Scalar>(for _: Scalar.Type) -> Backend {
      if Scalar.self == Float.self { return float }
      if Scalar.self == Double.self { return double }
      return .builtin
    }
  }

  /// The process's choice, made once (see ``BackendChoice``).
  package static var backendChoice: BackendChoice { chosenBackends }

  private static let chosenBackends: BackendChoice = {
    guard let blas = SystemBLAS.current else {
      return BackendChoice(float: .builtin, double: .builtin, reason: SystemBLAS.status, measurements: [])
    }
    if blas.isExplicitRequest {
      return BackendChoice(
        float: .systemBLAS, double: .systemBLAS, reason: "\(blas.name) as requested (\(SystemBLAS.status))",
        measurements: [])
    }
    let measurements = [
      calibrate(Float.self, dtype: "float32", library: blas), calibrate(Double.self, dtype: "float64", library: blas),
    ]
    func pick(_ m: BackendChoice.Measurement) -> Backend {
      m.libraryGFLOPS >= BackendChoice.requiredSpeedup * m.builtinGFLOPS ? .systemBLAS : .builtin
    }
    let (float, double) = (pick(measurements[0]), pick(measurements[1]))
    let figures = measurements.map {
      "\($0.dtype) \(formatted($0.libraryGFLOPS)) vs \(formatted($0.builtinGFLOPS)) GFLOP/s"
    }.joined(separator: ", ")
    let verdict: String
    switch (float, double) {
    case (.systemBLAS, .systemBLAS): verdict = "\(blas.name) computes every product"
    case (.builtin, .builtin): verdict = "the built-in kernel is used (BACKPROP_BLAS=system forces the library)"
    case (.systemBLAS, _): verdict = "\(blas.name) computes the float32 products, the built-in kernel the float64 ones"
    case (_, _): verdict = "\(blas.name) computes the float64 products, the built-in kernel the float32 ones"
    }
    let n = BackendChoice.calibrationSize
    return BackendChoice(
      float: float, double: double,
      reason: "\(SystemBLAS.status); measured \(n)³ products, library vs built-in: \(figures); \(verdict)",
      measurements: measurements)
  }()

  private static func formatted(_ value: Double) -> String {
    String(Int((value * 10).rounded()) / 10) + "." + String(Int((value * 10).rounded()) % 10)
  }

  /// Times the library against the built-in kernel on one square product.
  private static func calibrate<Scalar: MatrixScalar>(
    _: Scalar.Type, dtype: String, library: SystemBLAS
  ) -> BackendChoice.Measurement {
    let n = BackendChoice.calibrationSize
    // Values in [-1, 1) from a fixed generator: the timing does not depend on them.
    var rng = SplitMix64(seed: 0x5eed)
    func values() -> [Scalar] {
      (0..<n * n).map { _ in Scalar(Double(rng.next() >> 11) * 0x1p-52 - 1) }
    }
    let a = try! Matrix<Scalar>(rows: n, columns: n, columnMajor: values())
    let b = try! Matrix<Scalar>(rows: n, columns: n, columnMajor: values())
    var c = Matrix<Scalar>(rows: n, columns: n)
    var best = (builtin: Double.infinity, library: Double.infinity)
    let clock = ContinuousClock()
    // The built-in kernel's runs first, then the library's: a library's threads keep spinning for a
    // while after each call (OpenBLAS's do), and would slow the built-in runs interleaved with them;
    // the built-in workers park before the library's first call (`systemGEMM`).
    for useLibrary in [false, true] {
      for run in 0...BackendChoice.calibrationRuns {
        let started = clock.now
        withBackend(useLibrary ? .systemBLAS : .builtin) { Backprop.gemm(a, b, into: &c) }
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard run > 0 else { continue }  // the warm-up
        if useLibrary { best.library = min(best.library, seconds) } else { best.builtin = min(best.builtin, seconds) }
      }
    }
    let flop = 2 * Double(n) * Double(n) * Double(n)
    return BackendChoice.Measurement(
      dtype: dtype, size: n, builtinGFLOPS: flop / max(best.builtin, 1e-9) / 1e9,
      libraryGFLOPS: flop / max(best.library, 1e-9) / 1e9)
  }
}
