import Backprop
import Foundation

/// One playground run: the generated examples split into training and test sets, the network
/// and the library's fit loop, advanced a step, a slice or an epoch at a time.
///
/// Training goes through `Network.fit`
/// resumed from its `FitState` each time, which continues exactly where it stopped: after E
/// whole epochs the parameters are bit for bit those of ``command``, `backprop train … --epochs E`.
///
/// ```swift
/// var run = try PlaygroundRun(PlaygroundSettings().validated())
/// try run.train(epochs: 20)
/// print(run.command)     // backprop train --generate spiral … --epochs 20
/// ```
public struct PlaygroundRun: Sendable {
  /// What the run is made of.
  public let configuration: PlaygroundConfiguration
  /// The training examples' points (x₁, x₂), (2, m).
  public let trainingPoints: Matrix<Double>
  /// The test examples' points, (2, m_test).
  public let testPoints: Matrix<Double>
  /// X of the training set, (n[0], m), and Y.
  public let training: LabeledBatch<Double>
  /// X and Y of the test set.
  public let test: LabeledBatch<Double>
  /// The network now (after the last step).
  public private(set) var network: Network<Double>
  /// The fit's state, nil before the first step.
  public private(set) var state: FitState<Double>?
  /// The steps (mini-batch updates) taken since the network was initialised.
  public private(set) var iterations = 0

  /// The largest epoch a run may reach: the playground stops it long before.
  static let epochLimit = 1_000_000_000

  /// Generates the examples, splits them as `train --test-split` does and initialises the network.
  /// - Parameter configuration: valid settings (``PlaygroundSettings/validated()``).
  /// - Throws: what the library throws for data or a network it refuses.
  public init(_ configuration: PlaygroundConfiguration) throws {
    self.configuration = configuration
    let seed = configuration.settings.seed
    // The points ride along as two extra rows, so that they split exactly as the features do
    // (the split depends on the number of examples and the seed only).
    let generated = try configuration.data.dataset(seed: seed)
    let points = configuration.data.points(seed: seed).points
    let n0 = generated.featureCount
    var both = Matrix<Double>(rows: n0 + 2, columns: generated.count)
    let x = generated.x
    for j in 0..<generated.count {
      for i in 0..<n0 { both[i, j] = x[i, j] }
      both[n0, j] = points[0, j]
      both[n0 + 1, j] = points[1, j]
    }
    let sets = try Dataset(x: both, y: generated.y).fitted(to: configuration.output, file: "the generated data")
      .heldOut(validation: nil, test: configuration.testSplit, seed: seed, output: configuration.output)
    func parts(_ set: Dataset) -> (LabeledBatch<Double>, Matrix<Double>) {
      let all = set.x
      var features = Matrix<Double>(rows: n0, columns: set.count)
      var plane = Matrix<Double>(rows: 2, columns: set.count)
      for j in 0..<set.count {
        for i in 0..<n0 { features[i, j] = all[i, j] }
        plane[0, j] = all[n0, j]
        plane[1, j] = all[n0 + 1, j]
      }
      return (LabeledBatch(x: features, y: set.y), plane)
    }
    (training, trainingPoints) = parts(sets.training)
    guard let heldOut = sets.test else { throw PlaygroundError("the test split left no test examples") }
    (test, testPoints) = parts(heldOut)
    network = try Self.initialNetwork(configuration)
  }

  /// W[l] from the initializer, drawn as `backprop train --rng default --seed S` draws them.
  static func initialNetwork(_ configuration: PlaygroundConfiguration) throws -> Network<Double> {
    var generator = try GeneratorKind.default.makeGenerator(seed: configuration.settings.seed)
    return try Network<Double>(
      layerSizes: configuration.layerSizes, hiddenActivations: configuration.hiddenActivations,
      output: configuration.output, initializer: configuration.initializer, batchNormalization: false,
      using: &generator)
  }

  /// The epochs completed.
  public var epochsCompleted: Int { state.map { $0.epoch - 1 } ?? 0 }
  /// The examples of the epoch in progress already trained on (0 at an epoch boundary).
  public var examplesIntoEpoch: Int { state?.batchStart ?? 0 }
  /// The epoch records so far.
  public var history: History { state?.history ?? History() }
  /// m of a mini-batch: the batch size, or the whole training set when it is smaller.
  public var batchExamples: Int { min(configuration.settings.batchSize, training.x.columns) }

