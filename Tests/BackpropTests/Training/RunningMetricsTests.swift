import Backprop
import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// Training metrics without a per-epoch pass: summed over the mini-batches'
/// own forward passes (``RunningMetrics``), with the definitions of the exact
/// pass (``EpochMetrics``, from ``ClassificationReport`` and ``RegressionReport``).
@Suite struct RunningMetricsTests {
  /// A problem for each kind of output: (network, X, Y, the metrics that apply).
  static func problem(
    _ output: Output, units: Int, m: Int = 30, seed: UInt64 = 11
  ) throws -> (Network<Double>, Matrix<Double>, Matrix<Double>, [MetricName]) {
    var rng = DefaultGenerator(seed: seed)
    let network = try Network<Double>(
      layerSizes: [4, 6, units], hiddenActivation: .tanh, output: output, initializer: .xavier, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 4, columns: m, using: &rng)
    let labelRows = output == .softmax ? 1 : units
    var y = Matrix<Double>(rows: labelRows, columns: m)
    for j in 0..<m {
      for o in 0..<labelRows {
        switch output {
        case .softmax: y[o, j] = Double((x[0, j] > 0 ? 1 : 0) + (x[1, j] > 0.5 ? 1 : 0))
        case .sigmoid: y[o, j] = x[o % 4, j] + 0.3 * x[(o + 1) % 4, j] > 0 ? 1 : 0
        case .identity: y[o, j] = 2 * x[o % 4, j] - x[(o + 2) % 4, j] + 0.5
        }
      }
    }
    let names: [MetricName]
    switch output {
    case .identity: names = [.mse, .mae, .r2]
    case .sigmoid where units > 1: names = [.accuracy]
    default: names = [.accuracy, .precision, .recall, .f1, .logLoss, .rocAUC]
    }
    return (network, x, y, names)
  }

