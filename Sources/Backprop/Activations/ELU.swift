import RealModule

/// The exponential linear unit.
///
///     g(z) = z for z > 0, α(e^z − 1) otherwise        g'(z) = 1 for z > 0, α·e^z = a + α otherwise
///
/// `alpha` α is a hyperparameter (1 by default, as PyTorch). e^z is only
/// formed for z ≤ 0 (computed as `expMinusOne` for accuracy near 0), so large z
/// never overflows.
public struct ELU: Activation {
  /// α, the saturation value −α for z → −∞.
  public var alpha: Double
  public init(alpha: Double = 1) { self.alpha = alpha }
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar {
    z > 0 ? z : Scalar(alpha) * Scalar.expMinusOne(z)
  }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar {
    z > 0 ? 1 : a + Scalar(alpha)
  }
}
