/// The natural logarithm by fdlibm's `__ieee754_log` (Sun Microsystems, 1993), in plain
/// IEEE 754 double arithmetic, so that it gives the same bits on every platform.
///
/// ``DefaultGenerator`` uses it instead of the C library's `log` (whose last bit differs
/// between glibc, Apple's libm and others) so that its Gaussian stream depends only on
/// the seed. The error is below 1 ulp.
///
/// Algorithm: write x = 2ᵏ·(1 + f) with √2/2 < 1 + f < √2; then
/// log(1 + f) = 2·atanh(s) with s = f/(2 + f), computed as
/// f − (f²/2 − s·(f²/2 + R(s²))), where R is fdlibm's degree-14 minimax polynomial
/// Lg1·z + … + Lg7·z⁷ in z = s²; finally log x = k·ln2_hi + (log(1 + f) + k·ln2_lo),
/// with ln 2 split so that k·ln2_hi is exact.
///
/// Special values: log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞, log(NaN) = NaN.
enum PortableLog {
  static let ln2Hi = Double(bitPattern: 0x3fe6_2e42_fee0_0000)  // 6.93147180369123816490e-01
  static let ln2Lo = Double(bitPattern: 0x3dea_39ef_3579_3c76)  // 1.90821492927058770002e-10
  static let two54 = Double(bitPattern: 0x4350_0000_0000_0000)  // 2⁵⁴
  static let lg1 = Double(bitPattern: 0x3fe5_5555_5555_5593)  // 6.666666666666735130e-01
  static let lg2 = Double(bitPattern: 0x3fd9_9999_9997_fa04)  // 3.999999999940941908e-01
  static let lg3 = Double(bitPattern: 0x3fd2_4924_9422_9359)  // 2.857142874366239149e-01
  static let lg4 = Double(bitPattern: 0x3fcc_71c5_1d8e_78af)  // 2.222219843214978396e-01
  static let lg5 = Double(bitPattern: 0x3fc7_4664_96cb_03de)  // 1.818357216161805012e-01
  static let lg6 = Double(bitPattern: 0x3fc3_9a09_d078_c69f)  // 1.531383769920937332e-01
  static let lg7 = Double(bitPattern: 0x3fc2_f112_df3e_5244)  // 1.479819860511658591e-01

  /// log(x), bit-identical on every platform with IEEE 754 doubles.
  static func log(_ input: Double) -> Double {
    var x = input
    var hx = Int32(truncatingIfNeeded: x.bitPattern >> 32)  // high word, signed
    let lx = UInt32(truncatingIfNeeded: x.bitPattern)  // low word
    var k: Int32 = 0
    if hx < 0x0010_0000 {  // x < 2⁻¹⁰²², zero, or negative
      if (UInt32(bitPattern: hx) & 0x7fff_ffff) | lx == 0 { return -.infinity }
      if hx < 0 { return .nan }
      k -= 54
      x *= two54  // subnormal: scale up
      hx = Int32(truncatingIfNeeded: x.bitPattern >> 32)
    }
    if hx >= 0x7ff0_0000 { return x + x }  // +∞ or NaN
    k += (hx >> 20) - 1023
    hx &= 0x000f_ffff
    let i = (hx &+ 0x95f64) & 0x10_0000
    // Normalise x to [√2/2, √2): exponent 0, or −1 when the mantissa is above √2.
    let high = UInt64(UInt32(bitPattern: hx | (i ^ 0x3ff0_0000)))
    x = Double(bitPattern: (high << 32) | (x.bitPattern & 0xffff_ffff))
    k += i >> 20
    let f = x - 1.0
    let dk = Double(k)
    if (0x000f_ffff & (2 &+ hx)) < 3 {  // |f| < 2⁻²⁰
      if f == 0 { return k == 0 ? 0 : dk * ln2Hi + dk * ln2Lo }
      let r = f * f * (0.5 - 0.33333333333333333 * f)
      return k == 0 ? f - r : dk * ln2Hi - ((r - dk * ln2Lo) - f)
    }
    let s = f / (2.0 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (lg2 + w * (lg4 + w * lg6))
    let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
    let r = t2 + t1
    if ((hx &- 0x6147a) | (0x6b851 &- hx)) > 0 {
      let hfsq = 0.5 * f * f
      return k == 0
        ? f - (hfsq - s * (hfsq + r))
        : dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
    } else {
      return k == 0
        ? f - s * (f - r)
        : dk * ln2Hi - ((s * (f - r) - dk * ln2Lo) - f)
    }
  }
}
