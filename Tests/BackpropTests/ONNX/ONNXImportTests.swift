import Backprop
import BackpropONNX
import BackpropTestSupport
import Foundation
import Testing

/// ONNX files written by PyTorch and scikit-learn (`scripts/onnx/make-import-fixtures.py`), imported
/// and checked against the framework's own predictions, the independent truth; models Backprop
/// exports read back to the same parameters; graphs outside the supported shape refused clearly.
///
/// Agreement: every element of A[L] within |a − b| ≤ tol · max(1, |b|), b the framework's value,
/// tol = 1e-12 for float64 graphs and 1e-5 for float32 ones.
struct ONNXImportTests {
  static let folder = "onnx-import"

  /// The fixture script's `manifest.json`: each model's dtype, output and class names; the bad graphs
  /// with the words their error must contain.
  struct Manifest: Decodable {
    struct Entry: Decodable {
      var dtype: String
      var output: String
      var source: String
      var class_names: [String]?
    }
    var models: [String: Entry]
    var bad: [String: [String]]

    static func load() throws -> Manifest {
      let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(folder)/manifest.json")))
      return try JSONDecoder().decode(Manifest.self, from: data)
    }
  }

  static func bytes(_ name: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(folder)/\(name).onnx")))
  }

  /// The largest |a − b| / max(1, |b|) between A[L] and the framework's prediction, after checking
  /// the model's output, class names and shape.
  static func largestError<Scalar: MatrixScalar>(
    _ model: Model<Scalar>, fixture name: String, entry: Manifest.Entry
  ) throws -> Double {
    #expect(model.network.output.rawValue == entry.output, "\(name)")
    #expect(model.classNames == entry.class_names, "\(name)")
    let x: Matrix<Scalar> = try NPYFile.read(path: Fixtures.path("\(folder)/\(name).x.npy")).samples()
    let expected: Matrix<Scalar> = try NPYFile.read(path: Fixtures.path("\(folder)/\(name).expected.npy")).samples()
    let a = try model.predict(x).outputs
    try #require(a.shape == expected.shape, "\(name): A[L] is \(a.shape), the framework's \(expected.shape)")
    var largest = 0.0
    for k in 0..<a.count {
      let b = Double(expected.scalars[k])
      largest = max(largest, Swift.abs(Double(a.scalars[k]) - b) / max(1, Swift.abs(b)))
    }
    return largest
  }

  @Test(arguments: try Manifest.load().models.keys.sorted())
  func importedModelPredictsAsItsFramework(_ name: String) throws {
    let entry = try #require(try Manifest.load().models[name])
    let imported = try ONNXImportedModel(onnx: Self.bytes(name))
    #expect(imported.dtypeName == entry.dtype)
    switch imported {
    case .float32(let model):
      let error = try Self.largestError(model, fixture: name, entry: entry)
      #expect(error <= 1e-5, "\(name): relative error \(error)")
    case .float64(let model):
      let error = try Self.largestError(model, fixture: name, entry: entry)
      #expect(error <= 1e-12, "\(name): relative error \(error)")
    }
  }

