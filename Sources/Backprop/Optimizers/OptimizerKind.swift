/// The optimizers by name, as `--optimizer NAME` takes them.
///
/// | name | rule | hyperparameters (defaults) |
/// |---|---|---|
/// | `sgd` | ``GradientDescent`` | α |
/// | `momentum` | ``Momentum`` | α, `--momentum` β (0.9) |
/// | `nesterov` | ``Nesterov`` | α, `--momentum` μ (0.9) |
/// | `rmsprop` | ``RMSprop`` | α, `--beta2` β₂ (0.99), `--epsilon` ε (1e-8) |
/// | `adam` | ``Adam`` | α, `--beta1` β₁ (0.9), `--beta2` β₂ (0.999), `--epsilon` ε (1e-8) |
/// | `adamw` | ``AdamW`` | as Adam, and `--weight-decay` λ (0.01) |
///
/// The defaults are PyTorch's. ``OptimizerSettings`` holds a choice with its values.
public enum OptimizerKind: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  case sgd
  case momentum
  case nesterov
  case rmsprop
  case adam
  case adamw

  /// Parses a name, ignoring case: `sgd` (also `gd`, `gradient-descent`), `momentum`,
  /// `nesterov`, `rmsprop`, `adam`, `adamw`.
  /// - Throws: ``ConfigurationError`` naming `optimizer` and listing the names.
  public init(name: String) throws(ConfigurationError) {
    let key = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
    switch key {
    case "gd", "gradient-descent": self = .sgd
    default:
      guard let kind = OptimizerKind(rawValue: key) else {
        let names = Self.allCases.map(\.rawValue)
        throw ConfigurationError(
          parameter: "optimizer",
          "unknown optimizer '\(name)'; choose \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
      }
      self = kind
    }
  }

  public var description: String { rawValue }

  /// PyTorch's default learning rate for the rule: 0.01 for RMSprop, 0.001 otherwise.
  public var defaultLearningRate: Double {
    self == .rmsprop ? 0.01 : 0.001
  }

  /// The hyperparameters the rule takes besides `learningRate`, as
  /// ``OptimizerSettings/init(name:learningRate:momentum:beta1:beta2:epsilon:weightDecay:)`` names them.
  public var parameters: [String] {
    switch self {
    case .sgd: []
    case .momentum, .nesterov: ["momentum"]
    case .rmsprop: ["beta2", "epsilon"]
    case .adam: ["beta1", "beta2", "epsilon"]
    case .adamw: ["beta1", "beta2", "epsilon", "weightDecay"]
    }
  }
}
