import Backprop
import BackpropReport
import BackpropTestSupport
import Foundation
import Testing

/// The report as a whole: its charts, the page's sections, run.json's round
/// trip, the folder it writes, and the errors for bad folders and files.
@Suite struct TrainingReportTests {
  @Test func chartsFollowTheHistory() throws {
    let (report, _) = try ReportFixture.report(epochs: 12)
    let charts = report.charts()
    #expect(
      charts.map(\.fileName) == [
        "cost.svg", "accuracy.svg", "macro-f1.svg", "learning-rate.svg", "confusion-matrix.svg",
        "decision-boundary.svg",
      ])
    for chart in charts {
      let svg = try XMLTree(chart.fileText)
      #expect(svg.root.name == "svg", "\(chart.fileName)")
      if chart.section == .training {
        let lines = svg.root.all("polyline")
        let expected = chart.fileName == "learning-rate.svg" ? 1 : 2  // training and validation
        #expect(lines.count == expected, "\(chart.fileName)")
        #expect(
          lines.allSatisfy { ($0.attributes["points"] ?? "").split(separator: " ").count == 12 }, "\(chart.fileName)")
        #expect(svg.root.texts.contains("epoch"))
      }
    }
    // The validation set is the headline: its confusion matrix has its 30 examples.
    #expect(report.headline?.name == "validation")
    #expect(report.headline?.classification?.confusionMatrix.total == 30)
  }

  @Test func pageHasEverySection() throws {
    let (report, _) = try ReportFixture.report()
    let html = report.html()
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    for id in [
      "training", "metrics", "confusion-matrix", "decision-boundary", "network", "hyperparameters", "reproducibility",
    ] {
      #expect(html.contains("<section id=\"\(id)\">"), "missing section \(id)")
    }
    // Self-contained: no script, nothing fetched; escaped text.
    #expect(!html.contains("<script") && !html.contains("https://") && !html.contains("src="))
    let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count
    #expect(html.components(separatedBy: "http://").count == namespaces)
    #expect(html.contains("<h1>Blobs &lt;3 classes&gt; &amp; friends</h1>"))
    #expect(html.contains("Test CPU &lt;&amp;&gt;"))
    #expect(html.contains("<span>&#39;blobs &amp; more.csv&#39;</span>"))
    // The layer table: W[1] (8, 2), b[1] (8, 1), Z[1] (8, m = 16), parameters 24, 27, total 51.
    #expect(html.contains("<td>(8, 2)</td><td>(8, 1)</td><td>(8, 16)</td><td class=\"num\">24</td>"))
    #expect(html.contains("<td>total</td><td class=\"num\">51</td>"))
    // Every chart inline, with ids unique on the page.
    #expect(html.components(separatedBy: "<svg xmlns").count - 1 == report.charts().count)
    // The classification report: a row per class, the averages.
    for row in ["<td>left</td>", "<td>top &lt;&amp;&gt;</td>", "<td>macro avg</td>", "<td>weighted avg</td>"] {
      #expect(html.contains(row), "missing \(row)")
    }
  }

  @Test func modelReportWithoutHistoryHasNoCurves() throws {
    let (_, model) = try ReportFixture.report(epochs: 2)
    let (x, y) = ReportFixture.blobs(seed: 9)
    let report = TrainingReport(
      title: "model on blobs", model: model, history: nil, progressUnit: .epoch, batchSize: 120,
      evaluations: [SetEvaluation(name: "blobs.csv", try model.evaluate(x, labels: y))],
      decisionBoundary: try DecisionBoundary(
        model: model, x: x, labels: y, setName: "blobs.csv", columns: 20, rows: 20),
      stamp: ReportFixture.stamp)
    #expect(report.charts().map(\.fileName) == ["confusion-matrix.svg", "decision-boundary.svg"])
    let html = report.html()
    #expect(!html.contains("<section id=\"training\">") && html.contains("no training history"))
    #expect(html.contains("<section id=\"confusion-matrix\">"))
  }

  @Test func jsonRoundTrips() throws {
    let (report, _) = try ReportFixture.report()
    let json = try report.json()
    #expect(json.contains("\"format\" : \"backprop-report\"") && json.contains("\"format_version\" : 1"))
    #expect(
      json.contains("\"validation_cost\"") && json.contains("\"confusion_matrix\"") && json.contains("\"roc_auc\""))
    let again = try TrainingReport.decode(Data(json.utf8), path: "run.json")
    #expect(again == report)
    #expect(try again.json() == json)
    #expect(again.html() == report.html())
  }

  @Test func writesAndRebuildsIdenticalFiles() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (report, _) = try ReportFixture.report()
    let target = folder.appendingPathComponent("run").path
    let written = try report.write(to: target)
    #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent }.suffix(2) == ["run.json", "index.html"])
    let names = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
    #expect(names == (report.charts().map(\.fileName) + ["index.html", "run.json"]).sorted())
    let before = try names.map { try Data(contentsOf: URL(fileURLWithPath: target).appendingPathComponent($0)) }

    let read = try TrainingReport.read(directory: target)
    let copy = folder.appendingPathComponent("copy").path
    try read.write(to: copy)
    let after = try names.map { try Data(contentsOf: URL(fileURLWithPath: copy).appendingPathComponent($0)) }
    #expect(before == after)
    // A path to run.json itself reads the same.
    #expect(try TrainingReport.read(directory: target + "/run.json") == read)
  }

  @Test func badFoldersAndFilesGiveClearErrors() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    func problem(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    let empty = folder.appendingPathComponent("empty").path
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
    #expect(problem { _ = try TrainingReport.read(directory: empty) }.contains("run.json: no such file"))
    #expect(problem { _ = try TrainingReport.read(directory: empty + "/missing") }.contains("no such folder"))

    let corrupt = empty + "/run.json"
    try Data("{\"format\": \"backprop-report\", \"format_version\": 1, \"title\": ".utf8).write(
      to: URL(fileURLWithPath: corrupt))
    #expect(problem { _ = try TrainingReport.read(directory: empty) }.contains("is not valid JSON"))
    try Data("{\"format\": \"something-else\"}".utf8).write(to: URL(fileURLWithPath: corrupt))
    #expect(problem { _ = try TrainingReport.read(directory: empty) }.contains("is not a Backprop report"))
    try Data("{\"format\": \"backprop-report\", \"format_version\": 99}".utf8).write(to: URL(fileURLWithPath: corrupt))
    #expect(problem { _ = try TrainingReport.read(directory: empty) }.contains("format_version 99"))
    var json = try ReportFixture.report(epochs: 2).report.json()
    json = json.replacingOccurrences(of: "\"validation_cost\" :", with: "\"validation_cost\" : \"x\", \"unused\" :")
    try Data(json.utf8).write(to: URL(fileURLWithPath: corrupt))
    let message = problem { _ = try TrainingReport.read(directory: empty) }
    #expect(
      message.contains("not a valid Backprop report") && message.contains("history.epochs[0].validation_cost"),
      "\(message)")

    let (report, _) = try ReportFixture.report(epochs: 2)
    let file = folder.appendingPathComponent("file").path
    try Data().write(to: URL(fileURLWithPath: file))
    #expect(problem { try report.write(to: file) }.contains("is a file"))
    #expect(problem { try report.write(to: folder.path + "/no/such/place") }.contains("does not exist"))
  }

  @Test func aFolderInTheWayStopsTheWriteBeforeAnyFile() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("index.html"), withIntermediateDirectories: false)
    let (report, _) = try ReportFixture.report(epochs: 2)
    #expect(
      throws: FileFormatError(path: folder.appendingPathComponent("index.html").path, "cannot write: it is a folder")
    ) {
      try report.write(to: folder.path)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["index.html"])
  }

  @Test(.enabled(if: getuid() != 0, "root writes to read-only folders"))
  func unwritableFolderLeavesNothing() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer {
      chmod(folder.path, 0o755)
      try? FileManager.default.removeItem(at: folder)
    }
    chmod(folder.path, 0o555)
    let (report, _) = try ReportFixture.report(epochs: 2)
    #expect(throws: FileFormatError.self) { try report.write(to: folder.path) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func stampHashesTheDataFiles() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("data.csv").path
    try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
    let stamp = try ReproducibilityStamp.current(seed: 7, dataFiles: [("--data", path)], command: ["backprop"])
    #expect(
      stamp.dataFiles == [
        .init(
          role: "--data", path: path, bytes: 3,
          sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
      ])
    #expect(stamp.version == backpropVersion && Set(stamp.backends.keys) == ["float32", "float64"])
    #expect(stamp.threads == Kernels.threadCount && stamp.date.hasSuffix("Z"))
    #expect(throws: FileFormatError.self) {
      try ReproducibilityStamp.current(seed: 7, dataFiles: [("--x", path + "x")], command: nil)
    }
  }
}
