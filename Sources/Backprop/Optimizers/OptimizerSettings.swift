/// An optimizer chosen at run time, with its hyperparameters: what
/// `--optimizer NAME --learning-rate α --momentum β --beta1 β₁ --beta2 β₂
/// --epsilon ε --weight-decay λ` describe.
///
/// The values are kept as Double; ``accept(_:)`` builds the concrete optimizer
/// for the visitor's scalar type and hands it to a generic method, so the
/// training code it runs is specialised for that optimizer (no existential
/// `any Optimizer` in the inner loop):
///
/// ```swift
/// struct Train: OptimizerVisitor {
///   typealias Scalar = Float
///   var network: Network<Float>
///   var x, y: Matrix<Float>
///   func visit<O: Optimizer>(_ optimizer: O) throws -> Network<Float> where O.Scalar == Float {
///     var network = network
///     try Trainer(optimizer: optimizer, iterations: 100).train(&network, x: x, y: y)
///     return network
///   }
/// }
/// let settings = OptimizerSettings.adam()   // every case has PyTorch's defaults
/// let tuned = OptimizerSettings.momentum(learningRate: 0.1)
/// let trained = try settings.accept(Train(network: network, x: x, y: y))
/// ```
public enum OptimizerSettings: Sendable, Hashable, Codable, CustomStringConvertible {
  /// ``GradientDescent``.
  case sgd(learningRate: Double = 0.001)
  /// ``Momentum``, the course's v = β·v + (1 − β)·dW.
  case momentum(learningRate: Double = 0.001, beta: Double = 0.9)
  /// ``Nesterov``, PyTorch's v = μ·v + dW, W −= α·(dW + μ·v).
  case nesterov(learningRate: Double = 0.001, momentum: Double = 0.9)
  /// ``RMSprop``.
  case rmsprop(learningRate: Double = 0.01, beta2: Double = 0.99, epsilon: Double = 1e-8)
  /// ``Adam``.
  case adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
  /// ``AdamW``.
  case adamw(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    weightDecay: Double = 0.01)

