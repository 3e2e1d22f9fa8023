import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// The model file's `hyperparameters` record: one schema (``TrainingRecord``) for what
/// `Model.fit` and `backprop train` write, kept through a file.
@Suite struct TrainingRecordTests {
  /// Three blobs in the plane, (2, 60), classes 0…2.
  static func blobs() -> (x: Matrix<Double>, y: Matrix<Double>) {
    var generator = DefaultGenerator(seed: 4)
    var x = Matrix<Double>(rows: 2, columns: 60)
    var y = Matrix<Double>(rows: 1, columns: 60)
    for j in 0..<60 {
      let c = j % 3
      x[0, j] = Double(c) * 2 + generator.nextGaussian() * 0.3
      x[1, j] = Double(c % 2) * 2 + generator.nextGaussian() * 0.3
      y[0, j] = Double(c)
    }
    return (x, y)
  }

  /// A model made and trained by the library records how: its creation (initializer, seed),
  /// then the network, the optimizer and the options of `fit`, and a model file keeps it.
  @Test func modelFitRecordsHowTheModelWasMade() throws {
    var model = try Model<Double>(
      inputs: 2, layers: [.dense(4, .relu, batchNormalization: true), .dense(3, .softmax)], output: .softmax,
      initializer: .xavier, seed: 9)
    #expect(model.hyperparameters == ["initializer": "xavier", "rng": "default", "seed": "9"])
    let (x, y) = Self.blobs()
    var options = try FitOptions(epochs: 2, batchSize: 16)
    options.l2 = 0.01
    options.clipNorm = 5
    try model.fit(x, y, optimizer: .adam(learningRate: 0.01), options: options, preprocessing: .standardize)
    let record = model.hyperparameters
    let expected = [
      "layers": "2,4,3", "activation": "relu", "output": "softmax", "batch_norm": "true", "dtype": "float64",
      "optimizer": "adam", "learning_rate": "0.01", "beta1": "0.9", "beta2": "0.999", "epsilon": "1e-08",
      "epochs": "2", "batch_size": "16", "l2": "0.01", "clip_norm": "5.0", "preprocessing": "standardize",
      "initializer": "xavier", "rng": "default", "seed": "9",
    ]
    #expect(record == expected)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("m.safetensors").path
    try ModelFile.write(model, to: path)
    #expect(try ModelFile.read(path: path, as: Double.self).hyperparameters == expected)
  }

  /// Full-batch training records iterations instead of epochs; a network without hidden
  /// layers has no hidden activation; a divisor other than 1 is recorded as `scale`.
  @Test func fullBatchRecordAndItsOptionalKeys() throws {
    var generator = DefaultGenerator(seed: 1)
    let network = try Network<Float>(
      layerSizes: [3, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .he, using: &generator)
    let preprocessing = try Preprocessing(method: .none, divisor: 255, offsets: [], scales: [])
    var record = TrainingRecord(
      network: network, preprocessing: preprocessing, optimizer: .momentum(learningRate: 0.5), iterations: 300)
    record["validation_split"] = "0.2"
    #expect(
      record.values == [
        "layers": "3,1", "output": "sigmoid", "dtype": "float32", "optimizer": "momentum", "learning_rate": "0.5",
        "momentum": "0.9", "iterations": "300", "preprocessing": "none", "scale": "255.0", "validation_split": "0.2",
      ])
    #expect(record["activation"] == nil && record["epochs"] == nil)
  }

  /// `backprop train` writes the same record as the library for the same run, plus its own keys.
  @Test(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
  func theCommandLineWritesTheLibrarysRecord() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let (x, y) = Self.blobs()
    var lines = ["a,b,label"]
    for j in 0..<x.columns { lines.append("\(x[0, j]),\(x[1, j]),\(Int(y[0, j]))") }
    let table = folder.appendingPathComponent("t.csv").path
    try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let path = folder.appendingPathComponent("m.safetensors").path
    let result = try BackpropExecutable.run([
      "train", "--data", table, "--layers", "2,5,3", "--activation", "tanh", "--output", "softmax",
      "--optimizer", "rmsprop", "--learning-rate", "0.02", "--epochs", "3", "--batch-size", "10", "--dropout", "0.1",
      "--standardize", "--validation-split", "0.2", "--seed", "4", "--save", path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let saved = try ModelFile.read(path: path, as: Float.self)
    var options = try FitOptions(epochs: 3, batchSize: 10)
    options.dropout = [0.1]
    var library = TrainingRecord(
      network: saved.network, preprocessing: saved.preprocessing, optimizer: .rmsprop(learningRate: 0.02),
      options: options)
    library.recordInitialization(initializer: .course, seed: 4)
    for (key, value) in library.values {
      #expect(
        saved.hyperparameters[key] == value, "\(key): the command line wrote \(saved.hyperparameters[key] ?? "nothing")"
      )
    }
    // The command line's own keys, beside the library's.
    #expect(saved.hyperparameters["validation_split"] == "0.2" && saved.hyperparameters["command"] != nil)
  }
}
