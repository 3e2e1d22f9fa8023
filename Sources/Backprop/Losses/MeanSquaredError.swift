/// Squared error with an identity output, for regression.
///
///     L(a, y) = ½‖a − y‖²        J = (1/m) Σ ½‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖²
///     dZ[L] = A[L] − Y
///
/// The ½ makes the gradient the notes' A − Y, like the other two losses. The
/// *metric* reported after training is the usual mean squared error over
/// all elements, mean((a − y)²), which is 2J / n[L].
public struct MeanSquaredError: Loss {
  public init() {}

  public var outputActivation: ActivationFunction { .identity }

  public func validate<Scalar: MatrixScalar>(
    labels y: Matrix<Scalar>, outputUnits: Int, examples m: Int
  ) throws(DataError) {
    try validateShape(y, rows: outputUnits, examples: m)
  }

  public func cost<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>?
  ) -> Double {
    var sum = 0.0
    let rows = max(a.rows, 1)
    a.withUnsafeBufferPointer { ap in
      y.withUnsafeBufferPointer { yp in
        for k in 0..<ap.count {
          let difference = Double(ap[k]) - Double(yp[k])
          sum += 0.5 * difference * difference * exampleWeight(weights, k / rows)
        }
      }
    }
    return sum / Double(a.columns)
  }

  public func outputGradient<Scalar: MatrixScalar>(
    a: Matrix<Scalar>, y: Matrix<Scalar>, into dZ: inout Matrix<Scalar>
  ) {
    // dZ = A − Y
    Kernels.difference(a, y, into: &dZ)
  }
}
