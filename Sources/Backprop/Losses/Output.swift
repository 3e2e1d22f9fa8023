/// The output layer's kind: its activation g[L] and the loss that goes with it.
///
/// | case | g[L] | loss | labels |
/// |---|---|---|---|
/// | `sigmoid` | σ | ``BinaryCrossEntropy`` | (n[L], m) of 0/1 |
/// | `softmax` | softmax | ``SoftmaxCrossEntropy`` | (1, m) class indices |
/// | `identity` | z | ``MeanSquaredError`` | (n[L], m) real targets |
///
/// Each pairing gives the notes' dZ[L] = A[L] − Y.
public enum Output: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  case sigmoid
  case softmax
  case identity

  /// The loss paired with this output.
  public var loss: any Loss {
    switch self {
    case .sigmoid: BinaryCrossEntropy()
    case .softmax: SoftmaxCrossEntropy()
    case .identity: MeanSquaredError()
    }
  }

  /// g[L].
  public var activation: ActivationFunction { loss.outputActivation }

  /// Whether the output classifies (accuracy) rather than regresses (mean squared error).
  public var isClassification: Bool { self != .identity }

  public var description: String { rawValue }

  /// Parses `sigmoid`, `softmax` or `identity` (also `linear`).
  /// - Throws: ``ConfigurationError`` naming `--output`.
  public init(name: String) throws(ConfigurationError) {
    switch name.lowercased() {
    case "sigmoid", "logistic": self = .sigmoid
    case "softmax": self = .softmax
    case "identity", "linear": self = .identity
    default:
      throw ConfigurationError(option: "--output", "unknown output '\(name)'; choose sigmoid, softmax or identity")
    }
  }
}
