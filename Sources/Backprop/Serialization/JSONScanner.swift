/// A strict JSON reader (RFC 8259) over UTF-8 bytes, for a parser that knows
/// the structure it expects and walks it value by value: nothing is built that
/// the caller does not ask for, and values it does not want are skipped
/// without being stored, so the memory used is bounded by what is kept.
///
/// Strict where JSON is: no leading zeros, no trailing commas, no comments,
/// no control characters inside strings, no lone surrogates in `\u` escapes.
/// Nesting is limited to ``maximumDepth`` levels, so hostile input cannot
/// exhaust the stack. Offsets in failures are counted from the start of the
/// file (`base` is the offset of the first byte given).
///
/// Package-wide: the safetensors header reader walks it field by field, `backprop serve`'s
/// request reader builds its values from it.
package struct JSONScanner {
  /// A syntax or type error at byte `offset` of the file.
  package struct Failure: Error {
    /// The byte of the file (or body) where the problem is.
    package var offset: Int
    /// What is wrong there.
    package var message: String
  }

  /// The kinds of JSON value, as named in messages.
  package enum Kind: String {
    case object = "an object"
    case array = "an array"
    case string = "a string"
    case number = "a number"
    case boolean = "a boolean"
    case null = "null"
  }

  /// A number: an unsigned integer (no sign, fraction or exponent) that fits
  /// 64 bits, or any other number as its text.
  package enum Number {
    case unsigned(UInt64)
    case other(String)
  }

  /// The deepest nesting of arrays and objects accepted (serde_json's limit).
  package static let maximumDepth = 128

  private let bytes: UnsafeRawBufferPointer
  private let base: Int
  /// The index in `bytes` of the next byte to read.
  private(set) var position = 0

  /// How messages name the end of the bytes ("the end of the header").
  private let end: String

  /// A scanner over `bytes`, which start at byte `base` of the file; `end` names their end in messages.
  package init(_ bytes: UnsafeRawBufferPointer, base: Int, end: String = "the end of the header") {
    self.bytes = bytes
    self.base = base
    self.end = end
  }

  /// The file offset of the next byte.
  package var offset: Int { base + position }

  /// Whether only whitespace is left.
  package mutating func isAtEnd() -> Bool {
    skipWhitespace()
    return position == bytes.count
  }

  /// A failure at the next byte (or at `at`, a file offset).
  package func failure(_ message: String, at: Int? = nil) -> Failure {
    Failure(offset: at ?? offset, message: message)
  }

  // MARK: Structure

  /// The kind of the next value (after whitespace), or nil at the end or before a byte no value starts with.
  package mutating func peekKind() -> Kind? {
    skipWhitespace()
    guard position < bytes.count else { return nil }
    switch bytes[position] {
    case UInt8(ascii: "{"): return .object
    case UInt8(ascii: "["): return .array
    case UInt8(ascii: "\""): return .string
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
    case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean
    case UInt8(ascii: "n"): return .null
    default: return nil
    }
  }

  /// Describes the next value for a message: "an array", or "end of header".
  package mutating func describeNext() -> String {
    if let kind = peekKind() { return kind.rawValue }
    if position == bytes.count { return end }
    return "'\(Self.printable(bytes[position]))'"
  }

  /// Consumes `{`.
  package mutating func beginObject() throws(Failure) {
    try expect(UInt8(ascii: "{"), "'{'")
  }

  /// The next key of an object begun with ``beginObject()`` and its file
  /// offset, having consumed the `:` after it; nil (having consumed `}`) at the end.
  package mutating func nextKey(first: inout Bool) throws(Failure) -> (key: String, offset: Int)? {
    skipWhitespace()
    if consume(UInt8(ascii: "}")) { return nil }
    if !first { try expect(UInt8(ascii: ","), "',' or '}'") }
    first = false
    skipWhitespace()
    let keyOffset = offset
    guard peekKind() == .string else { throw failure("expected a key (a string), found \(describeNext())") }
    let key = try string()
    try expect(UInt8(ascii: ":"), "':' after the key")
    return (key, keyOffset)
  }

  /// Consumes `[`.
  package mutating func beginArray() throws(Failure) {
    try expect(UInt8(ascii: "["), "'['")
  }

  /// Whether another element follows in an array begun with ``beginArray()``
  /// (having consumed the `,` before it); false, having consumed `]`, at the end.
  package mutating func nextElement(first: inout Bool) throws(Failure) -> Bool {
    skipWhitespace()
    if consume(UInt8(ascii: "]")) { return false }
    if !first { try expect(UInt8(ascii: ","), "',' or ']'") }
    first = false
    return true
  }

  /// Consumes `null` if it is next.
  package mutating func consumeNull() -> Bool {
    skipWhitespace()
    return consumeLiteral("null")
  }

  /// Skips one value of any kind, checking its syntax, without storing it;
  /// `depth` is the nesting the value is at (1 inside the top-level object).
  mutating func skipValue(depth: Int) throws(Failure) {
    // Iterative: `open` holds the closing bracket of each array or object entered.
    var open = [UInt8]()
    var firsts = [Bool]()
    repeat {
      skipWhitespace()
      // Within a container: its end, or the separator and key before the next value.
      if let closer = open.last {
        var first = firsts[firsts.count - 1]
        let more: Bool
        if closer == UInt8(ascii: "}") {
          more = try nextKey(first: &first) != nil
        } else {
          more = try nextElement(first: &first)
        }
        firsts[firsts.count - 1] = first
        if !more {
          open.removeLast()
          firsts.removeLast()
          continue
        }
      }
      switch peekKind() {
      case .object, .array:
        guard depth + open.count < Self.maximumDepth else {
          throw failure("nested more than \(Self.maximumDepth) levels deep")
        }
        let isObject = bytes[position] == UInt8(ascii: "{")
        position += 1
        open.append(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        firsts.append(true)
      case .string: _ = try string()
      case .number: _ = try number()
      case .boolean, .null:
        guard consumeLiteral("true") || consumeLiteral("false") || consumeLiteral("null") else {
          throw failure("invalid literal (expected true, false or null)")
        }
      case nil: throw failure("expected a value, found \(describeNext())")
      }
    } while !open.isEmpty
  }

  // MARK: Scalars

  /// A string (the next value must be one), its escapes decoded.
  ///
  /// The caller has checked that the bytes are valid UTF-8.
  package mutating func string() throws(Failure) -> String {
    skipWhitespace()
    let start = offset
    try expect(UInt8(ascii: "\""), "'\"'")
    var utf8 = [UInt8]()
    while true {
      guard position < bytes.count else { throw failure("unterminated string", at: start) }
      let byte = bytes[position]
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try escape(into: &utf8)
      case 0..<0x20:
        throw failure("control character 0x\(Self.hex(byte)) inside a string (it must be escaped)", at: offset - 1)
      default:
        utf8.append(byte)
      }
    }
  }

  /// Decodes the escape after a backslash.
  private mutating func escape(into utf8: inout [UInt8]) throws(Failure) {
    let start = offset - 1
    guard position < bytes.count else { throw failure("unterminated escape", at: start) }
    let letter = bytes[position]
    position += 1
    switch letter {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(letter)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      var value = try hexQuad(escapeAt: start)
      if (0xDC00...0xDFFF).contains(value) {
        throw failure("lone low surrogate \\u\(String(value, radix: 16)) in a string", at: start)
      }
      if (0xD800...0xDBFF).contains(value) {
        guard consumeLiteral("\\u") else {
          throw failure("lone high surrogate \\u\(String(value, radix: 16)) in a string", at: start)
        }
        let low = try hexQuad(escapeAt: offset - 2)
        guard (0xDC00...0xDFFF).contains(low) else {
          throw failure("high surrogate \\u\(String(value, radix: 16)) not followed by a low surrogate", at: start)
        }
        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
      }
      // Not a surrogate, or a valid pair: always a Unicode scalar.
      guard let scalar = Unicode.Scalar(value) else { throw failure("invalid \\u escape", at: start) }
      utf8.append(contentsOf: String(scalar).utf8)
    default:
      throw failure("invalid escape '\\\(Self.printable(letter))' in a string", at: start)
    }
  }

  /// The value of four hex digits after `\u`.
  private mutating func hexQuad(escapeAt start: Int) throws(Failure) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
        throw failure("\\u must be followed by four hex digits", at: start)
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  /// A number (the next value must be one), checked against JSON's grammar.
  package mutating func number() throws(Failure) -> Number {
    let (start, isUnsignedInteger) = try numberSpan()
    let text = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    if isUnsignedInteger {
      var value: UInt64 = 0
      var fits = true
      for byte in text where fits {
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
        fits = !o1 && !o2
        value = sum
      }
      if fits { return .unsigned(value) }
    }
    // The text for messages, shortened: a number may be megabytes of digits.
    let shown = String(decoding: text.prefix(40), as: UTF8.self) + (text.count > 40 ? "…" : "")
    return .other(shown)
  }

  /// A number (the next value must be one) as the nearest Double (±∞ beyond its range).
  package mutating func double() throws(Failure) -> Double {
    let (start, _) = try numberSpan()
    // JSON's grammar is a subset of what Double's parser reads, so every number converts.
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    guard let value = Double(text) else { throw failure("invalid number", at: base + start) }
    return value
  }

  /// `true` or `false` (the next value must be one).
  package mutating func boolean() throws(Failure) -> Bool {
    skipWhitespace()
    if consumeLiteral("true") { return true }
    if consumeLiteral("false") { return false }
    throw failure("expected true or false, found \(describeNext())")
  }

  /// Consumes `word` (after whitespace) if it is next: a caller's own token, such as `NaN`.
  package mutating func consume(word: StaticString) -> Bool {
    skipWhitespace()
    return consumeLiteral(word)
  }

  /// Consumes a number by JSON's grammar; returns where it starts and whether it is an
  /// unsigned integer (no sign, fraction or exponent).
  private mutating func numberSpan() throws(Failure) -> (start: Int, isUnsignedInteger: Bool) {
    skipWhitespace()
    let start = position
    var isUnsignedInteger = true
    if consume(UInt8(ascii: "-")) { isUnsignedInteger = false }
    if consume(UInt8(ascii: "0")) {
      if position < bytes.count, Self.isDigit(bytes[position]) {
        throw failure("invalid number: leading zero", at: base + start)
      }
    } else {
      guard digits() > 0 else { throw failure("invalid number", at: base + start) }
    }
    if consume(UInt8(ascii: ".")) {
      isUnsignedInteger = false
      guard digits() > 0 else { throw failure("invalid number: no digit after '.'", at: base + start) }
    }
    if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
      isUnsignedInteger = false
      if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
      guard digits() > 0 else { throw failure("invalid number: no digit in the exponent", at: base + start) }
    }
    return (start, isUnsignedInteger)
  }

  // MARK: Bytes

  /// Skips JSON whitespace: space, tab, line feed, carriage return.
  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  /// Consumes `byte` if it is next (no whitespace skipped).
  private mutating func consume(_ byte: UInt8) -> Bool {
    guard position < bytes.count, bytes[position] == byte else { return false }
    position += 1
    return true
  }

  /// Consumes `literal` if it is next.
  private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard bytes.count - position >= count else { return false }
    let matches = literal.withUTF8Buffer { expected in
      (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
    }
    if matches { position += count }
    return matches
  }

  /// Skips whitespace, then consumes `byte` or fails saying `what` was expected.
  private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
    skipWhitespace()
    guard consume(byte) else { throw failure("expected \(what), found \(describeNext())") }
  }

  /// Consumes decimal digits, returning how many.
  private mutating func digits() -> Int {
    let start = position
    while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    return position - start
  }

  private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

  private static func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }

  /// A byte as it can be shown in a message: itself when printable ASCII, else `\xNN`.
  static func printable(_ byte: UInt8) -> String {
    (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + hex(byte)
  }
}
