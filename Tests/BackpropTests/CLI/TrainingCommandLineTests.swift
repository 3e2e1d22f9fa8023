import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `train` with epochs, mini-batches and the practitioner's options, end to end.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct TrainingCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A folder with a three-class CSV of 90 rows (two features, a text label).
  func makeTable() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 7)
    var lines = ["a,b,kind"]
    for j in 0..<90 {
      let k = j % 3
      let a = Double(k) * 2 + rng.nextGaussian() * 0.5
      let b = Double(2 - k) + rng.nextGaussian() * 0.5
      lines.append("\(a),\(b),\(["red", "green", "blue"][k])")
    }
    try lines.joined(separator: "\n").write(
      to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test func epochsWithEveryOptionWriteAHistoryAndAModel() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    let history = folder.appendingPathComponent("h.csv").path
    let model = folder.appendingPathComponent("m.safetensors").path
    let result = try run([
      "train", "--data", table, "--layers", "2,8,3", "--activation", "relu", "--output", "softmax", "--standardize",
      "--epochs", "12", "--batch-size", "16", "--optimizer", "adamw", "--learning-rate", "0.01", "--weight-decay",
      "0.001",
      "--l2", "0.01", "--dropout", "0.1", "--batch-norm", "--lr-schedule", "cosine", "--warmup", "2",
      "--validation-split", "0.2", "--early-stopping", "20", "--class-weight", "balanced",
      "--metrics", "accuracy,macro_f1,log_loss", "--history", history, "--save", model,
    ])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("Epoch 1/12: cost "))
    #expect(result.output.contains("validation accuracy"), "\(result.output)")
    #expect(result.error.contains("Wrote the history of 12 epochs"))
    #expect(result.error.contains("restored the parameters of epoch"))
    let text = try String(contentsOfFile: history, encoding: .utf8)
    let rows = text.split(separator: "\n")
    #expect(
      rows.first
        == "epoch,cost,validation_cost,validation_accuracy,validation_log_loss,validation_macro_f1,learning_rate,seconds"
    )
    #expect(rows.count == 13)
    // The saved model keeps batch normalisation and evaluates with the report.
    let evaluated = try run(["evaluate", "--model", model, "--data", table])
    #expect(evaluated.status == 0, "\(evaluated.error)")
    #expect(evaluated.output.contains("confusion matrix") && evaluated.output.contains("macro avg"))
    #expect(evaluated.output.contains("blue") && evaluated.output.contains("ROC AUC"))
    let loaded = try ModelFile.read(path: model, as: Float.self)
    #expect(loaded.network.layers[0].normalization != nil)
    #expect(loaded.hyperparameters["optimizer"] == "adamw" && loaded.hyperparameters["batch_norm"] == "true")
    let inspected = try run(["inspect", model])
    #expect(inspected.status == 0, "\(inspected.error)")
  }

  @Test func withoutEpochsTheCourseLoopIsUnchanged() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    let result = try run([
      "train", "--data", table, "--layers", "2,4,3", "--output", "softmax", "--iterations", "30", "--print-every", "10",
      "--learning-rate", "0.1",
    ])
    #expect(result.status == 0, "\(result.error)")
    let costLines = result.output.split(separator: "\n").filter { $0.hasPrefix("Cost after iteration") }
    #expect(
      costLines.map { $0.split(separator: ":")[0] } == [
        "Cost after iteration 0", "Cost after iteration 10", "Cost after iteration 20", "Cost after iteration 29",
      ])
  }

  @Test func validationDataAndExampleRanges() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    let result = try run([
      "train", "--data", table, "--examples", ":60", "--validation-data", table, "--test-data", table,
      "--test-examples", "-30:", "--layers", "2,6,3", "--output", "softmax", "--epochs", "3", "--batch-size", "8",
      "--optimizer", "momentum", "--learning-rate", "0.05",
    ])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("on 60 examples"), "\(result.error)")
    #expect(result.output.contains("Validation accuracy") && result.output.contains("Test accuracy"))
  }

  /// Bad settings: a clear message naming the option, a non-zero exit, nothing written.
  @Test(
    arguments: [
      (["--epochs", "-1"], "--epochs"),
      (["--epochs", "2", "--batch-size", "0"], "--batch-size"),
      (["--epochs", "2", "--optimizer", "adagrad"], "--optimizer"),
      (["--epochs", "2", "--optimizer", "sgd", "--beta1", "0.9"], "--beta1"),
      (["--epochs", "2", "--optimizer", "adam", "--beta2", "1.5"], "--beta2"),
      (["--epochs", "2", "--dropout", "1"], "--dropout"),
      (["--epochs", "2", "--dropout", "0.1,0.2,0.3"], "--dropout"),
      (["--epochs", "2", "--l2", "-0.5"], "--l2"),
      (["--epochs", "2", "--lr-schedule", "sometimes"], "--lr-schedule"),
      (["--epochs", "2", "--warmup", "5"], "--warmup"),
      (["--epochs", "2", "--early-stopping", "0"], "--early-stopping"),
      (["--epochs", "2", "--min-delta", "0.1"], "--min-delta"),
      (["--epochs", "2", "--class-weight", "0=heavy"], "--class-weight"),
      (["--epochs", "2", "--metrics", "accuracy,bleu"], "--metrics"),
      (["--epochs", "2", "--metrics", "r2"], "--metrics"),
      (["--epochs", "2", "--history", "h.txt"], "--history"),
      (["--epochs", "2", "--examples", "80:10"], "--examples"),
      (["--epochs", "2", "--validation-split", "0.2", "--validation-data", "x.csv"], "--validation"),
    ] as [([String], String)])
  func badSettingsAreNamed(arguments: [String], option: String) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    let saved = folder.appendingPathComponent("never.safetensors").path
    let result = try run(
      ["train", "--data", table, "--layers", "2,4,3", "--output", "softmax", "--save", saved] + arguments)
    #expect(result.status != 0)
    #expect(result.error.contains(option), "\(arguments): \(result.error)")
    #expect(!FileManager.default.fileExists(atPath: saved))
  }
}

