#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A labelled set held as matrices: X (n[0], m) and Y, optionally per-example weights (1, m).
public struct LabeledBatch<Scalar: MatrixScalar>: Sendable {
  public var x: Matrix<Scalar>
  public var y: Matrix<Scalar>
  public var weights: Matrix<Scalar>?

  public init(x: Matrix<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil) {
    self.x = x
    self.y = y
    self.weights = weights
  }
}

extension Network {
  /// Trains by epochs of mini-batches: the notes' step (forward, cost,
  /// backward, update) on each batch, with the options' regularisation,
  /// schedule, validation and early stopping.
  ///
  ///     for epoch in 1…E:
  ///         α = schedule(epoch);  shuffle the m examples (seeded)
  ///         for each batch (X{t}, Y{t}) of B examples (the last one: what is left):
  ///             draw the dropout masks D[l]
  ///             forward; J{t} = cost + λ/(2m_t) Σ‖W‖²; backward; update every parameter
  ///             add A[L] and Y{t} to the running training metrics
  ///         validation cost and metrics (one inference pass); early stopping
  ///
  /// With `batchSize` nil and no shuffling, one epoch is one iteration of the
  /// notes' full-batch gradient descent.
  ///
  /// - Parameters:
  ///   - x: X, (n[0], m).
  ///   - y: Y, as the output expects.
  ///   - sampleWeights: per-example weights (1, m) of the cost, or nil.
  ///   - validation: a held-out set, evaluated after each epoch (inference mode).
  ///   - optimizer: the update rule; its learning rate is the schedule's when there is one.
  ///   - options: epochs, batch size and the rest (see ``FitOptions``).
  ///   - resume: a state saved by an earlier run with the same data and options
  ///     (``FitState``): training continues from it exactly.
  ///   - checkpoint: receives the state every ``FitOptions/checkpoint`` epochs, at the
  ///     end, and before an interruption.
  ///   - shouldStop: asked after every step; true finishes the step, hands the state to
  ///     `checkpoint` and throws ``TrainingInterrupted`` (a signal handler sets it).
  ///   - afterBatch: called after every step with the epoch's progress (for a live display).
  ///   - progress: called after each epoch; return false to stop.
  /// - Returns: the history; the network ends with the best epoch's parameters
  ///   when early stopping is on, else the last.
  /// - Throws: ``ConfigurationError`` for bad options, ``ShapeError``/``DataError``
  ///   when the data do not fit or `resume` is not this run's, ``DivergenceError``
  ///   naming the layer when a cost or gradient is not finite, ``TrainingInterrupted``.
  @discardableResult
  @_specialize(where Scalar == Float, O == GradientDescent<Float>)
  @_specialize(where Scalar == Double, O == GradientDescent<Double>)
  @_specialize(where Scalar == Float, O == Momentum<Float>)
  @_specialize(where Scalar == Double, O == Momentum<Double>)
  @_specialize(where Scalar == Float, O == Nesterov<Float>)
  @_specialize(where Scalar == Double, O == Nesterov<Double>)
  @_specialize(where Scalar == Float, O == RMSprop<Float>)
  @_specialize(where Scalar == Double, O == RMSprop<Double>)
  @_specialize(where Scalar == Float, O == Adam<Float>)
  @_specialize(where Scalar == Double, O == Adam<Double>)
  @_specialize(where Scalar == Float, O == AdamW<Float>)
  @_specialize(where Scalar == Double, O == AdamW<Double>)
  public mutating func fit<O: Optimizer>(
    x: Matrix<Scalar>, y: Matrix<Scalar>, sampleWeights: Matrix<Scalar>? = nil,
    validation: LabeledBatch<Scalar>? = nil, optimizer: O, options: FitOptions,
    resumingFrom resume: FitState<Scalar>? = nil, checkpoint: ((FitState<Scalar>) throws -> Void)? = nil,
    shouldStop: () -> Bool = { false }, afterBatch: (BatchProgress) -> Void = { _ in },
    progress: (EpochRecord) -> Bool = { _ in true }
  ) throws -> History where O.Scalar == Scalar {
    var fitter = try Fitter(
      network: resume?.network ?? self, x: x, y: y, sampleWeights: sampleWeights, options: options)
    defer { self = fitter.network }
    return try fitter.run(
      validation: validation, optimizer: optimizer, resume: resume, checkpoint: checkpoint, shouldStop: shouldStop,
      afterBatch: afterBatch, progress: progress)
  }
}

