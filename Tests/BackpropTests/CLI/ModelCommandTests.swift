import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `train --data … --save model.safetensors`, then `predict`, `evaluate` and `inspect`, as a newcomer runs them.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ModelCommandTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A small three-class table with text labels, laid out as a user's CSV would be.
  func makeTable(in folder: URL) throws -> String {
    var rng = DefaultGenerator(seed: 3)
    var lines = ["width;height;kind"]
    for j in 0..<90 {
      let kind = ["small", "medium", "large"][j % 3]
      let base = Double(j % 3) * 3
      lines.append("\(base + rng.nextGaussian() * 0.3);\(10 * base + rng.nextGaussian());\"\(kind)\"")
    }
    let path = folder.appendingPathComponent("sizes.csv").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func trainPredictEvaluateInspect() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-models-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = try makeTable(in: folder)
    let model = folder.appendingPathComponent("sizes.safetensors").path
    let trained = try run([
      "train", "--data", table, "--target", "kind", "--layers", "2,8,3", "--activation", "tanh", "--output", "softmax",
      "--standardize", "--validation-split", "0.2", "--stratify", "--learning-rate", "0.5", "--iterations", "300",
      "--print-every", "0", "--save", model,
    ])
    #expect(trained.status == 0, "\(trained.error)")
    #expect(trained.output.contains("Validation accuracy: "))

    let inspected = try run(["inspect", model, "--batch", "32"])
    #expect(inspected.status == 0)
    for fragment in [
      "(8, 2)", "(8, 1)", "(8, 32)", "(3, 8)", "Total parameters: 51", "standardize",
      "Classes: 0=large, 1=medium, 2=small", "Inputs: width, height",
    ] {
      #expect(inspected.output.contains(fragment), "inspect lacks \(fragment): \(inspected.output)")
    }

    let evaluated = try run(["evaluate", "--model", model, "--data", table])
    #expect(evaluated.status == 0, "\(evaluated.error)")
    let accuracyLine = try #require(evaluated.output.split(separator: "\n").first { $0.hasPrefix("Accuracy: ") })
    #expect(try #require(Double(accuracyLine.dropFirst("Accuracy: ".count))) > 0.9)

    // Predictions as CSV (class names, one probability per class) and as .npy (m, K).
    let csv = folder.appendingPathComponent("p.csv").path
    #expect(try run(["predict", "--model", model, "--data", table, "--out", csv]).status == 0)
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(rows.first == "prediction,p(large),p(medium),p(small)" && rows.count == 91)
    #expect(rows[1].hasPrefix("small,"))
    let npy = folder.appendingPathComponent("p.npy").path
    #expect(try run(["predict", "--model", model, "--data", table, "--out", npy]).status == 0)
    let probabilities = try NPYFile.read(path: npy)
    #expect(probabilities.shape == [90, 3])
    for j in 0..<90 {
      let sum = probabilities.scalars[(3 * j)..<(3 * j + 3)].reduce(0, +)
      #expect(Swift.abs(sum - 1) < 1e-5)
    }
    // A table without the label column is predicted too.
    let unlabelled = folder.appendingPathComponent("new.csv").path
    try "width;height\n6.1;59\n0.2;1\n".write(toFile: unlabelled, atomically: true, encoding: .utf8)
    let fresh = try run(["predict", "--model", model, "--data", unlabelled])
    #expect(fresh.status == 0, "\(fresh.error)")
    #expect(fresh.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] } == ["large", "small"])
  }

  @Test func badFilesAndOptionsAreClearErrors() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let ragged = folder.appendingPathComponent("ragged.csv").path
    try "a,b,y\n1,2,0\n3,4\n".write(toFile: ragged, atomically: true, encoding: .utf8)
    let nan = folder.appendingPathComponent("nan.csv").path
    try "a,b,y\n1,nan,0\n".write(toFile: nan, atomically: true, encoding: .utf8)
    let notAModel = folder.appendingPathComponent("model.safetensors").path
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: notAModel))
    let cases: [([String], [String])] = [
      (["train", "--data", ragged, "--layers", "2,1"], ["ragged.csv", "line 3"]),
      (["train", "--data", nan, "--layers", "2,1"], ["nan.csv", "line 2", "column 2"]),
      (["train", "--data", ragged, "--target", "z", "--layers", "2,1"], ["--target", "\"z\""]),
      (["train", "--data", ragged, "--x", ragged, "--y", ragged, "--layers", "2,1"], ["either --x/--y or --data"]),
      (["train", "--data", ragged, "--layers", "2,1", "--validation-split", "1.5"], ["--validation-split"]),
      (["train", "--data", ragged, "--layers", "2,1", "--save", folder.path + "/m.pt"], [".safetensors"]),
      (["inspect", notAModel], ["model.safetensors"]),
      (["evaluate", "--model", notAModel, "--data", ragged], ["model.safetensors"]),
      (["predict", "--model", folder.path + "/missing.safetensors", "--data", ragged], ["missing.safetensors"]),
    ]
    for (arguments, fragments) in cases {
      let result = try run(arguments)
      #expect(result.status != 0, "\(arguments) should fail")
      for fragment in fragments {
        #expect(result.error.contains(fragment), "\(arguments): '\(fragment)' not in: \(result.error)")
      }
      #expect(!result.error.contains("Fatal error"))
    }
  }
}
