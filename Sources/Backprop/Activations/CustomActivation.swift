import Synchronization

/// An activation the user supplies: g and g', checked against each other when
/// it is made, so a wrong derivative is refused with the measured error rather
/// than silently training badly.
///
///     g'(z) ≈ (g(z + ε) − g(z − ε)) / 2ε     at z = −4, −3.63, …, 4 (ε = 10⁻⁵)
///
/// ```swift
/// let softsign = try CustomActivation(
///   name: "softsign", function: { $0 / (1 + abs($0)) }, derivative: { 1 / ((1 + abs($0)) * (1 + abs($0))) })
/// try CustomActivation.register(softsign)         // now `--activation softsign` and model files find it
/// let layer = try Dense<Float>(weight: w, bias: b, activation: .custom(softsign))
/// ```
///
/// From text (what the command line's `--activation custom:…` takes), a model file
/// keeps the formulas, so it loads anywhere:
///
/// ```swift
/// let softsign = try CustomActivation(parsing: "softsign = z/(1+abs(z)); 1/(1+abs(z))^2")
/// ```
public struct CustomActivation: Activation, Hashable, Sendable, CustomStringConvertible {
  /// Its name (letters, digits, '-' and '_').
  public let name: String
  /// g and g', in Double.
  public let function: @Sendable (Double) -> Double
  public let derivativeFunction: @Sendable (Double) -> Double
  /// The formulas, when it was made from text.
  public let formulas: (function: ActivationExpression, derivative: ActivationExpression)?

  /// The largest relative difference accepted between g' and the finite differences of g.
  public static let tolerance = 1e-4

  /// Checks `derivative` against `function` at `points` and keeps them.
  /// - Throws: ``ConfigurationError`` naming the activation, the point and the measured error.
  public init(
    name: String, function: @escaping @Sendable (Double) -> Double,
    derivative: @escaping @Sendable (Double) -> Double, checkingAt points: [Double] = Self.checkPoints
  ) throws(ConfigurationError) {
    try self.init(name: name, function: function, derivative: derivative, formulas: nil, points: points)
  }

  /// Parses `NAME = g(z); g'(z)` (see ``ActivationExpression``) and checks it.
  /// - Throws: ``ConfigurationError`` naming `activation`.
  public init(parsing text: String) throws(ConfigurationError) {
    let parameter = "activation"
    guard let equals = text.firstIndex(of: "="), let semicolon = text.firstIndex(of: ";"), equals < semicolon else {
      throw ConfigurationError(
        parameter: parameter, "'\(text)' is not 'NAME = g(z); g'(z)', e.g. 'softsign = z/(1+abs(z)); 1/(1+abs(z))^2'")
    }
    let name = text[..<equals].trimmingCharacters(in: .whitespaces)
    let g = try ActivationExpression(String(text[text.index(after: equals)..<semicolon]), parameter: parameter)
    let dg = try ActivationExpression(String(text[text.index(after: semicolon)...]), parameter: parameter)
    try self.init(name: name, function: { g($0) }, derivative: { dg($0) }, formulas: (g, dg), points: Self.checkPoints)
  }

  private init(
    name: String, function: @escaping @Sendable (Double) -> Double, derivative: @escaping @Sendable (Double) -> Double,
    formulas: (function: ActivationExpression, derivative: ActivationExpression)?, points: [Double]
  ) throws(ConfigurationError) {
    let parameter = "custom activation '\(name)'"
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
      throw ConfigurationError(parameter: parameter, "a name is letters, digits, '-' and '_'")
    }
    if (try? ActivationFunction(name: name)).map({ if case .custom = $0 { false } else { true } }) == true {
      throw ConfigurationError(parameter: parameter, "\(name) is a built-in activation's name")
    }
    let epsilon = 1e-5
    for z in points {
      let given = derivative(z)
      let measured = (function(z + epsilon) - function(z - epsilon)) / (2 * epsilon)
      guard given.isFinite, measured.isFinite else {
        throw ConfigurationError(parameter: parameter, "g or g' is not finite at z = \(z)")
      }
      let error = Swift.abs(given - measured) / Swift.max(1, Swift.abs(given), Swift.abs(measured))
      if error > Self.tolerance {
        throw ConfigurationError(
          parameter: parameter,
          "the derivative is wrong: at z = \(z), g'(z) = \(given) but (g(z+ε) − g(z−ε))/2ε = \(measured) "
            + "(relative error \(error), above \(Self.tolerance))")
      }
    }
    self.name = name
    self.function = function
    derivativeFunction = derivative
    self.formulas = formulas
  }

  /// Where the derivative is checked: −4 … 4 in steps of 0.37 (never exactly 0, where kinks sit).
  public static let checkPoints: [Double] = (0...21).map { -4 + 0.37 * Double($0) + 0.013 }

  public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { Scalar(function(Double(z))) }

  public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { Scalar(derivativeFunction(Double(z))) }

  /// `custom:NAME=g;g'` when made from text (self-contained), else the name.
  public var description: String {
    guard let formulas else { return name }
    return "custom:\(name)=\(formulas.function.text);\(formulas.derivative.text)"
  }

  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }

  // MARK: - Registry

  private static let registry = Mutex<[String: CustomActivation]>([:])

  /// Makes `activation` known by name to ``ActivationFunction/init(name:parameter:)`` (the
  /// command line, model files). Registering a name again replaces it.
  public static func register(_ activation: CustomActivation) {
    registry.withLock { $0[activation.name.lowercased()] = activation }
  }

  /// The activation registered under `name`.
  public static func registered(_ name: String) -> CustomActivation? {
    registry.withLock { $0[name.lowercased()] }
  }
}
