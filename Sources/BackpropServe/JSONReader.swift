import Backprop
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

/// Reads one JSON document (RFC 8259) from a request body as a ``JSONValue`` tree, with
/// Backprop's strict JSON scanner (the one the safetensors header reader walks), saying where
/// the body is malformed: `malformed JSON at byte 17: expected ',' or ']', found 'x'`.
/// Nesting is limited to ``maximumDepth`` levels, so no input can exhaust the stack.
enum JSONReader {
  /// The deepest nesting of arrays and objects read.
  static let maximumDepth = 64

  /// Reads `bytes` as one JSON value (whitespace around it allowed).
  /// - Throws: ``ServeError`` (400) naming the byte offset of the first error.
  static func read(_ bytes: [UInt8]) throws(ServeError) -> JSONValue {
    let result = bytes.withUnsafeBytes { buffer -> Result<JSONValue, JSONScanner.Failure> in
      var scanner = JSONScanner(buffer, base: 0, end: "the end of the body")
      return Result { () throws(JSONScanner.Failure) -> JSONValue in
        let value = try value(&scanner, depth: 1)
        guard scanner.isAtEnd() else {
          throw scanner.failure("only whitespace may follow the JSON value, found \(scanner.describeNext())")
        }
        return value
      }
    }
    switch result {
    case .success(let value): return value
    case .failure(let failure): throw .badRequest("malformed JSON at byte \(failure.offset): \(failure.message)")
    }
  }

  /// The next value, `depth` levels deep. Python's `json.dumps` writes the non-standard `NaN`,
  /// `Infinity` and `-Infinity`: they are read as numbers, so that the instance and feature
  /// holding one are named rather than a syntax error given.
  private static func value(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.Failure) -> JSONValue {
    if scanner.consume(word: "NaN") { return .number(.nan) }
    if scanner.consume(word: "Infinity") { return .number(.infinity) }
    if scanner.consume(word: "-Infinity") { return .number(-.infinity) }
    switch scanner.peekKind() {
    case .object:
      guard depth <= maximumDepth else { throw scanner.failure("nested deeper than \(maximumDepth) levels") }
      try scanner.beginObject()
      var members = [(key: String, value: JSONValue)]()
      var first = true
      while let (key, _) = try scanner.nextKey(first: &first) {
        members.append((key, try value(&scanner, depth: depth + 1)))
      }
      return .object(members)
    case .array:
      guard depth <= maximumDepth else { throw scanner.failure("nested deeper than \(maximumDepth) levels") }
      try scanner.beginArray()
      var elements = [JSONValue]()
      var first = true
      while try scanner.nextElement(first: &first) {
        elements.append(try value(&scanner, depth: depth + 1))
      }
      return .array(elements)
    case .string: return .string(try scanner.string())
    case .number: return .number(try scanner.double())
    case .boolean: return .bool(try scanner.boolean())
    case .null:
      guard scanner.consumeNull() else { throw scanner.failure("expected a value, found \(scanner.describeNext())") }
      return .null
    case nil: throw scanner.failure("expected a value, found \(scanner.describeNext())")
    }
  }
}
