extension Network {
  /// A[L] for every example of `x` (inference mode), forward-passed ``inferenceChunk`` examples at
  /// a time, so that a memory-mapped set is read in pieces and never held whole.
  /// - Throws: ``ShapeError`` when the examples do not have n[0] features.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func callAsFunction(_ x: Examples<Scalar>) throws -> Matrix<Scalar> {
    if let whole = x.inMemory { return try self(whole) }
    return try inferencePass(x, labels: nil).output
  }

  /// The fraction of labels predicted exactly over examples in memory or mapped (see ``accuracy(_:labels:)-(Matrix<Scalar>,_)``).
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func accuracy(_ x: Examples<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    try accuracy(outputs: self(x), labels: y)
  }

  /// mean((A[L] − Y)²) over examples in memory or mapped (see ``meanSquaredError(_:labels:)-(Matrix<Scalar>,_)``).
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func meanSquaredError(_ x: Examples<Scalar>, labels y: Matrix<Scalar>) throws -> Double {
    try meanSquaredError(outputs: self(x), labels: y)
  }

  /// A[L] for every example of `x` in pieces of ``inferenceChunk`` (inference mode) and, with
  /// `labels`, the mean cost J over all of them (each piece's mean weighted by its size).
  func inferencePass(_ x: Examples<Scalar>, labels: Matrix<Scalar>?) throws -> (output: Matrix<Scalar>, cost: Double) {
    guard x.featureCount == layers[0].inputSize else {
      throw ShapeError("X has \(x.featureCount) features (rows) but the network's n[0] is \(layers[0].inputSize)")
    }
    let m = x.count
    var pass = ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: layers.count))
    var result = Matrix<Scalar>(rows: layers[layers.count - 1].outputSize, columns: m)
    var piece = Matrix<Scalar>(rows: 0, columns: 0)
    var pieceLabels = Matrix<Scalar>(rows: 0, columns: 0)
    var costSum = 0.0
    for start in stride(from: 0, to: m, by: Self.inferenceChunk) {
      let end = min(m, start + Self.inferenceChunk)
      pass.releaseInput()
      x.gather(start..<end, into: &piece)
      try forward(piece, into: &pass, training: false)
      if let labels {
        Examples.matrix(labels).gather(start..<end, into: &pieceLabels)
        costSum += try cost(pass, labels: pieceLabels) * Double(end - start)
      }
      Kernels.placeColumns(pass.output, into: &result, at: start)
    }
    return (result, costSum / Double(max(m, 1)))
  }
}
