/// How a model was made, as a model file keeps it: the `hyperparameters` record of
/// ``ModelFile`` (``Model/hyperparameters``), text values under fixed keys.
///
/// ``Model/fit(_:_:optimizer:options:preprocessing:sampleWeights:validation:progress:)`` and
/// `backprop train` both write it through this type, so the report, `inspect`, the sweep and
/// a reader in another language find the same keys:
///
/// | key | value |
/// |---|---|
/// | `layers` | n[0],n[1],…,n[L] |
/// | `activation` | g[l] of the hidden layers (absent without one) |
/// | `output` | `sigmoid`, `softmax` or `identity` |
/// | `batch_norm` | `true` when the hidden layers batch-normalise |
/// | `dtype` | `float32` or `float64` |
/// | `optimizer`, `learning_rate` | the rule and α |
/// | `momentum`, `beta1`, `beta2`, `epsilon`, `weight_decay` | the rule's other hyperparameters |
/// | `epochs`, `batch_size` | mini-batch training (`full`: one batch) |
/// | `iterations` | full-batch gradient descent |
/// | `l2`, `dropout`, `lr_schedule`, `early_stopping`, `min_delta`, `class_weight`, `clip_norm` | when used |
/// | `preprocessing`, `scale` | the input preprocessing's method and divisor |
/// | `initializer`, `rng`, `seed` | how W[l] was drawn, when known |
///
/// A program adds keys of its own with the subscript (the command line records its splits,
/// its data options and the command itself).
///
/// ```swift
/// var record = TrainingRecord(network: network, preprocessing: .identity, optimizer: .adam(), options: options)
/// record.recordInitialization(initializer: .he, seed: 1)
/// model.hyperparameters = record.values
/// ```
public struct TrainingRecord: Sendable, Hashable {
  /// The record by key, as a model file stores it.
  public private(set) var values: [String: String]

  /// How `network` was trained by epochs of mini-batches (``FitOptions``).
  public init<Scalar: MatrixScalar>(
    network: Network<Scalar>, preprocessing: Preprocessing, optimizer: OptimizerSettings, options: FitOptions
  ) {
    self.init(network: network, preprocessing: preprocessing, optimizer: optimizer)
    values["epochs"] = String(options.epochs)
    values["batch_size"] = options.batchSize.map(String.init) ?? "full"
    if options.l2 > 0 { values["l2"] = String(options.l2) }
    if !options.dropout.isEmpty { values["dropout"] = options.dropout.map { String($0) }.joined(separator: ",") }
    if let schedule = options.schedule { values["lr_schedule"] = schedule.description }
    if let early = options.earlyStopping {
      values["early_stopping"] = String(early.patience)
      values["min_delta"] = String(early.minDelta)
    }
    if let weights = options.classWeights { values["class_weight"] = weights.description }
    if let clip = options.clipNorm { values["clip_norm"] = String(clip) }
  }

  /// How `network` was trained by `iterations` steps of full-batch gradient descent (``Trainer``).
  public init<Scalar: MatrixScalar>(
    network: Network<Scalar>, preprocessing: Preprocessing, optimizer: OptimizerSettings, iterations: Int
  ) {
    self.init(network: network, preprocessing: preprocessing, optimizer: optimizer)
    values["iterations"] = String(iterations)
  }

  /// The network's shape, its precision, the optimizer and the preprocessing.
  private init<Scalar: MatrixScalar>(
    network: Network<Scalar>, preprocessing: Preprocessing, optimizer: OptimizerSettings
  ) {
    values = [
      "layers": network.layerSizes.map(String.init).joined(separator: ","),
      "output": network.output.rawValue,
      "dtype": MemoryLayout<Scalar>.size == 4 ? "float32" : "float64",
      "optimizer": optimizer.kind.rawValue,
      "preprocessing": preprocessing.method.rawValue,
    ]
    if network.depth > 1 { values["activation"] = network.layers[0].activation.description }
    if network.layers.contains(where: { $0.normalization != nil }) { values["batch_norm"] = "true" }
    for (name, value) in optimizer.hyperparameters { values[name] = String(value) }
    if preprocessing.divisor != 1 { values["scale"] = String(preprocessing.divisor) }
  }

  /// The record of how the initial parameters were drawn alone (a model not trained yet).
  public init(initializer: Initializer, seed: UInt64, generator: GeneratorKind = .default) {
    values = [:]
    recordInitialization(initializer: initializer, seed: seed, generator: generator)
  }

  /// Adds how the initial W[l] were drawn: the initializer and the generator's kind and seed.
  public mutating func recordInitialization(initializer: Initializer, seed: UInt64, generator: GeneratorKind = .default)
  {
    values["initializer"] = initializer.rawValue
    values["rng"] = generator.rawValue
    values["seed"] = String(seed)
  }

  /// A value of the record, including keys a program adds of its own.
  public subscript(key: String) -> String? {
    get { values[key] }
    set { values[key] = newValue }
  }
}
