/// Binary cross-entropy with a sigmoid output: the notes' logistic-regression loss.
///
///     L(a, y) = −(y·log a + (1 − y)·log(1 − a))        a = σ(z)
///     dZ[L] = A[L] − Y
///
/// The cost is computed from z as max(z, 0) − z·y + log(1 + e^(−|z|)), which is
/// the same number but stays finite when a rounds to exactly 0 or 1.
/// Labels are 0/1 (any value in [0, 1] is accepted), one row per output unit.
public struct BinaryCrossEntropy: Loss {
  public init() {}

  public var outputActivation: ActivationFunction { .sigmoid }

  public func validate<Scalar: MatrixScalar>(
    labels y: Matrix<Scalar>, outputUnits: Int, examples m: Int
  ) throws(DataError) {
    try validateShape(y, rows: outputUnits, examples: m)
    guard Kernels.countOutside(y, lower: 0, upper: 1) > 0 else { return }
    if let index = y.scalars.firstIndex(where: { $0 < 0 || $0 > 1 }) {
      throw DataError(
        "label of example \(index / max(outputUnits, 1)) is \(y.scalars[index]); a sigmoid output needs labels in [0, 1]"
      )
    }
  }

  public func cost<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>?
  ) -> Double {
    let m = Double(z.columns)
    // −(y log σ(z) + (1 − y) log(1 − σ(z))) = max(z, 0) − z·y + log(1 + e^(−|z|)), summed, over m
    guard let weights else { return Kernels.logisticLossSum(z: z, y: y) / m }
    let rows = max(z.rows, 1)
    var sum = 0.0
    z.withUnsafeBufferPointer { zp in
      y.withUnsafeBufferPointer { yp in
        for k in 0..<zp.count {
          let zk = Double(zp[k])
          let yk = Double(yp[k])
          // −(y log σ(z) + (1 − y) log(1 − σ(z))) = max(z, 0) − z·y + log(1 + e^(−|z|))
          let loss = Swift.max(zk, 0) - zk * yk + Double.log(onePlus: Double.exp(-Swift.abs(zk)))
          sum += loss * exampleWeight(weights, k / rows)
        }
      }
    }
    return sum / m
  }

  public func outputGradient<Scalar: MatrixScalar>(
    a: Matrix<Scalar>, y: Matrix<Scalar>, into dZ: inout Matrix<Scalar>
  ) {
    // dZ = A − Y
    Kernels.difference(a, y, into: &dZ)
  }
}
