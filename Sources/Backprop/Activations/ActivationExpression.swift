import RealModule

/// A formula in z, for custom activations given as text: numbers, `z`, `+ - * / ^`,
/// parentheses, and the functions `exp log sqrt abs tanh sigmoid atan sin cos max min`
/// (`max(a, b)`). Parsed once into a tree, evaluated in Double.
///
///     z / (1 + abs(z))              softsign
///     1 / (1 + abs(z))^2            its derivative
public struct ActivationExpression: Sendable, Hashable, CustomStringConvertible {
  indirect enum Node: Sendable, Hashable {
    case number(Double)
    case variable
    case negate(Node)
    case binary(Character, Node, Node)
    case call(String, [Node])
  }

  let root: Node
  /// The text it was parsed from.
  public let text: String

  /// Parses `text`.
  /// - Throws: ``ConfigurationError`` naming `option` and the position of the problem.
  public init(_ text: String, option: String = "--activation custom:") throws(ConfigurationError) {
    var parser = Parser(characters: Array(text), option: option, text: text)
    root = try parser.expression()
    parser.skipSpaces()
    guard parser.position == parser.characters.count else {
      throw parser.failure("unexpected '\(parser.characters[parser.position])'")
    }
    self.text = text
  }

  public var description: String { text }

  /// The formula's value at z.
  public func callAsFunction(_ z: Double) -> Double { Self.evaluate(root, z) }

  static let functions: [String: Int] = [
    "exp": 1, "log": 1, "sqrt": 1, "abs": 1, "tanh": 1, "sigmoid": 1, "atan": 1, "sin": 1, "cos": 1, "max": 2, "min": 2,
  ]

  private static func evaluate(_ node: Node, _ z: Double) -> Double {
    switch node {
    case .number(let value): return value
    case .variable: return z
    case .negate(let inner): return -evaluate(inner, z)
    case .binary(let op, let l, let r):
      let (a, b) = (evaluate(l, z), evaluate(r, z))
      switch op {
      case "+": return a + b
      case "-": return a - b
      case "*": return a * b
      case "/": return a / b
      default:
        // A whole exponent works for a negative base too ((-2)^2 = 4), as people expect.
        if b == b.rounded(), Swift.abs(b) < 1_048_576 { return Double.pow(a, Int(b)) }
        return Double.pow(a, b)
      }
    case .call(let name, let arguments):
      let a = evaluate(arguments[0], z)
      switch name {
      case "exp": return Double.exp(a)
      case "log": return Double.log(a)
      case "sqrt": return a.squareRoot()
      case "abs": return Swift.abs(a)
      case "tanh": return Double.tanh(a)
      case "sigmoid": return 1 / (1 + Double.exp(-a))
      case "atan": return Double.atan(a)
      case "sin": return Double.sin(a)
      case "cos": return Double.cos(a)
      case "max": return Swift.max(a, evaluate(arguments[1], z))
      default: return Swift.min(a, evaluate(arguments[1], z))
      }
    }
  }

  /// Recursive descent: expression = term (('+'|'-') term)*, term = unary (('*'|'/') unary)*,
  /// unary = '-' unary | power, power = primary ('^' unary)?; so -z^2 = -(z^2) and 2^3^2 = 2^9.
  private struct Parser {
    let characters: [Character]
    var position = 0
    let option: String
    let text: String

    init(characters: [Character], option: String, text: String) {
      self.characters = characters
      self.option = option
      self.text = text
    }

    func failure(_ problem: String) -> ConfigurationError {
      ConfigurationError(option: option, "'\(text)', at character \(position + 1): \(problem)")
    }

    mutating func skipSpaces() {
      while position < characters.count, characters[position] == " " { position += 1 }
    }

    mutating func peek() -> Character? {
      skipSpaces()
      return position < characters.count ? characters[position] : nil
    }

    mutating func expression() throws(ConfigurationError) -> Node {
      var node = try term()
      while let c = peek(), c == "+" || c == "-" {
        position += 1
        node = .binary(c, node, try term())
      }
      return node
    }

    mutating func term() throws(ConfigurationError) -> Node {
      var node = try unary()
      while let c = peek(), c == "*" || c == "/" {
        position += 1
        node = .binary(c, node, try unary())
      }
      return node
    }

    mutating func unary() throws(ConfigurationError) -> Node {
      if peek() == "-" {
        position += 1
        return .negate(try unary())
      }
      return try power()
    }

    mutating func power() throws(ConfigurationError) -> Node {
      let base = try primary()
      if peek() == "^" {
        position += 1
        return .binary("^", base, try unary())
      }
      return base
    }

    mutating func primary() throws(ConfigurationError) -> Node {
      guard let c = peek() else { throw failure("the formula ends too early") }
      if c == "(" {
        position += 1
        let inner = try expression()
        guard peek() == ")" else { throw failure("expected ')'") }
        position += 1
        return inner
      }
      if c.isNumber || c == "." {
        let start = position
        while position < characters.count,
          characters[position].isNumber || characters[position] == "." || characters[position] == "e"
            || ((characters[position] == "-" || characters[position] == "+") && position > start
              && characters[position - 1] == "e")
        {
          position += 1
        }
        guard let value = Double(String(characters[start..<position])) else { throw failure("not a number") }
        return .number(value)
      }
      if c.isLetter {
        let start = position
        while position < characters.count, characters[position].isLetter || characters[position].isNumber {
          position += 1
        }
        let name = String(characters[start..<position]).lowercased()
        if name == "z" || name == "x" { return .variable }
        guard let arity = ActivationExpression.functions[name] else {
          throw failure(
            "unknown name '\(name)'; use z and \(ActivationExpression.functions.keys.sorted().joined(separator: ", "))")
        }
        guard peek() == "(" else { throw failure("\(name) needs its argument in parentheses") }
        position += 1
        var arguments = [try expression()]
        while peek() == "," {
          position += 1
          arguments.append(try expression())
        }
        guard peek() == ")" else { throw failure("expected ')' after \(name)'s arguments") }
        position += 1
        guard arguments.count == arity else { throw failure("\(name) takes \(arity) argument(s)") }
        return .call(name, arguments)
      }
      throw failure("unexpected '\(c)'")
    }
  }
}
