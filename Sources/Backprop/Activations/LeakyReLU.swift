/// The leaky ReLU, a fixed small slope for negative inputs.
///
///     g(z) = z for z > 0, s·z otherwise        g'(z) = 1 for z > 0, s otherwise
///
/// `slope` s is a hyperparameter (0.01 by default, as PyTorch's `LeakyReLU`).
/// When s is learned, one per unit, this is ``PReLU``.
public struct LeakyReLU: Activation {
  /// s, the slope for z ≤ 0.
  public var slope: Double
  public init(slope: Double = 0.01) { self.slope = slope }
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar {
    z > 0 ? z : Scalar(slope) * z
  }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar {
    z > 0 ? 1 : Scalar(slope)
  }
}
