/// How ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)`` trains:
/// epochs of mini-batches and the practitioner's toolbox around the notes' step.
///
/// ```swift
/// var options = try FitOptions(epochs: 20, batchSize: 64)
/// options.l2 = 0.01
/// options.dropout = [0.2]                      // every hidden layer
/// options.earlyStopping = try EarlyStopping(patience: 3)
/// ```
public struct FitOptions: Sendable, Hashable {
  /// Passes over the training set.
  public var epochs: Int
  /// Examples per mini-batch; nil is the full batch (the notes' gradient descent:
  /// one step per epoch). The last batch of an epoch holds what is left and is
  /// averaged over its own m.
  public var batchSize: Int?
  /// Reshuffle the examples at the start of each epoch (seeded by ``seed``).
  public var shuffle = true
  /// Seeds the shuffling and the dropout masks.
  public var seed: UInt64 = 1
  /// λ of L2 regularisation: J + λ/(2m) Σ ‖W[l]‖²_F, dW[l] + (λ/m) W[l].
  public var l2 = 0.0
  /// Dropout rates p (probability of dropping a unit) for the hidden layers
  /// 1…L−1, in order; one value applies to every hidden layer; empty: none.
  public var dropout: [Double] = []
  /// The learning rate per epoch; nil keeps the optimizer's own.
  public var schedule: LearningRateSchedule?
  /// Stop when the monitored cost stops improving, and restore the best parameters.
  public var earlyStopping: EarlyStopping?
  /// Weights per class (classification only), multiplied into any example weights.
  public var classWeights: ClassWeights?
  /// The metrics to compute each epoch, by name (see ``MetricName``): on the
  /// validation set (one inference pass after the epoch), and on the training set
  /// too when ``trainingMetrics`` or when there is no validation set. Only the
  /// named ones are computed (ROC AUC, which ranks every example, only when named).
  ///
  /// The training-set values are running metrics by default: summed over the
  /// epoch's mini-batches from the forward passes the training steps already made
  /// (as Keras reports them), so they cost no extra pass. Each batch is scored by
  /// the parameters it was trained from (before its update, with dropout on and
  /// batch statistics), so they lag an end-of-epoch evaluation slightly; see
  /// ``exactTrainingMetrics``.
  public var metrics: [MetricName] = []
  /// Also compute ``metrics`` on the whole training set when there is a validation set.
  public var trainingMetrics = false
  /// Compute the training-set ``metrics`` with one more forward pass over the whole
  /// training set at the end of each epoch (inference mode, the epoch's final
  /// parameters) instead of from the batches' running sums: exact for the
  /// parameters the epoch ends with, at the cost of that pass (one forward pass over
  /// the m examples: about a third more work per epoch, a step being a forward and
  /// a backward pass). An epoch resumed part-way from a
  /// checkpoint always takes this pass, its first batches' sums being lost.
  public var exactTrainingMetrics = false
  /// Clip the gradients' global norm to C before each update (`--clip-norm`): when
  /// ‖g‖ = √(Σ_l ‖dW[l]‖² + ‖db[l]‖² + …) > C, every gradient is scaled by C/‖g‖.
  public var clipNorm: Double?
  /// When to hand the training state to the checkpoint callback.
  public var checkpoint: CheckpointPolicy?
  /// In a data-parallel run, every this many steps the ranks compare a hash of their
  /// parameters and stop with a ``CommunicationError`` naming the step and the ranks when they
  /// differ (they should never: every rank makes the same update); 0 never compares.
  public var syncCheck = 0

  /// - Throws: ``ConfigurationError`` naming `epochs` or `batchSize` when not positive.
  public init(epochs: Int, batchSize: Int? = nil) throws(ConfigurationError) {
    self.epochs = epochs
    self.batchSize = batchSize
    try validate()
  }

  /// Checks every option; ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)`` calls it too.
  /// - Throws: ``ConfigurationError`` naming the option.
  public func validate(hiddenLayers: Int? = nil) throws(ConfigurationError) {
    guard epochs >= 0 else {
      throw ConfigurationError(parameter: "epochs", "\(epochs) is negative; give 0 or more epochs")
    }
    if let batchSize, batchSize < 1 {
      throw ConfigurationError(parameter: "batchSize", "\(batchSize) must be at least 1 example")
    }
    guard l2 >= 0, l2.isFinite else {
      throw ConfigurationError(parameter: "l2", "\(l2) is not usable: λ must be 0 or a positive finite number")
    }
    for p in dropout { try Dropout.validate(rate: p) }
    if let clipNorm, !(clipNorm > 0) || !clipNorm.isFinite {
      throw ConfigurationError(parameter: "clipNorm", "\(clipNorm) must be a positive finite number")
    }
    guard syncCheck >= 0 else {
      throw ConfigurationError(parameter: "syncCheck", "\(syncCheck) is negative; give 0 (never) or a number of steps")
    }
    if let hiddenLayers, dropout.count > 1, dropout.count != hiddenLayers {
      throw ConfigurationError(
        parameter: "dropout",
        "\(dropout.count) rates for \(hiddenLayers) hidden layers; give one rate for all or one per hidden layer")
    }
  }

  /// The dropout rate of hidden layer l (1-based), 0 for none.
  func dropoutRate(layer l: Int, hiddenLayers: Int) -> Double {
    guard l <= hiddenLayers, !dropout.isEmpty else { return 0 }
    return dropout.count == 1 ? dropout[0] : dropout[l - 1]
  }
}

/// Early stopping: after each epoch, the monitored cost (the validation cost,
/// or the training cost without a validation set) counts as an improvement
/// when it is below the best so far by more than ``minDelta``; after
/// ``patience`` epochs without one, training stops. Either way, when training
/// ends the parameters of the best epoch are restored.
public struct EarlyStopping: Sendable, Hashable {
  /// Epochs without improvement before stopping.
  public var patience: Int
  /// The least decrease that counts as an improvement.
  public var minDelta: Double

  /// - Throws: ``ConfigurationError`` naming `EarlyStopping.patience` or `minDelta`.
  public init(patience: Int, minDelta: Double = 0) throws(ConfigurationError) {
    guard patience >= 1 else {
      throw ConfigurationError(parameter: "EarlyStopping.patience", "\(patience) must be at least 1 epoch of patience")
    }
    guard minDelta >= 0, minDelta.isFinite else {
      throw ConfigurationError(parameter: "minDelta", "\(minDelta) must be 0 or a positive finite number")
    }
    self.patience = patience
    self.minDelta = minDelta
  }
}
