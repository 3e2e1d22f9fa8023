import RealModule

/// SoftPlus, a smooth ReLU.
///
///     g(z) = ln(1 + e^z)        g'(z) = σ(z) = 1 / (1 + e^(−z))
///
/// Computed as max(z, 0) + ln(1 + e^(−|z|)), which never overflows and is
/// exact to rounding for large |z|.
public struct SoftPlus: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar {
    (z > 0 ? z : 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs(z)))
  }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar {
    Sigmoid()(z)
  }
}