  /// Back to the initial parameters (the same seed draws the same W[l]).
  /// - Throws: what the network's initializer throws.
  public mutating func reset() throws {
    network = try Self.initialNetwork(configuration)
    state = nil
    iterations = 0
  }

  /// One iteration: one mini-batch step (forward, cost, backward, update).
  /// - Throws: `DivergenceError` when the cost or a gradient is not finite.
  public mutating func step() throws {
    try advance { steps, _, _ in steps >= 1 }
  }

  /// Trains until `epochs` epochs are complete (nothing when they already are).
  /// - Parameter epochs: the epochs completed to reach.
  /// - Throws: `DivergenceError` when the cost or a gradient is not finite.
  public mutating func train(epochs: Int) throws {
    guard epochsCompleted < epochs else { return }
    try advance { _, atEpochEnd, epoch in atEpochEnd && epoch >= epochs }
  }

  /// Trains to the end of the epoch in progress (nothing at an epoch boundary).
  /// - Throws: `DivergenceError` when the cost or a gradient is not finite.
  public mutating func finishEpoch() throws {
    guard examplesIntoEpoch > 0 else { return }
    try train(epochs: epochsCompleted + 1)
  }

  /// Trains for about one frame: to the end of the epoch in progress, or until `deadline` passes.
  /// - Parameter deadline: when to stop mid-epoch.
  /// - Throws: `DivergenceError` when the cost or a gradient is not finite.
  public mutating func trainSlice(until deadline: ContinuousClock.Instant) throws {
    try advance { _, atEpochEnd, _ in atEpochEnd || ContinuousClock.now >= deadline }
  }

  /// The steps' bookkeeping, shared with the fit's callbacks.
  private final class Progress {
    var steps = 0
    var atEpochEnd = false
    var epoch = 0
    var saved: FitState<Double>?
  }

  /// Runs the fit from the saved state until `stop(steps, atEpochEnd, epochsCompleted)` says so
  /// (asked after every step and at the end of every epoch), keeping the state it hands back.
  private mutating func advance(stop: @escaping (Int, Bool, Int) -> Bool) throws {
    let progress = Progress()
    var net = network
    let options = try configuration.fitOptions(epochs: Self.epochLimit)
    do {
      try Kernels.withBackend(.builtin) {
        _ = try net.fit(
          x: training.x, y: training.y, optimizer: configuration.optimizer, options: options,
          resumingFrom: state, checkpoint: { progress.saved = $0 },
          shouldStop: { stop(progress.steps, progress.atEpochEnd, progress.epoch) },
          afterBatch: { batch in
            progress.steps += 1
            progress.atEpochEnd = batch.examplesDone == batch.examples
            progress.epoch = batch.epoch
          })
      }
    } catch is TrainingInterrupted {
      // The state was handed to `checkpoint` first.
    }
    iterations += progress.steps
    if let saved = progress.saved {
      state = saved
      network = saved.network
    }
  }

  // MARK: - Take it away

  /// The arguments of `backprop train` that reproduce the run's first `epochs` epochs (by
  /// default those completed) and save the model to `save`.
  /// - Parameters:
  ///   - epochs: the epochs to train, or nil for ``epochsCompleted``.
  ///   - save: the model file to write.
  public func commandArguments(epochs: Int? = nil, save: String = "playground.safetensors") -> [String] {
    let c = configuration
    let s = c.settings
    var arguments = [
      "train", "--generate", c.data.kind.rawValue, "--points", String(c.data.examples), "--noise", "\(c.data.noise)",
      "--features", c.data.features.map(\.rawValue).joined(separator: ","), "--test-split", "\(c.testSplit)",
      "--seed", String(s.seed), "--layers", c.layerSizes.map(String.init).joined(separator: ","),
    ]
    if !c.hiddenActivations.isEmpty {
      let names = c.hiddenActivations.map(\.description)
      arguments += ["--activation", Set(names).count == 1 ? names[0] : names.joined(separator: ",")]
    }
    arguments += [
      "--output", c.output.rawValue, "--initializer", c.initializer.rawValue, "--optimizer", s.optimizer,
      "--learning-rate", "\(s.learningRate)", "--batch-size", String(s.batchSize),
      "--epochs", String(epochs ?? epochsCompleted),
    ]
    if s.l2 > 0 { arguments += ["--l2", "\(s.l2)"] }
    if s.dropout > 0 { arguments += ["--dropout", "\(s.dropout)"] }
    // The playground trains in float64 with the built-in kernel on one thread: the same arithmetic.
    arguments += ["--dtype", "float64", "--blas", "builtin", "--threads", "1", "--save", save]
    return arguments
  }

