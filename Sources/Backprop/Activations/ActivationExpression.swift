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

  /// The deepest a formula's tree may be: parentheses, calls, unary minuses, powers and chains
  /// of `+ - * /` all count, so that parsing, evaluating and freeing it stay well within the stack.
  public static let maximumDepth = 200

  /// Parses `text`.
  /// - Throws: ``ConfigurationError`` naming `parameter` and the position of the problem, including
  ///   a formula whose tree is deeper than ``maximumDepth`` levels.
  public init(_ text: String, parameter: String = "activation") throws(ConfigurationError) {
    var parser = Parser(characters: Array(text), parameter: parameter, text: text)
    root = try parser.expression().node
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
    let parameter: String
    let text: String

    init(characters: [Character], parameter: String, text: String) {
      self.characters = characters
      self.parameter = parameter
      self.text = text
    }

    /// The problem at the current character; a long formula is shown as the 60 characters around it.
    func failure(_ problem: String) -> ConfigurationError {
      var shown = text
      if characters.count > 80 {
        let start = max(0, min(position, characters.count) - 30)
        let end = min(characters.count, start + 60)
        shown = (start > 0 ? "…" : "") + String(characters[start..<end]) + (end < characters.count ? "…" : "")
      }
      return ConfigurationError(parameter: parameter, "'\(shown)', at character \(position + 1): \(problem)")
    }

    mutating func skipSpaces() {
      while position < characters.count, characters[position] == " " { position += 1 }
    }

    mutating func peek() -> Character? {
      skipSpaces()
      return position < characters.count ? characters[position] : nil
    }

    /// A parsed subtree and its height (a leaf is 1).
    typealias Parsed = (node: Node, height: Int)

    /// How deep the parser's own calls are: bounded before the height is known, so that
    /// `((((…` or `----…` cannot overflow the stack while it is being read.
    var nesting = 0

    /// Counts one more level of nesting at the current character.
    mutating func enter() throws(ConfigurationError) {
      nesting += 1
      guard nesting <= ActivationExpression.maximumDepth else { throw tooDeep() }
    }

    func tooDeep() -> ConfigurationError {
      failure(
        "the formula nests deeper than \(ActivationExpression.maximumDepth) levels (each parenthesis, call, unary minus "
          + "and power is a level, and so is each + - * / in a row)")
    }

    /// `node` of `height`, refused when it is deeper than the limit.
    func checked(_ node: Node, height: Int) throws(ConfigurationError) -> Parsed {
      guard height <= ActivationExpression.maximumDepth else { throw tooDeep() }
      return (node, height)
    }

    mutating func expression() throws(ConfigurationError) -> Parsed {
      try enter()
      defer { nesting -= 1 }
      var parsed = try term()
      while let c = peek(), c == "+" || c == "-" {
        position += 1
        let right = try term()
        parsed = try checked(.binary(c, parsed.node, right.node), height: 1 + max(parsed.height, right.height))
      }
      return parsed
    }

    mutating func term() throws(ConfigurationError) -> Parsed {
      var parsed = try unary()
      while let c = peek(), c == "*" || c == "/" {
        position += 1
        let right = try unary()
        parsed = try checked(.binary(c, parsed.node, right.node), height: 1 + max(parsed.height, right.height))
      }
      return parsed
    }

    mutating func unary() throws(ConfigurationError) -> Parsed {
      if peek() == "-" {
        position += 1
        try enter()
        defer { nesting -= 1 }
        let inner = try unary()
        return try checked(.negate(inner.node), height: 1 + inner.height)
      }
      return try power()
    }

    mutating func power() throws(ConfigurationError) -> Parsed {
      let base = try primary()
      if peek() == "^" {
        position += 1
        try enter()
        defer { nesting -= 1 }
        let exponent = try unary()
        return try checked(.binary("^", base.node, exponent.node), height: 1 + max(base.height, exponent.height))
      }
      return base
    }

    mutating func primary() throws(ConfigurationError) -> Parsed {
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
        return (.number(value), 1)
      }
      if c.isLetter {
        let start = position
        while position < characters.count, characters[position].isLetter || characters[position].isNumber {
          position += 1
        }
        let name = String(characters[start..<position]).lowercased()
        if name == "z" || name == "x" { return (.variable, 1) }
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
        return try checked(.call(name, arguments.map(\.node)), height: 1 + (arguments.map(\.height).max() ?? 0))
      }
      throw failure("unexpected '\(c)'")
    }
  }
}
