/// The parametric ReLU: a leaky ReLU whose slope α is learned, one per unit.
///
///     g(z)ᵢ = zᵢ for zᵢ > 0, αᵢ·zᵢ otherwise
///     g'(z)ᵢ = 1 for zᵢ > 0, αᵢ otherwise
///     dαᵢ = (1/m) Σ_columns dAᵢ ⊙ (zᵢ ≤ 0 ? zᵢ : 0)
///
/// α is a parameter of the ``Dense`` layer (shape (n[l], 1), named
/// `alpha`, 0.25 at initialisation as in PyTorch's `PReLU`), updated by the
/// optimizer with its gradient dα like W and b. Row i of Z uses αᵢ, so this
/// is applied per row by `Kernels.biasPReLU(z:bias:alpha:into:)` (and
/// differentiated by `Kernels.preluGradient(dA:z:alpha:scale:into:dAlpha:)`)
/// rather than through the elementwise ``Activation`` protocol.
public enum PReLU {
  /// The slope PyTorch starts α at.
  public static let defaultInitialAlpha = 0.25

  /// g(z) for one element with slope α.
  @inlinable public static func value<Scalar: MatrixScalar>(_ z: Scalar, alpha: Scalar) -> Scalar {
    z > 0 ? z : alpha * z
  }

  /// g'(z) for one element with slope α.
  @inlinable public static func derivative<Scalar: MatrixScalar>(_ z: Scalar, alpha: Scalar) -> Scalar {
    z > 0 ? 1 : alpha
  }
}