  /// The settings from a name (see ``OptimizerKind``) and the hyperparameters
  /// given, nil for those left out (they take PyTorch's defaults:
  /// the learning rate of ``OptimizerKind/defaultLearningRate``, momentum 0.9,
  /// β₁ 0.9, β₂ 0.999 (0.99 for RMSprop), ε 1e-8, weight decay 0.01).
  ///
  /// - Throws: ``ConfigurationError`` naming `optimizer` for an unknown name,
  ///   the hyperparameter given for a rule that does not take it (`beta1` with `sgd`),
  ///   or the one whose value cannot work (as the optimizers' initialisers check).
  public init(
    name: String, learningRate: Double? = nil, momentum: Double? = nil, beta1: Double? = nil,
    beta2: Double? = nil, epsilon: Double? = nil, weightDecay: Double? = nil
  ) throws(ConfigurationError) {
    let kind = try OptimizerKind(name: name)
    let given: [(String, Double?)] = [
      ("momentum", momentum), ("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon),
      ("weightDecay", weightDecay),
    ]
    for (parameter, value) in given where value != nil && !kind.parameters.contains(parameter) {
      let takers = OptimizerKind.allCases.filter { $0.parameters.contains(parameter) }.map(\.rawValue)
      throw ConfigurationError(
        parameter: parameter, "\(kind) does not take it; \(takers.joined(separator: ", ")) do")
    }
    let alpha = learningRate ?? kind.defaultLearningRate
    switch kind {
    case .sgd: self = .sgd(learningRate: alpha)
    case .momentum: self = .momentum(learningRate: alpha, beta: momentum ?? 0.9)
    case .nesterov: self = .nesterov(learningRate: alpha, momentum: momentum ?? 0.9)
    case .rmsprop: self = .rmsprop(learningRate: alpha, beta2: beta2 ?? 0.99, epsilon: epsilon ?? 1e-8)
    case .adam:
      self = .adam(learningRate: alpha, beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8)
    case .adamw:
      self = .adamw(
        learningRate: alpha, beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8,
        weightDecay: weightDecay ?? 0.01)
    }
    try validate()
  }

  /// Which rule.
  public var kind: OptimizerKind {
    switch self {
    case .sgd: .sgd
    case .momentum: .momentum
    case .nesterov: .nesterov
    case .rmsprop: .rmsprop
    case .adam: .adam
    case .adamw: .adamw
    }
  }

  /// α.
  public var learningRate: Double {
    switch self {
    case .sgd(let alpha), .momentum(let alpha, _), .nesterov(let alpha, _), .rmsprop(let alpha, _, _),
      .adam(let alpha, _, _, _), .adamw(let alpha, _, _, _, _):
      alpha
    }
  }

  /// The values by name, in order, for a model file's or a history's metadata:
  /// `learning_rate`, then those the rule takes of `momentum`, `beta1`, `beta2`,
  /// `epsilon`, `weight_decay` (the rule's name is ``kind``).
  public var hyperparameters: [(name: String, value: Double)] {
    switch self {
    case .sgd(let alpha): [("learning_rate", alpha)]
    case .momentum(let alpha, let beta): [("learning_rate", alpha), ("momentum", beta)]
    case .nesterov(let alpha, let mu): [("learning_rate", alpha), ("momentum", mu)]
    case .rmsprop(let alpha, let beta2, let epsilon):
      [("learning_rate", alpha), ("beta2", beta2), ("epsilon", epsilon)]
    case .adam(let alpha, let beta1, let beta2, let epsilon):
      [("learning_rate", alpha), ("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon)]
    case .adamw(let alpha, let beta1, let beta2, let epsilon, let lambda):
      [("learning_rate", alpha), ("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon), ("weight_decay", lambda)]
    }
  }

  /// `adam(learning_rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-08)`.
  public var description: String {
    "\(kind)(\(hyperparameters.map { "\($0.name) \($0.value)" }.joined(separator: ", ")))"
  }

  /// Builds the optimizer for the visitor's scalar type and calls
  /// ``OptimizerVisitor/visit(_:)`` with it.
  /// - Throws: ``ConfigurationError`` when a value does not survive the conversion
  ///   to the scalar type (ε = 1e-50 is 0 in Float), or what the visitor throws.
  public func accept<V: OptimizerVisitor>(_ visitor: V) throws -> V.Result {
    typealias S = V.Scalar
    switch self {
    case .sgd(let alpha):
      return try visitor.visit(GradientDescent(learningRate: S(alpha)))
    case .momentum(let alpha, let beta):
      return try visitor.visit(Momentum(learningRate: S(alpha), beta: S(beta)))
    case .nesterov(let alpha, let mu):
      return try visitor.visit(Nesterov(learningRate: S(alpha), momentum: S(mu)))
    case .rmsprop(let alpha, let beta2, let epsilon):
      return try visitor.visit(RMSprop(learningRate: S(alpha), beta2: S(beta2), epsilon: S(epsilon)))
    case .adam(let alpha, let beta1, let beta2, let epsilon):
      return try visitor.visit(Adam(learningRate: S(alpha), beta1: S(beta1), beta2: S(beta2), epsilon: S(epsilon)))
    case .adamw(let alpha, let beta1, let beta2, let epsilon, let lambda):
      return try visitor.visit(
        AdamW(learningRate: S(alpha), beta1: S(beta1), beta2: S(beta2), epsilon: S(epsilon), weightDecay: S(lambda)))
    }
  }

  /// Checks every value by building the Double optimizer.
  private func validate() throws(ConfigurationError) {
    do {
      _ = try accept(Validation())
    } catch let error as ConfigurationError {
      throw error
    } catch {
      preconditionFailure("building an optimizer threw \(error)")  // Validation itself throws nothing
    }
  }

  private struct Validation: OptimizerVisitor {
    typealias Scalar = Double
    func visit<O: Optimizer>(_ optimizer: O) where O.Scalar == Double {}
  }
}

/// A computation generic over the optimizer, run by ``OptimizerSettings/accept(_:)``
/// with the concrete optimizer a name chose: Swift has no generic closures, so
/// the body is a generic method (the visitor pattern).
public protocol OptimizerVisitor<Scalar> {
  /// The scalar type the optimizer is built for.
  associatedtype Scalar: MatrixScalar
  /// What the computation returns.
  associatedtype Result

  /// Runs the computation with `optimizer`.
  func visit<O: Optimizer>(_ optimizer: O) throws -> Result where O.Scalar == Scalar
}
