import Backprop
import Foundation
import Testing

/// Interrupted and resumed training ends with the same bits as an
/// uninterrupted run: every optimizer, with dropout and batch normalisation,
/// interrupted mid-epoch, through a checkpoint file.
@Suite struct ResumeTests {
  static let optimizers = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]

  struct Run<Scalar: MatrixScalar>: OptimizerVisitor {
    var network: Network<Scalar>
    var x: Matrix<Scalar>
    var y: Matrix<Scalar>
    var validation: LabeledBatch<Scalar>
    var options: FitOptions
    var resume: FitState<Scalar>?
    var stopAfterSteps: Int?
    var saved: @Sendable (FitState<Scalar>) throws -> Void

    func visit<O: Optimizer>(_ optimizer: O) throws -> (Network<Scalar>, History) where O.Scalar == Scalar {
      var network = network
      nonisolated(unsafe) var steps = 0
      let history = try network.fit(
        x: x, y: y, validation: validation, optimizer: optimizer, options: options, resumingFrom: resume,
        checkpoint: saved,
        shouldStop: {
          steps += 1
          return stopAfterSteps.map { steps >= $0 } ?? false
        })
      return (network, history)
    }
  }

  static func problem() throws -> (Network<Float>, Matrix<Float>, Matrix<Float>, LabeledBatch<Float>) {
    var rng = DefaultGenerator(seed: 31)
    let network = try Network<Float>(
      layerSizes: [5, 8, 6, 3], hiddenActivation: .relu, output: .softmax, initializer: .he,
      batchNormalization: true, using: &rng)
    let x = Matrix<Float>.randomNormal(rows: 5, columns: 50, using: &rng)
    var y = Matrix<Float>(rows: 1, columns: 50)
    for j in 0..<50 { y[0, j] = Float(j % 3) }
    let vx = Matrix<Float>.randomNormal(rows: 5, columns: 12, using: &rng)
    var vy = Matrix<Float>(rows: 1, columns: 12)
    for j in 0..<12 { vy[0, j] = Float(j % 3) }
    return (network, x, y, LabeledBatch(x: vx, y: vy))
  }

  @Test(arguments: ResumeTests.optimizers)
  func resumedTrainingIsBitIdentical(optimizer name: String) throws {
    let (network, x, y, validation) = try Self.problem()
    var options = try FitOptions(epochs: 5, batchSize: 8)
    options.dropout = [0.3, 0.1]
    options.l2 = 0.01
    options.earlyStopping = try EarlyStopping(patience: 10)
    options.schedule = try LearningRateSchedule(parsing: "exponential:0.9", initialLearningRate: 0.01, totalEpochs: 5)
    options.checkpoint = try CheckpointPolicy(every: 2)
    let settings = try OptimizerSettings(name: name, learningRate: 0.01)
    let model = Model(network: network)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let directory = try CheckpointDirectory(path: folder, keep: 2)

    let (uninterrupted, fullHistory) = try settings.accept(
      Run(network: network, x: x, y: y, validation: validation, options: options, saved: { _ in }))

    // Interrupted after 17 steps (epoch 3 of 7 batches each: mid-epoch), saved to a file.
    let first = Run(
      network: network, x: x, y: y, validation: validation, options: options, stopAfterSteps: 17,
      saved: { state in try directory.save(state, model: model, configuration: ["/", "--test"]) })
    #expect(throws: TrainingInterrupted.self) { try settings.accept(first) }
    let latest = try #require(directory.latest)
    #expect(latest.hasSuffix("checkpoint-000003-00000024.safetensors"), "\(latest)")
    #expect(directory.checkpoints().count == 2)  // epoch 3's start (every 2 epochs) and the interruption

    let contents = try CheckpointFile.read(path: latest, as: Float.self)
    #expect(contents.configuration == ["/", "--test"])
    #expect(contents.state.epoch == 3 && contents.state.batchStart == 24 && !contents.state.isFinished)
    let second = Run(
      network: network, x: x, y: y, validation: validation, options: options, resume: contents.state,
      saved: { _ in })
    let (resumed, history) = try settings.accept(second)
    #expect(resumed == uninterrupted, "\(name)")
    #expect(history.epochs.map(\.cost) == fullHistory.epochs.map(\.cost))
    #expect(history.bestEpoch == fullHistory.bestEpoch)
  }

  /// A checkpoint at an epoch boundary resumes exactly too, and a finished run resumes to itself.
  @Test func resumingAtAnEpochBoundaryAndAfterTheEnd() throws {
    let (network, x, y, validation) = try Self.problem()
    var options = try FitOptions(epochs: 4, batchSize: 10)
    options.checkpoint = try CheckpointPolicy(every: 1)
    let settings = try OptimizerSettings(name: "adam", learningRate: 0.01)
    nonisolated(unsafe) var states = [FitState<Float>]()
    let (full, _) = try settings.accept(
      Run(network: network, x: x, y: y, validation: validation, options: options, saved: { states.append($0) }))
    #expect(states.map(\.epoch) == [2, 3, 4, 4] && states.last!.isFinished)
    let fromEpoch2 = try settings.accept(
      Run(network: network, x: x, y: y, validation: validation, options: options, resume: states[0], saved: { _ in }))
    #expect(fromEpoch2.0 == full)
    let fromEnd = try settings.accept(
      Run(network: network, x: x, y: y, validation: validation, options: options, resume: states[3], saved: { _ in }))
    #expect(fromEnd.0 == full && fromEnd.1.epochs.count == 4)
  }

  /// A state from another data set is refused with a clear error.
  @Test func aStateForOtherDataIsRefused() throws {
    let (network, x, y, validation) = try Self.problem()
    var options = try FitOptions(epochs: 2, batchSize: 10)
    options.checkpoint = try CheckpointPolicy(every: 1)
    let settings = try OptimizerSettings(name: "momentum", learningRate: 0.01)
    nonisolated(unsafe) var states = [FitState<Float>]()
    _ = try settings.accept(
      Run(network: network, x: x, y: y, validation: validation, options: options, saved: { states.append($0) }))
    let fewer = x.columns(0..<40)
    #expect(throws: DataError.self) {
      try settings.accept(
        Run(
          network: network, x: fewer, y: y.columns(0..<40), validation: validation, options: options,
          resume: states[0], saved: { _ in }))
    }
  }

  /// Corrupted or foreign checkpoint files: clear errors, no crash.
  @Test func corruptedCheckpointsAreRejected() throws {
    let (network, x, y, validation) = try Self.problem()
    var options = try FitOptions(epochs: 1, batchSize: 10)
    options.checkpoint = try CheckpointPolicy(every: 0)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let directory = try CheckpointDirectory(path: folder)
    _ = try OptimizerSettings(name: "adam", learningRate: 0.01).accept(
      Run(
        network: network, x: x, y: y, validation: validation, options: options,
        saved: { state in try directory.save(state, model: Model(network: network), configuration: ["/"]) }))
    let path = try #require(directory.latest)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    for cut in [0, 7, 100, bytes.count / 2, bytes.count - 1] {
      let broken = folder + "/cut-\(cut).safetensors"
      try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: broken))
      #expect(throws: FileFormatError.self) { try CheckpointFile.read(path: broken, as: Float.self) }
    }
    // A model file is not a checkpoint.
    let modelPath = folder + "/model.safetensors"
    try ModelFile.write(Model(network: network), to: modelPath)
    let error = #expect(throws: FileFormatError.self) { try CheckpointFile.read(path: modelPath, as: Float.self) }
    #expect(error?.description.contains("not a Backprop checkpoint") == true)
  }
}

