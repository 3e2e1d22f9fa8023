import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// The `backprop` executable end to end: options, outputs, files and errors.
enum BackpropExecutable {
  /// `backprop`, built by `swift test` next to the test bundle.
  static let url: URL? = {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent(),
      Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug"),
    ]
    return candidates.map { $0.appendingPathComponent("backprop") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  /// Runs `backprop` with `arguments`; every CLI suite's `run` comes here.
  static func run(_ arguments: [String]) throws -> Subprocess.Result {
    guard let url else { throw CocoaError(.fileNoSuchFile) }
    return try Subprocess.run(url, arguments)
  }
}

@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct CommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A folder with a small two-feature data set: X (m = 40, 2) and y (40,) of 0/1.
  func makeData() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 5)
    var x = [Double]()
    var y = [Double]()
    for _ in 0..<40 {
      let a = rng.nextGaussian()
      let b = rng.nextGaussian()
      x += [a, b]
      y.append(a + b > 0 ? 1 : 0)
    }
    try NPYFile.write(
      NumPyArray(shape: [40, 2], dtype: .float64, scalars: x), to: folder.appendingPathComponent("x.npy").path)
    try NPYFile.write(
      NumPyArray(shape: [40], dtype: .int64, scalars: y), to: folder.appendingPathComponent("y.npy").path)
    try NPYFile.write(
      NumPyArray(shape: [39], dtype: .int64, scalars: Array(y.dropLast())),
      to: folder.appendingPathComponent("y39.npy").path)
    return folder
  }

  @Test func trainsSavesAndRestarts() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let x = folder.appendingPathComponent("x.npy").path
    let y = folder.appendingPathComponent("y.npy").path
    let saved = folder.appendingPathComponent("params.npz").path
    let first = try run([
      "train", "--x", x, "--y", y, "--test-x", x, "--test-y", y, "--layers", "2,4,1", "--activation", "tanh",
      "--learning-rate", "0.5", "--iterations", "300", "--print-every", "100", "--save", saved, "--dtype", "float64",
    ])
    #expect(first.status == 0, "\(first.error)")
    let lines = first.output.split(separator: "\n").map(String.init)
    #expect(
      lines.filter { $0.hasPrefix("Cost after iteration ") }.map { $0.split(separator: ":")[0] } == [
        "Cost after iteration 0", "Cost after iteration 100", "Cost after iteration 200", "Cost after iteration 299",
      ])
    let accuracyLine = try #require(lines.first { $0.hasPrefix("Train accuracy: ") })
    let accuracy = try #require(Double(accuracyLine.dropFirst("Train accuracy: ".count)))
    #expect(accuracy >= 0.9)
    #expect(lines.contains { $0.hasPrefix("Test accuracy: ") })

    // The saved parameters are the course's dictionary, and training resumes from them.
    let arrays = try NPZArchive.read(path: saved)
    #expect(Set(arrays.keys) == ["W1", "b1", "W2", "b2"])
    #expect(arrays["W1"]?.shape == [4, 2] && arrays["b1"]?.shape == [4, 1] && arrays["W2"]?.shape == [1, 4])
    let again = try run([
      "train", "--x", x, "--y", y, "--layers", "2,4,1", "--activation", "tanh", "--init", saved,
      "--iterations", "0", "--dtype", "float64",
    ])
    #expect(again.status == 0, "\(again.error)")
    #expect(again.output.contains(accuracyLine))
  }

  @Test func badInputsGiveClearErrors() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let x = folder.appendingPathComponent("x.npy").path
    let y = folder.appendingPathComponent("y.npy").path
    let truncated = folder.appendingPathComponent("truncated.npy").path
    let bytes = try Data(contentsOf: URL(fileURLWithPath: x))
    try bytes.prefix(bytes.count - 9).write(to: URL(fileURLWithPath: truncated))

    let cases: [([String], [String])] = [
      (["train", "--x", x, "--y", y, "--layers", "3,4,1"], ["--layers", "n0 is 3", "2 features"]),
      (
        ["train", "--x", x, "--y", folder.appendingPathComponent("y39.npy").path, "--layers", "2,1"],
        ["39 labels", "40 examples"]
      ),
      (["train", "--x", truncated, "--y", y, "--layers", "2,1"], ["truncated.npy"]),
      (
        ["train", "--x", folder.appendingPathComponent("missing.npy").path, "--y", y, "--layers", "2,1"],
        ["missing.npy"]
      ),
      (
        ["train", "--x", x, "--y", y, "--layers", "2,1", "--learning-rate", "-0.1", "--iterations", "5"],
        ["--learning-rate", "positive"]
      ),
      (["train", "--x", x, "--y", y, "--layers", "2,0,1"], ["--layers", "at least 1 unit"]),
      (["train", "--x", x, "--y", y, "--layers", "2,3", "--output", "identity"], ["(1, 40)", "(3, 40)"]),
      (["train", "--x", x, "--y", y, "--layers", "2,1", "--output", "softmax"], ["--output", "softmax", "2 units"]),
      (["train", "--x", x, "--y", y, "--layers", "2,1", "--activation", "swish"], ["--activation", "swish"]),
      (
        ["train", "--x", x, "--y", y, "--layers", "2,1", "--save", "/nonexistent-folder/p.npz"],
        ["/nonexistent-folder", "does not exist"]
      ),
      (["train", "--x", x, "--y", y, "--layers", "2,1", "--rng", "numpy", "--seed", "99999999999"], ["--seed"]),
      (["train", "--x", x, "--y", y, "--layers", "2,1", "--test-x", x], ["--test-y"]),
    ]
    for (arguments, fragments) in cases {
      let result = try run(arguments)
      #expect(result.status != 0, "\(arguments) should fail")
      for fragment in fragments {
        #expect(result.error.contains(fragment), "\(arguments): '\(fragment)' not in: \(result.error)")
      }
      #expect(!result.error.contains("Fatal error"), "\(arguments) crashed: \(result.error)")
    }
  }

  @Test func gradientCheckPassesAndReports() throws {
    let result = try run(["gradcheck", "--layers", "3,4,2", "--activation", "elu", "--output", "softmax"])
    #expect(result.status == 0, "\(result.output)\(result.error)")
    #expect(result.output.contains("layer 1: relative error") && result.output.contains("layer 2: relative error"))
    #expect(result.output.contains("PASS"))
    // A threshold nothing can meet fails with a non-zero status.
    let strict = try run(["gradcheck", "--layers", "3,4,1", "--activation", "tanh", "--threshold", "1e-30"])
    #expect(strict.status == 1 && strict.output.contains("FAIL"))
  }

  @Test func helpExplainsEveryCommand() throws {
    for command in ["train", "gradcheck", "demo"] {
      let result = try run([command, "--help"])
      #expect(result.status == 0)
      #expect(result.output.contains("USAGE"))
    }
    let train = try run(["train", "--help"])
    for option in [
      "--x", "--y", "--test-x", "--test-y", "--scale", "--layers", "--activation", "--output",
      "--learning-rate", "--iterations", "--dtype", "--seed", "--rng", "--initializer", "--init",
      "--print-every", "--save",
    ] {
      #expect(train.output.contains(option), "train --help lacks \(option)")
    }
  }
}
