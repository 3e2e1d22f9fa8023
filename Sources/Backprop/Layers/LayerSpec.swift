/// One layer of a network to build: n[l], g[l], and whether it batch-normalises.
///
/// ```swift
/// var model = try Model<Float>(
///   inputs: 784,
///   layers: [.dense(256, .relu, batchNormalization: true), .dense(128, .relu), .dense(10, .softmax)],
///   output: .softmax)
/// ```
public struct LayerSpec: Sendable, Hashable {
  /// n[l].
  public var units: Int
  /// g[l].
  public var activation: ActivationFunction
  /// Batch normalisation between Z[l] and g[l] (hidden layers only).
  public var batchNormalization: Bool

  public init(units: Int, activation: ActivationFunction, batchNormalization: Bool = false) {
    self.units = units
    self.activation = activation
    self.batchNormalization = batchNormalization
  }

  /// A fully connected layer of `units` units.
  public static func dense(
    _ units: Int, _ activation: ActivationFunction = .relu, batchNormalization: Bool = false
  ) -> LayerSpec {
    LayerSpec(units: units, activation: activation, batchNormalization: batchNormalization)
  }
}

extension Network {
  /// A freshly initialised network from layer specs (layer L's activation must be the output's).
  ///
  /// - Parameters:
  ///   - inputs: n[0].
  ///   - specs: layers 1…L.
  ///   - output: g[L] and the loss; layer L's activation must be its activation.
  ///   - initializer: how each W[l] starts (b[l] = 0; γ = 1, β = 0).
  ///   - generator: the random source; W1, W2, … are drawn in that order.
  /// - Throws: ``ConfigurationError`` for a size below 1, no layers, batch
  ///   normalisation on the output layer, or a last activation that is not the output's;
  ///   ``ShapeError`` should the sizes not chain.
  public init(
    inputs: Int, layers specs: [LayerSpec], output: Output, initializer: Initializer = .he,
    using generator: inout some RandomGenerator
  ) throws {
    let sizes = [inputs] + specs.map(\.units)
    try Self.validate(layerSizes: sizes)
    var layers = [Dense<Scalar>]()
    for (index, spec) in specs.enumerated() {
      let l = index + 1
      let w: Matrix<Scalar> = initializer.weight(fanOut: sizes[l], fanIn: sizes[l - 1], using: &generator)
      layers.append(
        try Dense(
          weight: w, bias: Matrix(rows: sizes[l], columns: 1), activation: spec.activation,
          normalization: spec.batchNormalization ? BatchNormalization(units: spec.units) : nil, layer: l))
    }
    try self.init(layers: layers, output: output)
  }
}
