/// The course's parameter dictionary as an `.npz`: `W1, b1, …, WL, bL`,
/// W[l] shaped (n[l], n[l-1]) and b[l] shaped (n[l], 1), plus `alpha{l}` for PReLU layers.
///
/// `np.load("params.npz")` gives back the notebook's `parameters` dictionary;
/// `np.savez("params.npz", **parameters)` writes one Backprop reads.
public enum CourseParameters {
  /// Writes every layer's parameters (atomically: a failure never leaves a half-written file).
  /// - Throws: ``FileFormatError`` when the file cannot be written.
  public static func write<Scalar: MatrixScalar>(_ network: Network<Scalar>, to path: String) throws {
    var arrays = [(String, NumPyArray)]()
    for (index, layer) in network.layers.enumerated() {
      let l = index + 1
      arrays.append(("W\(l)", NumPyArray(matrix: layer.weight)))
      arrays.append(("b\(l)", NumPyArray(matrix: layer.bias)))
      if let alpha = layer.alpha { arrays.append(("alpha\(l)", NumPyArray(matrix: alpha))) }
    }
    try NPZArchive.write(arrays, to: path)
  }

  /// Reads W1, b1, …, WL, bL into a network whose hidden layers use
  /// `hiddenActivation` and whose last layer is `output`.
  ///
  /// - Throws: ``FileFormatError`` naming the file and the array that is missing,
  ///   misshapen or in the wrong place; ``ShapeError`` when consecutive layers do not chain.
  public static func read<Scalar: MatrixScalar>(
    path: String, hiddenActivation: ActivationFunction, output: Output, as _: Scalar.Type = Scalar.self
  ) throws -> Network<Scalar> {
    try read(path: path, hiddenActivations: [hiddenActivation], output: output, as: Scalar.self)
  }

  /// Reads W1, b1, …, WL, bL into a network whose hidden layer l uses `hiddenActivations[l − 1]`
  /// (or `hiddenActivations[0]` for every hidden layer when it has one element) and whose last
  /// layer is `output`.
  ///
  /// - Throws: ``ConfigurationError`` naming `hiddenActivations` when their number is neither 1
  ///   nor the file's L − 1, and what ``read(path:hiddenActivation:output:as:)`` throws.
  public static func read<Scalar: MatrixScalar>(
    path: String, hiddenActivations: [ActivationFunction], output: Output, as _: Scalar.Type = Scalar.self
  ) throws -> Network<Scalar> {
    let arrays = try NPZArchive.read(path: path)
    var depth = 0
    while arrays["W\(depth + 1)"] != nil { depth += 1 }
    guard depth > 0 else {
      throw FileFormatError(path: path, "no W1 array; expected W1, b1, …, WL, bL (found \(arrays.keys.sorted()))")
    }
    guard hiddenActivations.count == 1 || hiddenActivations.count == depth - 1 else {
      throw ConfigurationError(
        parameter: "hiddenActivations",
        "\(hiddenActivations.count) activations for the \(depth - 1) hidden layers of \(path); "
          + "give one for all, or one per hidden layer")
    }
    var layers = [Dense<Scalar>]()
    for l in 1...depth {
      guard let w = arrays["W\(l)"], let b = arrays["b\(l)"] else {
        throw FileFormatError(path: path, "W\(l) has no matching b\(l)")
      }
      let weight = try w.matrix(as: Scalar.self, path: path, name: "W\(l)")
      let bias = try b.matrix(as: Scalar.self, path: path, name: "b\(l)")
      let alpha = try arrays["alpha\(l)"].map { try $0.matrix(as: Scalar.self, path: path, name: "alpha\(l)") }
      if let index = (weight.scalars + bias.scalars).firstIndex(where: { !$0.isFinite }) {
        throw FileFormatError(path: path, "layer \(l) holds a non-finite value at element \(index)")
      }
      let activation =
        l == depth ? output.activation : hiddenActivations[hiddenActivations.count == 1 ? 0 : l - 1]
      if alpha != nil, !activation.hasLearnedSlope {
        throw FileFormatError(path: path, "alpha\(l) is given but layer \(l)'s activation is \(activation), not prelu")
      }
      layers.append(try Dense(weight: weight, bias: bias, alpha: alpha, activation: activation, layer: l))
    }
    return try Network(layers: layers, output: output)
  }
}
