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
  ///   - communicator: the ranks of a data-parallel run (``MPICommunicator``, ``ThreadCommunicator``),
  ///     or nil for one process. Every rank calls `fit` with the same data, network, options and seed;
  ///     each step's global batch (`batchSize` examples, the same ones as in one process) is cut into
  ///     one contiguous part per rank, each rank computes the gradients of its part, and one
  ///     all-reduce sums them, weighted by the part's size, so every rank makes the same update and
  ///     holds the same parameters: the trained network is one process's, up to the order of the
  ///     sums. Dropout masks are drawn for the whole batch and each rank takes its columns; the
  ///     L2 term is added once, after the sum; the cost and a stop request are summed with the
  ///     gradients, so a signal on any rank stops every rank at the same step. The training
  ///     metrics take the exact pass (every rank holds the whole set). Batch normalisation is
  ///     synchronised: its batch statistics are the whole batch's, each sum completed by an
  ///     all-reduce in the forward and the backward pass (PyTorch's `SyncBatchNorm`).
  /// - Returns: the history; the network ends with the best epoch's parameters
  ///   when early stopping is on, else the last.
  /// - Throws: ``ConfigurationError`` for bad options, ``ShapeError``/``DataError``
  ///   when the data do not fit or `resume` is not this run's, ``DivergenceError``
  ///   naming the layer when a cost or gradient is not finite, ``TrainingInterrupted``.
  @discardableResult
  // Specialised as the loop is, so that a caller in another module with a concrete optimizer
  // reaches the specialised loop.
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
    progress: (EpochRecord) -> Bool = { _ in true }, distributed communicator: (any Communicator)? = nil
  ) throws -> History where O.Scalar == Scalar {
    try fit(
      examples: LabeledExamples(x: .matrix(x), y: y, weights: sampleWeights),
      validation: validation.map(LabeledExamples.init),
      optimizer: optimizer, options: options, resumingFrom: resume, checkpoint: checkpoint, shouldStop: shouldStop,
      afterBatch: afterBatch, progress: progress, distributed: communicator)
  }

  /// Trains on examples held in memory or read in place from a memory-mapped file
  /// (``Examples/mapped(_:)``: a training set larger than memory), with the same steps as
  /// ``fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``:
  /// each batch is gathered from X by the shuffled example indices, so a mapped file trains to
  /// the same network as its examples loaded whole. The exact passes over a mapped set (validation,
  /// ``FitOptions/exactTrainingMetrics``) read it in pieces of a few thousand examples.
  ///
  /// ```swift
  /// let x = try MappedExamples<Float>(path: "big_x.npy")
  /// let y = try NPYFile.read(path: "big_y.npy").labels(as: Float.self)
  /// let training = LabeledExamples(x: .mapped(try x.prepared(by: x.fitPreprocessing(.standardize))), y: y)
  /// try network.fit(examples: training, optimizer: .adam(), options: FitOptions(epochs: 2, batchSize: 128))
  /// ```
  ///
  /// - Parameters:
  ///   - examples: X, Y and optional per-example weights of the training set.
  ///   - validation: a held-out set, evaluated after each epoch (inference mode).
  ///   - optimizer: the update rule; its learning rate is the schedule's when there is one.
  ///   - options: epochs, batch size and the rest (see ``FitOptions``).
  ///   - resume: a state saved by an earlier run with the same data and options.
  ///   - checkpoint: receives the state every ``FitOptions/checkpoint`` epochs, at the end, and
  ///     before an interruption.
  ///   - shouldStop: asked after every step; true checkpoints and throws ``TrainingInterrupted``.
  ///   - afterBatch: called after every step with the epoch's progress.
  ///   - progress: called after each epoch; return false to stop.
  ///   - communicator: the ranks of a data-parallel run, or nil: each rank reads only its part of
  ///     every batch, so the ranks of a mapped set touch only their own examples' pages.
  /// - Returns: the history.
  /// - Throws: what the matrix form throws.
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
    examples: LabeledExamples<Scalar>, validation: LabeledExamples<Scalar>? = nil, optimizer: O,
    options: FitOptions, resumingFrom resume: FitState<Scalar>? = nil,
    checkpoint: ((FitState<Scalar>) throws -> Void)? = nil, shouldStop: () -> Bool = { false },
    afterBatch: (BatchProgress) -> Void = { _ in }, progress: (EpochRecord) -> Bool = { _ in true },
    distributed communicator: (any Communicator)? = nil
  ) throws -> History where O.Scalar == Scalar {
    var fitter = try Fitter(
      network: resume?.network ?? self, x: examples.x, y: examples.y, sampleWeights: examples.weights,
      options: options, communicator: communicator)
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
  /// See ``fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``
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
  ///   - communicator: the ranks of a data-parallel run, or nil (see the generic `fit`).
  /// - Returns: the history. The network is left as it was when training throws.
  /// - Throws: ``ConfigurationError`` for impossible hyperparameters, and what the generic `fit` throws.
  @discardableResult
  public mutating func fit(
    x: Matrix<Scalar>, y: Matrix<Scalar>, sampleWeights: Matrix<Scalar>? = nil,
    validation: LabeledBatch<Scalar>? = nil, optimizer settings: OptimizerSettings, options: FitOptions,
    resumingFrom resume: FitState<Scalar>? = nil, checkpoint: ((FitState<Scalar>) throws -> Void)? = nil,
    shouldStop: @escaping () -> Bool = { false }, afterBatch: @escaping (BatchProgress) -> Void = { _ in },
    progress: @escaping (EpochRecord) -> Bool = { _ in true }, distributed communicator: (any Communicator)? = nil
  ) throws -> History {
    try fit(
      examples: LabeledExamples(x: .matrix(x), y: y, weights: sampleWeights),
      validation: validation.map(LabeledExamples.init),
      optimizer: settings, options: options, resumingFrom: resume, checkpoint: checkpoint, shouldStop: shouldStop,
      afterBatch: afterBatch, progress: progress, distributed: communicator)
  }

  /// Mini-batch training with the optimizer given as settings, on examples held in memory or read
  /// in place from a memory-mapped file; see the generic ``fit(examples:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,O,_,_,_,_,_,_,_)``.
  ///
  /// - Parameters:
  ///   - examples: X, Y and optional per-example weights of the training set.
  ///   - validation: a held-out set, evaluated after each epoch (inference mode).
  ///   - settings: the update rule and its hyperparameters.
  ///   - options: epochs, batch size and the rest (see ``FitOptions``).
  ///   - resume: a state saved by an earlier run with the same data and options.
  ///   - checkpoint: receives the state every ``FitOptions/checkpoint`` epochs, at the end, and
  ///     before an interruption.
  ///   - shouldStop: asked after every step; true checkpoints and throws ``TrainingInterrupted``.
  ///   - afterBatch: called after every step with the epoch's progress.
  ///   - progress: called after each epoch; return false to stop.
  ///   - communicator: the ranks of a data-parallel run, or nil.
  /// - Returns: the history. The network is left as it was when training throws.
  /// - Throws: ``ConfigurationError`` for impossible hyperparameters, and what the generic `fit` throws.
  @discardableResult
  public mutating func fit(
    examples: LabeledExamples<Scalar>, validation: LabeledExamples<Scalar>? = nil,
    optimizer settings: OptimizerSettings, options: FitOptions, resumingFrom resume: FitState<Scalar>? = nil,
    checkpoint: ((FitState<Scalar>) throws -> Void)? = nil, shouldStop: @escaping () -> Bool = { false },
    afterBatch: @escaping (BatchProgress) -> Void = { _ in },
    progress: @escaping (EpochRecord) -> Bool = { _ in true }, distributed communicator: (any Communicator)? = nil
  ) throws -> History {
    let run = NetworkFitRun(
      network: self, examples: examples, validation: validation, options: options, resume: resume,
      checkpoint: checkpoint, shouldStop: shouldStop, afterBatch: afterBatch, progress: progress,
      communicator: communicator)
    let history: History
    (self, history) = try settings.accept(run)
    return history
  }
}

