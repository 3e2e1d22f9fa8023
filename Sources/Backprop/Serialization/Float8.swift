/// The 8-bit floats of safetensors (and PyTorch), decoded exactly.
enum Float8 {
  /// `F8_E5M2`: the top byte of an IEEE half (5 exponent bits, 2 fraction bits, ±∞, NaN).
  static func e5m2(_ byte: UInt8) -> Double {
    HalfFloat.double(fromBits: UInt16(byte) << 8)
  }

  /// `F8_E4M3` (`float8_e4m3fn`): 4 exponent bits with bias 7, 3 fraction bits,
  /// no infinities; S.1111.111 is NaN, so the largest value is 448.
  static func e4m3(_ byte: UInt8) -> Double {
    let exponent = Int((byte >> 3) & 0x0F)
    let fraction = Double(byte & 0x07)
    let magnitude: Double
    if exponent == 15 && byte & 0x07 == 0x07 {
      magnitude = .nan
    } else if exponent == 0 {
      magnitude = fraction * 0x1p-9  // zero and subnormals
    } else {
      magnitude = (8 + fraction) * Double(sign: .plus, exponent: exponent - 10, significand: 1)
    }
    return byte & 0x80 != 0 ? -magnitude : magnitude
  }

  /// `F8_E8M0` (`float8_e8m0fnu`): an unsigned power of two 2^(byte − 127); 0xFF is NaN.
  static func e8m0(_ byte: UInt8) -> Double {
    byte == 0xFF ? .nan : Double(sign: .plus, exponent: Int(byte) - 127, significand: 1)
  }
}
