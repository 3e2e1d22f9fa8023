import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Data-parallel training gives one process's model: the ranks (threads here, MPI processes in
/// `MPITests`) share each global batch, sum their gradients, and make the same update.
@Suite struct DataParallelTests {
  /// Four blobs in 5 dimensions, (5, 103) (a last batch that is not full), classes 0…3.
  static func data<Scalar: MatrixScalar>(as _: Scalar.Type = Scalar.self) -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    var generator = DefaultGenerator(seed: 21)
    let m = 103
    var x = Matrix<Scalar>(rows: 5, columns: m)
    var y = Matrix<Scalar>(rows: 1, columns: m)
    for j in 0..<m {
      let c = j % 4
      for i in 0..<5 { x[i, j] = Scalar(generator.nextGaussian() * 0.7 + (i == c ? 2 : 0)) }
      y[0, j] = Scalar(c)
    }
    return (x, y)
  }

  static func network<Scalar: MatrixScalar>(as _: Scalar.Type = Scalar.self) throws -> Network<Scalar> {
    var generator = DefaultGenerator(seed: 5)
    return try Network<Scalar>(
      layerSizes: [5, 16, 8, 4], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &generator)
  }

  /// Trains `ranks` threads on the same data and returns every rank's network and history.
  static func trainInParallel<Scalar: MatrixScalar>(
    ranks: Int, optimizer: OptimizerSettings, options: FitOptions, as _: Scalar.Type
  ) throws -> [(Network<Scalar>, History)] {
    let (x, y) = data(as: Scalar.self)
    let start = try network(as: Scalar.self)
    return try ThreadCommunicator.run(ranks: ranks) { rank in
      var trained = start
      let history = try trained.fit(x: x, y: y, optimizer: optimizer, options: options, distributed: rank)
      return (trained, history)
    }.map { try $0.get() }
  }

  /// The largest relative difference between two networks' parameters, over every kind.
  static func relativeDifference<Scalar: MatrixScalar>(_ a: Network<Scalar>, _ b: Network<Scalar>) -> Double {
    var worst = 0.0
    for (la, lb) in zip(a.layers, b.layers) {
      for parameter in Parameter.all {
        guard let pa = la[parameter], let pb = lb[parameter] else { continue }
        for (u, v) in zip(pa.scalars, pb.scalars) {
          let scale = max(abs(Double(u)), abs(Double(v)), 1e-3)
          worst = max(worst, abs(Double(u) - Double(v)) / scale)
        }
      }
    }
    return worst
  }

  /// Float64: 2 and 3 ranks, SGD and Adam, with and without dropout, L2 and a partial last
  /// batch: every rank ends with one process's parameters to 1e-10 relative, and with each other's
  /// exactly; the costs agree too.
  @Test(arguments: [2, 3], ["sgd", "adam"])
  func sameModelAsOneProcess(ranks: Int, optimizerName: String) throws {
    for dropout in [[], [0.2]] as [[Double]] {
      var options = try FitOptions(epochs: 4, batchSize: 16)
      options.dropout = dropout
      options.l2 = 0.01
      let optimizer = try OptimizerSettings(name: optimizerName, learningRate: optimizerName == "sgd" ? 0.1 : 0.01)
      var single = try Self.network(as: Double.self)
      let (x, y) = Self.data(as: Double.self)
      let singleHistory = try single.fit(x: x, y: y, optimizer: optimizer, options: options)
      let results = try Self.trainInParallel(ranks: ranks, optimizer: optimizer, options: options, as: Double.self)
      for (r, (network, history)) in results.enumerated() {
        let difference = Self.relativeDifference(network, single)
        #expect(difference <= 1e-10, "rank \(r) of \(ranks), \(optimizerName), dropout \(dropout): \(difference)")
        #expect(Self.relativeDifference(network, results[0].0) == 0, "rank \(r) differs from rank 0")
        for (a, b) in zip(history.epochs, singleHistory.epochs) {
          #expect(abs(a.cost - b.cost) <= 1e-10 * abs(b.cost), "epoch \(a.epoch): \(a.cost) vs \(b.cost)")
        }
      }
    }
  }

  /// Each rank evaluates its part of the training and validation sets and the sums are
  /// combined: the epoch's metrics (counts, log-loss, ROC AUC from every example's scores, and
  /// for regression MSE, MAE and R² merged from per-rank means) and validation cost are one
  /// process's exact ones.
  @Test(arguments: [2, 3])
  func metricsAndValidationAreTheWholeSets(ranks: Int) throws {
    let (x, y) = Self.data(as: Double.self)
    let validation = LabeledBatch(x: x, y: y)
    var options = try FitOptions(epochs: 2, batchSize: 16)
    options.metrics = [.accuracy, .f1, .logLoss, .rocAUC]
    options.trainingMetrics = true
    options.exactTrainingMetrics = true
    options.l2 = 0.01
    var single = try Self.network(as: Double.self)
    let expected = try single.fit(
      x: x, y: y, validation: validation, optimizer: .adam(learningRate: 0.01), options: options)
    let start = try Self.network(as: Double.self)
    let fixed = options
    let results = try ThreadCommunicator.run(ranks: ranks) { rank in
      var network = start
      return try network.fit(
        x: x, y: y, validation: validation, optimizer: .adam(learningRate: 0.01), options: fixed, distributed: rank)
    }.map { try $0.get() }
    for history in results {
      for (got, want) in zip(history.epochs, expected.epochs) {
        #expect(abs(got.validationCost! - want.validationCost!) <= 1e-10 * want.validationCost!)
        #expect(want.metrics.count == 4 && want.validationMetrics.count == 4)
        for (name, value) in want.metrics {
          #expect(abs((got.metrics[name] ?? .nan) - value) <= 1e-9, "\(ranks) ranks, epoch \(want.epoch), \(name)")
        }
        for (name, value) in want.validationMetrics {
          #expect(
            abs((got.validationMetrics[name] ?? .nan) - value) <= 1e-9,
            "\(ranks) ranks, epoch \(want.epoch), validation \(name)")
        }
      }
    }
    // Regression: R² merged from each rank's (n, ȳ, SST).
    var generator = DefaultGenerator(seed: 3)
    let targets = Matrix<Double>.randomNormal(rows: 2, columns: x.columns, using: &generator)
    var regression = try Network<Double>(
      layerSizes: [5, 8, 2], hiddenActivation: .tanh, output: .identity, initializer: .xavier, using: &generator)
    var regressionOptions = try FitOptions(epochs: 1, batchSize: 20)
    regressionOptions.metrics = [.mse, .mae, .r2]
    regressionOptions.exactTrainingMetrics = true
    let regressionStart = regression
    let want = try regression.fit(x: x, y: targets, optimizer: .sgd(learningRate: 0.05), options: regressionOptions)
    let fixedRegression = regressionOptions
    let got = try ThreadCommunicator.run(ranks: ranks) { rank in
      var network = regressionStart
      return try network.fit(
        x: x, y: targets, optimizer: .sgd(learningRate: 0.05), options: fixedRegression, distributed: rank)
    }.map { try $0.get() }
    for name in ["mse", "mae", "r2"] {
      #expect(abs(got[0].epochs[0].metrics[name]! - want.epochs[0].metrics[name]!) <= 1e-10, "\(name)")
    }
  }

  /// Float32: the same within float32's rounding (the sums are taken in another order).
  @Test func float32WithinItsRounding() throws {
    let options = try FitOptions(epochs: 3, batchSize: 20)
    var single = try Self.network(as: Float.self)
    let (x, y) = Self.data(as: Float.self)
    try single.fit(x: x, y: y, optimizer: .adam(learningRate: 0.01), options: options)
    let results = try Self.trainInParallel(
      ranks: 2, optimizer: .adam(learningRate: 0.01), options: options, as: Float.self)
    #expect(Self.relativeDifference(results[0].0, single) <= 1e-4)
  }

  /// What cannot be shared is refused on every rank with a clear error, before any step.
  @Test func batchesTooSmallAreRefused() throws {
    let (x, y) = Self.data(as: Double.self)
    let group = ThreadCommunicator.group(size: 4)
    var network = try Self.network(as: Double.self)
    let small = #expect(throws: ConfigurationError.self) {
      try network.fit(
        x: x, y: y, optimizer: .sgd(), options: FitOptions(epochs: 1, batchSize: 3), distributed: group[0])
    }
    #expect(small?.parameter == "batchSize")
    // 103 = 6 × 17 + 1: a last batch of one example for four ranks.
    let last = #expect(throws: ConfigurationError.self) {
      try network.fit(
        x: x, y: y, optimizer: .sgd(), options: FitOptions(epochs: 1, batchSize: 17), distributed: group[0])
    }
    #expect(last?.problem.contains("the last of 1") == true)
  }

  /// Synchronised batch normalisation: each rank normalises its part of the batch by the whole
  /// batch's μ and σ² (all-reduced in forward) and back-propagates with the whole batch's sums
  /// (all-reduced in backward), so 2 and 3 ranks train one process's network — W, b, γ, β and the
  /// running statistics — to 1e-10 in float64, with SGD and Adam and a partial last batch.
  @Test(arguments: [2, 3], ["sgd", "adam"])
  func synchronisedBatchNormalisationIsOneProcesss(ranks: Int, optimizerName: String) throws {
    let (x, y) = Self.data(as: Double.self)
    var generator = DefaultGenerator(seed: 1)
    let start = try Network<Double>(
      layerSizes: [5, 8, 6, 4], hiddenActivation: .relu, output: .softmax, initializer: .he, batchNormalization: true,
      using: &generator)
    var options = try FitOptions(epochs: 3, batchSize: 16)
    options.l2 = 0.01
    let optimizer = try OptimizerSettings(name: optimizerName, learningRate: optimizerName == "sgd" ? 0.1 : 0.01)
    var single = start
    try single.fit(x: x, y: y, optimizer: optimizer, options: options)
    let shared = options
    let results = try ThreadCommunicator.run(ranks: ranks) { rank in
      var trained = start
      try trained.fit(x: x, y: y, optimizer: optimizer, options: shared, distributed: rank)
      return trained
    }.map { try $0.get() }
    for (r, network) in results.enumerated() {
      let difference = Self.relativeDifference(network, single)
      #expect(difference <= 1e-10, "rank \(r) of \(ranks), \(optimizerName): \(difference)")
      #expect(Self.relativeDifference(network, results[0]) == 0, "rank \(r) differs from rank 0")
      for (a, b) in zip(network.layers, single.layers) {
        guard let na = a.normalization, let nb = b.normalization else { continue }
        for (u, v) in zip(
          na.runningMean.scalars + na.runningVariance.scalars,
          nb.runningMean.scalars + nb.runningVariance.scalars)
        {
          #expect(abs(u - v) <= 1e-10 * max(abs(v), 1e-3), "running statistics: \(u) vs \(v)")
        }
      }
    }
  }

  /// Ranks whose parameters drift apart (here: they are given different L2 strengths, so their
  /// updates differ) are caught by the hash comparison at the first check, on every rank,
  /// naming the step; ranks that agree pass every check.
  @Test func driftBetweenRanksIsCaught() throws {
    let (x, y) = Self.data(as: Double.self)
    var options = try FitOptions(epochs: 2, batchSize: 16)
    options.syncCheck = 3
    let everyThird = options
    let start = try Self.network(as: Double.self)
    let results = ThreadCommunicator.run(ranks: 2) { rank in
      var network = start
      var own = everyThird
      own.l2 = rank.rank == 0 ? 0 : 0.5
      try network.fit(x: x, y: y, optimizer: .sgd(learningRate: 0.1), options: own, distributed: rank)
    }
    for result in results {
      #expect(throws: CommunicationError.self) { try result.get() }
      if case .failure(let error as CommunicationError) = result {
        #expect(error.message.contains("epoch 1, step 3") && error.message.contains("rank 1"), "\(error)")
      }
    }
    options.syncCheck = 1
    let everyStep = options
    let agreeing = ThreadCommunicator.run(ranks: 2) { rank in
      var network = start
      return try network.fit(x: x, y: y, optimizer: .sgd(learningRate: 0.1), options: everyStep, distributed: rank)
    }
    for result in agreeing { #expect(throws: Never.self) { try result.get() } }
  }

  /// Ranks that would not train the same run (other data, another starting network) are
  /// stopped before the first step with an error that names what differs, instead of waiting
  /// for each other for ever when their numbers of steps differ.
  @Test func ranksThatDoNotTrainTheSameRunAreStopped() throws {
    let (x, y) = Self.data(as: Double.self)
    let options = try FitOptions(epochs: 1, batchSize: 16)
    let start = try Self.network(as: Double.self)
    let fewer = ThreadCommunicator.run(ranks: 2) { rank in
      var network = start
      let m = rank.rank == 0 ? x.columns : x.columns - 7
      let part = try Dataset(x: x.converted(to: Double.self), y: y).examples(start: 0, end: m)
      try network.fit(x: part.x, y: part.y, optimizer: .sgd(), options: options, distributed: rank)
    }
    for result in fewer {
      if case .failure(let error as CommunicationError) = result {
        #expect(error.message.contains("training examples differ (rank 0: 103, rank 1: 96)"), "\(error)")
      } else {
        Issue.record("expected a CommunicationError, got \(result)")
      }
    }
    let otherStart = ThreadCommunicator.run(ranks: 2) { rank in
      var generator = DefaultGenerator(seed: UInt64(10 + rank.rank))
      var network = try Network<Double>(
        layerSizes: [5, 16, 8, 4], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &generator)
      try network.fit(x: x, y: y, optimizer: .sgd(), options: options, distributed: rank)
    }
    for result in otherStart {
      #expect(throws: CommunicationError.self) { try result.get() }
    }
  }

  /// A rank that leaves (it failed) does not leave the others waiting: they get an error.
  @Test func aRankThatLeavesEndsTheOthersOperation() throws {
    let group = ThreadCommunicator.group(size: 2)
    group[1].leave()
    var buffer = [1.0, 2.0]
    #expect(throws: CommunicationError.self) {
      try buffer.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
        try group[0].allReduceSum(pointer)
      }
    }
  }
}
