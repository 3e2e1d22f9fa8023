import RealModule

/// NumPy's legacy global generator (`np.random.seed`, `np.random.rand`, `np.random.randn`,
/// `np.random.permutation`, i.e. `RandomState`), reproduced bit for bit.
///
/// This is what the course notebooks use, so with it the initial weights, the generated
/// data sets and the mini-batch shuffles match the notebooks exactly:
///
/// ```swift
/// var rng = NumPyLegacyGenerator(seed: 1)                 // np.random.seed(1)
/// let w1 = Matrix<Double>.randomNormal(rows: 20, columns: 12288, using: &rng)
///                                                         // np.random.randn(20, 12288)
/// let order = rng.permutation(209)                        // np.random.permutation(209)
/// ```
///
/// The stream is a ``MersenneTwister`` (MT19937) seeded as NumPy seeds it. Each method
/// documents the NumPy C routine it reproduces and how many 32-bit words it consumes.
/// Bit-exactness of ``nextGaussian()`` relies on the platform's C `log` giving the same
/// result as the one NumPy was built against (it does on Linux/glibc; other libms can
/// differ in the last bit in rare cases).
public struct NumPyLegacyGenerator: RandomGenerator, Hashable {
  /// The underlying MT19937 state.
  public private(set) var twister: MersenneTwister
  /// The second value of the last polar pair, returned by the next ``nextGaussian()``
  /// (`has_gauss` / `gauss` in NumPy's state), or nil when none is cached.
  public private(set) var cachedGaussian: Double?

  /// Seeds as `np.random.seed(seed)` / `np.random.RandomState(seed)` does for an integer:
  /// MT19937 `init_genrand(seed)`. NumPy accepts exactly the seeds 0…2³²−1.
  public init(seed: UInt32) {
    twister = MersenneTwister(seed: seed)
    cachedGaussian = nil
  }

  /// Seeds as `np.random.seed(np.array(words))` does for a 1-d array: MT19937
  /// `init_by_array(words)` for two or more words; a single word seeds like the integer
  /// (NumPy squeezes a one-element array to a scalar).
  ///
  /// - Throws: ``ConfigurationError`` for an empty array (NumPy: "Seed must be non-empty").
  public init(seedWords words: [UInt32]) throws(ConfigurationError) {
    guard let first = words.first else {
      throw ConfigurationError(parameter: "seed", "a NumPy seed array must be non-empty")
    }
    twister = words.count == 1 ? MersenneTwister(seed: first) : MersenneTwister(seedWords: words)
    cachedGaussian = nil
  }

  /// The next raw 32-bit output of MT19937 (`mt19937_next32`): one word.
  ///
  /// Equal, value for value, to `RandomState(seed).randint(0, 2**32, dtype=np.uint64)`.
  public mutating func nextUInt32() -> UInt32 {
    twister.next()
  }

  /// 64 random bits from two words, the first one high: `(a << 32) | b`
  /// (`mt19937_next64`, NumPy's `next_uint64` for MT19937).
  ///
  /// Equal to `RandomState(seed).randint(0, 2**64, dtype=np.uint64)`.
  public mutating func next() -> UInt64 {
    let high = UInt64(twister.next())
    let low = UInt64(twister.next())
    return high << 32 | low
  }

  /// `np.random.random_sample()` / `np.random.rand()` (`mt19937_next_double`): two words
  /// a, b give the 53-bit fraction `((a >> 5) · 2²⁶ + (b >> 6)) / 2⁵³` in [0, 1).
  public mutating func nextUniform() -> Double {
    let a = Double(twister.next() >> 5)
    let b = Double(twister.next() >> 6)
    return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
  }

  /// `np.random.randn()` / `standard_normal` (`legacy_gauss`): Marsaglia's polar method.
  ///
  /// If a value is cached, returns it and clears the cache. Otherwise repeats
  /// `x1 = 2·u − 1`, `x2 = 2·u − 1` (u from ``nextUniform()``, x1 first),
  /// `r2 = x1² + x2²` until `0 < r2 < 1`; then `f = √(−2·log(r2) / r2)`,
  /// caches `f·x1` and returns `f·x2`. The cache survives interleaved uniform draws,
  /// as in NumPy. `log` is the C library's.
  public mutating func nextGaussian() -> Double {
    if let cached = cachedGaussian {
      cachedGaussian = nil
      return cached
    }
    let pair = polarGaussianPair(log: { Double.log($0) })
    cachedGaussian = pair.first
    return pair.second
  }

  /// A uniform integer in 0…`max` (`random_interval`, as legacy `shuffle` and
  /// `permutation` use it), by bitmask rejection.
  ///
  /// With `mask` the smallest 2ᵏ − 1 ≥ `max`, draws `value = word & mask` until
  /// `value ≤ max`: one 32-bit word per try when `max` ≤ 2³² − 1, else a 64-bit
  /// ``next()`` per try. Draws nothing when `max` is 0.
  public mutating func nextInterval(upTo max: UInt64) -> UInt64 {
    if max == 0 { return 0 }
    var mask = max
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    if max <= UInt64(UInt32.max) {
      while true {
        let value = UInt64(twister.next()) & mask
        if value <= max { return value }
      }
    }
    while true {
      let value = next() & mask
      if value <= max { return value }
    }
  }

  /// `np.random.randint(range.lowerBound, range.upperBound)` (default int64 dtype):
  /// `low + nextInterval(upTo: high − 1 − low)`, by masked rejection as legacy
  /// `randint` does; draws nothing when the range holds one value.
  ///
  /// - Precondition: the range is not empty (NumPy raises "low >= high").
  public mutating func randint(_ range: Range<Int>) -> Int {
    precondition(!range.isEmpty, "randint needs a non-empty range")
    let span = UInt64(bitPattern: Int64(range.upperBound &- 1 &- range.lowerBound))
    return range.lowerBound &+ Int(truncatingIfNeeded: nextInterval(upTo: span))
  }

  /// `RandomState.shuffle`: for i = n−1 down to 1, swaps elements i and
  /// `nextInterval(upTo: i)`. ``permutation(_:)`` on this generator is
  /// `np.random.permutation(n)`.
  public mutating func shuffle<Element>(_ elements: inout [Element]) {
    guard elements.count > 1 else { return }
    for i in stride(from: elements.count - 1, through: 1, by: -1) {
      let j = Int(nextInterval(upTo: UInt64(i)))
      elements.swapAt(i, j)
    }
  }
}
