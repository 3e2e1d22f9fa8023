import Backprop
import BackpropReport
import BackpropTestSupport
import Foundation
import Testing

/// `backprop train --report` and `backprop report` end to end: the folder,
/// identical rebuilds, a saved model's report, and the errors.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ReportCommandTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A folder with blobs.csv: the fixture's 120 points, text labels.
  func makeData() throws -> URL {
    let folder = try ReportFixture.temporaryFolder()
    let (x, y) = ReportFixture.blobs()
    let names = ["left", "right", "top"]
    var text = "u,v,side\n"
    for j in 0..<x.columns { text += "\(x[0, j]),\(x[1, j]),\(names[Int(y[0, j])])\n" }
    try Data(text.utf8).write(to: folder.appendingPathComponent("blobs.csv"))
    return folder
  }

  func contents(_ folder: String) throws -> [String: Data] {
    var files = [String: Data]()
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
      files[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }
    return files
  }

  func train(_ folder: URL, _ extra: [String]) throws -> Subprocess.Result {
    try run(
      [
        "train", "--data", folder.appendingPathComponent("blobs.csv").path, "--layers", "2,8,3", "--activation", "relu",
        "--output", "softmax", "--epochs", "5", "--batch-size", "16", "--optimizer", "adam", "--learning-rate", "0.05",
        "--validation-split", "0.2", "--test-split", "0.2", "--stratify",
      ] + extra)
  }

  @Test func trainWritesAReportThatRebuildsIdentically() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let runFolder = folder.appendingPathComponent("run").path
    let model = folder.appendingPathComponent("blobs.safetensors").path
    let result = try train(folder, ["--report", runFolder, "--save", model])
    #expect(result.status == 0, "\(result.combined)")
    #expect(result.error.contains("Wrote the report to \(runFolder)/index.html"))
    let original = try contents(runFolder)
    #expect(
      Set(original.keys) == [
        "index.html", "run.json", "cost.svg", "accuracy.svg", "learning-rate.svg", "confusion-matrix.svg",
        "decision-boundary.svg",
      ])
    let report = try TrainingReport.read(directory: runFolder)
    #expect(report.evaluations.map(\.name) == ["training", "validation", "test"])
    #expect(report.headline?.name == "test" && report.history?.epochs.count == 5)
    #expect(report.stamp.seed == 1 && report.stamp.dataFiles.map(\.role) == ["--data"])
    #expect(
      report.stamp.dataFiles[0].sha256
        == SHA256.hexDigest(of: [UInt8](try Data(contentsOf: folder.appendingPathComponent("blobs.csv")))))
    #expect(report.stamp.command?.first == "backprop" && report.stamp.command?.contains("--report") == true)
    #expect(report.network.layers.map(\.weightShape) == [[8, 2], [3, 8]] && report.network.batchSize == 16)
    #expect(report.hyperparameters["optimizer"] == "adam")
    let html = String(decoding: original["index.html"] ?? Data(), as: UTF8.self)
    #expect(html.contains("Confusion matrix — test set") && html.contains("<td>top</td>"))

    // Rebuilt elsewhere and in place: byte for byte the same.
    let copy = folder.appendingPathComponent("copy").path
    let rebuilt = try run(["report", runFolder, "--out", copy])
    #expect(rebuilt.status == 0, "\(rebuilt.combined)")
    #expect(try contents(copy) == original)
    try FileManager.default.removeItem(atPath: runFolder + "/index.html")
    try FileManager.default.removeItem(atPath: runFolder + "/cost.svg")
    let inPlace = try run(["report", runFolder])
    #expect(inPlace.status == 0 && inPlace.error.contains("Rebuilt 7 files"), "\(inPlace.combined)")
    #expect(try contents(runFolder) == original)

    // A saved model on a labelled set: no curves.
    let modelReport = folder.appendingPathComponent("model-report").path
    let fromModel = try run([
      "report", model, "--data", folder.appendingPathComponent("blobs.csv").path, "--out", modelReport,
    ])
    #expect(fromModel.status == 0, "\(fromModel.combined)")
    #expect(
      Set(try contents(modelReport).keys) == [
        "index.html", "run.json", "confusion-matrix.svg", "decision-boundary.svg",
      ])
    let saved = try TrainingReport.read(directory: modelReport)
    #expect(
      saved.history == nil && saved.evaluations.map(\.name) == ["blobs.csv"] && saved.evaluations[0].examples == 120)
    #expect(saved.network.batchSize == 16 && saved.network.classNames == ["left", "right", "top"])
  }

  @Test func badReportFoldersFailBeforeTraining() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("blobs.csv").path
    for (target, message) in [(file, "is a file"), (folder.path + "/no/such/run", "does not exist")] {
      let result = try train(folder, ["--report", target])
      #expect(result.status != 0)
      #expect(result.error.contains(message), "\(result.combined)")
      #expect(!result.output.contains("Epoch 1/5"), "trained before failing")
    }
  }

  @Test func badInputsToReportGiveClearErrors() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = try run(["report", folder.path + "/nowhere"])
    #expect(missing.status != 0 && missing.error.contains("no such folder"), "\(missing.combined)")
    let empty = try run(["report", folder.path])
    #expect(empty.status != 0 && empty.error.contains("run.json: no such file"), "\(empty.combined)")
    #expect(empty.error.contains("is not a folder written by `backprop train --report`"))

    try Data("{ not json".utf8).write(to: folder.appendingPathComponent("run.json"))
    let corrupt = try run(["report", folder.path])
    #expect(corrupt.status != 0 && corrupt.error.contains("run.json: is not valid JSON"), "\(corrupt.combined)")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == ["blobs.csv", "run.json"], "files written despite the error")

    let withData = try run(["report", folder.path, "--data", "x.csv"])
    #expect(withData.status != 0 && withData.error.contains("go with a model"), "\(withData.combined)")
    let noOut = try run(["report", "model.safetensors", "--data", "x.csv"])
    #expect(noOut.status != 0 && noOut.error.contains("--out"), "\(noOut.combined)")
    let noLabels = try run(["report", "model.safetensors", "--out", folder.path])
    #expect(noLabels.status != 0 && noLabels.error.contains("labelled examples"), "\(noLabels.combined)")
    let help = try run(["report", "--help"])
    #expect(help.status == 0 && help.output.contains("run.json") && help.output.contains("backprop report runs/digits"))
  }
}
