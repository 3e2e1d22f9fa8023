import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `train --generate` (the playground's data sets) and `--activation` with one name per hidden layer.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct GeneratedDataCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  func folder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-generate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func trainsOnGeneratedDataWithAnActivationPerLayer() throws {
    let folder = try folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("m.safetensors").path
    let common = [
      "train", "--generate", "circles", "--points", "200", "--noise", "0.05", "--test-split", "0.25", "--features",
      "x1,x2,x1^2,x2^2", "--layers", "4,6,5,1", "--output", "sigmoid", "--optimizer", "adam", "--learning-rate",
      "0.05", "--batch-size", "20", "--epochs", "40", "--seed", "3", "--quiet",
    ]
    let result = try run(common + ["--activation", "relu,tanh", "--save", model])
    #expect(result.status == 0, "\(result.combined)")
    // The test part is evaluated as the test set: 50 of the 200 examples.
    #expect(result.output.contains("Test accuracy"), "\(result.combined)")
    #expect(result.error.contains("on 150 examples"), "\(result.combined)")
    let saved = try ModelFile.read(path: model, as: Float.self)
    #expect(saved.network.layers.map(\.activation) == [.relu, .tanh, .sigmoid])
    #expect(saved.featureNames == ["x1", "x2", "x1^2", "x2^2"])

    // --init compares the activations layer by layer.
    let further = try run(common + ["--init", model, "--activation", "relu,tanh", "--epochs", "1"])
    #expect(further.status == 0, "\(further.combined)")
    let wrong = try run(common + ["--init", model, "--activation", "tanh", "--epochs", "1"])
    #expect(wrong.status != 0)
    #expect(wrong.error.contains("--activation") && wrong.error.contains("layer 1 uses relu"), "\(wrong.combined)")

    // One name per hidden layer, or one for all.
    let count = try run(common + ["--activation", "relu,tanh,relu"])
    #expect(count.status != 0)
    #expect(count.error.contains("names 3 activations but the network has 2 hidden layers"), "\(count.combined)")
    // A custom activation's formulas keep their commas.
    let custom = try run(
      common + ["--activation", "custom:ramp=max(z,0);max(z,0)/max(abs(z),1e-12)", "--epochs", "1"])
    #expect(custom.status == 0, "\(custom.combined)")
  }

  @Test func sameSeedSameModel() throws {
    let folder = try folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var paths = [String]()
    for name in ["a", "b"] {
      let path = folder.appendingPathComponent("\(name).safetensors").path
      let result = try run([
        "train", "--generate", "xor", "--noise", "0.1", "--layers", "2,4,1", "--activation", "tanh", "--epochs", "3",
        "--batch-size", "16", "--optimizer", "adam", "--seed", "9", "--quiet", "--save", path,
      ])
      #expect(result.status == 0, "\(result.combined)")
      paths.append(path)
    }
    let a = try ModelFile.read(path: paths[0], as: Float.self)
    let b = try ModelFile.read(path: paths[1], as: Float.self)
    #expect(a.network == b.network)
  }

  @Test func badGeneratedDataOptionsAreNamed() throws {
    let layers = ["--layers", "2,4,1"]
    let cases: [([String], String)] = [
      (["train", "--generate", "moons"] + layers, "--generate moons: choose from flower, spiral"),
      (["train", "--generate", "xor", "--noise", "3"] + layers, "--noise 3.0: give a number from 0 to 1"),
      (["train", "--generate", "xor", "--points", "7"] + layers, "--points 7: give an even number"),
      (["train", "--generate", "xor", "--features", "x1,cos(x1)"] + layers, "--features 'cos(x1)' is not a feature"),
      (["train", "--x", "a.npy", "--y", "b.npy", "--noise", "0.1"] + layers, "--noise describes generated data"),
      (["train", "--generate", "xor", "--data", "t.csv"] + layers, "give either --generate or training files"),
    ]
    for (arguments, expected) in cases {
      let result = try run(arguments)
      #expect(result.status != 0)
      #expect(result.error.contains(expected), "\(arguments): \(result.combined)")
    }
  }
}
