@testable import Backprop
import Foundation
import Testing

extension RandomTests {
  /// ``DefaultGenerator``: pinned values (from an independent Python implementation of
  /// SplitMix64 + xoshiro256** + fdlibm's log), statistics, and permutations.
  @Suite struct Default {
    @Test func splitMix64KnownValue() {
      var mixer = SplitMix64(seed: 0)
      #expect(mixer.next() == 0xe220_a839_7b1d_cdaf)
    }

    @Test func pinnedStream() throws {
      var zero = DefaultGenerator(seed: 0)
      #expect(
        (0..<4).map { _ in zero.next() } == [
          0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0, 0x6aa5_94f1_262d_2d2c,
        ])
      var fortyTwo = DefaultGenerator(seed: 42)
      #expect(
        (0..<4).map { _ in fortyTwo.next() } == [
          0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1, 0xecb8_ad47_03b3_60a1,
        ])
      var uniform = DefaultGenerator(seed: 42)
      #expect(
        (0..<3).map { _ in uniform.nextUniform() } == [
          0x1.5780b2e0c2ec0p-4, 0x1.84136619b444ep-2, 0x1.5c2ea66473c93p-1,
        ])
      var gaussian = DefaultGenerator(seed: 0)
      #expect(
        (0..<5).map { _ in gaussian.nextGaussian() } == [
          0x1.76a54f2c0effap+0, 0x1.323a82a4bc9e5p-1, -0x1.81270d2ddbad5p-3, -0x1.ca445408b789ap-1,
          0x1.1b72138aac960p+0,
        ])
    }

    @Test func sameSeedSameStreamDifferentSeedsDiffer() {
      var a = DefaultGenerator(seed: 12345)
      var b = DefaultGenerator(seed: 12345)
      var c = DefaultGenerator(seed: 12346)
      let streamA = (0..<100).map { _ in a.nextGaussian() }
      let streamB = (0..<100).map { _ in b.nextGaussian() }
      let streamC = (0..<100).map { _ in c.nextGaussian() }
      #expect(streamA == streamB)
      #expect(streamA != streamC)
      #expect(zip(streamA, streamC).filter { $0 == $1 }.count == 0)
    }

    /// 100 000 uniform draws: mean 1/2 ± 0.005 (the standard error is 0.0009),
    /// variance 1/12 ± 0.002 (standard error 0.0002), all in [0, 1).
    @Test func uniformStatistics() {
      var rng = DefaultGenerator(seed: 2024)
      let draws = (0..<100_000).map { _ in rng.nextUniform() }
      let (mean, variance) = Self.moments(draws)
      #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
      #expect(abs(mean - 0.5) < 0.005)
      #expect(abs(variance - 1.0 / 12.0) < 0.002)
    }

    /// 100 000 normal draws: mean 0 ± 0.02 (standard error 0.003), variance 1 ± 0.025
    /// (standard error 0.0045), P(|z| < 1) = 0.6827 ± 0.01 (standard error 0.0015).
    @Test func gaussianStatistics() {
      var rng = DefaultGenerator(seed: 7)
      let draws = (0..<100_000).map { _ in rng.nextGaussian() }
      let (mean, variance) = Self.moments(draws)
      #expect(draws.allSatisfy { $0.isFinite })
      #expect(abs(mean) < 0.02)
      #expect(abs(variance - 1) < 0.025)
      let withinOne = Double(draws.filter { abs($0) < 1 }.count) / Double(draws.count)
      #expect(abs(withinOne - 0.682_689_5) < 0.01)
    }

    /// 70 000 draws below 7: each count 10 000 ± 500 (standard deviation 93).
    @Test func boundedIsUniform() {
      var rng = DefaultGenerator(seed: 99)
      var counts = [Int](repeating: 0, count: 7)
      for _ in 0..<70_000 { counts[Int(rng.nextBounded(below: 7))] += 1 }
      #expect(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
      #expect((0..<1000).allSatisfy { _ in rng.nextBounded(below: 1) == 0 })
      #expect((0..<1000).allSatisfy { _ in rng.nextBounded(below: UInt64.max) < UInt64.max })
    }

    @Test func permutationIsAPermutation() {
      var rng = DefaultGenerator(seed: 3)
      for n in [0, 1, 2, 3, 10, 209, 10_000] {
        let p = rng.permutation(n)
        #expect(p.sorted() == Array(0..<n), "n = \(n)")
      }
      // Each of the 6 orders of three elements about equally often: 6000 ± 400.
      var counts = [[Int]: Int]()
      for _ in 0..<36_000 { counts[rng.permutation(3), default: 0] += 1 }
      #expect(counts.count == 6)
      #expect(counts.values.allSatisfy { abs($0 - 6000) < 400 }, "\(counts)")
    }

    /// fdlibm's log is within 1 ulp of the C library's, and exact at the special values.
    @Test func portableLogAgreesWithLibm() {
      var rng = DefaultGenerator(seed: 11)
      var inputs = (0..<100_000).map { _ in rng.nextUniform() }
      inputs += (0..<1000).map { _ in rng.nextUniform() * 1e-300 }
      inputs += (0..<1000).map { _ in 1 + (rng.nextUniform() - 0.5) * 1e-7 }
      inputs += (0..<1000).map { _ in rng.nextUniform() * 1e300 }
      inputs += [Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, 0.5, 2, 1e308, 1.0.nextUp, 1.0.nextDown]
      var worst: UInt64 = 0
      for x in inputs {
        let a = PortableLog.log(x).bitPattern
        let b = Foundation.log(x).bitPattern
        worst = max(worst, a > b ? a - b : b - a)
      }
      #expect(worst <= 1)
      #expect(PortableLog.log(1) == 0)
      #expect(PortableLog.log(0) == -.infinity)
      #expect(PortableLog.log(-0.0) == -.infinity)
      #expect(PortableLog.log(-1).isNaN)
      #expect(PortableLog.log(.nan).isNaN)
      #expect(PortableLog.log(.infinity) == .infinity)
    }

    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
      let mean = values.reduce(0, +) / Double(values.count)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
      return (mean, variance)
    }
  }
}
