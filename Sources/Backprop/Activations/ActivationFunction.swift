import RealModule

/// Which activation a layer uses: a value you can store, print, parse and save.
///
/// Each case stands for one type of this folder (``Sigmoid``, ``ReLU`` …);
/// the layer turns the case into that type once per call, and the kernels run
/// specialised for it.
public enum ActivationFunction: Hashable, Sendable, Codable, CustomStringConvertible {
  /// g(z) = z.
  case identity
  /// g(z) = [z ≥ 0]; g' = 0, so it cannot learn by gradient descent (see ``BinaryStep``).
  case step
  /// The logistic σ(z) = 1 / (1 + e^(−z)).
  case sigmoid
  /// tanh(z).
  case tanh
  /// tan⁻¹(z).
  case arctan
  /// max(0, z).
  case relu
  /// z for z > 0, slope·z otherwise; slope fixed.
  case leakyReLU(slope: Double)
  /// z for z > 0, αᵢ·z otherwise; α learned per unit, starting at `initialAlpha`.
  case prelu(initialAlpha: Double)
  /// z for z > 0, α(e^z − 1) otherwise.
  case elu(alpha: Double)
  /// ln(1 + e^z).
  case softplus
  /// e^(zₖ) / Σⱼ e^(zⱼ) per column; output layer only.
  case softmax
  /// g and g' supplied by the user (see ``CustomActivation``).
  case custom(CustomActivation)

  /// The names the command line accepts for hidden layers, in the notes' order.
  public static let hiddenLayerNames = [
    "identity", "step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus", "leaky-relu",
  ]

  /// Parses a command-line name: `relu`, `leaky-relu`, `prelu`, `elu`,
  /// and the hyperparameterised forms `leaky-relu:0.1`, `elu:0.5`, `prelu:0.1`.
  ///
  /// - Throws: ``ConfigurationError`` naming `parameter` for an unknown name or a bad parameter.
  public init(name: String, parameter: String = "activation") throws(ConfigurationError) {
    if name.lowercased().hasPrefix("custom:") {
      self = .custom(try CustomActivation(parsing: String(name.dropFirst("custom:".count))))
      return
    }
    if let custom = CustomActivation.registered(name) {
      self = .custom(custom)
      return
    }
    let parts = name.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
    let base = parts.first ?? ""
    var argument: Double?
    if parts.count == 2 {
      guard let value = Double(parts[1]), value.isFinite else {
        throw ConfigurationError(parameter: parameter, "'\(name)': the parameter after ':' must be a finite number")
      }
      argument = value
    }
    switch base {
    case "identity", "linear": self = .identity
    case "step", "binary-step": self = .step
    case "sigmoid", "logistic": self = .sigmoid
    case "tanh": self = .tanh
    case "arctan", "atan": self = .arctan
    case "relu": self = .relu
    case "leaky-relu", "leakyrelu", "leaky_relu": self = .leakyReLU(slope: argument ?? 0.01)
    case "prelu": self = .prelu(initialAlpha: argument ?? PReLU.defaultInitialAlpha)
    case "elu": self = .elu(alpha: argument ?? 1)
    case "softplus": self = .softplus
    case "softmax": self = .softmax
    default:
      throw ConfigurationError(
        parameter: parameter,
        "unknown activation '\(name)'; choose one of \(Self.hiddenLayerNames.joined(separator: ", "))")
    }
    if argument != nil, !Self.takesParameter(base) {
      throw ConfigurationError(parameter: parameter, "'\(name)': \(base) takes no parameter")
    }
  }

  private static func takesParameter(_ base: String) -> Bool {
    ["leaky-relu", "leakyrelu", "leaky_relu", "prelu", "elu"].contains(base)
  }

  /// The command-line name, with its parameter when it is not the default.
  public var description: String {
    switch self {
    case .identity: "identity"
    case .step: "step"
    case .sigmoid: "sigmoid"
    case .tanh: "tanh"
    case .arctan: "arctan"
    case .relu: "relu"
    case .leakyReLU(let slope): slope == 0.01 ? "leaky-relu" : "leaky-relu:\(slope)"
    case .prelu(let alpha): alpha == PReLU.defaultInitialAlpha ? "prelu" : "prelu:\(alpha)"
    case .elu(let alpha): alpha == 1 ? "elu" : "elu:\(alpha)"
    case .softplus: "softplus"
    case .softmax: "softmax"
    case .custom(let activation): activation.description
    }
  }

  /// Whether the layer has a learned parameter besides W and b (PReLU's α).
  public var hasLearnedSlope: Bool {
    if case .prelu = self { return true }
    return false
  }
}

extension ActivationFunction {
  /// Encoded as its name (``description``), e.g. `"relu"`, `"elu:0.5"`, `"custom:softsign=…;…"`.
  public init(from decoder: any Decoder) throws {
    let name = try decoder.singleValueContainer().decode(String.self)
    do {
      try self.init(name: name)
    } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
