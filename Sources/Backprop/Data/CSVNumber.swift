/// Strict, locale-independent parsing of one CSV cell as a decimal number.
///
/// The whole cell (less leading and trailing spaces and tabs) must be a
/// decimal number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`,
/// so "1e-3", "-2.5", "+3", ".5" and "7." parse, while "1,5", "0x10", "1_000",
/// "12abc" and "" do not. "nan", "inf" and "infinity" (any case, with a sign or
/// not) and numbers too large for a `Double` are recognised as non-finite.
///
/// Short numbers (up to 19 significant digits, mantissa at most 2⁵³ and a
/// power of ten within ±22) take Clinger's exact fast path, one correctly
/// rounded multiplication or division; others go through the standard
/// library's correctly rounded conversion.
enum CSVNumber {
  /// What a cell holds.
  enum Parsed: Equatable {
    /// A finite number.
    case finite(Double)
    /// NaN, an infinity, or a number beyond `Double`'s range.
    case nonFinite
    /// Nothing but spaces or tabs.
    case empty
    /// Text that is not a decimal number.
    case notANumber
  }

  /// 10⁰ … 10²², every one exact in a `Double`.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// `bytes` without leading and trailing spaces and tabs.
  @inline(__always)
  static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
    if start == 0 && end == bytes.count { return bytes }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  /// Parses the cell `bytes` (spaces and tabs around the number are ignored).
  static func parse(_ cell: UnsafeBufferPointer<UInt8>) -> Parsed {
    let bytes = trimmed(cell)
    let end = bytes.count
    guard end > 0 else { return .empty }
    var i = 0
    var negative = false
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
      negative = bytes[0] == UInt8(ascii: "-")
      i = 1
    }
    guard i < end else { return .notANumber }
    if bytes[i] | 0x20 == UInt8(ascii: "n") || bytes[i] | 0x20 == UInt8(ascii: "i") {
      return isNonFiniteName(bytes, from: i) ? .nonFinite : .notANumber
    }
    var mantissa: UInt64 = 0
    var significant = 0  // digits in `mantissa`, leading zeros excluded
    var exponent = 0  // the value is mantissa · 10^exponent
    var digits = 0  // all digits of the integer and fraction parts

    while i < end {
      let digit = bytes[i] &- 0x30
      guard digit < 10 else { break }
      if significant < 19 {
        mantissa = mantissa &* 10 &+ UInt64(digit)
        if mantissa != 0 { significant += 1 }
      } else {
        exponent += 1
        significant += 1
      }
      digits += 1
      i += 1
    }
    if i < end, bytes[i] == UInt8(ascii: ".") {
      i += 1
      while i < end {
        let digit = bytes[i] &- 0x30
        guard digit < 10 else { break }
        if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(digit)
          if mantissa != 0 { significant += 1 }
          exponent -= 1
        } else {
          significant += 1
        }
        digits += 1
        i += 1
      }
    }
    guard digits > 0 else { return .notANumber }
    if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      var exponentNegative = false
      if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        exponentNegative = bytes[i] == UInt8(ascii: "-")
        i += 1
      }
      var value = 0
      var exponentDigits = 0
      while i < end {
        let digit = bytes[i] &- 0x30
        guard digit < 10 else { break }
        if value < 100_000 { value = value * 10 + Int(digit) }
        exponentDigits += 1
        i += 1
      }
      guard exponentDigits > 0 else { return .notANumber }
      exponent += exponentNegative ? -value : value
    }
    guard i == end else { return .notANumber }

    // Clinger's fast path: both operands exact, so one rounding.
    if significant <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let value = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
      return .finite(negative ? -value : value)
    }
    // The syntax is checked, so this is a plain decimal; the standard library rounds it correctly.
    guard let value = Double(String(decoding: bytes, as: UTF8.self)) else { return .notANumber }
    return value.isFinite ? .finite(value) : .nonFinite
  }

  /// Whether `bytes[from...]` spells nan, inf or infinity, in any case.
  private static func isNonFiniteName(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    let count = bytes.count - start
    guard count == 3 || count == 8 else { return false }
    var lowered = [UInt8]()
    lowered.reserveCapacity(count)
    for k in start..<bytes.count { lowered.append(bytes[k] | 0x20) }
    return lowered == Array("nan".utf8) || lowered == Array("inf".utf8) || lowered == Array("infinity".utf8)
  }

  /// Whether the text is a number for header detection (finite or not).
  static func isNumberLike(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    switch parse(cell) {
    case .finite, .nonFinite: return true
    case .empty, .notANumber: return false
    }
  }
}
