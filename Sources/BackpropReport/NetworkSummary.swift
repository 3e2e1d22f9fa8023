import Backprop

/// A network described as the notes' "getting your matrix dimensions right"
/// table, for a batch of m examples: per layer l, n[l], g[l], the shapes of
/// W[l] (n[l], n[l−1]), b[l] (n[l], 1), Z[l] and A[l] (n[l], m), and the
/// parameter count; with the model's output, loss, dtype and preprocessing.
///
/// ```swift
/// let summary = NetworkSummary(model: model, batchSize: 32)
/// summary.layers[0].weightShape      // [128, 64]
/// ```
public struct NetworkSummary: Sendable, Hashable, Codable {
  /// One row of the table.
  public struct Layer: Sendable, Hashable, Codable {
    /// l, from 1.
    public var l: Int
    /// n[l], the layer's units.
    public var units: Int
    /// g[l]'s name.
    public var activation: String
    /// W[l]'s shape, (n[l], n[l−1]).
    public var weightShape: [Int]
    /// b[l]'s shape, (n[l], 1).
    public var biasShape: [Int]
    /// The layer's learned numbers: W, b, and PReLU's α and batch normalisation's γ, β when present.
    public var parameters: Int
    /// Whether Z[l] is batch-normalised.
    public var batchNorm: Bool
  }

  /// n[0], the inputs.
  public var inputs: Int
  /// m, the batch size the shapes of Z[l] and A[l] are given for.
  public var batchSize: Int
  /// Layers 1…L.
  public var layers: [Layer]
  /// The output's name (sigmoid, softmax, identity).
  public var output: String
  /// The loss's name.
  public var loss: String
  /// The parameters' scalar type, float32 or float64.
  public var dtype: String
  /// The fitted preprocessing, in words ("divided by 255", "standardised (z-score per feature)", "used as given").
  public var preprocessing: String
  /// Σ over the layers.
  public var parameterCount: Int
  /// The class names, when known.
  public var classNames: [String]?
  /// The inputs' names, when known (a CSV header).
  public var featureNames: [String]?
  /// The target column's name, when known.
  public var targetName: String?

  /// The table of `model`'s network for batches of `batchSize` examples.
  public init<Scalar: MatrixScalar>(model: Model<Scalar>, batchSize: Int) {
    let network = model.network
    inputs = network.layerSizes[0]
    self.batchSize = batchSize
    layers = network.layers.enumerated().map { index, layer in
      Layer(
        l: index + 1, units: layer.outputSize, activation: layer.activation.description,
        weightShape: [layer.weight.rows, layer.weight.columns], biasShape: [layer.bias.rows, layer.bias.columns],
        parameters: layer.parameterCount, batchNorm: layer.normalization != nil)
    }
    output = network.output.rawValue
    loss = network.output.lossName
    dtype = Scalar.dtypeName
    let p = model.preprocessing
    var steps = [String]()
    if p.divisor != 1 { steps.append("divided by \(LineChart.plain(p.divisor))") }
    if p.method == .standardize { steps.append("standardised (z-score per feature)") }
    if p.method == .minMax { steps.append("scaled to [0, 1] per feature (min-max)") }
    preprocessing = steps.isEmpty ? "used as given" : steps.joined(separator: ", then ")
    parameterCount = network.parameterCount
    classNames = model.classNames
    featureNames = model.featureNames
    targetName = model.targetName
  }
}
