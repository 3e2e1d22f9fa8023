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

  /// v, PyTorch's `momentum_buffer`: the same state as ``Momentum``'s.
  public typealias State = Momentum<Scalar>.State

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α is positive
  ///   and finite, `momentum` unless 0 ≤ μ < 1.
  public init(learningRate: Scalar, momentum: Scalar = 0.9) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.momentum = try Hyperparameter.decayRate(momentum, parameter: "momentum", name: "the momentum μ")
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    // v = μ·v + dW;  W = W − α·(dW + μ·v)
    Kernels.nesterovStep(
      &parameter, gradient: gradient, velocity: &state.velocity, learningRate: learningRate, momentum: momentum)
  }
}