/// Divergence and clipping.
@Suite struct DivergenceTests {
  @Test func aNonFiniteGradientNamesItsLayer() throws {
    var rng = DefaultGenerator(seed: 2)
    var network = try Network<Float>(
      layerSizes: [3, 4, 1], hiddenActivation: .relu, output: .identity, initializer: .he, using: &rng)
    // Large inputs and targets: the cost (summed in Double) stays finite, but
    // dW[2] = (1/m) dZ[2]·A[1]ᵀ ≈ 10³⁰ · 10¹⁰ overflows Float.
    var x = Matrix<Float>.randomNormal(rows: 3, columns: 6, using: &rng)
    x.withUnsafeMutableBufferPointer { for k in $0.indices { $0[k] = abs($0[k]) * 1e10 } }
    let y = Matrix<Float>(rows: 1, columns: 6, repeating: 1e30)
    let error = #expect(throws: DivergenceError.self) {
      try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: FitOptions(epochs: 3))
    }
    #expect(error?.layer == 2, "\(String(describing: error))")
    #expect(error?.description.contains("layer 2") == true && error?.description.contains("`clipNorm`") == true)
  }

  @Test func clippingBoundsTheUpdate() throws {
    var rng = DefaultGenerator(seed: 3)
    let start = try Network<Double>(
      layerSizes: [3, 4, 1], hiddenActivation: .tanh, output: .identity, initializer: .he, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 6, using: &rng)
    let y = Matrix<Double>(rows: 1, columns: 6, repeating: 100)
    var options = try FitOptions(epochs: 1)
    options.clipNorm = 0.5
    var clipped = start
    try clipped.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 1), options: options)
    // One step of α = 1 with ‖g‖ clipped to 0.5 moves the parameters by exactly 0.5.
    var moved = 0.0
    for (a, b) in zip(clipped.layers, start.layers) {
      for (p, q) in zip(a.weight.scalars + a.bias.scalars, b.weight.scalars + b.bias.scalars) {
        moved += (p - q) * (p - q)
      }
    }
    #expect(abs(moved.squareRoot() - 0.5) < 1e-12)
    options.clipNorm = -1
    var network = start
    #expect(throws: ConfigurationError.self) {
      try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 1), options: options)
    }
  }
}

/// Same seed and thread count: the same bits; with the built-in kernel (what
/// `--deterministic` forces), the same bits whatever the thread count.
@Suite(.serialized) struct DeterminismTests {
  @Test func theBuiltInKernelGivesTheSameBitsOnAnyThreadCount() throws {
    var rng = DefaultGenerator(seed: 40)
    let start = try Network<Float>(
      layerSizes: [64, 300, 200, 5], hiddenActivation: .relu, output: .softmax, initializer: .he,
      batchNormalization: true, using: &rng)
    let x = Matrix<Float>.randomNormal(rows: 64, columns: 600, using: &rng)
    var y = Matrix<Float>(rows: 1, columns: 600)
    for j in 0..<600 { y[0, j] = Float(j % 5) }
    var options = try FitOptions(epochs: 2, batchSize: 300)
    options.dropout = [0.1]
    func train(threads: Int) throws -> Network<Float> {
      let saved = Kernels.threadCount
      Kernels.threadCount = threads
      defer { Kernels.threadCount = saved }
      var network = start
      _ = try Kernels.withBackend(.builtin) {
        try network.fit(x: x, y: y, optimizer: Adam(learningRate: 0.01), options: options)
      }
      return network
    }
    let one = try train(threads: 1)
    #expect(try train(threads: 1) == one)
    #expect(try train(threads: 2) == one)
    #expect(try train(threads: 3) == one)
  }
}
