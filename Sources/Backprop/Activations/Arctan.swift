import RealModule

/// The inverse tangent.
///
///     g(z) = tan⁻¹(z)        g'(z) = 1 / (z² + 1)
public struct Arctan: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { Scalar.atan(z) }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { 1 / (z * z + 1) }
}
