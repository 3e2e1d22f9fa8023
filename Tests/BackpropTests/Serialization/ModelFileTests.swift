import Backprop
import BackpropTestSupport
import Foundation
import Testing

@Suite struct ModelFileTests {
  static func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("backprop-model-\(UUID().uuidString)-\(name)").path
  }

  func roundTrip<S: MatrixScalar>(_: S.Type, activation: ActivationFunction, output: Output) throws {
    var rng = DefaultGenerator(seed: 9)
    let units = output == .softmax ? 3 : 1
    let network = try Network<S>(
      layerSizes: [4, 5, units], hiddenActivation: activation, output: output, initializer: .he, using: &rng)
    let x = Matrix<S>.randomNormal(rows: 4, columns: 20, using: &rng)
    let preprocessing = try Preprocessing.fit(.standardize, to: x, divisor: 2)
    let model = Model(
      network: network, preprocessing: preprocessing, classNames: output == .softmax ? ["a", "b", "c"] : nil,
      featureNames: ["f1", "f2", "f3", "f4"], targetName: "label", hyperparameters: ["seed": "9"])
    let path = Self.temporaryPath("m.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelFile.write(model, to: path)
    #expect(try ModelFile.storedDType(path: path) == S.dtypeName)
    let loaded = try ModelFile.read(path: path, as: S.self)
    #expect(loaded.network == network)
    #expect(loaded.preprocessing == preprocessing)
    #expect(loaded.classNames == model.classNames && loaded.featureNames == model.featureNames)
    #expect(loaded.targetName == "label" && loaded.hyperparameters == ["seed": "9"])
    #expect(try loaded.predict(x).outputs == model.predict(x).outputs)

    // The tensors are PyTorch's names and shapes.
    let file = try SafetensorsFile.read(path: path)
    #expect(file.tensor(named: "layers.0.weight")?.shape == [5, 4])
    #expect(file.tensor(named: "layers.0.bias")?.shape == [5])
    #expect(file.tensor(named: "layers.1.weight")?.shape == [units, 5])
    #expect((file.tensor(named: "layers.0.alpha") != nil) == activation.hasLearnedSlope)
    #expect(file.metadata["format"] == "backprop-model" && file.metadata["layer_sizes"] == "[4,5,\(units)]")
  }

  @Test func roundTripsFloatAndDouble() throws {
    try roundTrip(Float.self, activation: .relu, output: .softmax)
    try roundTrip(Double.self, activation: .prelu(initialAlpha: 0.2), output: .sigmoid)
    try roundTrip(Double.self, activation: .elu(alpha: 0.5), output: .identity)
  }

  /// Files that are valid safetensors but not consistent models are refused, naming the file and the problem.
  @Test func refusesInconsistentModels() throws {
    var rng = DefaultGenerator(seed: 1)
    let network = try Network<Float>(
      layerSizes: [3, 4, 2], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &rng)
    let good = Self.temporaryPath("good.safetensors")
    defer { try? FileManager.default.removeItem(atPath: good) }
    try ModelFile.write(Model(network: network), to: good)
    let original = try SafetensorsFile.read(path: good)

    func expectRefused(_ edit: (inout SafetensorsFile) throws -> Void, _ fragment: String) throws {
      var file = original
      try edit(&file)
      let path = Self.temporaryPath("bad.safetensors")
      defer { try? FileManager.default.removeItem(atPath: path) }
      try file.write(to: path)
      let error = #expect(throws: FileFormatError.self) { try ModelFile.read(path: path, as: Float.self) }
      #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "no error"): lacks '\(fragment)'")
      #expect(error?.path == path)
    }
    try expectRefused({ $0.metadata["format"] = nil }, "not a Backprop model")
    try expectRefused({ $0.metadata["format_version"] = "99" }, "format_version 99")
    try expectRefused({ $0.metadata["layer_sizes"] = "[3,5,2]" }, "layers.0.weight")
    try expectRefused({ $0.metadata["layer_sizes"] = "[3,4" }, "layer_sizes")
    try expectRefused({ $0.metadata["activations"] = "[\"swish\",\"softmax\"]" }, "swish")
    try expectRefused({ $0.metadata["output"] = "sigmoid" }, "output")
    try expectRefused({ $0.metadata["class_names"] = "[\"only-one\"]" }, "class names")
    try expectRefused(
      { $0.metadata["preprocessing"] = "{\"method\":\"standardize\",\"divisor\":1,\"offsets\":[0],\"scales\":[0]}" },
      "preprocessing")
    try expectRefused({ _ = $0.removeTensor(named: "layers.1.bias") }, "missing tensor 'layers.1.bias'")
    try expectRefused(
      { try $0.add("layers.5.weight", matrix: Matrix<Float>(rows: 1, columns: 1)) }, "unexpected tensor")
    try expectRefused(
      { file in
        _ = file.removeTensor(named: "layers.0.bias")
        try file.add("layers.0.bias", matrix: Matrix<Float>(rows: 4, columns: 1, repeating: .nan), shape: [4])
      }, "nan")
    try expectRefused(
      { file in
        _ = file.removeTensor(named: "layers.0.bias")
        try file.add("layers.0.bias", dtype: .int32, shape: [4], values: [0, 0, 0, 0])
      }, "I32")
  }

  /// PyTorch gives the same probabilities as Backprop for a model trained on
  /// iris.csv (to 1e-5), loading it with load_state_dict into an nn.ModuleList of nn.Linear.
  @Test(
    .enabled(
      if: PythonTools.hasTorch && Fixtures.sharedData != nil,
      "needs python3 with torch and safetensors, and ../shared/data"))
  func pytorchAgreesOnIris() throws {
    guard let shared = Fixtures.sharedData else { return }
    var set = try Dataset.csv(path: shared.appendingPathComponent("tabular/iris.csv").path)
    set = set.subset(Array(0..<set.count))
    var rng = NumPyLegacyGenerator(seed: 1)
    var network = try Network<Float>(
      layerSizes: [4, 16, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    let preprocessing = try Preprocessing.fit(.standardize, to: set.x)
    let x = try preprocessing.apply(set.x).converted(to: Float.self)
    try Trainer(optimizer: GradientDescent(learningRate: 0.1), iterations: 500)
      .train(&network, x: x, y: set.y.converted(to: Float.self))
    let model = Model(network: network, preprocessing: preprocessing, classNames: set.classNames)
    let folder = Self.temporaryPath("iris")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try ModelFile.write(model, to: folder + "/iris.safetensors")
    try NPYFile.write(set.x.transposed, to: folder + "/inputs.npy")
    try NPYFile.write(
      try model.predict(set.x.converted(to: Float.self)).outputs.transposed, to: folder + "/expected.npy")
    let result = try Subprocess.python([
      Fixtures.path("torch/check_model.py"), folder + "/iris.safetensors", folder + "/inputs.npy",
      folder + "/expected.npy",
    ])
    #expect(result.status == 0, "\(result.combined)")
    #expect(result.output.contains("max |PyTorch - Backprop|"))
  }
}

/// python3 with the packages the PyTorch comparison needs.
enum PythonTools {
  static let hasTorch = Subprocess.pythonHas("torch, safetensors, numpy")
}