@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct RegularizedGradientCheckCommandLineTests {
  @Test func gradcheckWithL2BatchNormAndDropout() throws {
    let url = try #require(BackpropExecutable.url)
    let result = try Subprocess.run(
      url,
      [
        "gradcheck", "--layers", "4,6,5,3", "--output", "softmax", "--activation", "tanh", "--batch-norm",
        "--dropout", "0.3", "--l2", "0.5", "--examples", "8",
      ])
    #expect(result.status == 0, "\(result.combined)")
    #expect(result.output.contains("batch norm") && result.output.contains("PASS"))
    let bad = try Subprocess.run(url, ["gradcheck", "--layers", "3,2,1", "--batch-norm", "--examples", "1"])
    #expect(bad.status != 0 && bad.error.contains("--batch-norm"))
  }
}

/// Run files, events, quiet output and exit codes.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct RunFileCommandLineTests {
  func folder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var lines = ["a,b,label"]
    var rng = DefaultGenerator(seed: 3)
    for j in 0..<60 {
      let k = j % 2
      lines.append("\(Double(k) + rng.nextGaussian() * 0.3),\(rng.nextGaussian()),\(k)")
    }
    try lines.joined(separator: "\n").write(
      to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test func aYAMLRunFileWithOverridesAndARerunFromTheModel() throws {
    let url = try #require(BackpropExecutable.url)
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let yaml = """
      data: \(dir.path)/t.csv
      layers: [2, 5, 1]
      activation: tanh
      output: sigmoid
      epochs: 4
      batch_size: 16
      optimizer: adam
      learning-rate: 0.05
      standardize: true
      """
    try yaml.write(to: dir.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
    let model = dir.appendingPathComponent("m.safetensors").path
    let events = dir.appendingPathComponent("e.jsonl").path
    let first = try Subprocess.run(
      url,
      [
        "train", "--config", dir.appendingPathComponent("run.yaml").path, "--epochs", "3", "--save", model,
        "--events", events, "--quiet",
      ])
    #expect(first.status == 0, "\(first.error)")
    #expect(!first.output.contains("Epoch "), "--quiet prints no epoch lines")
    #expect(first.error.contains("3 epochs"), "the command line overrides the file: \(first.error)")
    let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3 && lines[0].contains("\"gradient_norms\"") && lines[2].contains("\"epoch\":3"))
    let loaded = try ModelFile.read(path: model, as: Float.self)
    #expect(loaded.hyperparameters["command"]?.contains("--config") == false)
    // The model records the resolved command: rerunning it gives the same parameters.
    let again = dir.appendingPathComponent("again.safetensors").path
    let second = try Subprocess.run(url, ["train", "--config-from", model, "--save", again])
    #expect(second.status == 0, "\(second.error)")
    let rerun = try ModelFile.read(path: again, as: Float.self)
    #expect(rerun.network == loaded.network)
  }

  @Test func badRunFilesAndExitCodes() throws {
    let url = try #require(BackpropExecutable.url)
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try "epochz: 3\n".write(to: dir.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
    try "- just\n- a list\n".write(to: dir.appendingPathComponent("list.yaml"), atomically: true, encoding: .utf8)
    for (file, expected) in [("typo.yaml", "unknown option 'epochz' (did you mean epochs"), ("list.yaml", "mapping")] {
      let result = try Subprocess.run(url, ["train", "--config", dir.appendingPathComponent(file).path])
      #expect(result.status == 2 && result.error.contains(expected), "\(result.error)")
    }
    // 2: bad usage or input; 1: a failure during the run; 0: success.
    #expect(try Subprocess.run(url, ["train", "--bogus"]).status == 2)
    #expect(try Subprocess.run(url, ["train", "--data", "/nonexistent.csv", "--layers", "2,1"]).status == 2)
    let diverged = try Subprocess.run(
      url,
      [
        "train", "--data", dir.appendingPathComponent("t.csv").path, "--layers", "2,3,1", "--output", "identity",
        "--learning-rate", "1e30", "--iterations", "5",
      ])
    #expect(diverged.status == 1 && diverged.error.contains("diverged"), "\(diverged.error)")
    #expect(try Subprocess.run(url, ["info"]).status == 0)
  }

  /// Options out of range or that do not fit together are named.
  @Test(
    arguments: [
      (["--layers", "2,4,1", "--output", "softmax"], "--output"),
      (["--layers", "2,0,1"], "--layers"),
      (["--layers", "2,4,1", "--learning-rate", "-1"], "--learning-rate"),
      (["--layers", "2,4,1", "--epochs", "2", "--batch-size", "1000"], ""),
    ] as [([String], String)])
  func optionRanges(arguments: [String], option: String) throws {
    let url = try #require(BackpropExecutable.url)
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try Subprocess.run(url, ["train", "--data", dir.appendingPathComponent("t.csv").path] + arguments)
    if option.isEmpty {
      #expect(result.status == 0, "a batch larger than the data set is the full batch: \(result.error)")
    } else {
      #expect(result.status == 2 && result.error.contains(option), "\(arguments): \(result.error)")
    }
  }
}

/// `backprop explain`: the notes' matrices of one batch, checked with NumPy when it is there.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ExplainCommandLineTests {
  @Test func explainsAndDumpsTheCaches() throws {
    let url = try #require(BackpropExecutable.url)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("explain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var lines = ["a,b,c,label"]
    var rng = DefaultGenerator(seed: 9)
    for j in 0..<40 { lines.append("\(rng.nextGaussian()),\(rng.nextGaussian()),\(rng.nextGaussian()),\(j % 3)") }
    let table = dir.appendingPathComponent("t.csv").path
    try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let model = dir.appendingPathComponent("m.safetensors").path
    let trained = try Subprocess.run(
      url,
      [
        "train", "--data", table, "--layers", "3,5,3", "--output", "softmax", "--epochs", "2", "--save", model,
      ])
    #expect(trained.status == 0, "\(trained.error)")
    let dump = dir.appendingPathComponent("batch.npz").path
    let result = try Subprocess.run(
      url, ["explain", "--model", model, "--data", table, "--examples", "6", "--dump", dump])
    #expect(result.status == 0, "\(result.error)")
    for name in ["W1", "b1", "Z1", "A1", "dZ1", "dW1", "db1", "dZ2"] { #expect(result.output.contains("  \(name) ")) }
    #expect(result.output.contains("(5, 6)") && result.output.contains("(3, 5)"))
    let archive = try NPZArchive.read(path: dump)
    #expect(Set(archive.keys).isSuperset(of: ["A0", "Y", "W1", "Z2", "dW2", "db1"]))
    if Subprocess.pythonHas("numpy") {
      let check = try Subprocess.python([
        "-c",
        """
        import numpy as np
        d = np.load('\(dump)')
        assert np.allclose(d['W1'] @ d['A0'] + d['b1'], d['Z1'], atol=1e-5)
        assert np.allclose(d['dZ2'] @ d['A1'].T / 6, d['dW2'], atol=1e-6)
        assert np.allclose(d['dZ1'].sum(axis=1, keepdims=True) / 6, d['db1'], atol=1e-6)
        print('ok')
        """,
      ])
      #expect(check.output.contains("ok"), "\(check.error)")
    }
    let noLabels = try Subprocess.run(url, ["explain", "--model", model, "--data", table, "--dump", "x.txt"])
    #expect(noLabels.status == 2 && noLabels.error.contains("--dump"))
  }
}
