import Foundation

/// A JSON value as the request parser reads it.
enum JSONValue: Sendable, Equatable {
  case object([(key: String, value: JSONValue)])
  case array([JSONValue])
  /// A number; also the non-standard `NaN`, `Infinity` and `-Infinity` that
  /// Python's `json.dumps` writes, so that they get a clear error rather than a syntax one.
  case number(Double)
  case string(String)
  case bool(Bool)
  case null

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.object(let a), .object(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.array(let a), .array(let b)): a == b
    case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    case (.null, .null): true
    default: false
    }
  }

  /// What the value is, for messages: "a string", "an object" …
  var kind: String {
    switch self {
    case .object: "an object"
    case .array: "an array"
    case .number: "a number"
    case .string: "a string"
    case .bool: "a boolean"
    case .null: "null"
    }
  }
}

/// Reads one JSON document (RFC 8259) from bytes, saying where it is malformed:
/// `malformed JSON at byte 17: expected ',' or ']' in an array, found 'x'`.
/// Nesting is limited to ``maximumDepth`` levels, so no input can exhaust the stack.
struct JSONReader {
  /// The deepest nesting of arrays and objects read.
  static let maximumDepth = 64

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  /// Reads `bytes` as one JSON value (whitespace around it allowed).
  /// - Throws: ``ServeError`` (400) naming the byte offset of the first error.
  static func read(_ bytes: [UInt8]) throws(ServeError) -> JSONValue {
    var reader = JSONReader(bytes: bytes)
    reader.skipWhitespace()
    let value = try reader.value()
    reader.skipWhitespace()
    if reader.index < bytes.count { throw reader.error("unexpected \(reader.found) after the JSON value") }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func error(_ message: String, at offset: Int? = nil) -> ServeError {
    .badRequest("malformed JSON at byte \(offset ?? index): \(message)")
  }

  /// The byte at the read position, for messages: `'x'`, `byte 0xff` or `the end of the body`.
  private var found: String {
    guard index < bytes.count else { return "the end of the body" }
    let byte = bytes[index]
    return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
  }

  private mutating func skipWhitespace() {
    while index < bytes.count,
      bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
    {
      index += 1
    }
  }

  private mutating func value() throws(ServeError) -> JSONValue {
    guard index < bytes.count else { throw error("expected a value, found the end of the body") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "N"): try literal("NaN"); return .number(.nan)
    case UInt8(ascii: "I"): try literal("Infinity"); return .number(.infinity)
    case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
      index += 1
      try literal("Infinity")
      return .number(-.infinity)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
    default: throw error("expected a value, found \(found)")
    }
  }

  private mutating func literal(_ word: StaticString) throws(ServeError) {
    let count = word.utf8CodeUnitCount
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
    guard index + count <= bytes.count, bytes[index..<(index + count)].elementsEqual(expected) else {
      throw error("expected a value, found \(found)")
    }
    index += count
  }

  private mutating func nest() throws(ServeError) {
    depth += 1
    if depth > Self.maximumDepth { throw error("nested deeper than \(Self.maximumDepth) levels") }
  }

  private mutating func object() throws(ServeError) -> JSONValue {
    try nest()
    index += 1
    var members = [(key: String, value: JSONValue)]()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in quotes, found \(found)")
      }
      let key = try string()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after the member name \"\(key)\", found \(found)")
      }
      index += 1
      skipWhitespace()
      members.append((key, try value()))
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or '}' in an object, found the end of the body") }
      if bytes[index] == UInt8(ascii: "}") { break }
      guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or '}' in an object, found \(found)") }
      index += 1
    }
    index += 1
    depth -= 1
    return .object(members)
  }

  private mutating func array() throws(ServeError) -> JSONValue {
    try nest()
    index += 1
    var elements = [JSONValue]()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try value())
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or ']' in an array, found the end of the body") }
      if bytes[index] == UInt8(ascii: "]") { break }
      guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or ']' in an array, found \(found)") }
      index += 1
    }
    index += 1
    depth -= 1
    return .array(elements)
  }

  /// A number by JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
  private mutating func number() throws(ServeError) -> Double {
    let start = index
    func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard isDigit(index) else { throw error("expected a digit in a number, found \(found)") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while isDigit(index) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard isDigit(index) else { throw error("expected a digit after '.' in a number, found \(found)") }
      while isDigit(index) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard isDigit(index) else { throw error("expected a digit in a number's exponent, found \(found)") }
      while isDigit(index) { index += 1 }
    }
    // The grammar above is a subset of what strtod reads, so the conversion takes every byte.
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    guard let value = Double(text) else { throw error("the number \(text) cannot be read", at: start) }
    return value
  }

  private mutating func string() throws(ServeError) -> String {
    let start = index
    index += 1
    var scalars = [UInt8]()
    while true {
      guard index < bytes.count else { throw error("a string is not closed", at: start) }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") { break }
      if byte < 0x20 { throw error("a control character (byte 0x\(String(byte, radix: 16))) inside a string") }
      if byte != UInt8(ascii: "\\") {
        scalars.append(byte)
        index += 1
        continue
      }
      index += 1
      guard index < bytes.count else { throw error("a string is not closed", at: start) }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape pairs a high surrogate with \(low)") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        // A lone surrogate becomes U+FFFD, as Foundation's reader does.
        scalars.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
      default: throw error("an unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string", at: index - 2)
      }
    }
    index += 1
    return String(decoding: scalars, as: UTF8.self)
  }

  private mutating func hex4() throws(ServeError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("a \\u escape needs four hex digits, found \(found)")
      }
      code = code << 4 | digit
      index += 1
    }
    return code
  }
}
