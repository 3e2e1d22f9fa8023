/// IEEE 754 binary16 (NumPy's float16) conversions done by hand, since Swift's
/// `Float16` is unavailable on some platforms (macOS on Intel).
enum HalfFloat {
  /// The value of the half-precision bit pattern `bits`, exactly.
  static func double(fromBits bits: UInt16) -> Double {
    let negative = bits & 0x8000 != 0
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Double(bits & 0x3FF)
    let magnitude: Double
    switch exponent {
    case 0: magnitude = fraction * 0x1p-24  // zero and subnormals
    case 31: magnitude = fraction == 0 ? .infinity : .nan
    default: magnitude = (1024 + fraction) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
    }
    return negative ? -magnitude : magnitude
  }

  /// The half-precision bit pattern nearest to `value` (ties to even), ±∞ when
  /// it is too large, as NumPy's `astype(np.float16)` rounds.
  static func bits(from value: Double) -> UInt16 {
    let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
    if value.isNaN { return sign | 0x7E00 }
    let magnitude = value.magnitude
    // 65520 is halfway between 65504 (the largest half) and 65536: ties to even go up, to ∞.
    if magnitude >= 65520 { return sign | 0x7C00 }
    if magnitude < 0x1p-14 {
      // Subnormal: a multiple of 2⁻²⁴; 1024 rounds up to the smallest normal, whose bits are also 1024.
      return sign | UInt16((magnitude * 0x1p24).rounded(.toNearestOrEven))
    }
    var exponent = Int(magnitude.exponent)
    var significand = (magnitude * Double(sign: .plus, exponent: 10 - exponent, significand: 1))
      .rounded(.toNearestOrEven)  // 1024 ..< 2048, or 2048 after rounding up
    if significand == 2048 {
      significand = 1024
      exponent += 1
    }
    if exponent > 15 { return sign | 0x7C00 }
    return sign | UInt16(exponent + 15) << 10 | UInt16(significand - 1024)
  }
}
