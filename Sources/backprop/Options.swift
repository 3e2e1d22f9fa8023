import ArgumentParser
import Backprop
import Foundation

/// `--layers 12288,20,7,5,1`: the course's `layers_dims`.
struct LayerSizes: ExpressibleByArgument, CustomStringConvertible {
  var sizes: [Int]

  init(_ sizes: [Int]) { self.sizes = sizes }

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
    sizes = values.compactMap { $0 }
  }

  var description: String { sizes.map(String.init).joined(separator: ",") }
}

extension ActivationFunction: ExpressibleByArgument {
  public init?(argument: String) { try? self.init(name: argument) }
  public static var allValueStrings: [String] { hiddenLayerNames }
}

extension Output: ExpressibleByArgument {
  public init?(argument: String) { try? self.init(name: argument) }
}

extension Initializer: ExpressibleByArgument {}
extension GeneratorKind: ExpressibleByArgument {}

/// `--activation relu` (every hidden layer) or `--activation relu,tanh,relu` (one per hidden layer).
struct HiddenActivations: Equatable, CustomStringConvertible {
  /// One function, or one per hidden layer.
  var functions: [ActivationFunction]

  init(_ functions: [ActivationFunction]) { self.functions = functions }

  /// Splits at commas, except a `custom:` activation (its formulas hold commas of their own).
  /// - Throws: the library's error naming the unknown activation.
  init(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.lowercased().hasPrefix("custom:") {
      functions = [try ActivationFunction(name: trimmed)]
    } else {
      functions = try trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
        try ActivationFunction(name: $0.trimmingCharacters(in: .whitespaces))
      }
    }
  }

  /// g[1]…g[L-1]: one function repeated, or the list when it has one per hidden layer.
  /// - Throws: ``ConfigurationError`` naming `--activation` when a list's length is not `hiddenLayers`.
  func expanded(hiddenLayers: Int) throws(ConfigurationError) -> [ActivationFunction] {
    if functions.count == 1 { return Array(repeating: functions[0], count: hiddenLayers) }
    guard functions.count == hiddenLayers else {
      throw ConfigurationError(
        parameter: "--activation",
        "\(self) names \(functions.count) activations but the network has \(hiddenLayers) hidden "
          + "layer\(hiddenLayers == 1 ? "" : "s"); give one for all, or one per hidden layer")
    }
    return functions
  }

  var description: String { functions.map(\.description).joined(separator: ",") }
}

/// `--dtype float32|float64`.
enum DType: String, ExpressibleByArgument, CaseIterable {
  case float32
  case float64
}

/// The network's shape and how it starts: shared by `train` and `gradcheck`.
///
/// `--layers`, `--activation` and `--output` are optional here so that `train --init
/// model.safetensors` can take them from the model (and tell when one given conflicts);
/// ``layers``, ``activation`` and ``output`` read them with their defaults.
struct ArchitectureOptions: ParsableArguments {
  @Option(
    name: .customLong("layers"),
    help: ArgumentHelp(
      "Layer sizes n0,n1,…,nL (the course's layers_dims); n0 is the number of input features. Required, "
        + "except with train --init model.safetensors (the model's).",
      valueName: "n0,n1,…,nL"))
  var givenLayers: LayerSizes?

  @Option(
    name: .customLong("activation"),
    help: ArgumentHelp(
      "Hidden-layer activations g[1]…g[L-1]: one name for every hidden layer, or one per hidden layer separated by "
        + "commas (relu,tanh,relu). Names: identity, step, sigmoid, tanh, arctan, relu, prelu, elu, softplus, "
        + "leaky-relu. Parameters after a colon: leaky-relu:0.1, elu:0.5, prelu:0.1 (α's starting value). Your own, "
        + "with its derivative (checked against finite differences; never split at commas): "
        + "'custom:softsign=z/(1+abs(z));1/(1+abs(z))^2'. Default: relu.",
      valueName: "name[,name…]"),
    transform: { try HiddenActivations(parsing: $0) })
  var givenActivation: HiddenActivations?

  @Option(
    name: .customLong("output"),
    help: ArgumentHelp(
      "Output layer and loss: sigmoid (binary cross-entropy), softmax (cross-entropy over class indices), "
        + "identity (squared error, for regression). Default: sigmoid.", valueName: "name"))
  var givenOutput: Output?

  @Option(help: "Random seed for the initial parameters (and generated data).")
  var seed: UInt64 = 1

  /// n0,n1,…,nL (empty until given or taken from a model).
  var layers: LayerSizes { givenLayers ?? LayerSizes([]) }
  /// g[1] (every hidden layer's when one is given): relu unless given.
  var activation: ActivationFunction { givenActivation?.functions.first ?? .relu }