/// Where an epoch stands after a step, for a live display.
public struct BatchProgress: Sendable, Hashable {
  /// The epoch (1-based).
  public var epoch: Int
  /// Examples of the epoch trained on so far.
  public var examplesDone: Int
  /// m, the epoch's examples.
  public var examples: Int
  /// The mean cost of the epoch's batches so far.
  public var cost: Double
}

extension Network {
  /// Mini-batch training with the optimizer given as settings (`.adam()`,
  /// `.momentum(learningRate: 0.1)`), the form ``Model`` and the command line take;
  /// the concrete optimizer is built for `Scalar` and the loop specialised for it.
  /// See ``fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:)-(_,_,_,_,O,_,_,_,_,_,_)``
  /// for the parameters and what each epoch does.
  ///
  /// ```swift
  /// let history = try network.fit(x: x, y: y, optimizer: .adam(), options: FitOptions(epochs: 20, batchSize: 64))
  /// ```
  ///
  /// - Parameters:
  ///   - x: X, (n[0], m).
  ///   - y: Y, as the output expects.
  ///   - sampleWeights: per-example weights (1, m) of the cost, or nil.
  ///   - validation: a held-out set, evaluated after each epoch (inference mode).
  ///   - settings: the update rule and its hyperparameters.
  ///   - options: epochs, batch size and the rest (see ``FitOptions``).
  ///   - resume: a state saved by an earlier run with the same data and options.
  ///   - checkpoint: receives the state every ``FitOptions/checkpoint`` epochs, at the end, and
  ///     before an interruption.
  ///   - shouldStop: asked after every step; true checkpoints and throws ``TrainingInterrupted``.
  ///   - afterBatch: called after every step with the epoch's progress.
  ///   - progress: called after each epoch; return false to stop.
  /// - Returns: the history. The network is left as it was when training throws.
  /// - Throws: ``ConfigurationError`` for impossible hyperparameters, and what the generic `fit` throws.
  @discardableResult
  public mutating func fit(
    x: Matrix<Scalar>, y: Matrix<Scalar>, sampleWeights: Matrix<Scalar>? = nil,
    validation: LabeledBatch<Scalar>? = nil, optimizer settings: OptimizerSettings, options: FitOptions,
    resumingFrom resume: FitState<Scalar>? = nil, checkpoint: ((FitState<Scalar>) throws -> Void)? = nil,
    shouldStop: @escaping () -> Bool = { false }, afterBatch: @escaping (BatchProgress) -> Void = { _ in },
    progress: @escaping (EpochRecord) -> Bool = { _ in true }
  ) throws -> History {
    let run = NetworkFitRun(
      network: self, x: x, y: y, sampleWeights: sampleWeights, validation: validation, options: options,
      resume: resume, checkpoint: checkpoint, shouldStop: shouldStop, afterBatch: afterBatch, progress: progress)
    let history: History
    (self, history) = try settings.accept(run)
    return history
  }
}

/// Runs `fit` with the concrete optimizer that settings describe (a visitor, so the loop is specialised).
struct NetworkFitRun<Scalar: MatrixScalar>: OptimizerVisitor {
  var network: Network<Scalar>
  var x: Matrix<Scalar>
  var y: Matrix<Scalar>
  var sampleWeights: Matrix<Scalar>?
  var validation: LabeledBatch<Scalar>?
  var options: FitOptions
  var resume: FitState<Scalar>?
  var checkpoint: ((FitState<Scalar>) throws -> Void)?
  var shouldStop: () -> Bool
  var afterBatch: (BatchProgress) -> Void
  var progress: (EpochRecord) -> Bool

  func visit<O: Optimizer>(_ optimizer: O) throws -> (Network<Scalar>, History) where O.Scalar == Scalar {
    var network = network
    let history = try network.fit(
      x: x, y: y, sampleWeights: sampleWeights, validation: validation, optimizer: optimizer, options: options,
      resumingFrom: resume, checkpoint: checkpoint, shouldStop: shouldStop, afterBatch: afterBatch,
      progress: progress)
    return (network, history)
  }
}

