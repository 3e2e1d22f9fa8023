/// A seeded source of random numbers for initialisation, data generation and shuffling.
///
/// Two implementations: ``DefaultGenerator`` (the project's own) and
/// ``NumPyLegacyGenerator`` (bit-for-bit `np.random.seed` / `np.random.randn`).
/// ``GeneratorKind/makeGenerator(seed:)`` makes either from a seed.
///
/// Every draw is a pure function of the seed and the sequence of calls made so far:
/// the same calls on a generator made from the same seed give the same values.
public protocol RandomGenerator: RandomNumberGenerator, Sendable {
  /// A standard normal draw, N(0, 1), by the generator's own algorithm.
  mutating func nextGaussian() -> Double
  /// A uniform draw in [0, 1).
  mutating func nextUniform() -> Double
  /// Shuffles `elements` in place by the generator's own Fisher–Yates variant:
  /// for i = n−1 down to 1, swap elements i and j with j drawn uniformly from 0…i.
  mutating func shuffle<Element>(_ elements: inout [Element])
}

extension RandomGenerator {
  /// A random permutation of 0..<n: `[0, 1, …, n−1]` put through ``shuffle(_:)``,
  /// as `np.random.permutation(n)` is `np.arange(n)` shuffled.
  ///
  /// Returns `[]` for n ≤ 0.
  public mutating func permutation(_ n: Int) -> [Int] {
    var indices = Array(0..<max(n, 0))
    shuffle(&indices)
    return indices
  }
}
