/// Plain gradient descent, the notes' update rule:
///
///     W[l] := W[l] − α·dW[l]        b[l] := b[l] − α·db[l]
///
/// (α here is the learning rate, not PReLU's slope; the slope is a parameter
/// and moves by the same rule.) Stateless.
public struct GradientDescent<Scalar: MatrixScalar>: Optimizer {
  /// α, the learning rate.
  public var learningRate: Scalar

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless it is positive and finite.
  public init(learningRate: Scalar) throws(ConfigurationError) {
    self.learningRate = try Hyperparameter.learningRate(learningRate)
  }

  public func makeState(for parameter: Matrix<Scalar>) {}

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func stateTensors(_ state: Void) -> [String: Matrix<Scalar>] { [:] }

  public func restoreState(
    tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
  ) throws(DataError) {}

  public func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout Void) {
    // θ := θ − α·dθ
    Kernels.axpy(-learningRate, gradient, &parameter)
  }
}
