import RealModule

/// The hyperbolic tangent.
///
///     g(z) = tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))        g'(z) = 1 − tanh²(z) = 1 − a²
public struct Tanh: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { Scalar.tanh(z) }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { 1 - a * a }
}
