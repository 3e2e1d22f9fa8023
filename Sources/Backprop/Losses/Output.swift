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
  /// - Throws: ``ConfigurationError`` naming `output`.
  public init(name: String) throws(ConfigurationError) {
    switch name.lowercased() {
    case "sigmoid", "logistic": self = .sigmoid
    case "softmax": self = .softmax
    case "identity", "linear": self = .identity
    default:
      throw ConfigurationError(parameter: "output", "unknown output '\(name)'; choose sigmoid, softmax or identity")
    }
  }

  /// The output whose g[L] is `activation`, with its loss: sigmoid → binary
  /// cross-entropy, softmax → cross-entropy, identity → squared error.
  /// - Throws: ``ConfigurationError`` (option `output`) for an activation that is no output's.
  public init(lastActivation activation: ActivationFunction) throws(ConfigurationError) {
    switch activation {
    case .sigmoid: self = .sigmoid
    case .softmax: self = .softmax
    case .identity: self = .identity
    default:
      throw ConfigurationError(
        parameter: "output",
        "the last layer's activation \(activation) is not an output's; end with sigmoid, softmax or identity")
    }
  }
}

// Each case calls its concrete loss directly, so the compiler specialises the
// loss for the scalar type (a call through `any Loss` could not be).
extension Output {
  /// Checks that labels fit the output; see ``Loss/validate(labels:outputUnits:examples:)``.
  public func validate<Scalar: MatrixScalar>(
    labels y: Matrix<Scalar>, outputUnits: Int, examples m: Int
  ) throws(DataError) {
    switch self {
    case .sigmoid: try BinaryCrossEntropy().validate(labels: y, outputUnits: outputUnits, examples: m)
    case .softmax: try SoftmaxCrossEntropy().validate(labels: y, outputUnits: outputUnits, examples: m)
    case .identity: try MeanSquaredError().validate(labels: y, outputUnits: outputUnits, examples: m)
    }
  }

  /// J = (1/m) Σ w⁽ⁱ⁾ L(a⁽ⁱ⁾, y⁽ⁱ⁾); see ``Loss/cost(z:a:y:weights:)``.
  public func cost<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil
  ) -> Double {
    switch self {
    case .sigmoid: BinaryCrossEntropy().cost(z: z, a: a, y: y, weights: weights)
    case .softmax: SoftmaxCrossEntropy().cost(z: z, a: a, y: y, weights: weights)
    case .identity: MeanSquaredError().cost(z: z, a: a, y: y, weights: weights)
    }
  }

  /// dZ[L] = A[L] − Y; see ``Loss/outputGradient(a:y:into:)``.
  public func outputGradient<Scalar: MatrixScalar>(a: Matrix<Scalar>, y: Matrix<Scalar>, into dZ: inout Matrix<Scalar>)
  {
    switch self {
    case .sigmoid: BinaryCrossEntropy().outputGradient(a: a, y: y, into: &dZ)
    case .softmax: SoftmaxCrossEntropy().outputGradient(a: a, y: y, into: &dZ)
    case .identity: MeanSquaredError().outputGradient(a: a, y: y, into: &dZ)
    }
  }
}
