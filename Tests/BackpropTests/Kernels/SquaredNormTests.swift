import BackpropTestSupport
import Testing

@testable import Backprop

/// Σ x² in sixteen partial sums: the naive sum to rounding, every length
/// (the tail past whole groups of 16), NaN and ∞ kept, on every vector variant.
@Suite(.serialized) struct SquaredNormTests {
  /// A large matrix is summed in fixed blocks on the worker pool: the same
  /// bits on one thread or several, the running sum to rounding.
  @Test func blocksGiveTheSameBitsOnAnyThreadCount() {
    var rng = DefaultGenerator(seed: 78)
    let x = Matrix<Float>.randomNormal(rows: 313, columns: 641, using: &rng)  // 12 blocks and a tail
    func norm(threads: Int) -> Double {
      let saved = Kernels.threadCount
      Kernels.threadCount = threads
      defer { Kernels.threadCount = saved }
      return Kernels.squaredNorm(x)
    }
    let one = norm(threads: 1)
    #expect(norm(threads: 2) == one)
    #expect(norm(threads: 3) == one)
    let naive = x.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
    expectClose(one, naive, rtol: 1e-12, atol: 0)
  }

  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func equalsTheRunningSum(variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    var rng = DefaultGenerator(seed: 77)
    for count in [0, 1, 5, 15, 16, 17, 31, 100, 4099] {
      let d = Matrix<Double>.randomNormal(rows: 1, columns: count, using: &rng)
      let f = d.converted(to: Float.self)
      let naiveD = d.scalars.reduce(0.0) { $0 + $1 * $1 }
      let naiveF = f.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
      expectClose(Kernels.squaredNorm(d, features: features), naiveD, rtol: 1e-13, atol: 0, "Double, \(count)")
      expectClose(Kernels.squaredNorm(f, features: features), naiveF, rtol: 1e-13, atol: 0, "Float, \(count)")
    }
    var bad = Matrix<Float>(rows: 3, columns: 7, repeating: 1)
    bad[2, 6] = .nan
    #expect(Kernels.squaredNorm(bad, features: features).isNaN)
    bad[2, 6] = .infinity
    #expect(Kernels.squaredNorm(bad, features: features) == .infinity)
    #expect(Kernels.squaredNorm(Matrix<Double>(rows: 4, columns: 5, repeating: 3), features: features) == 180)
  }
}
