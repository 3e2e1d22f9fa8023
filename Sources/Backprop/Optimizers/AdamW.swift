/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled
/// Weight Decay Regularization", 2019), as PyTorch's `AdamW`. Each step first
/// shrinks the parameter, then takes ``Adam``'s step:
///
///     W = W − α·λ·W                           (that is, W·(1 − α·λ))
///     v_dW = β₁·v_dW + (1 − β₁)·dW            s_dW = β₂·s_dW + (1 − β₂)·dW²
///     v̂_dW = v_dW / (1 − β₁ᵗ)                 ŝ_dW = s_dW / (1 − β₂ᵗ)
///     W    = W − α·v̂_dW / (√ŝ_dW + ε)
///
/// Unlike L2 regularisation (λ/2·‖W‖² added to the cost, the course's form),
/// the decay does not pass through the gradient average, so it is not divided
/// by √ŝ: every weight shrinks by the same fraction α·λ. The decay follows the
/// learning rate, so a schedule scales it too. As in PyTorch's default, it applies
/// to every parameter the optimizer updates, the biases b[l] and PReLU's α[l]
/// included. Equal to PyTorch's `AdamW(lr=α, betas=(β₁, β₂), eps=ε,
/// weight_decay=λ)` step for step (tested).
///
/// Defaults are PyTorch's: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
public struct AdamW<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar
  /// β₁, the decay of the gradient average (`--beta1`).
  public let beta1: Scalar
  /// β₂, the decay of the squared-gradient average (`--beta2`).
  public let beta2: Scalar
  /// ε, keeps the division finite where ŝ is 0 (`--epsilon`).
  public let epsilon: Scalar
  /// λ, the fraction of W removed per step, per unit of learning rate (`--weight-decay`).
  public let weightDecay: Scalar

  /// The same moments and step count as ``Adam``.
  public typealias State = Adam<Scalar>.State

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α is positive
  ///   and finite, `beta1`/`beta2` unless 0 ≤ β < 1, `epsilon` unless ε is
  ///   positive and finite, `weightDecay` unless λ ≥ 0 and α·λ < 1.
  public init(
    learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
    weightDecay: Scalar = 0.01
  ) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
    self.beta1 = try Hyperparameter.decayRate(beta1, parameter: "beta1", name: "β₁")
    self.beta2 = try Hyperparameter.decayRate(beta2, parameter: "beta2", name: "β₂")
    self.epsilon = try Hyperparameter.epsilon(epsilon)
    self.weightDecay = try Hyperparameter.weightDecay(weightDecay, learningRate: learningRate)
  }

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State) {
    state.step += 1
    let (correction1, correction2) = Adam<Scalar>.biasCorrections(beta1: beta1, beta2: beta2, step: state.step)
    // W·(1 − α·λ), then Adam's step, in the same pass.
    Kernels.adamStep(
      &parameter, gradient: gradient, firstMoment: &state.firstMoment, secondMoment: &state.secondMoment,
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      correction1: correction1, correction2: correction2, decay: 1 - learningRate * weightDecay)
  }
}
