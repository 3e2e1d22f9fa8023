import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Issue 12: no silent wrong answers on a model's data path — columns matched
/// by name, labels the model cannot take refused by name, failed writes
/// reported, `explain` on batch-normalised models, (m, K) labels.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ColumnMatchingTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  func makeFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-columns-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Three classes told apart by three inputs of very different scales, so
  /// that any swap of columns changes the answers.
  func rows() -> [[String]] {
    var rng = DefaultGenerator(seed: 7)
    return (0..<90).map { j in
      let k = Double(j % 3)
      return [
        "\(k + rng.nextGaussian() * 0.2)", "\(100 - 40 * k + rng.nextGaussian() * 3)", "\(0.01 * k + 0.5)",
        ["ant", "bee", "cat"][j % 3],
      ]
    }
  }

  func write(_ header: [String]?, _ rows: [[String]], order: [Int], to path: String) throws {
    let lines = (header.map { [$0] } ?? []) + rows
    let text = lines.map { row in order.map { row[$0] }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// Trains the three-class model on `length,weight,ratio,kind`; returns the model's path and the table's.
  func trainedModel(in folder: URL) throws -> (model: String, table: String) {
    let table = folder.appendingPathComponent("animals.csv").path
    try write(["length", "weight", "ratio", "kind"], rows(), order: [0, 1, 2, 3], to: table)
    let model = folder.appendingPathComponent("animals.safetensors").path
    let trained = try run([
      "train", "--data", table, "--layers", "3,8,3", "--output", "softmax", "--standardize", "--optimizer", "adam",
      "--learning-rate", "0.05", "--epochs", "60", "--batch-size", "16", "--print-every", "0", "--save", model,
    ])
    #expect(trained.status == 0, "\(trained.error)")
    return (model, table)
  }

  func accuracy(_ result: Subprocess.Result) -> Double? {
    result.output.split(separator: "\n").first { $0.hasPrefix("Accuracy: ") }.flatMap {
      Double($0.dropFirst("Accuracy: ".count))
    }
  }

  /// Baseline: the shuffled table was read by position — wrong answers (or a
  /// label read as an input) with no word about it.
  @Test func columnsInAnotherOrderGiveTheSameAnswers() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (model, table) = try trainedModel(in: folder)
    let original = try run(["evaluate", "--model", model, "--data", table])
    #expect(original.status == 0, "\(original.error)")
    let originalAccuracy = try #require(accuracy(original))
    #expect(originalAccuracy > 0.9)

    let shuffled = folder.appendingPathComponent("shuffled.csv").path
    try write(["length", "weight", "ratio", "kind"], rows(), order: [2, 0, 1, 3], to: shuffled)
    let evaluated = try run(["evaluate", "--model", model, "--data", shuffled])
    #expect(evaluated.status == 0, "\(evaluated.error)")
    #expect(accuracy(evaluated) == originalAccuracy)
    #expect(evaluated.error.contains("Matched 3 input columns by name"), "\(evaluated.error)")

    // The label column anywhere, or absent (inputs only): the same predictions.
    let unlabelled = folder.appendingPathComponent("unlabelled.csv").path
    try write(["length", "weight", "ratio", "kind"], rows(), order: [1, 2, 0], to: unlabelled)
    let predicted = try run(["predict", "--model", model, "--data", unlabelled])
    let reference = try run(["predict", "--model", model, "--data", table])
    #expect(predicted.status == 0 && reference.status == 0, "\(predicted.error)")
    #expect(predicted.output == reference.output)
    #expect(predicted.error.contains("no label column"), "\(predicted.error)")

    // report and explain go through the same matching.
    let report = try run(["report", model, "--data", shuffled, "--out", folder.appendingPathComponent("r").path])
    #expect(report.status == 0 && report.error.contains("by name"), "\(report.error)")
    let explained = try run(["explain", "--model", model, "--data", shuffled, "--examples", "4"])
    #expect(explained.status == 0 && explained.error.contains("by name"), "\(explained.error)")
  }

  /// Baseline: a renamed column went unnoticed (taken by position).
  @Test func missingAndExtraColumnsAreNamed() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (model, _) = try trainedModel(in: folder)
    let renamed = folder.appendingPathComponent("renamed.csv").path
    try write(["length", "weight", "foo", "kind"], rows(), order: [0, 1, 2, 3], to: renamed)
    for command in ["evaluate", "predict"] {
      let result = try run([command, "--model", model, "--data", renamed])
      #expect(result.status == 2)
      #expect(
        result.error.contains(
          "renamed.csv: the model needs column \"ratio\", missing from the header; extra column \"foo\""),
        "\(result.error)")
    }
  }

  /// Baseline: no word on how the columns were taken.
  @Test func aTableWithoutHeaderIsTakenByPosition() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (model, _) = try trainedModel(in: folder)
    let bare = folder.appendingPathComponent("bare.csv").path
    try write(nil, rows(), order: [0, 1, 2, 3], to: bare)
    let result = try run(["evaluate", "--model", model, "--data", bare])
    #expect(result.status == 0, "\(result.error)")
    #expect(try #require(accuracy(result)) > 0.9)
    #expect(result.error.contains("by position (the table has no header)"), "\(result.error)")
  }

  /// Baseline: `"fish" is not a number (feature cells must hold numbers)`.
  @Test func anUnknownClassIsNamed() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (model, _) = try trainedModel(in: folder)
    var labelled = rows()
    labelled[5][3] = "fish"
    let path = folder.appendingPathComponent("fish.csv").path
    try write(["length", "weight", "ratio", "kind"], labelled, order: [0, 1, 2, 3], to: path)
    let result = try run(["evaluate", "--model", model, "--data", path])
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "fish.csv: line 7, column 4 (kind): unknown class \"fish\"; the model knows 3 classes: "
          + "\"ant\", \"bee\", \"cat\""), "\(result.error)")
  }

  /// Baseline: trained with exit 0, regressing on the codes 0, 1, 2.
  @Test func anIdentityOutputRefusesTextLabels() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("animals.csv").path
    try write(["length", "weight", "ratio", "kind"], rows(), order: [0, 1, 2, 3], to: table)
    let result = try run(["train", "--data", table, "--layers", "3,1", "--output", "identity", "--epochs", "2"])
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "--output: identity regresses on numbers, but column \"kind\" of \(table) holds text labels "
          + "(\"ant\", \"bee\", \"cat\"); use softmax"), "\(result.error)")
  }

  /// Baseline: exit 0 and nothing written.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
  func aFailedWriteToStandardOutputIsAnError() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (model, table) = try trainedModel(in: folder)
    let executable = try #require(BackpropExecutable.url).path
    for command in ["predict", "evaluate"] {
      let result = try Subprocess.run(
        URL(fileURLWithPath: "/bin/sh"),
        ["-c", "exec \"$0\" \(command) --model \"$1\" --data \"$2\" > /dev/full", executable, model, table])
      #expect(result.status == 1, "\(command): \(result.status)")
      #expect(result.error.contains("could not write the results to standard output"), "\(result.error)")
    }
  }

  /// Trains a 3-4-3 float64 model on the animals table with `options`, runs `explain --dump` on
  /// `examples` of its rows and returns explain's output, the arrays it dumped and the stored model.
  func explainDump(_ options: [String], epochs: Int, examples: Int) throws -> (
    output: String, matrix: (String) throws -> Matrix<Double>, stored: Model<Double>
  ) {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("animals.csv").path
    try write(["length", "weight", "ratio", "kind"], rows(), order: [0, 1, 2, 3], to: table)
    let model = folder.appendingPathComponent("m.safetensors").path
    let trained = try run(
      ["train", "--data", table, "--layers", "3,4,3", "--output", "softmax", "--standardize"] + options + [
        "--epochs", String(epochs), "--batch-size", "16", "--print-every", "0", "--dtype", "float64", "--save", model,
      ])
    #expect(trained.status == 0, "\(trained.error)")
    let dump = folder.appendingPathComponent("batch.npz").path
    let explained = try run([
      "explain", "--model", model, "--data", table, "--examples", String(examples), "--dump", dump,
    ])
    #expect(explained.status == 0, "\(explained.error)")
    let arrays = try NPZArchive.read(path: dump)
    let matrix = { (name: String) throws -> Matrix<Double> in
      try #require(arrays[name], "no \(name)").matrix(as: Double.self)
    }
    return (explained.output, matrix, try ModelFile.read(path: model, as: Double.self))
  }

  /// Baseline: "layer 1: no batch statistics to take the batch-normalisation gradient through".
  /// The batch-norm quantities are checked against the formulas computed here from W, b, γ, β and X.
  @Test func explainShowsABatchNormalisedModel() throws {
    let (output, matrix, stored) = try explainDump(["--batch-norm"], epochs: 3, examples: 9)
    #expect(output.contains("μ1") && output.contains("dγ1"), "\(output)")
    let (x, w1, b1, gamma, beta) = try (matrix("A0"), matrix("W1"), matrix("b1"), matrix("gamma1"), matrix("beta1"))
    #expect(w1 == stored.network.layers[0].weight)
    #expect(gamma == stored.network.layers[0].normalization?.gamma)
    let (n, m) = (w1.rows, x.columns)
    let epsilon = try #require(stored.network.layers[0].normalization?.epsilon)
    // Z = W·X + b;  μ, σ² per unit over the batch;  Ẑ = (Z − μ)/√(σ² + ε);  Z̃ = γẐ + β;  A = relu(Z̃).
    var z = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
    for i in 0..<n {
      for j in 0..<m { z[i][j] = (0..<x.rows).reduce(b1[i, 0]) { $0 + w1[i, $1] * x[$1, j] } }
    }
    let (mu, variance, zHat, zTilde, a) = try (
      matrix("mu1"), matrix("var1"), matrix("Zhat1"), matrix("Z1"), matrix("A1")
    )
    for i in 0..<n {
      let mean = z[i].reduce(0, +) / Double(m)
      let sigma2 = z[i].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
      #expect(Swift.abs(mu[i, 0] - mean) < 1e-9)
      #expect(Swift.abs(variance[i, 0] - sigma2) < 1e-9)
      for j in 0..<m {
        let normalised = (z[i][j] - mean) / (sigma2 + epsilon).squareRoot()
        let scaled = gamma[i, 0] * normalised + beta[i, 0]
        #expect(Swift.abs(zHat[i, j] - normalised) < 1e-9)
        #expect(Swift.abs(zTilde[i, j] - scaled) < 1e-9)
        #expect(Swift.abs(a[i, j] - max(scaled, 0)) < 1e-9)
      }
    }
    // Backward: dZ2 = A2 − Y (one-hot), dZ̃1 = W2ᵀ·dZ2 ⊙ relu'(Z̃1), dβ1 = (1/m) Σ dZ̃1, dγ1 = (1/m) Σ dZ̃1 ⊙ Ẑ1.
    let (a2, y, w2, dGamma, dBeta) = try (matrix("A2"), matrix("Y"), matrix("W2"), matrix("dgamma1"), matrix("dbeta1"))
    for i in 0..<n {
      var sumBeta = 0.0
      var sumGamma = 0.0
      for j in 0..<m {
        let dA = (0..<a2.rows).reduce(0.0) { $0 + w2[$1, i] * (a2[$1, j] - (Int(y[0, j]) == $1 ? 1 : 0)) }
        let dZTilde = zTilde[i, j] > 0 ? dA : 0
        sumBeta += dZTilde
        sumGamma += dZTilde * zHat[i, j]
      }
      #expect(Swift.abs(dBeta[i, 0] - sumBeta / Double(m)) < 1e-9)
      #expect(Swift.abs(dGamma[i, 0] - sumGamma / Double(m)) < 1e-9)
    }
  }

  /// Baseline: `explain` listed W, b, γ, β by hand and left PReLU's learned α out. It shows every
  /// kind a layer has (``Parameter``): α1 and dα1, checked here against the notes' formulas.
  @Test func explainShowsAPReLUModelsAlpha() throws {
    let (output, matrix, stored) = try explainDump(["--activation", "prelu"], epochs: 2, examples: 7)
    #expect(output.contains("α1") && output.contains("dα1"), "\(output)")
    #expect(try matrix("alpha1") == stored.network.layers[0].alpha)
    // A1 = max(Z1, α·Z1) per unit; dα1 = (1/m) Σ_j dA1 ⊙ min(Z1, 0), dA1 = W2ᵀ·dZ2, dZ2 = A2 − Y.
    let (z, a, alpha, dAlpha) = try (matrix("Z1"), matrix("A1"), matrix("alpha1"), matrix("dalpha1"))
    let (a2, y, w2) = try (matrix("A2"), matrix("Y"), matrix("W2"))
    let m = z.columns
    for i in 0..<z.rows {
      var sum = 0.0
      for j in 0..<m {
        #expect(Swift.abs(a[i, j] - (z[i, j] > 0 ? z[i, j] : alpha[i, 0] * z[i, j])) < 1e-12)
        let dA = (0..<a2.rows).reduce(0.0) { $0 + w2[$1, i] * (a2[$1, j] - (Int(y[0, j]) == $1 ? 1 : 0)) }
        sum += dA * min(z[i, j], 0)
      }
      #expect(Swift.abs(dAlpha[i, 0] - sum / Double(m)) < 1e-9, "unit \(i)")
    }
  }

  /// Baseline: "labels shaped (200, 2) must be one-hot rows" for both.
  @Test func labelsWithSeveralColumnsAreTargetsOrLabels() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var rng = DefaultGenerator(seed: 11)
    let m = 200
    let inputs = (0..<m).map { _ in (0..<3).map { _ in rng.nextGaussian() } }
    func save(_ rows: [[Double]], _ name: String) throws -> String {
      let path = folder.appendingPathComponent(name).path
      try NPYFile.write(
        NumPyArray(shape: [rows.count, rows[0].count], dtype: .float64, scalars: rows.flatMap { $0 }), to: path)
      return path
    }
    let x = try save(inputs, "x.npy")
    // Two regression targets, linear in the inputs.
    let targets = try save(inputs.map { [$0[0] + 2 * $0[1], $0[2] - $0[0]] }, "targets.npy")
    let regression = folder.appendingPathComponent("regression.safetensors").path
    let trained = try run([
      "train", "--x", x, "--y", targets, "--layers", "3,2", "--output", "identity", "--learning-rate", "0.1",
      "--epochs", "200", "--print-every", "0", "--save", regression,
    ])
    #expect(trained.status == 0, "\(trained.error)")
    let evaluated = try run(["evaluate", "--model", regression, "--x", x, "--y", targets])
    #expect(evaluated.status == 0, "\(evaluated.error)")
    let mse = evaluated.output.split(separator: "\n").first { $0.hasPrefix("Mean squared error: ") }
      .flatMap { Double($0.dropFirst("Mean squared error: ".count)) }
    #expect(try #require(mse) < 1e-3)
    let predicted = try run(["predict", "--model", regression, "--x", x])
    #expect(predicted.output.hasPrefix("value_0,value_1\n"), "\(predicted.output.prefix(40))")

    // Three independent 0/1 labels (some rows with none, some with several).
    let labels = try save(
      inputs.map { v in [v[0] > 0, v[1] > 0, v[0] + v[2] > 0].map { $0 ? 1.0 : 0.0 } }, "labels.npy")
    let multiLabel = folder.appendingPathComponent("labels.safetensors").path
    let fitted = try run([
      "train", "--x", x, "--y", labels, "--layers", "3,16,3", "--output", "sigmoid", "--optimizer", "adam",
      "--learning-rate", "0.02", "--epochs", "150", "--batch-size", "32", "--print-every", "0", "--save", multiLabel,
    ])
    #expect(fitted.status == 0, "\(fitted.error)")
    let scored = try run(["evaluate", "--model", multiLabel, "--x", x, "--y", labels])
    #expect(scored.status == 0, "\(scored.error)")
    #expect(try #require(accuracy(scored)) > 0.9, "\(scored.output)")

    // With softmax, K columns stay one-hot classes; rows that are not one-hot are refused.
    let softmax = try run(["train", "--x", x, "--y", labels, "--layers", "3,3", "--output", "softmax", "--epochs", "1"])
    #expect(softmax.status == 2)
    #expect(softmax.error.contains("must be one-hot rows for a softmax output"), "\(softmax.error)")
  }
}