/// The state of one ``Network/fit(x:y:validation:optimizer:options:progress:)`` run.
struct Fitter<Scalar: MatrixScalar> {
  var network: Network<Scalar>
  let x: Matrix<Scalar>
  let y: Matrix<Scalar>
  let weights: Matrix<Scalar>?
  let options: FitOptions
  var generator: DefaultGenerator
  var workspace: Workspace<Scalar>
  var batch: LabeledBatch<Scalar>
  /// The buffers of the validation pass, and of the exact pass over the training set
  /// (``FitOptions/exactTrainingMetrics``): sized on the first epoch, reused after.
  var validationPass: Network<Scalar>.ForwardPass
  var trainingPass: Network<Scalar>.ForwardPass

  init(
    network: Network<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>, sampleWeights: Matrix<Scalar>?,
    options: FitOptions
  ) throws {
    try options.validate(hiddenLayers: network.depth - 1)
    guard x.rows == network.layers[0].inputSize else {
      throw ShapeError("X has \(x.rows) features (rows) but the network's n[0] is \(network.layers[0].inputSize)")
    }
    guard x.columns > 0 else { throw DataError("there are no training examples") }
    try network.output.validate(
      labels: y, outputUnits: network.layers[network.depth - 1].outputSize, examples: x.columns)
    var weights = sampleWeights
    if let given = weights {
      guard given.count == x.columns else {
        throw DataError("\(given.count) sample weights for \(x.columns) examples")
      }
      if let bad = given.scalars.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
        throw DataError("sample weight \(bad) is \(given.scalars[bad]); weights must be finite and ≥ 0")
      }
    }
    if let classWeights = options.classWeights {
      guard network.output.isClassification else {
        throw ConfigurationError(
          parameter: "classWeights", "class weights need a classification output (sigmoid or softmax)")
      }
      let outputUnits = network.layers[network.depth - 1].outputSize
      try classWeights.check(classCount: outputUnits == 1 ? 2 : outputUnits)
      let perClass = try classWeights.exampleWeights(for: y)
      if var combined = weights {
        Kernels.scaleColumns(&combined, by: perClass)
        weights = combined
      } else {
        weights = perClass
      }
    }
    self.network = network
    self.x = x
    self.y = y
    self.weights = weights
    self.options = options
    generator = DefaultGenerator(seed: options.seed)
    workspace = Workspace(for: network)
    batch = LabeledBatch(x: Matrix(rows: 0, columns: 0), y: Matrix(rows: 0, columns: 0))
    validationPass = Network<Scalar>.ForwardPass(caches: [])
    trainingPass = Network<Scalar>.ForwardPass(caches: [])
  }

  mutating func run<O: Optimizer>(
    validation: LabeledBatch<Scalar>?, optimizer initial: O, resume: FitState<Scalar>?,
    checkpoint: ((FitState<Scalar>) throws -> Void)?, shouldStop: () -> Bool, afterBatch: (BatchProgress) -> Void,
    progress: (EpochRecord) -> Bool
  ) throws -> History where O.Scalar == Scalar {
    if let validation {
      guard validation.x.rows == x.rows else {
        throw ShapeError("the validation set has \(validation.x.rows) features but the training set \(x.rows)")
      }
      try network.output.validate(
        labels: validation.y, outputUnits: network.layers[network.depth - 1].outputSize, examples: validation.x.columns)
    }
    let m = x.columns
    var optimizer = initial
    var state = OptimizerState(for: network, optimizer: optimizer)
    var history = History()
    var order = Array(0..<m)
    var best: (cost: Double, epoch: Int, network: Network<Scalar>)?
    var epochsWithoutImprovement = 0
    var firstEpoch = 1
    var resumeStart = 0
    var resumeCostSum = 0.0
    if let resume {
      guard resume.order.count == m, Set(resume.order).count == m, resume.order.allSatisfy({ $0 >= 0 && $0 < m }) else {
        throw DataError("the saved state is for \(resume.order.count) training examples, not these \(m)")
      }
      guard resume.batchStart >= 0, resume.batchStart < m, resume.epoch >= 1 else {
        throw DataError("the saved state's position (epoch \(resume.epoch), example \(resume.batchStart)) is not valid")
      }
      state = try OptimizerState(
        decoding: resume.optimizerTensors, counters: resume.optimizerCounters, for: network, optimizer: optimizer)
      history = resume.history
      order = resume.order
      best = resume.best
      epochsWithoutImprovement = resume.epochsWithoutImprovement
      generator = resume.generator
      // A finished run's state is at its last epoch: more epochs (a larger `options.epochs`)
      // continue from the next one; a run that early stopping ended stays finished.
      firstEpoch =
        resume.isFinished ? (resume.history.stoppedEarly ? options.epochs + 1 : resume.epoch + 1) : resume.epoch
      resumeStart = resume.batchStart
      resumeCostSum = resume.costSum
    }
    let batchSize = min(options.batchSize ?? m, m)
    let shuffles = options.shuffle && batchSize < m
    let hidden = network.depth - 1
    let clock = ContinuousClock()
    let outputUnits = network.layers[network.depth - 1].outputSize
    // Training metrics: running sums over the batches' own passes, or one exact pass at the end of the epoch.
    let wantsTrainingMetrics = !options.metrics.isEmpty && (options.trainingMetrics || validation == nil)
    var trainingMetrics = RunningMetrics<Scalar>(
      wantsTrainingMetrics ? options.metrics : [], output: network.output, outputUnits: outputUnits, examples: m)
    try trainingMetrics.validate(labels: y)
    var validationMetrics = RunningMetrics<Scalar>(
      options.metrics, output: network.output, outputUnits: outputUnits, examples: validation?.x.columns ?? 0)
    if let validation { try validationMetrics.validate(labels: validation.y) }

    func snapshot(epoch: Int, batchStart: Int, costSum: Double, finished: Bool) -> FitState<Scalar> {
      let encoded = state.encoded(by: optimizer)
      return FitState(
        network: network, optimizerTensors: encoded.tensors, optimizerCounters: encoded.counters, epoch: epoch,
        batchStart: batchStart, order: order, costSum: costSum, generator: generator, history: history, best: best,
        epochsWithoutImprovement: epochsWithoutImprovement, isFinished: finished)
    }

    var epoch = firstEpoch
    var finished = firstEpoch > options.epochs
    while epoch <= options.epochs {
      let started = clock.now
      if let schedule = options.schedule {
        optimizer.learningRate = Scalar(schedule.learningRate(epoch: epoch - 1))
      }
      // A resumed epoch keeps its order and position; a new one reshuffles.
      var start = epoch == firstEpoch ? resumeStart : 0
      var costSum = epoch == firstEpoch ? resumeCostSum : 0
      if start == 0 && shuffles { generator.shuffle(&order) }
      // An epoch resumed part-way has lost the running sums of its first batches: it takes the exact pass.
      let exactMetrics = options.exactTrainingMetrics || start > 0
      trainingMetrics.reset()
      var normSums = [Double](repeating: 0, count: network.depth)
      var steps = 0
      while start < m {
        let end = min(start + batchSize, m)
        let useWhole = batchSize == m && !shuffles
        if !useWhole { gather(order[start..<end]) }
        let bx = useWhole ? x : batch.x
        let by = useWhole ? y : batch.y
        let bw = useWhole ? weights : batch.weights
        // Dropout masks D[l] for the hidden layers.
        for l in 1...max(hidden, 1) where hidden > 0 {
          let p = options.dropoutRate(layer: l, hiddenLayers: hidden)
          if p > 0 {
            Dropout.fillMask(
              &workspace.pass.caches[l - 1].mask, rows: network.layers[l - 1].outputSize, columns: end - start,
              rate: p, using: &generator)
          }
        }
        try network.forward(bx, into: &workspace.pass, training: true)
        let cost = try network.cost(workspace.pass, labels: by, weights: bw, l2: options.l2)
        guard cost.isFinite else {
          throw DivergenceError(iteration: epoch - 1, cost: cost, batch: batchSize < m ? steps + 1 : nil)
        }
        if !exactMetrics && !trainingMetrics.isEmpty {
          trainingMetrics.add(outputs: workspace.pass.caches[network.depth - 1].a, labels: by)
        }
        try network.backward(labels: by, weights: bw, l2: options.l2, workspace: &workspace)
        // ‖g[l]‖ per layer, from L down as backpropagation went: NaN or ∞ stops here,
        // naming the first layer where it appeared; clipping rescales them all.
        var total = 0.0
        for l in stride(from: network.depth - 1, through: 0, by: -1) {
          let squared = workspace.gradients[l].squaredNorm
          guard squared.isFinite else {
            throw DivergenceError(
              iteration: epoch - 1, cost: squared.squareRoot(), layer: l + 1, batch: batchSize < m ? steps + 1 : nil)
          }
          normSums[l] += squared.squareRoot()
          total += squared
        }
        if let clip = options.clipNorm, total.squareRoot() > clip {
          // g := g · C / ‖g‖ over every parameter (PyTorch's clip_grad_norm_)
          let factor = Scalar(clip / total.squareRoot())
          for l in 0..<network.depth { workspace.gradients[l].scale(by: factor) }
        }
        network.apply(workspace.gradients, optimizer: optimizer, state: &state)
        network.updateRunningStatistics(from: workspace.pass)
        costSum += cost * Double(end - start)
        steps += 1
        start = end
        afterBatch(BatchProgress(epoch: epoch, examplesDone: start, examples: m, cost: costSum / Double(start)))
        if start < m && shouldStop() {
          try checkpoint?(snapshot(epoch: epoch, batchStart: start, costSum: costSum, finished: false))
          throw TrainingInterrupted(epoch: epoch, examplesDone: start)
        }
      }
      var record = EpochRecord(
        epoch: epoch, cost: costSum / Double(m), validationCost: nil, metrics: [:], validationMetrics: [:],
        learningRate: Double(optimizer.learningRate), seconds: 0,
        gradientNorms: normSums.map { $0 / Double(max(steps, 1)) },
        deadUnitFractions: TrainingDiagnostics.deadUnitFractions(network, workspace.pass),
        saturatedOutputFraction: TrainingDiagnostics.saturatedOutputFraction(network, workspace.pass))
      if let validation {
        try network.forward(validation.x, into: &validationPass, training: false)
        record.validationCost = try network.cost(
          validationPass, labels: validation.y, weights: validation.weights, l2: options.l2)
        validationMetrics.reset()
        validationMetrics.add(outputs: validationPass.caches[network.depth - 1].a, labels: validation.y)
        record.validationMetrics = try validationMetrics.values()
      }
      if !trainingMetrics.isEmpty {
        if exactMetrics {
          try network.forward(x, into: &trainingPass, training: false)
          trainingMetrics.reset()
          trainingMetrics.add(outputs: trainingPass.caches[network.depth - 1].a, labels: y)
        }
        record.metrics = try trainingMetrics.values()
      }
      record.seconds = started.duration(to: clock.now).seconds
      history.append(record, keeping: best?.epoch)

      var stop = !progress(record)
      if let early = options.earlyStopping {
        let monitored = record.validationCost ?? record.cost
        if best == nil || monitored < best!.cost - early.minDelta {
          best = (monitored, epoch, network)
          epochsWithoutImprovement = 0
        } else {
          epochsWithoutImprovement += 1
          if epochsWithoutImprovement >= early.patience {
            history.stoppedEarly = epoch < options.epochs
            stop = true
          }
        }
      }
      finished = stop || epoch == options.epochs
      if let every = options.checkpoint?.every, every > 0, epoch % every == 0, !finished {
        try checkpoint?(snapshot(epoch: epoch + 1, batchStart: 0, costSum: 0, finished: false))
      }
      if !finished && shouldStop() {
        try checkpoint?(snapshot(epoch: epoch + 1, batchStart: 0, costSum: 0, finished: false))
        throw TrainingInterrupted(epoch: epoch + 1, examplesDone: 0)
      }
      if stop { break }
      epoch += 1
    }
    if finished, options.checkpoint != nil {
      try checkpoint?(snapshot(epoch: min(epoch, options.epochs), batchStart: 0, costSum: 0, finished: true))
    }
    if let best {
      network = best.network
      history.bestEpoch = best.epoch
    }
    return history
  }

  /// Copies the examples at `indices` into the batch buffers, in place: the
  /// pass lets go of the previous batch's X first (else the copy on write
  /// would allocate and copy a whole batch before the gather overwrote it).
  private mutating func gather(_ indices: ArraySlice<Int>) {
    workspace.pass.releaseInput()
    Kernels.gatherColumns(x, indices, into: &batch.x)
    Kernels.gatherColumns(y, indices, into: &batch.y)
    if let weights {
      var w = batch.weights ?? Matrix(rows: 0, columns: 0)
      batch.weights = nil
      Kernels.gatherColumns(weights, indices, into: &w)
      batch.weights = w
    }
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
