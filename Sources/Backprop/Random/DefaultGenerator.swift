/// The project's own generator: xoshiro256** (Blackman and Vigna, 2018), seeded by SplitMix64.
///
/// Fast, 256 bits of state, period 2²⁵⁶ − 1, passes BigCrush and PractRand. Every
/// output is defined by integer and IEEE 754 arithmetic only (the Gaussian uses a port
/// of fdlibm's `log` rather than the C library's, whose last bit varies between libms),
/// so a seed gives the same stream on every platform.
///
/// ```swift
/// var rng = DefaultGenerator(seed: 42)
/// let w = Matrix<Float>.randomNormal(rows: 20, columns: 12288, using: &rng)
/// let order = rng.permutation(209)
/// ```
public struct DefaultGenerator: RandomGenerator, Hashable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// The second value of the last polar pair, returned by the next ``nextGaussian()``.
  private var cachedGaussian: Double?

  /// Seeds the state with four successive SplitMix64 outputs from `seed`
  /// (four distinct outputs of a bijection, so never all zero).
  public init(seed: UInt64) {
    var mixer = SplitMix64(seed: seed)
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
    cachedGaussian = nil
  }

  /// The next 64 bits (xoshiro256**):
  /// `result = rotl(s1 · 5, 7) · 9`; `t = s1 << 17`; `s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  /// s2 ^= t; s3 = rotl(s3, 45)`.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// A uniform draw in [0, 1) with 53 random bits: `(next() >> 11) · 2⁻⁵³`.
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal draw by Marsaglia's polar method, with the second value cached.
  ///
  /// If a value is cached, returns it. Otherwise repeats `x1 = 2·u − 1`, `x2 = 2·u − 1`
  /// (u from ``nextUniform()``), `r2 = x1² + x2²` until `0 < r2 < 1`; then
  /// `f = √(−2·log(r2) / r2)`, caches `f·x1` and returns `f·x2`. `log` is fdlibm's
  /// algorithm in portable arithmetic, so the result is the same everywhere.
  public mutating func nextGaussian() -> Double {
    if let cached = cachedGaussian {
      cachedGaussian = nil
      return cached
    }
    let pair = polarGaussianPair(log: PortableLog.log)
    cachedGaussian = pair.first
    return pair.second
  }

  /// A uniform integer in 0..<`bound` by Lemire's nearly divisionless method (2019):
  /// the high word of `next() · bound`, rejecting when the low word is below
  /// `2⁶⁴ mod bound`, so that every value is exactly equally likely.
  ///
  /// - Precondition: `bound > 0`.
  public mutating func nextBounded(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "the bound must be positive")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// Fisher–Yates: for i = n−1 down to 1, swaps elements i and `nextBounded(below: i + 1)`.
  public mutating func shuffle<Element>(_ elements: inout [Element]) {
    guard elements.count > 1 else { return }
    for i in stride(from: elements.count - 1, through: 1, by: -1) {
      let j = Int(nextBounded(below: UInt64(i + 1)))
      elements.swapAt(i, j)
    }
  }

  /// The generator's whole state, for checkpoints: the four words and the
  /// cached Gaussian's bits (nil when none is cached).
  public var state: (words: [UInt64], cachedGaussian: UInt64?) {
    ([s0, s1, s2, s3], cachedGaussian?.bitPattern)
  }

  /// A generator that continues exactly where one with this ``state`` left off.
  /// - Throws: ``DataError`` unless there are four words, not all zero.
  public init(state words: [UInt64], cachedGaussian: UInt64?) throws(DataError) {
    guard words.count == 4, words.contains(where: { $0 != 0 }) else {
      throw DataError("a generator state is four 64-bit words, not all zero; got \(words)")
    }
    (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    self.cachedGaussian = cachedGaussian.map(Double.init(bitPattern:))
  }

  private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
