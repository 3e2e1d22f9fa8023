import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `backprop import` end to end, and `train --init` from the model it writes.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ImportCommandTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }
  func fixture(_ name: String) -> String { Fixtures.path("onnx-import/\(name)") }

  @Test func importsPredictsAndKeepsAnExistingFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let model = folder.path("m.safetensors")
    let imported = try run(["import", fixture("sklearn-multiclass-f32.onnx"), "--out", model])
    #expect(imported.status == 0, "\(imported.combined)")
    #expect(imported.error.contains("classes setosa, versicolor, virginica"), "\(imported.error)")
    let predictions = folder.path("p.npy")
    let predicted = try run([
      "predict", "--model", model, "--x", fixture("sklearn-multiclass-f32.x.npy"), "--out", predictions,
    ])
    #expect(predicted.status == 0, "\(predicted.combined)")
    // predict_proba of scikit-learn, to |a − b| ≤ 1e-5·max(1, |b|).
    let a: Matrix<Double> = try NPYFile.read(path: predictions).samples()
    let b: Matrix<Double> = try NPYFile.read(path: fixture("sklearn-multiclass-f32.expected.npy")).samples()
    expectClose(a, b, rtol: 1e-5, atol: 1e-5, "predict after import")

    // An existing file is kept without --overwrite, replaced with it.
    let before = try Data(contentsOf: URL(fileURLWithPath: model))
    let again = try run(["import", fixture("torch-relu-softmax-f64.onnx"), "--out", model])
    #expect(again.status == 2 && again.error.contains("exists already"), "\(again.combined)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)
    let replaced = try run(["import", fixture("torch-relu-softmax-f64.onnx"), "--out", model, "--overwrite"])
    #expect(replaced.status == 0, "\(replaced.combined)")
    #expect(try ModelFile.storedDType(path: model) == "float64")
  }

  @Test func badFilesAreClearErrors() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let out = folder.path("m.safetensors")
    let conv = try run(["import", fixture("bad-conv.onnx"), "--out", out])
    #expect(conv.status == 2)
    #expect(conv.error.contains("bad-conv.onnx: node 'Conv_3' (Conv) is not supported"), "\(conv.error)")
    let garbage = folder.path("garbage.onnx")
    try Data("{\"not\": \"onnx\"}".utf8).write(to: URL(fileURLWithPath: garbage))
    let notONNX = try run(["import", garbage, "--out", out])
    #expect(notONNX.status == 2 && notONNX.error.contains("garbage.onnx: not an ONNX model"), "\(notONNX.error)")
    let missing = try run(["import", folder.path("nothing.onnx"), "--out", out])
    #expect(missing.status == 2 && missing.error.contains("nothing.onnx"), "\(missing.error)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// A PyTorch model trained further: the first epoch's cost is the imported model's own cost
  /// (one batch, taken before the update), not a fresh initialisation's, and the run saves a model.
  @Test func trainsFurtherFromAnImportedModel() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let model = folder.path("torch.safetensors")
    #expect(try run(["import", fixture("torch-relu-softmax-f32.onnx"), "--out", model]).status == 0)
    // Labels: torch's own arg-max classes for the fixture's inputs.
    let expected = try NPYFile.read(path: fixture("torch-relu-softmax-f32.expected.npy"))
    let probabilities: Matrix<Double> = try expected.samples()
    var labels = [Double]()
    for j in 0..<probabilities.columns {
      labels.append(Double((0..<3).max { probabilities[$0, j] < probabilities[$1, j] } ?? 0))
    }
    let y = folder.path("y.npy")
    try NPYFile.write(NumPyArray(shape: [labels.count], dtype: .int64, scalars: labels), to: y)
    let x = fixture("torch-relu-softmax-f32.x.npy")

    let evaluated = try run(["evaluate", "--model", model, "--x", x, "--y", y])
    let loss = try #require(
      evaluated.combined.split(separator: "\n").first { $0.hasPrefix("Loss") }?.split(separator: " ").last,
      "\(evaluated.combined)")
    let saved = folder.path("further.safetensors")
    let trained = try run([
      "train", "--init", model, "--x", x, "--y", y, "--epochs", "2", "--batch-size", "64", "--optimizer", "sgd",
      "--learning-rate", "0.01", "--save", saved,
    ])
    #expect(trained.status == 0, "\(trained.combined)")
    #expect(trained.combined.contains("Epoch 1/2: cost \(loss),"), "loss \(loss): \(trained.combined)")
    let further = try ModelFile.read(path: saved, as: Float.self)
    #expect(further.network.layerSizes == [4, 8, 3] && further.network.output == .softmax)

    // A fresh network on the same data starts elsewhere.
    let fresh = try run([
      "train", "--layers", "4,8,3", "--output", "softmax", "--x", x, "--y", y, "--epochs", "1", "--batch-size", "64",
    ])
    #expect(fresh.status == 0 && !fresh.combined.contains("Epoch 1/1: cost \(loss),"), "\(fresh.combined)")

    // Options that contradict the model name both.
    let conflict = try run(["train", "--init", model, "--x", x, "--y", y, "--layers", "4,5,3", "--epochs", "1"])
    #expect(conflict.status == 2 && conflict.error.contains("4,5,3") && conflict.error.contains("4,8,3"))
    let output = try run(["train", "--init", model, "--x", x, "--y", y, "--output", "sigmoid", "--epochs", "1"])
    #expect(output.status == 2 && output.error.contains("sigmoid") && output.error.contains("softmax"))
    let rescaled = try run(["train", "--init", model, "--x", x, "--y", y, "--standardize", "--epochs", "1"])
    #expect(rescaled.status == 2 && rescaled.error.contains("preprocessing"), "\(rescaled.error)")
    let noLayers = try run(["train", "--x", x, "--y", y, "--epochs", "1"])
    #expect(noLayers.status == 2 && noLayers.error.contains("--layers"), "\(noLayers.error)")
  }
}
