/// A Python literal, as found in a `.npy` header: the subset of
/// `ast.literal_eval` that NumPy writes (strings, integers, True, False,
/// None, tuples, lists, dicts), parsed by a small recursive-descent parser.
indirect enum PythonLiteral: CustomStringConvertible {
  case string(String)
  case int(Int)
  case bool(Bool)
  case none
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case dict([(key: PythonLiteral, value: PythonLiteral)])

  /// A syntax error: what was expected and the character offset.
  struct SyntaxError: Error, CustomStringConvertible {
    var problem: String
    var offset: Int
    var description: String { "\(problem) at character \(offset)" }
  }

  /// The value written in `text`, which may have spaces and newlines around it.
  ///
  /// - Throws: ``SyntaxError`` for anything but one well-formed literal.
  static func parse(_ text: String) throws(SyntaxError) -> PythonLiteral {
    var parser = Parser(characters: Array(text.unicodeScalars))
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.position == parser.characters.count else {
      throw parser.error("unexpected \(parser.current) after the value")
    }
    return value
  }

  /// Python's `repr` of the value.
  var description: String {
    switch self {
    case .string(let s): "'\(s)'"
    case .int(let n): String(n)
    case .bool(let b): b ? "True" : "False"
    case .none: "None"
    case .tuple(let items):
      items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
    case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .dict(let entries): "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
  }

  private struct Parser {
    let characters: [Unicode.Scalar]
    var position = 0
    /// Deeper nesting than this is refused rather than risking the stack.
    static let maxDepth = 32

    var current: String {
      position < characters.count ? "'\(Character(characters[position]))'" : "end of text"
    }

    func error(_ problem: String) -> SyntaxError { SyntaxError(problem: problem, offset: position) }

    mutating func skipSpace() {
      while position < characters.count, [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"].contains(characters[position]) {
        position += 1
      }
    }

    /// Skips spaces and consumes `c` if it is next.
    mutating func take(_ c: Unicode.Scalar) -> Bool {
      skipSpace()
      guard position < characters.count, characters[position] == c else { return false }
      position += 1
      return true
    }

    mutating func value(depth: Int) throws(SyntaxError) -> PythonLiteral {
      guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
      skipSpace()
      guard position < characters.count else { throw error("expected a value, found end of text") }
      let c = characters[position]
      switch c {
      case "'", "\"": return .string(try string())
      case "(":
        position += 1
        let (items, trailingComma) = try sequence(until: ")", depth: depth)
        // `(x)` is just x; `(x,)` and `()` are tuples.
        return items.count == 1 && !trailingComma ? items[0] : .tuple(items)
      case "[":
        position += 1
        return .list(try sequence(until: "]", depth: depth).items)
      case "{":
        position += 1
        return try dict(depth: depth)
      case "-", "+", "0"..."9": return .int(try integer())
      default:
        for (word, literal) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
        where matches(word) {
          position += word.unicodeScalars.count
          return literal
        }
        throw error("unexpected \(current)")
      }
    }

    func matches(_ word: String) -> Bool {
      let scalars = Array(word.unicodeScalars)
      guard characters.count - position >= scalars.count,
        Array(characters[position..<(position + scalars.count)]) == scalars
      else { return false }
      // Not the start of a longer name such as `Truest`.
      let end = position + scalars.count
      return end == characters.count || !(characters[end].properties.isAlphabetic || characters[end] == "_")
    }

    /// Comma-separated values up to `close`; whether the last one had a trailing comma.
    mutating func sequence(until close: Unicode.Scalar, depth: Int) throws(SyntaxError) -> (
      items: [PythonLiteral], trailingComma: Bool
    ) {
      var items = [PythonLiteral]()
      var trailingComma = false
      while true {
        if take(close) { return (items, trailingComma) }
        if !items.isEmpty && !trailingComma { throw error("expected ',' or '\(close)', found \(current)") }
        items.append(try value(depth: depth + 1))
        trailingComma = take(",")
      }
    }

    mutating func dict(depth: Int) throws(SyntaxError) -> PythonLiteral {
      var entries = [(key: PythonLiteral, value: PythonLiteral)]()
      var trailingComma = false
      while true {
        if take("}") { return .dict(entries) }
        if !entries.isEmpty && !trailingComma { throw error("expected ',' or '}', found \(current)") }
        let key = try value(depth: depth + 1)
        guard take(":") else { throw error("expected ':' after the key \(key), found \(current)") }
        let item = try value(depth: depth + 1)
        entries.append((key, item))
        trailingComma = take(",")
      }
    }

    mutating func string() throws(SyntaxError) -> String {
      let quote = characters[position]
      let start = position
      position += 1
      var scalars = String.UnicodeScalarView()
      while position < characters.count {
        let c = characters[position]
        position += 1
        if c == quote { return String(scalars) }
        if c == "\n" { break }
        if c == "\\" {
          guard position < characters.count else { break }
          let escaped = characters[position]
          position += 1
          switch escaped {
          case "n": scalars.append("\n")
          case "t": scalars.append("\t")
          case "r": scalars.append("\r")
          case "0": scalars.append("\0")
          case "\\", "'", "\"": scalars.append(escaped)
          default:
            scalars.append("\\")
            scalars.append(escaped)
          }
          continue
        }
        scalars.append(c)
      }
      throw SyntaxError(problem: "unterminated string", offset: start)
    }

    mutating func integer() throws(SyntaxError) -> Int {
      let start = position
      var negative = false
      if characters[position] == "-" || characters[position] == "+" {
        negative = characters[position] == "-"
        position += 1
        skipSpace()
      }
      var value = 0
      var digits = 0
      while position < characters.count, (48...57).contains(characters[position].value) {
        let digit = Int(characters[position].value) - 48
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(digit)
        guard !o1, !o2 else { throw SyntaxError(problem: "integer too large", offset: start) }
        value = sum
        digits += 1
        position += 1
      }
      guard digits > 0 else { throw error("expected digits, found \(current)") }
      // Python 2 long suffix, which NumPy still accepts in version 1.0 and 2.0 headers.
      if position < characters.count, characters[position] == "L" || characters[position] == "l" { position += 1 }
      if position < characters.count, characters[position] == "." || characters[position] == "e" {
        throw error("floating-point numbers are not supported")
      }
      return negative ? -value : value
    }
  }
}
