/// SplitMix64 (Steele, Lea and Flood, 2014), used to expand one 64-bit seed into the
/// 256-bit state of ``DefaultGenerator``, as Blackman and Vigna recommend.
///
/// Each output: `state += 0x9e3779b97f4a7c15`, then
/// `z = state; z = (z ^ (z >> 30)) · 0xbf58476d1ce4e5b9; z = (z ^ (z >> 27)) · 0x94d049bb133111eb;
/// return z ^ (z >> 31)` (all mod 2⁶⁴).
struct SplitMix64: Sendable {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
