/// A seeded source of random numbers for initialisation, data generation and shuffling.
///
/// Two implementations: ``DefaultGenerator`` (the project's own) and
/// ``NumPyLegacyGenerator`` (bit-for-bit `np.random.seed` / `np.random.randn`).
public protocol RandomGenerator: RandomNumberGenerator, Sendable {
  /// A standard normal draw, N(0, 1), by the generator's own algorithm.
  mutating func nextGaussian() -> Double
  /// A uniform draw in [0, 1).
  mutating func nextUniform() -> Double
}
