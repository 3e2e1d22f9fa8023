/// The rectified linear unit.
///
///     g(z) = max(0, z)        g'(z) = 0 for z < 0, 1 for z > 0   (taken as 0 at z = 0, as the course does)
public struct ReLU: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { z > 0 ? z : 0 }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { z > 0 ? 1 : 0 }
}