  /// Each value within rtol of the exact one, and the same names.
  func expectClose(
    _ running: [String: Double], _ exact: [String: Double], rtol: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(running.keys.sorted() == exact.keys.sorted(), sourceLocation: sourceLocation)
    for (name, value) in exact {
      let got = running[name] ?? .nan
      #expect(
        abs(got - value) <= rtol * max(abs(value), 1), "\(name): \(got) vs \(value)", sourceLocation: sourceLocation)
    }
  }

  static let outputs: [(Output, Int)] = [(.softmax, 3), (.sigmoid, 1), (.sigmoid, 3), (.identity, 2)]

  /// With the parameters fixed (learning rate 0, no dropout), the running sums
  /// over batches of 7 are the exact pass's values, for every kind of output:
  /// the definitions match, only the order of the sums differs.
  @Test(arguments: 0..<4) func runningMetricsEqualTheExactPassWhenParametersAreFixed(_ index: Int) throws {
    let (output, units) = Self.outputs[index]
    let (start, x, y, names) = try Self.problem(output, units: units)
    var network = start
    var sgd = try GradientDescent<Double>(learningRate: 0.1)
    sgd.learningRate = 0
    var options = try FitOptions(epochs: 2, batchSize: 7)
    options.metrics = names
    let history = try network.fit(x: x, y: y, optimizer: sgd, options: options)
    let exact = try EpochMetrics.values(names, output: output, outputs: try start(x), labels: y)
    #expect(!exact.isEmpty)
    for record in history.epochs { expectClose(record.metrics, exact) }
  }

  /// One full batch in order: the running metrics are those of the epoch's single
  /// pass, made before the update, i.e. the exact values of the starting parameters.
  @Test(arguments: 0..<4) func aSingleFullBatchScoresTheParametersItStartedFrom(_ index: Int) throws {
    let (output, units) = Self.outputs[index]
    let (start, x, y, names) = try Self.problem(output, units: units)
    var network = start
    var options = try FitOptions(epochs: 1)
    options.shuffle = false
    options.metrics = names
    let history = try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.5), options: options)
    let exact = try EpochMetrics.values(names, output: output, outputs: try start(x), labels: y)
    expectClose(history.epochs[0].metrics, exact)
    #expect(network != start)
  }

  /// The default training metrics are the batches' running sums: the same
  /// batches trained by hand, each scored before its update, give the record's values
  /// (an end-of-epoch pass, today's behaviour, scores the final parameters instead).
  @Test func trainingMetricsAreTheBatchesRunningSums() throws {
    let (start, x, y, names) = try Self.problem(.softmax, units: 3, m: 10)
    let sgd = try GradientDescent<Double>(learningRate: 0.5)
    var manual = start
    var state = OptimizerState(for: manual, optimizer: sgd)
    var right = 0.0
    for range in [0..<4, 4..<8, 8..<10] {
      let bx = x.columns(range)
      let by = y.columns(range)
      let pass = try manual.forward(bx)
      let predicted = Metrics.predictedClasses(probabilities: pass.output)
      for j in 0..<range.count where Double(predicted[j]) == by[0, j] { right += 1 }
      let gradients = try manual.backward(pass, labels: by)
      manual.apply(gradients, optimizer: sgd, state: &state)
    }
    var network = start
    var options = try FitOptions(epochs: 1, batchSize: 4)
    options.shuffle = false
    options.metrics = names
    let record = try network.fit(x: x, y: y, optimizer: sgd, options: options).epochs[0]
    #expect(network == manual)
    #expect(record.metrics["accuracy"] == right / 10)
    let endOfEpoch = try EpochMetrics.values(names, output: .softmax, outputs: try manual(x), labels: y)
    #expect(record.metrics != endOfEpoch)
  }

  /// ``FitOptions/exactTrainingMetrics`` gives the end-of-epoch pass's values
  /// (today's): the final parameters in inference mode over the whole training set.
  @Test func theExactOptionScoresTheEpochsFinalParameters() throws {
    let (start, x, y, names) = try Self.problem(.softmax, units: 3)
    var network = start
    var options = try FitOptions(epochs: 1, batchSize: 8)
    options.metrics = names
    options.exactTrainingMetrics = true
    let record = try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.5), options: options).epochs[0]
    let exact = try EpochMetrics.values(names, output: .softmax, outputs: try network(x), labels: y)
    #expect(record.metrics == exact)
  }

  /// Only the named metrics are computed: no `roc_auc` (and no ranking of the
  /// examples) unless it is asked for; when asked, it is there.
  @Test func rocAUCOnlyWhenNamed() throws {
    let (start, x, y, _) = try Self.problem(.softmax, units: 3)
    for names in [[MetricName.accuracy], [.accuracy, .rocAUC]] {
      var network = start
      var options = try FitOptions(epochs: 1, batchSize: 8)
      options.metrics = names
      let history = try network.fit(
        x: x, y: y, validation: LabeledBatch(x: x, y: y), optimizer: GradientDescent(learningRate: 0.1),
        options: options)
      #expect(history.epochs[0].validationMetrics.keys.sorted() == names.map(\.rawValue).sorted())
    }
    let without = RunningMetrics<Double>([.accuracy, .f1], output: .softmax, outputUnits: 3, examples: 30)
    #expect(!without.keepsScores)
    let with = RunningMetrics<Double>([.rocAUC], output: .softmax, outputUnits: 3, examples: 30)
    #expect(with.keepsScores)
  }

  /// The validation pass reuses the Fitter's buffers and scores in one batch: the
  /// cost and metrics are those of an allocating inference pass, bit for bit.
  @Test(arguments: 0..<4) func theValidationPassGivesTheAllocatingPassValues(_ index: Int) throws {
    let (output, units) = Self.outputs[index]
    let (start, x, y, names) = try Self.problem(output, units: units, m: 24)
    let (_, vx, vy, _) = try Self.problem(output, units: units, m: 13, seed: 12)
    var network = start
    var options = try FitOptions(epochs: 3, batchSize: 5)
    options.metrics = names
    options.l2 = 0.01
    var records = [EpochRecord]()
    var networks = [Network<Double>]()
    _ = try network.fit(
      x: x, y: y, validation: LabeledBatch(x: vx, y: vy), optimizer: Adam(learningRate: 0.01), options: options,
      progress: {
        records.append($0); return true
      })
    // The network after each epoch, by training again for fewer epochs (same seed, same steps).
    for epochs in 1...3 {
      var again = start
      var shorter = options
      shorter.epochs = epochs
      _ = try again.fit(
        x: x, y: y, validation: LabeledBatch(x: vx, y: vy), optimizer: Adam(learningRate: 0.01), options: shorter)
      networks.append(again)
    }
    for (record, trained) in zip(records, networks) {
      let pass = try trained.forward(vx, training: false)
      #expect(record.validationCost == (try trained.cost(pass, labels: vy, l2: 0.01)))
      #expect(
        record.validationMetrics == (try EpochMetrics.values(names, output: output, outputs: pass.output, labels: vy)))
    }
  }

  /// A single sigmoid unit's labels must be classes for the class metrics: refused
  /// before training, naming the label (the exact pass refused it after the first epoch).
  @Test func softLabelsAreRefusedBeforeTraining() throws {
    let (start, x, _, _) = try Self.problem(.sigmoid, units: 1, m: 6)
    var y = Matrix<Double>(rows: 1, columns: 6)
    y[0, 2] = 0.25
    var network = start
    var options = try FitOptions(epochs: 1, batchSize: 3)
    options.metrics = [.accuracy]
    var epochs = 0
    #expect(throws: DataError.self) {
      try network.fit(
        x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: options,
        progress: { _ in
          epochs += 1
          return true
        })
    }
    #expect(epochs == 0)
    #expect(network == start)
  }
}
