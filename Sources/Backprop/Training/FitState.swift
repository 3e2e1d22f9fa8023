/// Everything a training run needs to continue exactly where it stopped: what a
/// checkpoint holds (see ``CheckpointFile``).
///
/// With the same data, options, seed and thread count, training resumed from a
/// state ends with the same bits as a run that was never interrupted: the
/// parameters, batch-norm statistics, optimizer moments and step counts, the
/// random generator (shuffling and dropout), the examples' order and the
/// position inside the epoch, the partial epoch cost, the history and the early
/// stopping's best epoch are all here.
public struct FitState<Scalar: MatrixScalar>: Sendable {
  /// The parameters (and batch-norm running statistics) now.
  public var network: Network<Scalar>
  /// The optimizer's per-parameter state as named tensors:
  /// `layers.{l-1}.{weight|bias|alpha|gamma|beta}.{name}` (see ``Optimizer/stateTensors(_:)``).
  public var optimizerTensors: [String: Matrix<Scalar>]
  /// The optimizer's integer counters, named like the tensors.
  public var optimizerCounters: [String: Int]
  /// The epoch in progress, or the next one when ``batchStart`` is 0 (1-based); the last
  /// epoch run when ``isFinished``.
  public var epoch: Int
  /// How many examples of ``epoch`` are already trained on (0: it has not started).
  public var batchStart: Int
  /// The order of the examples in the epoch in progress (or the last one).
  public var order: [Int]
  /// Σ cost·m_t over the batches of the epoch in progress so far.
  public var costSum: Double
  /// The generator of shuffles and dropout masks.
  public var generator: DefaultGenerator
  /// The epochs completed (bounded: see ``History``).
  public var history: History
  /// Early stopping: the best monitored cost, its epoch and its network.
  public var best: (cost: Double, epoch: Int, network: Network<Scalar>)?
  /// Early stopping: epochs since the best one.
  public var epochsWithoutImprovement: Int
  /// Whether training has finished (every epoch ran, or it stopped early).
  public var isFinished: Bool

  public init(
    network: Network<Scalar>, optimizerTensors: [String: Matrix<Scalar>], optimizerCounters: [String: Int],
    epoch: Int, batchStart: Int, order: [Int], costSum: Double, generator: DefaultGenerator, history: History,
    best: (cost: Double, epoch: Int, network: Network<Scalar>)?, epochsWithoutImprovement: Int, isFinished: Bool
  ) {
    self.network = network
    self.optimizerTensors = optimizerTensors
    self.optimizerCounters = optimizerCounters
    self.epoch = epoch
    self.batchStart = batchStart
    self.order = order
    self.costSum = costSum
    self.generator = generator
    self.history = history
    self.best = best
    self.epochsWithoutImprovement = epochsWithoutImprovement
    self.isFinished = isFinished
  }
}

/// Where
/// ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``
/// stops to save its state.
public struct CheckpointPolicy: Sendable, Hashable {
  /// Save after every N epochs (iterations, for full-batch training); 0 saves only at the end.
  public var every: Int

  /// - Throws: ``ConfigurationError`` naming `CheckpointPolicy.every` for a negative N.
  public init(every: Int) throws(ConfigurationError) {
    guard every >= 0 else {
      throw ConfigurationError(
        parameter: "CheckpointPolicy.every", "\(every) is negative; give 0 (only at the end) or more epochs")
    }
    self.every = every
  }
}

/// Training stopped at a request (a signal) after finishing its current step;
/// its state was handed to the checkpoint callback first.
public struct TrainingInterrupted: Error, Sendable, CustomStringConvertible {
  /// The epoch in progress (1-based).
  public var epoch: Int
  /// Examples of that epoch already trained on.
  public var examplesDone: Int

  public var description: String {
    "training interrupted in epoch \(epoch) after \(examplesDone) examples"
  }
}

extension OptimizerState {
  /// The states as named tensors and counters (see ``FitState/optimizerTensors``).
  public func encoded(by optimizer: O) -> (tensors: [String: Matrix<O.Scalar>], counters: [String: Int]) {
    var tensors = [String: Matrix<O.Scalar>]()
    var counters = [String: Int]()
    func add(_ prefix: String, _ state: O.State) {
      for (name, value) in optimizer.stateTensors(state) { tensors["\(prefix).\(name)"] = value }
      for (name, value) in optimizer.stateCounters(state) { counters["\(prefix).\(name)"] = value }
    }
    for (l, layer) in states.enumerated() {
      for parameter in Parameter.all {
        if let state = layer[parameter.rawValue] { add("layers.\(l).\(parameter)", state) }
      }
    }
    return (tensors, counters)
  }

  /// The states back from ``encoded(by:)`` for `network`'s parameters.
  /// - Throws: ``DataError`` naming the first missing or misshapen piece.
  public init(
    decoding tensors: [String: Matrix<O.Scalar>], counters: [String: Int], for network: Network<O.Scalar>,
    optimizer: O
  ) throws(DataError) {
    func state(_ prefix: String, _ parameter: Matrix<O.Scalar>) throws(DataError) -> O.State {
      var own = [String: Matrix<O.Scalar>]()
      var ownCounters = [String: Int]()
      for (name, value) in tensors where name.hasPrefix(prefix + ".") {
        own[String(name.dropFirst(prefix.count + 1))] = value
      }
      for (name, value) in counters where name.hasPrefix(prefix + ".") {
        ownCounters[String(name.dropFirst(prefix.count + 1))] = value
      }
      do {
        return try optimizer.restoreState(tensors: own, counters: ownCounters, for: parameter)
      } catch {
        throw DataError("\(prefix): \(error.message)")
      }
    }
    var states = [[O.State?]]()
    for (l, layer) in network.layers.enumerated() {
      var own = [O.State?]()
      for parameter in Parameter.all {
        own.append(
          try layer[parameter].map { (value) throws(DataError) in try state("layers.\(l).\(parameter)", value) })
      }
      states.append(own)
    }
    self.init(states: states)
  }
}
