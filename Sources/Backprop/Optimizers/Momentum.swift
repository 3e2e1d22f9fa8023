/// Gradient descent with momentum, the course's form: an exponentially
/// weighted average of the gradients, then a step along it.
///
///     v_dW = β·v_dW + (1 − β)·dW        v starts at 0
///     W    = W − α·v_dW
///
/// (and the same for b and PReLU's α). No bias correction: as the course says,
/// after about 1/(1 − β) steps the average has warmed up and practitioners do
/// not bother.
///
/// PyTorch's `SGD(momentum=β)` leaves out the (1 − β): its buffer is
/// v' = β·v' + dW, so v = (1 − β)·v', and this rule with learning rate α is
/// exactly PyTorch's with `lr = α·(1 − β)` (tested). With the same α, PyTorch's
/// steps are 1/(1 − β) times larger — 10× for β = 0.9.
///
/// Defaults: β = 0.9 (the course's and PyTorch's usual value).
public struct Momentum<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar
  /// β, how much of the previous velocity is kept (`--momentum`).
  public let beta: Scalar

  /// What momentum (and ``Nesterov``) remembers about one parameter.
  public struct State: ParameterState, Hashable {
    /// v_dW, the weighted average of past gradients (Nesterov: PyTorch's
    /// `momentum_buffer`), the parameter's shape.
    public var velocity: Matrix<Scalar>

    public init(velocity: Matrix<Scalar>) { self.velocity = velocity }

    /// v = 0, the parameter's shape.
    public init(startingAt parameter: Matrix<Scalar>) { velocity = Matrix(parameter.shape) }

    public var tensors: [String: Matrix<Scalar>] { ["velocity": velocity] }

    public init(
      tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
    ) throws(DataError) {
      velocity = try savedStateTensor(tensors, "velocity", for: parameter)
    }
  }

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α is positive
  ///   and finite, `momentum` unless 0 ≤ β < 1.
  public init(learningRate: Scalar, beta: Scalar = 0.9) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.beta = try Hyperparameter.decayRate(beta, parameter: "momentum", name: "the momentum β")
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    // v = β·v + (1 − β)·dW;  W = W − α·v
    Kernels.momentumStep(
      &parameter, gradient: gradient, velocity: &state.velocity, learningRate: learningRate, beta: beta)
  }
}
