/// Which random generator to use, by name (`--rng default|numpy` on the command line).
public enum GeneratorKind: String, CaseIterable, Sendable {
  /// ``DefaultGenerator``: xoshiro256** seeded by SplitMix64; any 64-bit seed.
  case `default`
  /// ``NumPyLegacyGenerator``: `np.random.seed(seed)` bit for bit; seeds 0…2³²−1.
  case numpy

  /// The largest seed this kind accepts: 2⁶⁴−1 for `default`, 2³²−1 for `numpy`
  /// (NumPy's legacy `seed` raises "Seed must be between 0 and 2**32 - 1" above it).
  public var maximumSeed: UInt64 {
    switch self {
    case .default: UInt64.max
    case .numpy: UInt64(UInt32.max)
    }
  }

  /// A new generator of this kind seeded with `seed`.
  ///
  /// - Throws: ``ConfigurationError`` for option `seed` when `seed > maximumSeed`.
  public func makeGenerator(seed: UInt64) throws(ConfigurationError) -> any RandomGenerator {
    switch self {
    case .default:
      return DefaultGenerator(seed: seed)
    case .numpy:
      guard let seed32 = UInt32(exactly: seed) else {
        throw ConfigurationError(
          parameter: "seed",
          "\(seed): the numpy generator takes seeds 0…\(UInt32.max), as np.random.seed does")
      }
      return NumPyLegacyGenerator(seed: seed32)
    }
  }
}
