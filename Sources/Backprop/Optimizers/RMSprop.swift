/// RMSprop: divide each step by a running root mean square of the gradients,
/// the course's form (ε outside the square root, as in PyTorch's `RMSprop`):
///
///     s_dW = β₂·s_dW + (1 − β₂)·dW²       (elementwise square; s starts at 0)
///     W    = W − α·dW / (√s_dW + ε)
///
/// No bias correction, as in the course and PyTorch. Equal to PyTorch's
/// `RMSprop(lr=α, alpha=β₂, eps=ε)` step for step (tested).
///
/// Defaults are PyTorch's: β₂ = 0.99 (its `alpha`), ε = 1e-8.
public struct RMSprop<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar
  /// β₂, the decay of the squared-gradient average (`--beta2`).
  public let beta2: Scalar
  /// ε, keeps the division finite where s is 0 (`--epsilon`).
  public let epsilon: Scalar

  /// What RMSprop remembers about one parameter.
  public struct State: Sendable, Hashable {
    /// s_dW, the weighted average of squared gradients, the parameter's shape.
    public var squaredAverage: Matrix<Scalar>

    public init(squaredAverage: Matrix<Scalar>) { self.squaredAverage = squaredAverage }
  }

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α is positive
  ///   and finite, `beta2` unless 0 ≤ β₂ < 1, `epsilon` unless ε is positive and finite.
  public init(learningRate: Scalar, beta2: Scalar = 0.99, epsilon: Scalar = 1e-8) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.beta2 = try Hyperparameter.decayRate(beta2, parameter: "beta2", name: "β₂")
    self.epsilon = try Hyperparameter.epsilon(epsilon)
  }

  /// s = 0, the parameter's shape.
  public func makeState(for parameter: Matrix<Scalar>) -> State {
    State(squaredAverage: Matrix(parameter.shape))
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func stateTensors(_ state: State) -> [String: Matrix<Scalar>] { ["squaredAverage": state.squaredAverage] }

  public func restoreState(
    tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
  ) throws(DataError) -> State {
    State(squaredAverage: try savedTensor(tensors, "squaredAverage", for: parameter))
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    // s = β₂·s + (1 − β₂)·dW²;  W = W − α·dW / (√s + ε)
    Kernels.rmspropStep(
      &parameter, gradient: gradient, squaredAverage: &state.squaredAverage, learningRate: learningRate,
      beta2: beta2, epsilon: epsilon)
  }
}
