import Backprop
import BackpropTestSupport
import Foundation
import Testing
import BackpropSweep

/// `backprop sweep` end to end: trials run as child processes, the ranked table,
/// sweep.csv, best.safetensors, the report, failures and bad specs.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct SweepCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A folder with a three-class CSV of 90 rows (two features, a text label).
  func makeTable() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-sweep-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 11)
    var lines = ["a,b,kind"]
    for j in 0..<90 {
      let k = j % 3
      let a = Double(k) * 2 + rng.nextGaussian() * 0.6
      let b = Double(2 - k) + rng.nextGaussian() * 0.6
      lines.append("\(a),\(b),\(["red", "green", "blue"][k])")
    }
    try lines.joined(separator: "\n").write(
      to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  /// `train` options shared by the trials: a softmax network with a validation split, a few epochs.
  func base(_ folder: URL, epochs: Int = 8) -> [String] {
    [
      "--data", folder.appendingPathComponent("t.csv").path, "--activation", "relu", "--output", "softmax",
      "--standardize", "--validation-split", "0.25", "--epochs", String(epochs), "--batch-size", "16",
      "--optimizer", "adam", "--initializer", "he",
    ]
  }

  /// sweep.csv as rows of cells (the fields written here never hold quotes, only quoted commas).
  func readCSV(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
      var cells = [String]()
      var cell = ""
      var quoted = false
      for character in line {
        if character == "\"" {
          quoted.toggle()
        } else if character == "," && !quoted {
          cells.append(cell)
          cell = ""
        } else {
          cell.append(character)
        }
      }
      return cells + [cell]
    }
  }

  @Test func aGridSweepRanksKeepsTheBestAndReports() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("sweep")
    let result = try run(
      [
        "sweep", "--out", out.path, "--vary", "learning-rate=log:1e-3..1e-1:2", "--vary", "layers=2,4,3|2,16,3",
        "--parallel", "2", "--",
      ] + base(folder))
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("Sweep: 4 trials (grid 2 × 2), 2 at a time"))

    // The printed table and the CSV: a header and 4 ranked trials.
    let printed = result.output.split(separator: "\n")
    #expect(printed.count == 5 && printed[0].hasPrefix("rank  trial  learning-rate  layers"))
    let rows = try readCSV(out.appendingPathComponent("sweep.csv").path)
    #expect(rows.count == 5)
    #expect(Array(rows[0].prefix(5)) == ["rank", "trial", "learning-rate", "layers", "validation_cost"])
    #expect(rows.dropFirst().map(\.[0]) == ["1", "2", "3", "4"])
    #expect(
      Set(rows.dropFirst().map { "\($0[2]) \($0[3])" }) == ["0.001 2,4,3", "0.001 2,16,3", "0.1 2,4,3", "0.1 2,16,3"])

    // Each row's validation cost is its trial's last epoch in trial-K/history.json, and they ascend.
    var costs = [Double]()
    for row in rows.dropFirst() {
      let trial = out.appendingPathComponent("trial-\(row[1])")
      let history = try History.read(path: trial.appendingPathComponent("history.json").path)
      let last = try #require(history.epochs.last?.validationCost)
      let shown = try #require(Double(row[4]))
      #expect(abs(shown - last) <= 1e-5 * max(1, abs(last)), "trial \(row[1])")
      #expect(history.epochs.count == 8 && row.last == "ok")
      #expect(FileManager.default.fileExists(atPath: trial.appendingPathComponent("log.txt").path))
      costs.append(last)
    }
    #expect(costs == costs.sorted())

    // best.safetensors is the best-ranked trial's model, and loads.
    let best = out.appendingPathComponent("best.safetensors").path
    let bestTrial = out.appendingPathComponent("trial-\(rows[1][1])/model.safetensors").path
    #expect(FileManager.default.contents(atPath: best) == FileManager.default.contents(atPath: bestTrial))
    let model = try ModelFile.read(path: best, as: Float.self)
    #expect(model.network.layerSizes == rows[1][3].split(separator: ",").map { Int($0)! })
    #expect(result.error.contains("Best: trial \(rows[1][1])"))

    // The report: one curve per trial on one chart, and the table on the page.
    let svg = try XMLTree(String(contentsOf: out.appendingPathComponent("cost.svg"), encoding: .utf8))
    let curves = svg.root.all("polyline").compactMap { $0.attributes["data-series"] }
    #expect(curves.count == 4 && curves.last == "best: #\(rows[1][1]) \(rows[1][2]) · \(rows[1][3])")
    let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("<svg") && html.contains("Trials, best first") && html.contains("2,16,3"))
  }

  @Test func aFailingTrialIsListedAndTheOthersGoOn() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("sweep")
    let result = try run(
      ["sweep", "--out", out.path, "--vary", "optimizer=adam|nope", "--", "--layers", "2,8,3"] + base(folder, epochs: 3)
    )
    #expect(result.status == 0, "\(result.error)")
    let rows = try readCSV(out.appendingPathComponent("sweep.csv").path)
    #expect(rows.count == 3)
    #expect(rows[1][0] == "1" && rows[1][2] == "adam" && rows[1].last == "ok")
    #expect(rows[2][0] == "" && rows[2][2] == "nope")
    #expect(rows[2].last?.hasPrefix("failed: ") == true && rows[2].last?.contains("nope") == true, "\(rows[2])")
    #expect(result.error.contains("trial 2 optimizer=nope: failed"))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("best.safetensors").path))
  }

  @Test func aTrialTrainRejectsIsListedWithoutRunning() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("sweep")
    let result = try run(
      ["sweep", "--out", out.path, "--vary", "batch-size=8|0", "--", "--layers", "2,8,3"] + base(folder, epochs: 2))
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("trial 2 batch-size=0: not run, train rejects it: --batch-size 0"), "\(result.error)")
    let rows = try readCSV(out.appendingPathComponent("sweep.csv").path)
    #expect(rows.count == 3 && rows[1][2] == "8" && rows[1].last == "ok")
    #expect(rows[2][2] == "0" && rows[2].last?.hasPrefix("failed: --batch-size 0") == true, "\(rows[2])")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("trial-2").path))
  }

  @Test func aRandomSearchIsReproducible() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    var draws = [[String]]()
    for name in ["first", "second"] {
      let out = folder.appendingPathComponent(name)
      let result = try run(
        [
          "sweep", "--out", out.path, "--search", "random", "--trials", "3", "--search-seed", "7",
          "--vary", "learning-rate=log:1e-3..1e-1", "--vary", "batch-size=lin:8..32", "--rank-by",
          "validation-accuracy",
          "--layers", "2,8,3",
        ] + base(folder, epochs: 2))
      #expect(result.status == 0, "\(result.error)")
      let rows = try readCSV(out.appendingPathComponent("sweep.csv").path)
      #expect(rows.count == 4 && rows[0][4] == "validation_accuracy")
      let accuracies = rows.dropFirst().compactMap { Double($0[4]) }
      #expect(accuracies == accuracies.sorted(by: >))
      for row in rows.dropFirst() {
        let rate = try #require(Double(row[2]))
        let size = try #require(Int(row[3]))
        #expect(rate >= 1e-3 && rate <= 1e-1 && (8...32).contains(size))
      }
      draws.append(rows.dropFirst().sorted { $0[1] < $1[1] }.map { "\($0[2]) \($0[3])" })
    }
    #expect(draws[0] == draws[1])
  }

  @Test(arguments: [
    (["--vary", "learning-rate=log:0..1"], "learning-rate=log:0..1"),
    (["--vary", "learning-rat=0.1|0.2"], "train has no option --learning-rat"),
    (["--vary", "save=a.safetensors|b.safetensors"], "the sweep sets --save"),
    (["--vary", "optimizer=sgd||adam"], "optimizer=sgd||adam"),
    (["--vary", "learning-rate=log:1e-3..1e-1"], "learning-rate=log:1e-3..1e-1:K"),
    (["--vary", "optimizer=sgd|adam", "--vary", "optimizer=rmsprop"], "varied twice"),
    (["--vary", "iterations=-1|-2"], "--iterations -1"),
    (["--vary", "optimizer=sgd|adam", "--save", "m.safetensors"], "--save: the sweep sets it"),
    (["--vary", "optimizer=sgd|adam|rmsprop", "--trials", "2"], "fewer than the grid's 3"),
    (["--layers", "2,8,3"], "at least one --vary"),
  ])
  func badSweepsExitTwoNamingTheProblem(arguments: [String], message: String) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("sweep")
    // The sweep's own options first; `train`'s after the first one it does not know.
    let own = arguments.prefix { !["--save", "--layers"].contains($0) }
    let rest = arguments.dropFirst(own.count)
    let layers = rest.contains("--layers") ? [] : ["--layers", "2,8,3"]
    let result = try run(["sweep", "--out", out.path] + own + base(folder) + layers + rest)
    #expect(result.status == 2, "\(result.combined)")
    #expect(result.error.contains(message), "\(result.error)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func ctrlCStopsEveryTrialAndWritesNoTable() throws {
    guard let url = BackpropExecutable.url else { return }
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("sweep")
    let process = Process()
    process.executableURL = url
    process.arguments =
      ["sweep", "--out", out.path, "--vary", "learning-rate=0.01|0.02", "--layers", "2,8,3"]
      + base(folder, epochs: 1_000_000)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait until both trials have started, then interrupt.
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline
      && !(1...2).allSatisfy({
        FileManager.default.fileExists(atPath: out.appendingPathComponent("trial-\($0)/log.txt").path)
      })
    {
      Thread.sleep(forTimeInterval: 0.05)
    }
    Thread.sleep(forTimeInterval: 0.5)
    process.interrupt()
    let stop = Date().addingTimeInterval(30)
    while process.isRunning && Date() < stop { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning {
      Issue.record("the sweep did not stop within 30 s of SIGINT")
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep.csv").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("best.safetensors").path))
  }
}
