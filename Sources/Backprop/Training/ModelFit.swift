extension Model {
  /// A freshly initialised model from layer specs, with no preprocessing yet.
  ///
  /// ```swift
  /// var model = try Model<Float>(
  ///   inputs: 64, layers: [.dense(64, .relu, batchNormalization: true), .dense(10, .softmax)], output: .softmax)
  /// let history = try model.fit(x, y, epochs: 30, batchSize: 32, optimizer: .adam(), preprocessing: .standardize)
  /// let labels = try model.predict(testX).predictions
  /// let scores = try model.evaluate(testX, labels: testY)
  /// ```
  ///
  /// - Parameters:
  ///   - inputs: n[0], the number of input features.
  ///   - layers: layers 1…L; layer L's activation must be the output's.
  ///   - output: g[L] and the loss.
  ///   - initializer: how each W[l] starts (He by default; b[l] = 0; γ = 1, β = 0).
  ///   - seed: seeds ``DefaultGenerator`` for the initial W[l].
  /// - Throws: see ``Network/init(inputs:layers:output:initializer:using:)``.
  public init(
    inputs: Int, layers: [LayerSpec], output: Output, initializer: Initializer = .he, seed: UInt64 = 1
  ) throws {
    var generator = DefaultGenerator(seed: seed)
    self.init(
      network: try Network(inputs: inputs, layers: layers, output: output, initializer: initializer, using: &generator),
      hyperparameters: TrainingRecord(initializer: initializer, seed: seed).values)
  }

  /// Trains the model on raw inputs: fits `preprocessing` on X first (when
  /// given; the model keeps it and applies it in ``predict(_:)`` and
  /// ``evaluate(_:labels:)-(Matrix<Scalar>,_)``), applies the model's preprocessing, then runs
  /// ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``,
  /// and records how in ``Model/hyperparameters`` (a ``TrainingRecord``).
  ///
  /// - Parameters:
  ///   - x: raw X, (n[0], m), one example per column.
  ///   - y: labels as the output expects.
  ///   - optimizer: the update rule and its hyperparameters.
  ///   - options: epochs, batch size and the rest (see ``FitOptions``).
  ///   - method: a preprocessing method to fit on `x`, or nil to keep the model's.
  ///   - sampleWeights: per-example weights (1, m) of the cost, or nil (all 1).
  ///   - validation: raw validation inputs and labels, evaluated after each epoch.
  ///   - progress: called after each epoch with its record; return false to stop.
  /// - Returns: the per-epoch history.
  /// - Throws: ``ConfigurationError``, ``ShapeError``, ``DataError``, ``DivergenceError``.
  @discardableResult
  public mutating func fit(
    _ x: Matrix<Scalar>, _ y: Matrix<Scalar>, optimizer: OptimizerSettings, options: FitOptions,
    preprocessing method: Preprocessing.Method? = nil, sampleWeights: Matrix<Scalar>? = nil,
    validation: (x: Matrix<Scalar>, y: Matrix<Scalar>)? = nil, progress: @escaping (EpochRecord) -> Bool = { _ in true }
  ) throws -> History {
    if let method { preprocessing = try Preprocessing.fit(method, to: x) }
    let prepared = try preprocessing.apply(x)
    let held = try validation.map { LabeledBatch(x: try preprocessing.apply($0.x), y: $0.y) }
    let history = try network.fit(
      x: prepared, y: y, sampleWeights: sampleWeights, validation: held, optimizer: optimizer, options: options,
      progress: progress)
    // How the model was made, for its file (the initializer and seed recorded at creation are kept).
    let record = TrainingRecord(network: network, preprocessing: preprocessing, optimizer: optimizer, options: options)
    hyperparameters.merge(record.values) { $1 }
    return history
  }

  /// ``fit(_:_:optimizer:options:preprocessing:sampleWeights:validation:progress:)`` with
  /// the common options as arguments.
  @discardableResult
  public mutating func fit(
    _ x: Matrix<Scalar>, _ y: Matrix<Scalar>, epochs: Int, batchSize: Int? = 32,
    optimizer: OptimizerSettings = .adam(),
    preprocessing method: Preprocessing.Method? = nil, validation: (x: Matrix<Scalar>, y: Matrix<Scalar>)? = nil
  ) throws -> History {
    try fit(
      x, y, optimizer: optimizer, options: FitOptions(epochs: epochs, batchSize: batchSize), preprocessing: method,
      validation: validation)
  }
}
