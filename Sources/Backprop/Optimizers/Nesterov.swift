/// Nesterov's accelerated gradient: momentum that looks ahead, in the form
/// PyTorch's `SGD(momentum=μ, nesterov=True)` uses (Sutskever et al. 2013,
/// rewritten on the current parameters rather than the look-ahead point):
///
///     v = μ·v + dW                v starts at 0
///     W = W − α·(dW + μ·v)
///
/// The gradient is taken at the current W; the step is the gradient plus the
/// momentum the next step will carry, which is what evaluating the gradient at
/// the look-ahead point W − α·μ·v amounts to after the change of variables.
///
/// Unlike ``Momentum`` (the course's form), v sums gradients without the
/// factor (1 − β), as PyTorch does (PyTorch refuses dampening with Nesterov):
/// for the same α, the steps are about 1/(1 − μ) times ``Momentum``'s, so pick
/// a learning rate about (1 − μ) times smaller. Equal to PyTorch's step for step
/// (tested).
///
/// Defaults: μ = 0.9.
public struct Nesterov<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar
  /// μ, how much of the previous velocity is kept (`--momentum`).
  public let momentum: Scalar

  /// What Nesterov momentum remembers about one parameter.
  public struct State: Sendable, Hashable {
    /// v, PyTorch's `momentum_buffer`, the parameter's shape.
    public var velocity: Matrix<Scalar>

    public init(velocity: Matrix<Scalar>) { self.velocity = velocity }
  }

  /// - Throws: ``ConfigurationError`` naming `--learning-rate` unless α is positive
  ///   and finite, `--momentum` unless 0 ≤ μ < 1.
  public init(learningRate: Scalar, momentum: Scalar = 0.9) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.momentum = try Hyperparameter.decayRate(momentum, option: "--momentum", name: "the momentum μ")
  }

  /// v = 0, the parameter's shape.
  public func makeState(for parameter: Matrix<Scalar>) -> State {
    State(velocity: Matrix(parameter.shape))
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func stateTensors(_ state: State) -> [String: Matrix<Scalar>] { ["velocity": state.velocity] }

  public func restoreState(
    tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
  ) throws(DataError) -> State {
    State(velocity: try savedTensor(tensors, "velocity", for: parameter))
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    // v = μ·v + dW;  W = W − α·(dW + μ·v)
    Kernels.nesterovStep(
      &parameter, gradient: gradient, velocity: &state.velocity, learningRate: learningRate, momentum: momentum)
  }
}
