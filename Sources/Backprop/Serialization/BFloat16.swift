/// Brain float (bfloat16) conversions: the top 16 bits of an IEEE single, so
/// 8 exponent bits and 7 fraction bits.
enum BFloat16 {
  /// The value of the bfloat16 bit pattern `bits`, exactly.
  static func double(fromBits bits: UInt16) -> Double {
    Double(Float(bitPattern: UInt32(bits) << 16))
  }

  /// The bfloat16 bit pattern nearest to `value` (ties to even, rounding once
  /// directly from `Double`), ±∞ when it is too large, a quiet NaN for NaN. (PyTorch rounds a
  /// `Double` to `Float` first, which can differ in the last bit next to a tie; from a `Float`
  /// value both agree.)
  static func bits(from value: Double) -> UInt16 {
    let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
    if value.isNaN { return sign | 0x7FC0 }
    let magnitude = value.magnitude
    // The largest bfloat16 is (2 − 2⁻⁷)·2¹²⁷; from halfway to 2¹²⁸ on, the nearest is ∞.
    if magnitude >= (2 - 0x1p-8) * 0x1p127 { return sign | 0x7F80 }
    // A multiple of the spacing of bfloat16 values at this magnitude: 2⁻¹³³ below
    // the smallest normal 2⁻¹²⁶, else 2^(exponent − 7). Scaling by it is exact.
    let spacing =
      magnitude < 0x1p-126 ? 0x1p-133 : Double(sign: .plus, exponent: magnitude.exponent - 7, significand: 1)
    let rounded = (magnitude / spacing).rounded(.toNearestOrEven) * spacing
    // At most 8 significant bits and at most the largest bfloat16: exact as a Float.
    return sign | UInt16(truncatingIfNeeded: Float(rounded).bitPattern >> 16)
  }
}
