/// An elementwise activation g with its derivative g', the notes' table.
///
/// Forward computes A = g(Z); backward computes dZ = dA ⊙ g'(Z). Each
/// conforming type is a small struct in its own file; the kernels are generic
/// over it, so the compiler specialises one loop per activation and the hot
/// loop has no dynamic dispatch.
public protocol Activation: Sendable {
  /// g(z).
  func callAsFunction<Scalar: MatrixScalar>(_ z: Scalar) -> Scalar
  /// g'(z), given z and the already computed a = g(z); an implementation
  /// may use whichever is more stable (σ' = a(1 − a), tanh' = 1 − a²).
  func derivative<Scalar: MatrixScalar>(z: Scalar, a: Scalar) -> Scalar
}
