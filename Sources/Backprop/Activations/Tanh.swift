import RealModule

/// The hyperbolic tangent.
///
///     g(z) = tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))        g'(z) = 1 − tanh²(z) = 1 − a²
///
/// Float uses `Kernels.tanhFloat(_:)` (the vectorised kernel, within 2.5 ulp);
/// Double uses the C library's `tanh`.
public struct Tanh: Activation {
  public init() {}
  @inlinable @inline(__always)
  public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar {
    if Scalar.self == Float.self {
      return unsafeBitCast(Kernels.tanhFloat(unsafeBitCast(z, to: Float.self)), to: Scalar.self)
    }
    return Scalar.tanh(z)
  }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { 1 - a * a }
}
