import Backprop
import BackpropPlayground
import BackpropTestSupport
import Foundation
import Testing

/// A playground run through its Swift API, and the `backprop train` command it gives: the same
/// parameters bit for bit.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct PlaygroundRunTests {
  /// Settings with a list of activations, features, L2 and dropout: every option the command carries.
  static func settings() -> PlaygroundSettings {
    var settings = PlaygroundSettings()
    settings.dataset = "spiral"
    settings.noise = 0.15
    settings.trainRatio = 0.7
    settings.seed = 42
    settings.features = ["x1", "x2", "x1*x2", "sin(x1)"]
    settings.layers = [.init(units: 6, activation: "relu"), .init(units: 5, activation: "tanh")]
    settings.output = "softmax"
    settings.learningRate = 0.01
    settings.l2 = 0.001
    settings.dropout = 0.1
    settings.batchSize = 16
    return settings
  }

  @Test func commandReproducesTheRunBitForBit() throws {
    var run = try PlaygroundRun(Self.settings().validated())
    try run.step()  // a step, a slice and whole epochs: the fit resumes exactly each time
    try run.trainSlice(until: .now)
    try run.finishEpoch()
    try run.train(epochs: 7)
    #expect(run.epochsCompleted == 7 && run.examplesIntoEpoch == 0)
    #expect(run.iterations == 7 * 14)  // 210 training examples in batches of 16

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("playground-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("cli.safetensors").path
    let arguments = run.commandArguments(save: path)
    let result = try BackpropExecutable.run(arguments)
    #expect(result.status == 0, "\(result.combined)")
    let model = try ModelFile.read(path: path, as: Double.self)
    #expect(model.network.layerSizes == [4, 6, 5, 2])
    for (l, (cli, playground)) in zip(model.network.layers, run.network.layers).enumerated() {
      #expect(cli.weight == playground.weight, "W[\(l + 1)]")
      #expect(cli.bias == playground.bias, "b[\(l + 1)]")
      #expect(cli.activation == playground.activation, "g[\(l + 1)]")
    }
    // The run file holds the same options.
    let runFile = folder.appendingPathComponent("run.yaml")
    try run.runFile.replacingOccurrences(of: "playground.safetensors", with: path + ".yaml.safetensors")
      .write(to: runFile, atomically: true, encoding: .utf8)
    let fromFile = try BackpropExecutable.run(["train", "--config", runFile.path])
    #expect(fromFile.status == 0, "\(fromFile.combined)")
    let again = try ModelFile.read(path: path + ".yaml.safetensors", as: Double.self)
    #expect(again.network.layers.map(\.weight) == run.network.layers.map(\.weight))
    // The downloaded model file is the same network.
    let downloaded = folder.appendingPathComponent("download.safetensors")
    try Data(run.modelFile()).write(to: downloaded)
    #expect(try ModelFile.read(path: downloaded.path, as: Double.self).network == run.network)
    #expect(run.command.contains("'x1,x2,x1*x2,sin(x1)'"))
  }

  @Test func resetReturnsToTheInitialParameters() throws {
    var run = try PlaygroundRun(PlaygroundSettings().validated())
    let initial = run.network
    try run.train(epochs: 2)
    #expect(run.network != initial)
    try run.reset()
    #expect(run.network == initial && run.iterations == 0 && run.epochsCompleted == 0)
  }

  @Test func frameHasEveryUnitOverThePlane() throws {
    var run = try PlaygroundRun(PlaygroundSettings().validated())
    try run.train(epochs: 1)
    let plane = PlaygroundPlane(around: [run.trainingPoints, run.testPoints], data: run.configuration.data, size: 20)
    let frame = try run.frame(over: plane, playing: false)
    #expect(frame.units.map(\.count) == [2, 8, 8, 2])
    for layer in frame.units {
      for unit in layer { #expect(Data(base64Encoded: unit.values)?.count == 400) }
    }
    #expect(frame.weights.map(\.count) == [8, 8, 2] && frame.weights[0][0].count == 2)
    #expect(frame.output.kind == "classes" && Data(base64Encoded: frame.output.values)?.count == 400)
    #expect(frame.accuracy != nil && frame.mse == nil && frame.epoch == 1 && frame.m == 210)
    let report = try run.gradientCheck()
    #expect(report.layerErrors.count == 3 && report.passes(threshold: 1e-6))
    #expect(try run.report().html().contains("<svg"))
  }

  @Test func refusesBadSettingsWithAMessage() throws {
    func message(_ change: (inout PlaygroundSettings) -> Void) -> String {
      var settings = PlaygroundSettings()
      change(&settings)
      do {
        _ = try settings.validated()
        return ""
      } catch {
        return error.message
      }
    }
    #expect(message { $0.layers[0].activation = "swish" }.contains("unknown activation 'swish'"))
    #expect(message { $0.layers[0].activation = "custom:f=z;1" }.contains("unknown activation"))
    #expect(message { $0.layers[1].units = 10_000 }.contains("10000 units"))
    #expect(
      message { $0.layers = Array(repeating: .init(units: 16, activation: "relu"), count: 9) }.contains("at most 8"))
    #expect(message { $0.learningRate = .nan }.contains("learning rate"))
    #expect(message { $0.dataset = "moons" }.contains("unknown data set"))
    #expect(
      message {
        $0.output = "sigmoid"; $0.dataset = "regression"
      }.contains("identity"))
    #expect(message { $0.features = [] }.contains("feature"))
    #expect(message { $0.batchSize = 0 }.contains("batch size"))
  }
}
