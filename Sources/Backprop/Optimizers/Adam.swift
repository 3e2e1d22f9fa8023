import RealModule

/// Adam: momentum and RMSprop together, with bias correction, the course's form.
/// For each parameter, at step t = 1, 2, … (counted per parameter in its state):
///
///     v_dW = β₁·v_dW + (1 − β₁)·dW            s_dW = β₂·s_dW + (1 − β₂)·dW²
///     v̂_dW = v_dW / (1 − β₁ᵗ)                 ŝ_dW = s_dW / (1 − β₂ᵗ)
///     W    = W − α·v̂_dW / (√ŝ_dW + ε)
///
/// v and s start at 0; the corrections undo their pull towards 0 in the first
/// steps. ε is outside the square root, after the correction, as in the course
/// and PyTorch's `Adam`. Equal to PyTorch's `Adam(lr=α, betas=(β₁, β₂), eps=ε)`
/// step for step (tested).
///
/// Defaults are the paper's, the course's and PyTorch's: β₁ = 0.9, β₂ = 0.999,
/// ε = 1e-8 (α = 0.001 is the usual start; see ``OptimizerKind/defaultLearningRate``).
public struct Adam<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar
  /// β₁, the decay of the gradient average (`--beta1`).
  public let beta1: Scalar
  /// β₂, the decay of the squared-gradient average (`--beta2`).
  public let beta2: Scalar
  /// ε, keeps the division finite where ŝ is 0 (`--epsilon`).
  public let epsilon: Scalar

  /// What Adam (and ``AdamW``) remembers about one parameter.
  public struct State: ParameterState, Hashable {
    /// v_dW, the first moment (PyTorch's `exp_avg`), the parameter's shape.
    public var firstMoment: Matrix<Scalar>
    /// s_dW, the second moment (PyTorch's `exp_avg_sq`), the parameter's shape.
    public var secondMoment: Matrix<Scalar>
    /// t, the number of updates made so far (0 before the first).
    public var step: Int

    public init(firstMoment: Matrix<Scalar>, secondMoment: Matrix<Scalar>, step: Int) {
      self.firstMoment = firstMoment
      self.secondMoment = secondMoment
      self.step = step
    }

    /// v = s = 0, the parameter's shape; t = 0.
    public init(startingAt parameter: Matrix<Scalar>) {
      self.init(firstMoment: Matrix(parameter.shape), secondMoment: Matrix(parameter.shape), step: 0)
    }

    public var tensors: [String: Matrix<Scalar>] { ["first_moment": firstMoment, "second_moment": secondMoment] }

    public var counters: [String: Int] { ["step": step] }

    public init(
      tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
    ) throws(DataError) {
      self.init(
        firstMoment: try savedStateTensor(tensors, "first_moment", for: parameter),
        secondMoment: try savedStateTensor(tensors, "second_moment", for: parameter),
        step: try savedStateCounter(counters, "step"))
    }
  }

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α is positive
  ///   and finite, `beta1`/`beta2` unless 0 ≤ β < 1, `epsilon` unless ε is
  ///   positive and finite.
  public init(
    learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8
  ) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.beta1 = try Hyperparameter.decayRate(beta1, parameter: "beta1", name: "β₁")
    self.beta2 = try Hyperparameter.decayRate(beta2, parameter: "beta2", name: "β₂")
    self.epsilon = try Hyperparameter.epsilon(epsilon)
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    state.step += 1
    let (correction1, correction2) = Self.biasCorrections(beta1: beta1, beta2: beta2, step: state.step)
    Kernels.adamStep(
      &parameter, gradient: gradient, firstMoment: &state.firstMoment, secondMoment: &state.secondMoment,
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      correction1: correction1, correction2: correction2, decay: 1)
  }

  /// 1 − β₁ᵗ and 1 − β₂ᵗ, computed in Double.
  static func biasCorrections(beta1: Scalar, beta2: Scalar, step t: Int) -> (Scalar, Scalar) {
    let correction1 = 1 - Double.pow(Double(beta1), t)
    let correction2 = 1 - Double.pow(Double(beta2), t)
    return (Scalar(correction1), Scalar(correction2))
  }
}
