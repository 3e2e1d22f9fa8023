/// MT19937, the 32-bit Mersenne Twister of Matsumoto and Nishimura (1998),
/// seeded exactly as NumPy's legacy `np.random.seed` / `RandomState` seeds it.
///
/// The state is 624 words `key[0..<624]` and a position. When the position
/// reaches 624 the whole block is regenerated ("twisted"): for every i,
///
///     y      = (key[i] & 0x8000_0000) | (key[(i + 1) % 624] & 0x7fff_ffff)
///     key[i] = key[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 1 ? 0x9908_b0df : 0)
///
/// and each output is the next word, tempered:
///
///     y ^= y >> 11;  y ^= (y << 7) & 0x9d2c_5680
///     y ^= (y << 15) & 0xefc6_0000;  y ^= y >> 18
///
/// Seeding, as verified against NumPy 2.4 (`RandomState(s).get_state()`, all 624 words):
/// - an integer seed `s` in 0…2³²−1 uses `init_genrand`, ``init(seed:)``:
///   `key[0] = s`, `key[i] = 1812433253 · (key[i−1] ^ (key[i−1] >> 30)) + i` (mod 2³²);
/// - a 1-d array of at least two 32-bit words uses `init_by_array`, ``init(seedWords:)``.
///   (NumPy squeezes a one-element array to an integer, so `[s]` seeds like `s`.)
///
/// NumPy rejects integer seeds outside 0…2³²−1; it never splits a larger integer into words.
/// Either way the position starts at 624, so the first draw twists.
public struct MersenneTwister: Sendable, Hashable {
  /// The number of 32-bit words of state, N = 624.
  public static let stateCount = 624
  /// The twist offset, M = 397.
  static let shift = 397
  static let matrixA: UInt32 = 0x9908_b0df
  static let upperMask: UInt32 = 0x8000_0000
  static let lowerMask: UInt32 = 0x7fff_ffff

  /// The 624 state words, as `RandomState.get_state()[1]` reports them.
  public private(set) var key: [UInt32]
  /// The index of the next word to temper, 0…624, as `get_state()[2]` reports it.
  public private(set) var position: Int

  /// Seeds by `init_genrand`, as `np.random.seed(seed)` does for an integer seed:
  /// `key[0] = seed`, `key[i] = 1812433253 · (key[i−1] ^ (key[i−1] >> 30)) + i` (mod 2³²).
  public init(seed: UInt32) {
    var key = [UInt32](repeating: 0, count: Self.stateCount)
    key[0] = seed
    for i in 1..<Self.stateCount {
      let previous = key[i - 1]
      key[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
    }
    self.key = key
    self.position = Self.stateCount
  }

  /// Seeds by `init_by_array` (Matsumoto and Nishimura's 2002 reference code), as
  /// `np.random.seed(np.array(words))` does for an array of two or more words.
  ///
  /// Starting from `init_genrand(19650218)`, max(624, count) steps mix in the words
  /// (`key[i] = (key[i] ^ ((key[i−1] ^ (key[i−1] >> 30)) · 1664525)) + words[j] + j`),
  /// then 623 steps `key[i] = (key[i] ^ ((key[i−1] ^ (key[i−1] >> 30)) · 1566083941)) − i`,
  /// and finally `key[0] = 0x8000_0000`. All arithmetic is mod 2³².
  ///
  /// - Precondition: `words` is not empty (NumPy: "Seed must be non-empty").
  public init(seedWords words: [UInt32]) {
    precondition(!words.isEmpty, "init_by_array needs at least one word")
    self.init(seed: 19_650_218)
    let n = Self.stateCount
    var i = 1
    var j = 0
    for _ in 0..<max(n, words.count) {
      let previous = key[i - 1]
      key[i] = (key[i] ^ ((previous ^ (previous >> 30)) &* 1_664_525)) &+ words[j] &+ UInt32(j)
      i += 1
      j += 1
      if i >= n {
        key[0] = key[n - 1]
        i = 1
      }
      if j >= words.count { j = 0 }
    }
    for _ in 0..<(n - 1) {
      let previous = key[i - 1]
      key[i] = (key[i] ^ ((previous ^ (previous >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= n {
        key[0] = key[n - 1]
        i = 1
      }
    }
    key[0] = 0x8000_0000
    position = n
  }

  /// The next tempered 32-bit output (`mt19937_next`), twisting a new block every 624 draws.
  public mutating func next() -> UInt32 {
    if position >= Self.stateCount { twist() }
    var y = key[position]
    position += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c_5680
    y ^= (y << 15) & 0xefc6_0000
    y ^= y >> 18
    return y
  }

  /// Regenerates all 624 words (`mt19937_gen`) and resets the position to 0.
  mutating func twist() {
    let n = Self.stateCount
    let m = Self.shift
    key.withUnsafeMutableBufferPointer { key in
      for i in 0..<n {
        let y = (key[i] & Self.upperMask) | (key[(i + 1) % n] & Self.lowerMask)
        let odd: UInt32 = (y & 1) == 0 ? 0 : Self.matrixA
        key[i] = key[(i + m) % n] ^ (y >> 1) ^ odd
      }
    }
    position = 0
  }
}
