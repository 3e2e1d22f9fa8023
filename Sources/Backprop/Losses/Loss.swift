/// A loss L(a, y) paired with the output activation that makes its gradient
/// the notes' dZ[L] = A[L] − Y, and the cost J = (1/m) Σ L(a⁽ⁱ⁾, y⁽ⁱ⁾).
///
/// Labels Y are a matrix with one column per example: (1, m) class labels for
/// binary and multi-class outputs, (n[L], m) targets for regression.
public protocol Loss: Sendable {
  /// g[L], the output activation this loss is paired with.
  var outputActivation: ActivationFunction { get }

  /// Checks that labels fit an output of `outputUnits` units over `examples` examples.
  /// - Throws: ``DataError`` naming the problem (shape, a label out of range, NaN).
  func validate<Scalar: MatrixScalar>(labels y: Matrix<Scalar>, outputUnits: Int, examples m: Int) throws(DataError)

  /// J = (1/m) Σ_i w⁽ⁱ⁾ L(a⁽ⁱ⁾, y⁽ⁱ⁾), computed from Z[L] where that is more
  /// stable than from A[L]; accumulated in Double. `weights` (1, m) are the
  /// examples' weights, nil for all 1 (the notes' J).
  func cost<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>?
  ) -> Double

  /// dZ[L] = A[L] − Y, the loss's derivative taken through g[L], per example
  /// (the layers apply the 1/m).
  func outputGradient<Scalar: MatrixScalar>(a: Matrix<Scalar>, y: Matrix<Scalar>, into dZ: inout Matrix<Scalar>)
}

extension Loss {
  /// J = (1/m) Σ L(a, y): ``cost(z:a:y:weights:)`` with every weight 1.
  public func cost<Scalar: MatrixScalar>(z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>) -> Double {
    cost(z: z, a: a, y: y, weights: nil)
  }

  /// The weight of example j: 1 without weights.
  @inline(__always)
  func exampleWeight<Scalar: MatrixScalar>(_ weights: Matrix<Scalar>?, _ j: Int) -> Double {
    guard let weights else { return 1 }
    return weights.withUnsafeBufferPointer { Double($0[j]) }
  }

  /// Checks that `y` is (rows, m) and holds no NaN or infinity.
  func validateShape<Scalar: MatrixScalar>(_ y: Matrix<Scalar>, rows: Int, examples m: Int) throws(DataError) {
    guard y.shape == Shape(rows, m) else {
      throw DataError("labels Y are \(y.shape) but the output A[L] is (\(rows), \(m)): Y must be (\(rows), \(m))")
    }
    // One vectorised pass; the scan for the culprit only when there is one.
    guard Kernels.countOutside(y, lower: -Scalar.greatestFiniteMagnitude, upper: .greatestFiniteMagnitude) > 0
    else { return }
    if let index = y.scalars.firstIndex(where: { !$0.isFinite }) {
      throw DataError("label of example \(index / max(rows, 1)) is \(y.scalars[index]); labels must be finite")
    }
  }
}
