import Backprop
import BackpropTestSupport
import Testing

@testable import Backprop

/// The fused elementwise kernels against plain per-element formulas, on
/// batches large enough to be split across threads (identical results).
@Suite(.serialized) struct ElementwiseKernelTests {
  @Test func splitAcrossThreadsGivesTheSameBits() {
    var rng = DefaultGenerator(seed: 12)
    let rows = 64
    let columns = 2 * Kernels.elementwiseParallelThreshold / rows + 3
    let z0 = Matrix<Double>.randomNormal(rows: rows, columns: columns, using: &rng)
    let bias = Matrix<Double>.randomNormal(rows: rows, columns: 1, using: &rng)
    let dA = Matrix<Double>.randomNormal(rows: rows, columns: columns, using: &rng)
    func run(threads: Int) -> (z: Matrix<Double>, a: Matrix<Double>, softmax: Matrix<Double>, dZ: Matrix<Double>) {
      let saved = Kernels.threadCount
      Kernels.threadCount = threads
      defer { Kernels.threadCount = saved }
      var z = z0
      var a = Matrix<Double>(rows: 0, columns: 0)
      Kernels.biasActivation(z: &z, bias: bias, activation: Tanh(), into: &a)
      var zs = z0
      var s = Matrix<Double>(rows: 0, columns: 0)
      Kernels.biasSoftmax(z: &zs, bias: bias, into: &s)
      var dZ = Matrix<Double>(rows: 0, columns: 0)
      Kernels.activationGradient(dA: dA, z: z, a: a, activation: Tanh(), into: &dZ)
      return (z, a, s, dZ)
    }
    let one = run(threads: 1)
    let two = run(threads: 2)
    #expect(one.z == two.z && one.a == two.a && one.softmax == two.softmax && one.dZ == two.dZ)
    // And they are the formulas: Z = Z0 + b, A = tanh(Z), dZ = dA (1 − A²), softmax columns sum to 1.
    for (i, j) in [(0, 0), (rows - 1, columns - 1), (17, columns / 2)] {
      #expect(two.z[i, j] == z0[i, j] + bias[i, 0])
      #expect(two.a[i, j] == Double.tanh(two.z[i, j]))
      #expect(two.dZ[i, j] == dA[i, j] * (1 - two.a[i, j] * two.a[i, j]))
      let sum = (0..<rows).reduce(0.0) { $0 + two.softmax[$1, j] }
      expectClose(sum, 1, rtol: 0, atol: 1e-14, "softmax column \(j)")
    }
  }

  /// db = scale·Σ_columns dZ (a matrix-vector product with a stride-0 one)
  /// against a Double loop: one row, tall, wide, odd, no columns, no rows.
  func sumColumnsMatchesTheLoop<T: MatrixScalar>(_: T.Type) {
    var rng = SplitMix64(seed: 13)
    for (rows, columns) in [(1, 400), (16, 400), (17, 33), (300, 5), (257, 1), (5, 0), (0, 3)] {
      let x = Matrix<T>(rows: rows, columns: columns, rng: &rng)
      var db = Matrix<T>(rows: 2, columns: 2, repeating: .nan)
      Kernels.sumColumns(x, scale: T(0.25), into: &db)
      #expect(db.shape == Shape(rows, 1))
      for i in 0..<rows {
        var sum = 0.0
        for j in 0..<columns { sum += Double(x[i, j]) }
        let tolerance = Double(columns + 1) * Double(T.ulpOfOne) * Double(columns)
        expectClose(Double(db[i, 0]), 0.25 * sum, rtol: 0, atol: tolerance, "\(T.self) \(rows)×\(columns) row \(i)")
      }
    }
  }

  @Test func floatSumColumns() { sumColumnsMatchesTheLoop(Float.self) }
  @Test func doubleSumColumns() { sumColumnsMatchesTheLoop(Double.self) }

  /// Elements outside [lower, upper], bounds included, NaN and ±∞ outside.
  @Test func countOutside() {
    let y = Matrix<Float>(rowMajor: [[0, 1, 0.5, -0.0], [.nan, 1.0000001, -1e-30, .infinity]])
    #expect(Kernels.countOutside(y, lower: 0, upper: 1) == 4)
    #expect(Kernels.countOutside(y, lower: -.greatestFiniteMagnitude, upper: .greatestFiniteMagnitude) == 2)
    let long = Matrix<Double>(rows: 3, columns: 101, repeating: 0.5)
    #expect(Kernels.countOutside(long, lower: 0, upper: 1) == 0)
    #expect(Kernels.countOutside(Matrix<Double>(rows: 0, columns: 4), lower: 0, upper: 1) == 0)
  }
}