  /// The command, one line for a shell: `backprop train --generate spiral …`.
  public var command: String {
    (["backprop"] + commandArguments()).map(Self.shellQuoted).joined(separator: " ")
  }

  /// `train.sh`: the command with a comment saying what it reproduces.
  public var script: String {
    "#!/bin/sh\n# The playground's run: \(epochsCompleted) epoch\(epochsCompleted == 1 ? "" : "s") "
      + "completed (steps into an unfinished epoch are not included).\n\(command)\n"
  }

  /// The run file for `backprop train --config run.yaml`: the command's options as YAML keys.
  public var runFile: String {
    var lines = [
      "# backprop train --config run.yaml: the playground's run, \(epochsCompleted) epochs completed",
      "# (steps into an unfinished epoch are not included)",
    ]
    var arguments = commandArguments().dropFirst()[...]
    while let option = arguments.first, option.hasPrefix("--") {
      arguments = arguments.dropFirst()
      let value = arguments.first ?? ""
      arguments = arguments.dropFirst()
      let plain = Double(value) != nil && !value.contains(",")
      lines.append("\(option.dropFirst(2)): " + (plain ? value : "\"\(value)\""))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `text` as one shell word: left as it is when it is safe, else in single quotes.
  static func shellQuoted(_ text: String) -> String {
    let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_.,/:=+".contains($0) }
    return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The network as a model file holds it, with the feature names and the command.
  /// - Throws: `ConfigurationError` if the options could not be recorded.
  public func model() throws -> Model<Double> {
    var record = TrainingRecord(
      network: network, preprocessing: .identity, optimizer: configuration.optimizer,
      options: try configuration.fitOptions(epochs: epochsCompleted))
    record.recordInitialization(
      initializer: configuration.initializer, seed: configuration.settings.seed, generator: .default)
    record["test_split"] = "\(configuration.testSplit)"
    record["playground_iterations"] = String(iterations)
    if let data = try? JSONSerialization.data(
      withJSONObject: commandArguments().dropFirst().map { $0 }, options: [.withoutEscapingSlashes])
    {
      record["command"] = String(decoding: data, as: UTF8.self)
    }
    return Model(
      network: network, featureNames: configuration.data.features.map(\.rawValue),
      targetName: configuration.data.kind.isRegression ? "y" : "class", hyperparameters: record.values)
  }

  /// The model file's bytes (safetensors), as `ModelFile.write` writes them.
  /// - Throws: what the encoder throws.
  public func modelFile() throws -> [UInt8] {
    try ModelFile.encode(try model()).encode()
  }

  /// The most training examples the gradient check takes (it runs two forward passes per parameter).
  public static let gradientCheckExamples = 64

  /// Backpropagation's dW[l], db[l] against finite differences on the first
  /// ``gradientCheckExamples`` training examples (J with λ).
  /// - Throws: what `GradientCheck.run` throws.
  public func gradientCheck() throws -> GradientCheck.Report {
    let m = min(training.x.columns, Self.gradientCheckExamples)
    var x = Matrix<Double>(rows: training.x.rows, columns: m)
    var y = Matrix<Double>(rows: training.y.rows, columns: m)
    for j in 0..<m {
      for i in 0..<x.rows { x[i, j] = training.x[i, j] }
      for i in 0..<y.rows { y[i, j] = training.y[i, j] }
    }
    return try GradientCheck.run(network, x: x, y: y, l2: configuration.settings.l2)
  }
}