  @Test func everyActivationIsReadAsItsBackpropCase() throws {
    guard case .float64(let model) = try ONNXImportedModel(onnx: Self.bytes("torch-every-activation-f64")) else {
      Issue.record("a float64 graph must give a float64 model")
      return
    }
    #expect(
      model.network.layers.map(\.activation) == [
        .elu(alpha: 0.5), .softplus, .leakyReLU(slope: 0.2), .prelu(initialAlpha: 0.25),
        .prelu(initialAlpha: 0.25), .arctan, .identity, .sigmoid, .tanh, .identity,
      ])
    // PReLU(5) learns one α per unit; PReLU() one α, broadcast to the layer's units.
    #expect(model.network.layers[3].alpha?.rows == 5)
    let single = try #require(model.network.layers[4].alpha)
    #expect(single.rows == 5 && Set(single.scalars).count == 1)
    // A float32 graph read as Double: the weights are the float32 numbers, exactly.
    let widened = try Model<Double>(onnx: Self.bytes("torch-relu-softmax-f32"))
    guard case .float32(let narrow) = try ONNXImportedModel(onnx: Self.bytes("torch-relu-softmax-f32")) else {
      Issue.record("a float32 graph must give a float32 model")
      return
    }
    #expect(widened.network.layers[0].weight.scalars == narrow.network.layers[0].weight.scalars.map(Double.init))
  }

  @Test(arguments: try Manifest.load().bad.keys.sorted())
  func unsupportedGraphIsAClearError(_ name: String) throws {
    let words = try #require(try Manifest.load().bad[name])
    let bytes = try Self.bytes(name)
    let error = #expect(throws: DataError.self, "\(name) must be refused") { try ONNXImportedModel(onnx: bytes) }
    let message = error?.message ?? ""
    for word in words { #expect(message.contains(word), "\(name): '\(word)' not in: \(message)") }
  }

  @Test func bytesThatAreNoONNXModelAreAClearError() throws {
    let valid = try Self.bytes("torch-relu-softmax-f32")
    var garbage = DefaultGenerator(seed: 3)
    let random = Data((0..<500).map { _ in UInt8(truncatingIfNeeded: garbage.next()) })
    let cases: [(String, Data)] = [
      ("empty", Data()), ("text", Data("not a model".utf8)), ("random", random),
      ("npy", try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(Self.folder)/torch-relu-softmax-f32.x.npy")))),
    ]
    for (what, bytes) in cases {
      #expect(throws: DataError.self, "\(what)") { try ONNXImportedModel(onnx: bytes) }
    }
    // Bytes changed at random in valid files: a model or a DataError, never a crash.
    for name in ["torch-every-activation-f32", "sklearn-binary-f64", "torch-batchnorm-f64"] {
      let original = [UInt8](try Self.bytes(name))
      for _ in 0..<300 {
        var mutated = original
        for _ in 0..<3 {
          mutated[Int(garbage.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: garbage.next())
        }
        _ = try? ONNXImportedModel(onnx: Data(mutated))
      }
    }
    // Every truncation of a valid file is an error, never a crash.
    for length in stride(from: 0, to: valid.count, by: 7) {
      #expect(throws: DataError.self, "\(length) bytes") { try ONNXImportedModel(onnx: valid.prefix(length)) }
    }
  }

  /// A model Backprop exports imports back to the same parameters, preprocessing and names: every
  /// hidden activation (the composed float64 ones included), each output, batch normalisation.
  func exportedModelsReadBack<Scalar: MatrixScalar>(_: Scalar.Type) throws {
    var rng = DefaultGenerator(seed: 23)
    for g in ONNXExportTests.hidden {
      for output in Output.allCases {
        let normalized = g != .step && output == .softmax
        let units = output == .sigmoid ? 1 : 3
        let network = try Network<Scalar>(
          layers: [
            ONNXExportTests.layer(5, 4, g, normalized: normalized, using: &rng),
            ONNXExportTests.layer(units, 5, output.activation, normalized: false, using: &rng),
          ], output: output)
        let preprocessing =
          output == .identity
          ? Preprocessing.identity
          : try Preprocessing(method: .standardize, divisor: 4, offsets: [0, 1, 2, -3], scales: [1, 0.5, 3, 7])
        let classNames = output == .identity ? nil : (output == .sigmoid ? ["no", "yes"] : ["a", "b", "c"])
        let model = Model(
          network: network, preprocessing: preprocessing, classNames: classNames,
          featureNames: ["w", "x", "y", "z"], targetName: "t")
        let back = try Model<Scalar>(onnx: model.onnx())
        let label = "\(g) → \(output), \(Scalar.self)"
        #expect(back.preprocessing == model.preprocessing, "\(label)")
        #expect(back.classNames == classNames && back.featureNames == model.featureNames, "\(label)")
        #expect(back.targetName == "t", "\(label)")
        #expect(back.network.output == output && back.network.layers.count == 2, "\(label)")
        for (read, written) in zip(back.network.layers, network.layers) {
          #expect(read.weight == written.weight && read.bias == written.bias && read.alpha == written.alpha)
          #expect(read.activation == written.activation, "\(label): \(read.activation)")
          #expect(read.normalization?.gamma == written.normalization?.gamma, "\(label)")
          #expect(read.normalization?.epsilon == written.normalization?.epsilon, "\(label)")
          if let variance = read.normalization?.runningVariance, let stored = written.normalization?.runningVariance {
            // A float64 export stores σ² + ε (ONNX's ε is float32); reading subtracts ε again.
            expectClose(variance, stored, rtol: Scalar.self == Double.self ? 1e-15 : 0, atol: 0, label)
          }
        }
      }
    }
  }

  @Test func exportedFloatModelsReadBack() throws { try exportedModelsReadBack(Float.self) }
  @Test func exportedDoubleModelsReadBack() throws { try exportedModelsReadBack(Double.self) }
}
