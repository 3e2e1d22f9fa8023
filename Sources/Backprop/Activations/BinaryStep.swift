/// The binary step (Heaviside) function.
///
///     g(z) = 0 for z < 0, 1 for z ≥ 0        g'(z) = 0   (undefined at 0; taken as 0)
///
/// Because g' is zero everywhere, no gradient flows through a step layer:
/// a network with step hidden units **cannot learn by gradient descent**
/// (the layers below it never change). It is here because the notes' table
/// has it, for inference with hand-set weights and for teaching that point.
public struct BinaryStep: Activation {
  public init() {}
  @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar { z < 0 ? 0 : 1 }
  @inlinable public func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar { 0 }
}
