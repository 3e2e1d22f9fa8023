/// Categorical cross-entropy with a softmax output, for K classes.
///
///     L(a, y) = −Σₖ yₖ·log aₖ = log Σⱼ e^(zⱼ) − z_y        a = softmax(z)
///     dZ[L] = A[L] − Y        (Y one-hot)
///
/// Labels are class indices 0…K−1 in a (1, m) matrix; the one-hot Y of the
/// notes is never materialised. The cost uses the log-sum-exp form, which
/// stays finite however confident the network is.
public struct SoftmaxCrossEntropy: Loss {
  public init() {}

  public var outputActivation: ActivationFunction { .softmax }

  public func validate<Scalar: MatrixScalar>(
    labels y: Matrix<Scalar>, outputUnits: Int, examples m: Int
  ) throws(DataError) {
    try validateShape(y, rows: 1, examples: m)
    if let index = y.scalars.firstIndex(where: { $0 < 0 || $0 >= Scalar(outputUnits) || $0.rounded() != $0 }) {
      throw DataError(
        "label of example \(index) is \(y.scalars[index]); a softmax output of \(outputUnits) units "
          + "needs class indices 0…\(outputUnits - 1)")
    }
  }

  public func cost<Scalar: MatrixScalar>(
    z: Matrix<Scalar>, a: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>?
  ) -> Double {
    let k = z.rows
    var sum = 0.0
    z.withUnsafeBufferPointer { zp in
      for j in 0..<z.columns {
        let column = UnsafeBufferPointer(rebasing: zp[(j * k)..<((j + 1) * k)])
        let label = Int(y[0, j])
        // L = log Σ e^z − z_y
        sum += (Double(Softmax.logSumExp(column)) - Double(column[label])) * exampleWeight(weights, j)
      }
    }
    return sum / Double(z.columns)
  }

  public func outputGradient<Scalar: MatrixScalar>(
    a: Matrix<Scalar>, y: Matrix<Scalar>, into dZ: inout Matrix<Scalar>
  ) {
    // dZ = A − Y, Y one-hot: subtract 1 at each example's class.
    Kernels.copy(a, into: &dZ)
    dZ.withUnsafeMutableBufferPointer { d in
      y.withUnsafeBufferPointer { labels in
        for j in 0..<a.columns { d[Int(labels[j]) + j * a.rows] -= 1 }
      }
    }
  }
}
