/// The identity, for regression outputs and linear layers.
///
///     g(z) = z        g'(z) = 1
public struct Identity: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { z }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { 1 }
}