/// Runs `fit` with the concrete optimizer that settings describe (a visitor, so the loop is specialised).
struct NetworkFitRun<Scalar: MatrixScalar>: OptimizerVisitor {
  var network: Network<Scalar>
  var examples: LabeledExamples<Scalar>
  var validation: LabeledExamples<Scalar>?
  var options: FitOptions
  var resume: FitState<Scalar>?
  var checkpoint: ((FitState<Scalar>) throws -> Void)?
  var shouldStop: () -> Bool
  var afterBatch: (BatchProgress) -> Void
  var progress: (EpochRecord) -> Bool
  var communicator: (any Communicator)?

  func visit<O: Optimizer>(_ optimizer: O) throws -> (Network<Scalar>, History) where O.Scalar == Scalar {
    var network = network
    let history = try network.fit(
      examples: examples, validation: validation, optimizer: optimizer, options: options,
      resumingFrom: resume, checkpoint: checkpoint, shouldStop: shouldStop, afterBatch: afterBatch,
      progress: progress, distributed: communicator)
    return (network, history)
  }
}

/// The state of one ``Network/fit(x:y:validation:optimizer:options:progress:)`` run.
struct Fitter<Scalar: MatrixScalar> {
  var network: Network<Scalar>
  /// X, in memory or mapped from a file.
  let x: Examples<Scalar>
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
  /// The ranks of a data-parallel run, nil for one process.
  let communicator: (any Communicator)?
  /// Every gradient of a step, one after another, for one all-reduce (data-parallel runs).
  var flatGradients: [Scalar] = []
  /// The cross-rank sums of synchronised batch normalisation (a data-parallel run of a network
  /// that normalises), nil otherwise.
  let statisticsSum: BatchStatisticsSum?
  /// A data-parallel rank's part of a set being evaluated, kept from one epoch to the next.
  var partX = Matrix<Scalar>(rows: 0, columns: 0)
  var partY = Matrix<Scalar>(rows: 0, columns: 0)