  /// g[1]…g[L-1] for `hiddenLayers` hidden layers: the one given for each, or one per layer.
  /// - Throws: ``ConfigurationError`` naming `--activation` when a list's length is not L−1.
  func activations(hiddenLayers: Int) throws -> [ActivationFunction] {
    try (givenActivation ?? HiddenActivations([.relu])).expanded(hiddenLayers: hiddenLayers)
  }
  /// The output: sigmoid unless given.
  var output: Output { givenOutput ?? .sigmoid }

  /// Throws the parser's message for a missing `--layers` (`hint` says what else would do).
  func requireLayers(hint: String = "") throws {
    if givenLayers == nil { throw ValidationError("Missing expected argument '--layers <n0,n1,…,nL>'" + hint) }
  }
}

/// The range a numeric option accepts, checked the same way by every command's
/// `validate()`: `try NumberRange.zeroOrMore.check(warmup, "--warmup")` throws
/// `--warmup -1: must be 0 or more`, naming the option and the value given.
/// NaN and ±∞ are out of every range (none of the options has a use for them).
enum NumberRange {
  /// 0, 1, 2, … (counts that may be zero: epochs, iterations, warm-up epochs); for
  /// real numbers, finite and ≥ 0 (λ, δ, weight decay).
  case zeroOrMore
  /// 1, 2, 3, … (sizes and counts that cannot be zero: batch size, threads, patience).
  case atLeastOne
  /// Finite and > 0 (learning rate, ε, clipping norm, thresholds).
  case positive
  /// Strictly between 0 and 1 (a fraction of the examples).
  case fraction
  /// In [0, 1): a dropout rate, a decay β.
  case belowOne
  /// Finite and ≠ 0 (a divisor).
  case nonZero

  /// Whether `value` lies in the range.
  func contains(_ value: Double) -> Bool {
    guard value.isFinite else { return false }
    switch self {
    case .zeroOrMore: return value >= 0
    case .atLeastOne: return value >= 1
    case .positive: return value > 0
    case .fraction: return value > 0 && value < 1
    case .belowOne: return value >= 0 && value < 1
    case .nonZero: return value != 0
    }
  }

  /// What the range asks for, after "must be".
  func requirement(integer: Bool) -> String {
    switch self {
    case .zeroOrMore: return integer ? "0 or more" : "a finite number, 0 or more"
    case .atLeastOne: return "at least 1"
    case .positive: return "a positive finite number"
    case .fraction: return "between 0 and 1 (e.g. 0.2 for 20%)"
    case .belowOne: return "at least 0 and below 1"
    case .nonZero: return "a finite non-zero number"
    }
  }

  /// Throws `OPTION VALUE: must be …` when `value` is given and out of range.
  func check(_ value: Int?, _ option: String) throws {
    if let value, !contains(Double(value)) {
      throw ValidationError("\(option) \(value): must be \(requirement(integer: true))")
    }
  }

  /// Throws `OPTION VALUE: must be …` when `value` is given and out of range.
  func check(_ value: Double?, _ option: String) throws {
    if let value, !contains(value) {
      throw ValidationError("\(option) \(value): must be \(requirement(integer: false))")
    }
  }
}

/// Negative numbers as option values, for every command: `--warmup -1` reaches the
/// parser as `--warmup=-1`. ArgumentParser reads a word starting with `-` as an
/// option name, so a negative value given as its own argument would be reported as
/// a missing value (and "-1" as an unknown option) instead of reaching the option's
/// range check. A negative number can never be an option's name, so a long option
/// followed by one is always that option and its value.
enum NegativeNumberArguments {
  /// `arguments` with each `--name NUMBER` (NUMBER negative) joined into `--name=NUMBER`.
  static func attached(_ arguments: [String]) -> [String] {
    var result = [String]()
    result.reserveCapacity(arguments.count)
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if isLongOptionName(argument), index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
        result.append(argument + "=" + arguments[index + 1])
        index += 2
      } else {
        result.append(argument)
        index += 1
      }
    }
    return result
  }

  /// `--name` without a value attached (`--` alone ends the options).
  static func isLongOptionName(_ argument: String) -> Bool {
    argument.hasPrefix("--") && argument.count > 2 && !argument.contains("=")
  }

  /// `-1`, `-0.5`, `-.5`, `-1e-3`, `-2000:` (a range), `-inf`, `-nan`: a minus sign, then
  /// a digit (or a point and a digit), or infinity or NaN.
  static func isNegativeNumber(_ argument: String) -> Bool {
    guard argument.hasPrefix("-") else { return false }
    let rest = argument.dropFirst()
    if let first = rest.first, first.isASCII, first.isNumber { return true }
    if rest.hasPrefix("."), let second = rest.dropFirst().first, second.isASCII, second.isNumber { return true }
    return ["inf", "infinity", "nan"].contains(rest.lowercased())
  }
}
