import RealModule

/// The logistic function σ.
///
///     g(z) = σ(z) = 1 / (1 + e^(−z))        g'(z) = σ(z)(1 − σ(z)) = a(1 − a)
///
/// Computed without overflow for large |z|: for z < 0 as e^z / (1 + e^z),
/// so e^(−z) is never formed for very negative z. Float uses
/// `Kernels.sigmoidFloat(_:)` (the vectorised kernel, within 2.5 ulp).
public struct Sigmoid: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar {
    if Scalar.self == Float.self {
      return unsafeBitCast(Kernels.sigmoidFloat(unsafeBitCast(z, to: Float.self)), to: Scalar.self)
    }
    if z >= 0 {
      return 1 / (1 + Scalar.exp(-z))
    }
    let e = Scalar.exp(z)
    return e / (1 + e)
  }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { a * (1 - a) }
}
