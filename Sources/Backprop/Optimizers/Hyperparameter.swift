/// The checks every optimizer makes on its hyperparameters, each error naming
/// the parameter and the value.
enum Hyperparameter {
  /// α must be positive and finite.
  static func learningRate<Scalar: MatrixScalar>(_ alpha: Scalar) throws(ConfigurationError) -> Scalar {
    guard alpha > 0, alpha.isFinite else {
      throw ConfigurationError(
        parameter: "learningRate", "\(alpha) is not usable: the learning rate must be a positive finite number")
    }
    return alpha
  }

  /// A decay rate of a moving average (β, β₁, β₂, μ) must lie in [0, 1).
  static func decayRate<Scalar: MatrixScalar>(
    _ beta: Scalar, parameter: String, name: String
  ) throws(ConfigurationError) -> Scalar {
    guard beta >= 0, beta < 1 else {
      throw ConfigurationError(
        parameter: parameter, "\(beta) is not usable: \(name) must be at least 0 and below 1 (0.9 is usual)")
    }
    return beta
  }

  /// ε must be positive and finite.
  static func epsilon<Scalar: MatrixScalar>(_ epsilon: Scalar) throws(ConfigurationError) -> Scalar {
    guard epsilon > 0, epsilon.isFinite else {
      throw ConfigurationError(
        parameter: "epsilon", "\(epsilon) is not usable: ε must be a positive finite number (1e-8 is usual)")
    }
    return epsilon
  }

  /// λ must be finite and at least 0, and α·λ below 1 (else W·(1 − α·λ) flips W's sign).
  static func weightDecay<Scalar: MatrixScalar>(
    _ lambda: Scalar, learningRate alpha: Scalar
  ) throws(ConfigurationError) -> Scalar {
    guard lambda >= 0, lambda.isFinite else {
      throw ConfigurationError(
        parameter: "weightDecay", "\(lambda) is not usable: the weight decay must be a finite number, 0 or more")
    }
    guard alpha * lambda < 1 else {
      throw ConfigurationError(
        parameter: "weightDecay",
        "\(lambda) is too large for learning rate \(alpha): α·λ must be below 1, or W·(1 − α·λ) changes sign")
    }
    return lambda
  }
}