  init(
    network: Network<Scalar>, x: Examples<Scalar>, y: Matrix<Scalar>, sampleWeights: Matrix<Scalar>?,
    options: FitOptions, communicator: (any Communicator)? = nil
  ) throws {
    try options.validate(hiddenLayers: network.depth - 1)
    if let communicator, communicator.size > 1 {
      try Self.checkDataParallel(network: network, examples: x.count, options: options, ranks: communicator.size)
    }
    self.communicator = communicator
    statisticsSum =
      communicator.flatMap { $0.size > 1 && network.layers.contains { $0.normalization != nil } ? $0 : nil }
      .map(BatchStatisticsSum.init)
    guard x.featureCount == network.layers[0].inputSize else {
      throw ShapeError(
        "X has \(x.featureCount) features (rows) but the network's n[0] is \(network.layers[0].inputSize)")
    }
    guard x.count > 0 else { throw DataError("there are no training examples") }
    try network.output.validate(
      labels: y, outputUnits: network.layers[network.depth - 1].outputSize, examples: x.count)
    var weights = sampleWeights
    if let given = weights {
      guard given.count == x.count else {
        throw DataError("\(given.count) sample weights for \(x.count) examples")
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
    validation: LabeledExamples<Scalar>?, optimizer initial: O, resume: FitState<Scalar>?,
    checkpoint: ((FitState<Scalar>) throws -> Void)?, shouldStop: () -> Bool, afterBatch: (BatchProgress) -> Void,
    progress: (EpochRecord) -> Bool
  ) throws -> History where O.Scalar == Scalar {
    if let validation {
      guard validation.x.featureCount == x.featureCount else {
        throw ShapeError(
          "the validation set has \(validation.x.featureCount) features but the training set \(x.featureCount)")
      }
      try network.output.validate(
        labels: validation.y, outputUnits: network.layers[network.depth - 1].outputSize, examples: validation.x.count)
    }
    let m = x.count
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
      options.metrics, output: network.output, outputUnits: outputUnits, examples: validation?.x.count ?? 0)
    if let validation { try validationMetrics.validate(labels: validation.y) }

    func snapshot(epoch: Int, batchStart: Int, costSum: Double, finished: Bool) -> FitState<Scalar> {
      let encoded = state.encoded(by: optimizer)
      return FitState(
        network: network, optimizerTensors: encoded.tensors, optimizerCounters: encoded.counters, epoch: epoch,
        batchStart: batchStart, order: order, costSum: costSum, generator: generator, history: history, best: best,
        epochsWithoutImprovement: epochsWithoutImprovement, isFinished: finished)
    }

    // A data-parallel run: this rank's part of every batch, and a stop agreed by every rank.
    let ranks = communicator?.size ?? 1
    let rank = communicator?.rank ?? 0
    let parallel = ranks > 1
    if parallel { try checkSameRun(validation: validation, firstEpoch: firstEpoch, start: resumeStart) }
    var stopAgreed = false
    var allSteps = 0
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
        // This rank's contiguous part of the global batch (all of it in one process).
        let lo = parallel ? start + (end - start) * rank / ranks : start
        let hi = parallel ? start + (end - start) * (rank + 1) / ranks : end
        let whole = batchSize == m && !shuffles && !parallel ? x.inMemory : nil
        if whole == nil { gather(order[lo..<hi]) }
        let bx = whole ?? batch.x
        let useWhole = whole != nil
        let by = useWhole ? y : batch.y
        let bw = useWhole ? weights : batch.weights
        // Dropout masks D[l] for the hidden layers.
        for l in 1...max(hidden, 1) where hidden > 0 {
          let p = options.dropoutRate(layer: l, hiddenLayers: hidden)
          if p > 0 {
            Dropout.fillMask(
              &workspace.pass.caches[l - 1].mask, rows: network.layers[l - 1].outputSize, columns: end - start,
              keeping: (lo - start)..<(hi - start), rate: p, using: &generator)
          }
        }
        if let statisticsSum { synchronizeStatistics(statisticsSum, batch: end - start) }
        try network.forward(bx, into: &workspace.pass, training: true)
        try statisticsSum?.takeFailure()
        let cost: Double
        if parallel {
          // This part's cost and gradients, then their sum over the ranks (every rank checks the same sum).
          let local = try network.cost(workspace.pass, labels: by, weights: bw)
          // This rank's part of the running sums; they are combined over the ranks at the epoch's end.
          if !exactMetrics && !trainingMetrics.isEmpty {
            trainingMetrics.add(outputs: workspace.pass.caches[network.depth - 1].a, labels: by)
          }
          try network.backward(labels: by, weights: bw, workspace: &workspace)
          try statisticsSum?.takeFailure()
          (cost, stopAgreed) = try reduceStep(
            localCost: local, examples: hi - lo, batch: end - start, l2: options.l2, stop: shouldStop())
          guard cost.isFinite else {
            throw DivergenceError(iteration: epoch - 1, cost: cost, batch: batchSize < m ? steps + 1 : nil)
          }
        } else {
          cost = try network.cost(workspace.pass, labels: by, weights: bw, l2: options.l2)
          guard cost.isFinite else {
            throw DivergenceError(iteration: epoch - 1, cost: cost, batch: batchSize < m ? steps + 1 : nil)
          }
          if !exactMetrics && !trainingMetrics.isEmpty {
            trainingMetrics.add(outputs: workspace.pass.caches[network.depth - 1].a, labels: by)
          }
          try network.backward(labels: by, weights: bw, l2: options.l2, workspace: &workspace)
        }
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
        allSteps += 1
        if parallel && options.syncCheck > 0 && allSteps % options.syncCheck == 0 {
          try checkSynchronised(epoch: epoch, step: steps)
        }
        start = end
        afterBatch(BatchProgress(epoch: epoch, examplesDone: start, examples: m, cost: costSum / Double(start)))
        if start < m && (parallel ? stopAgreed : shouldStop()) {
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
      if let validation, parallel || validation.x.inMemory == nil {
        // Each rank evaluates its part of the set (one process: all of it, a mapped set in pieces);
        // the cost and the metric sums are combined.
        let cost = try evaluatePart(validation.x, validation.y, validation.weights, metrics: &validationMetrics)
        record.validationCost =
          cost + (options.l2 > 0 ? network.l2Penalty(options.l2, examples: validation.x.count) : 0)
        record.validationMetrics = try validationMetrics.values()
      } else if let validation, let validationX = validation.x.inMemory {
        try network.forward(validationX, into: &validationPass, training: false)
        record.validationCost = try network.cost(
          validationPass, labels: validation.y, weights: validation.weights, l2: options.l2)
        validationMetrics.reset()
        validationMetrics.add(outputs: validationPass.caches[network.depth - 1].a, labels: validation.y)
        record.validationMetrics = try validationMetrics.values()
      }
      if !trainingMetrics.isEmpty && (parallel || (exactMetrics && x.inMemory == nil)) {
        if exactMetrics {
          _ = try evaluatePart(x, y, nil, metrics: &trainingMetrics)
        } else if let communicator {
          try trainingMetrics.reduce(over: communicator)
        }
        record.metrics = try trainingMetrics.values()
      } else if !trainingMetrics.isEmpty {
        if exactMetrics, let wholeX = x.inMemory {
          try network.forward(wholeX, into: &trainingPass, training: false)
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
      if !finished && (parallel ? stopAgreed : shouldStop()) {
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

  /// A data-parallel step's sum: every gradient of this rank's part, weighted by the part's
  /// share of the batch (m_r / B), summed over the ranks in one all-reduce of one flat buffer,
  /// so that each is (1/B) Σ over the whole batch, as in one process; then the L2 term, once:
  /// dW[l] += (λ/B)·W[l]. The costs (Σ m_r·J_r / B + λ/(2B) Σ‖W‖²) and the stop requests are
  /// summed beside, in float64.
  private mutating func reduceStep(
    localCost: Double, examples: Int, batch: Int, l2: Double, stop: Bool
  ) throws -> (cost: Double, stop: Bool) {
    guard let communicator else { return (localCost, stop) }
    let share = Scalar(Double(examples) / Double(batch))
    var total = 0
    for l in 0..<network.depth {
      for parameter in Parameter.all { total += workspace.gradients[l][parameter]?.count ?? 0 }
    }
    var flat = flatGradients  // moved out while the gradients are read and written
    flatGradients = []
    if flat.count != total { flat = [Scalar](repeating: 0, count: total) }
    var offset = 0
    flat.withUnsafeMutableBufferPointer { out in
      for l in 0..<network.depth {
        for parameter in Parameter.all {
          guard let gradient = workspace.gradients[l][parameter] else { continue }
          gradient.withUnsafeBufferPointer { g in
            (out.baseAddress! + offset).update(from: g.baseAddress!, count: g.count)
          }
          offset += gradient.count
        }
      }
      for i in 0..<out.count { out[i] *= share }
    }
    try flat.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try communicator.allReduceSum(pointer)
    }
    offset = 0
    for l in 0..<network.depth {
      for parameter in Parameter.all where workspace.gradients[l][parameter] != nil {
        flat.withUnsafeBufferPointer { summed in
          workspace.gradients[l].modify(parameter) { gradient in
            gradient.withUnsafeMutableBufferPointer { g in
              g.baseAddress!.update(from: summed.baseAddress! + offset, count: g.count)
            }
            offset += gradient.count
          }
        }
      }
      if l2 > 0 { Kernels.axpy(Scalar(l2 / Double(batch)), network.layers[l].weight, &workspace.gradients[l].dW) }
    }
    flatGradients = flat
    var scalars = [localCost * Double(examples), stop ? 1 : 0]
    try scalars.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try communicator.allReduceSum(pointer)
    }
    let cost = scalars[0] / Double(batch) + (l2 > 0 ? network.l2Penalty(l2, examples: batch) : 0)
    return (cost, scalars[1] > 0)
  }

  /// An evaluation of a set (inference) in pieces: this rank forward-passes its contiguous part
  /// of the examples (one process: all of them), at most ``evaluationPiece`` at a time (a mapped
  /// set is never read whole into memory), into `metrics`, whose sums are then combined over the
  /// ranks; returns the whole set's mean cost (without the L2 term).
  private mutating func evaluatePart(
    _ setX: Examples<Scalar>, _ setY: Matrix<Scalar>, _ setWeights: Matrix<Scalar>?,
    metrics: inout RunningMetrics<Scalar>
  ) throws -> Double {
    let ranks = communicator?.size ?? 1
    let rank = communicator?.rank ?? 0
    let n = setX.count
    let lo = n * rank / ranks
    let hi = n * (rank + 1) / ranks
    metrics.reset()
    var costSum = 0.0
    var start = lo
    while start < hi {
      let end = min(hi, start + Self.evaluationPiece)
      trainingPass.releaseInput()
      setX.gather(start..<end, into: &partX)
      Examples.matrix(setY).gather(start..<end, into: &partY)
      let partWeights = setWeights.map { w in
        var part = Matrix<Scalar>(rows: 0, columns: 0)
        Examples.matrix(w).gather(start..<end, into: &part)
        return part
      }
      try network.forward(partX, into: &trainingPass, training: false)
      costSum += try network.cost(trainingPass, labels: partY, weights: partWeights) * Double(end - start)
      if !metrics.isEmpty { metrics.add(outputs: trainingPass.caches[network.depth - 1].a, labels: partY) }
      start = end
    }
    guard let communicator else { return costSum / Double(max(n, 1)) }
    if !metrics.isEmpty { try metrics.reduce(over: communicator) }
    return try communicator.sum(costSum) / Double(max(n, 1))
  }

  /// The most examples an evaluation forward-passes at once.
  static var evaluationPiece: Int { 8192 }

  /// Before the first step of a data-parallel run: every rank must train the same run (the
  /// same examples, features, batch, epochs, seed, starting point and parameters), or the ranks
  /// would take different numbers of steps and wait for each other for ever. Each rank's
  /// figures are gathered (one slot per rank) and compared; a difference stops every rank with
  /// an error naming the figure and the ranks.
  private func checkSameRun(validation: LabeledExamples<Scalar>?, firstEpoch: Int, start: Int) throws {
    guard let communicator else { return }
    let parameterHash = network.parameterHash
    let figures: [(name: String, value: Double)] = [
      ("training examples", Double(x.count)), ("features", Double(x.featureCount)),
      ("validation examples", Double(validation?.x.count ?? 0)),
      ("batch size", Double(options.batchSize ?? x.count)), ("epochs", Double(options.epochs)),
      ("seed", Double(options.seed % (1 << 52))), ("first epoch", Double(firstEpoch)), ("first example", Double(start)),
      ("parameters (hash, high half)", Double(parameterHash >> 32)),
      ("parameters (hash, low half)", Double(parameterHash & 0xffff_ffff)),
    ]
    let count = figures.count
    var table = [Double](repeating: 0, count: count * communicator.size)
    for (k, figure) in figures.enumerated() { table[communicator.rank * count + k] = figure.value }
    try table.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try communicator.allReduceSum(pointer)
    }
    for (k, figure) in figures.enumerated() {
      let values = (0..<communicator.size).map { table[$0 * count + k] }
      let differing = values.indices.filter { values[$0] != values[0] }
      guard differing.isEmpty else {
        let shown =
          figure.name.hasPrefix("parameters")
          ? "" : " (rank 0: \(Int(values[0])), rank \(differing[0]): \(Int(values[differing[0]])))"
        throw CommunicationError(
          "the ranks do not train the same run: their \(figure.name) differ\(shown); every rank must read the "
            + "same data with the same options and start from the same network")
      }
    }
  }

  /// Every rank's `Network.parameterHash`, gathered by one all-reduce (each rank fills its own slot) and compared.
  private func checkSynchronised(epoch: Int, step: Int) throws {
    guard let communicator else { return }
    let hash = network.parameterHash
    // Two exact 32-bit halves per rank, in float64.
    var table = [Double](repeating: 0, count: 2 * communicator.size)
    table[2 * communicator.rank] = Double(hash >> 32)
    table[2 * communicator.rank + 1] = Double(hash & 0xffff_ffff)
    try table.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try communicator.allReduceSum(pointer)
    }
    let hashes = (0..<communicator.size).map { UInt64(table[2 * $0]) << 32 | UInt64(table[2 * $0 + 1]) }
    let differing = hashes.indices.filter { hashes[$0] != hashes[0] }
    guard differing.isEmpty else {
      throw CommunicationError(
        "epoch \(epoch), step \(step): the ranks' parameters differ (rank\(differing.count == 1 ? "" : "s") "
          + "\(differing.map(String.init).joined(separator: ", ")) from rank 0); they must make the same updates")
    }
  }

  /// Hands the training pass's batch-normalisation caches the cross-rank sums, for a step whose
  /// whole batch (over every rank) has `batch` examples.
  private mutating func synchronizeStatistics(_ sum: BatchStatisticsSum, batch: Int) {
    sum.batch = batch
    for l in network.layers.indices where network.layers[l].normalization != nil {
      if workspace.pass.caches[l].normalization == nil {
        workspace.pass.caches[l].normalization = BatchNormalization<Scalar>.Cache()
      }
      if workspace.pass.caches[l].normalization?.synchronization !== sum {
        workspace.pass.caches[l].normalization?.synchronization = sum
      }
    }
  }

  /// What a data-parallel run cannot do: a batch with fewer examples than ranks.
  static func checkDataParallel(
    network: Network<Scalar>, examples m: Int, options: FitOptions, ranks: Int
  ) throws(ConfigurationError) {
    let batch = min(options.batchSize ?? m, m)
    let last = m % batch
    guard batch >= ranks, last == 0 || last >= ranks else {
      throw ConfigurationError(
        parameter: "batchSize",
        "batches of \(batch) examples\(last == 0 ? "" : " (the last of \(last))") cannot be shared by \(ranks) "
          + "ranks: every rank needs at least one example of every batch")
    }
  }

  /// Copies the examples at `indices` into the batch buffers, in place: the
  /// pass lets go of the previous batch's X first (else the copy on write
  /// would allocate and copy a whole batch before the gather overwrote it).
  private mutating func gather(_ indices: ArraySlice<Int>) {
    workspace.pass.releaseInput()
    x.gather(indices, into: &batch.x)
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

extension Network {
  /// FNV-1a over the bytes of every parameter of every layer (``Parameter``): equal on two
  /// processes exactly when their parameters are bit for bit the same (a data-parallel run's check).
  var parameterHash: UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for layer in layers {
      for parameter in Parameter.all {
        layer[parameter]?.withUnsafeBufferPointer { values in
          for byte in UnsafeRawBufferPointer(values) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
      }
    }
    return hash
  }
}
