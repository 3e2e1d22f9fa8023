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
}
