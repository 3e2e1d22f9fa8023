import ArgumentParser
import Backprop
import Foundation
import BackpropSweep

extension SweepSearch: ExpressibleByArgument {}

/// `backprop sweep`: a grid or random search over `train`'s options, trials in
/// parallel, ranked, with the best model kept and one report comparing them.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Search hyperparameters: train once per combination (grid) or per random draw, rank, keep the best.",
    discussion: """
      Give the sweep's options first, then `train`'s options for every trial \
      (after `--`, or directly). Each --vary NAME=VALUES names a `train` option \
      and its values:
        optimizer=sgd|adam            a list, separated by |
        layers=64,32,10|64,128,10     (so values may hold commas)
        learning-rate=log:1e-4..1e-1  log-uniform; in a grid, K points:
        learning-rate=log:1e-4..1e-1:4       0.0001, 0.001, 0.01, 0.1
        dropout=lin:0..0.5:3          evenly spaced: 0, 0.25, 0.5
        batch-norm=true|false         a flag on or off
      Ranges over whole-number options (batch-size, epochs, iterations, seed, …) \
      are rounded.

      --search grid tries every combination (--trials, if given, is the most it \
      may run); --search random draws --trials combinations (default 10), the \
      same ones for the same --search-seed. Trials run in parallel, each with \
      its share of the processors (--threads T each; default: processors ÷ \
      parallel trials).

      Every trial trains on the same data with the same --seed (so the same \
      initialisation and splits), in DIR/trial-K (model.safetensors, \
      history.json, log.txt). Then the sweep prints the ranked table and writes \
      DIR/sweep.csv, DIR/best.safetensors (the best trial's model), \
      DIR/index.html and DIR/cost.svg (every trial's cost curve on one chart). \
      A trial that fails (a bad value, divergence) is listed as failed with its \
      error; the others go on. Ctrl-C stops every trial and writes no table.

      Learning rate × hidden size on the digits table (4 × 2 = 8 trials):
        backprop sweep --out sweep \\
          --vary 'learning-rate=log:1e-3..1e-1:4' \\
          --vary 'layers=64,32,10|64,128,10' -- \\
          --data digits.csv --activation relu --output softmax \\
          --standardize --validation-split 0.2 --epochs 20 \\
          --batch-size 32 --optimizer adam --initializer he
      """
  )

  @Option(
    help: ArgumentHelp(
      "The sweep's folder (created if missing): trial-K/ folders, sweep.csv, best.safetensors, index.html.",
      valueName: "dir"))
  var out: String

  @Option(
    name: .customLong("vary"),
    help: ArgumentHelp(
      "A `train` option and its values: NAME=a|b|c, NAME=log:LO..HI[:K] or NAME=lin:LO..HI[:K]. Repeat for each.",
      valueName: "NAME=VALUES"))
  var vary: [String] = []

  @Option(help: ArgumentHelp("grid (every combination) or random (--trials draws).", valueName: "grid|random"))
  var search: SweepSearch = .grid

  @Option(
    help: ArgumentHelp(
      "Random search: the number of trials (default 10). Grid: the most trials it may run.", valueName: "N"))
  var trials: Int?

  @Option(
    name: .customLong("max-trials"),
    help: ArgumentHelp(
      "The most trials the sweep may run (default \(SweepSearch.defaultMaxTrials)), counted before any is made: "
        + "a larger grid or --trials is refused.", valueName: "N"))
  var maxTrials: Int = SweepSearch.defaultMaxTrials

  @Option(
    help: ArgumentHelp(
      "Trials at once. Default: the processors available, at most the number of trials.", valueName: "P"))
  var parallel: Int?

  @Option(name: .customLong("search-seed"), help: ArgumentHelp("Seed of the random search's draws.", valueName: "S"))
  var searchSeed: UInt64 = 1

  @Option(
    name: .customLong("rank-by"),
    help: ArgumentHelp(
      "Rank by the kept epoch's cost, validation-cost, or a metric (accuracy, macro-f1, log-loss, mse, r2, …; "
        + "validation-accuracy for the validation set; give it with --metrics). Default: validation-cost with a "
        + "validation set, else cost.", valueName: "name"))
  var rankBy: String?

  @Argument(
    parsing: .captureForPassthrough,
    help: ArgumentHelp(
      "`backprop train` options shared by every trial (see `backprop train --help`).", valueName: "train options"))
  var trainOptions: [String] = []

  /// Options the sweep sets for each trial, or that would clash between parallel trials.
  static let controlledOptions: Set<String> = [
    "save", "history", "scores", "report", "events", "checkpoint-dir", "checkpoint-every", "keep", "resume",
    "config-from",
    "help",
  ]

  /// `train` options that take whole numbers: their ranges are rounded.
  static let integerOptions: Set<String> = [
    "epochs", "batch-size", "iterations", "seed", "warmup", "early-stopping", "print-every", "threads",
  ]

  mutating func validate() throws {
    if vary.isEmpty {
      throw ValidationError("give at least one --vary NAME=VALUES, e.g. --vary 'learning-rate=log:1e-4..1e-1:4'")
    }
    if let parallel, parallel < 1 { throw ValidationError("--parallel \(parallel): must be at least 1") }
    if let trials, trials < 1 { throw ValidationError("--trials \(trials): must be at least 1") }
    if maxTrials < 1 { throw ValidationError("--max-trials \(maxTrials): must be at least 1") }
  }

  func run() throws {
    let parameters = try sweepParameters()
    let base = try baseArguments()
    let combinations = try search.trials(parameters, count: trials, seed: searchSeed, maxTrials: maxTrials)
    let rankMetric = try rankBy.map { try SweepMetric(parsing: $0) }
    let folder = URL(fileURLWithPath: out)
    var (jobs, results) = try checkedJobs(combinations, base: base, folder: folder)

    // Start clean: no table, model or report of an earlier sweep in the folder can pass for this one's.
    try createFolder(folder)
    for name in ["sweep.csv", "best.safetensors", SweepReport.chartFileName, SweepReport.pageFileName] {
      try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
    let cores = Kernels.defaultThreadCount()
    let parallel = min(parallel ?? cores, jobs.count)
    let threads = max(1, cores / parallel)
    let ownThreads = base.contains { $0 == "--threads" || $0.hasPrefix("--threads=") }
    for index in jobs.indices {
      let trialFolder = jobs[index].folder
      try? FileManager.default.removeItem(at: trialFolder)
      try createFolder(trialFolder)
      jobs[index].arguments += ownThreads ? [] : ["--threads", String(threads)]
      jobs[index].arguments += base.contains("--quiet") ? [] : ["--quiet"]
      jobs[index].arguments += [
        "--save", trialFolder.appendingPathComponent("model.safetensors").path,
        "--history", trialFolder.appendingPathComponent("history.json").path,
        "--scores", trialFolder.appendingPathComponent("scores.json").path,
      ]
    }
    let shape =
      search == .grid
      ? " " + parameters.map { String((try? $0.gridValues().count) ?? 0) }.joined(separator: " × ") : ""
    FileHandleOutput.standardError(
      "Sweep: \(combinations.count) trials (\(search)\(shape)), \(parallel) at a time"
        + (ownThreads ? "" : " with \(threads) thread\(threads == 1 ? "" : "s") each") + "; each in \(out)/trial-K")

    for (index, result) in results.enumerated() {
      FileHandleOutput.standardError(
        "[\(index + 1)/\(combinations.count)] trial \(result.trial) \(result.label): not run, "
          + "train rejects it: \(result.failure ?? "")")
    }
    var statuses = [Int32]()
    try SweepRunner(parallel: parallel).run(jobs) { finished in
      statuses.append(finished.status)
      let result = Self.result(of: finished)
      results.append(result)
      FileHandleOutput.standardError(
        "[\(results.count)/\(combinations.count)] trial \(result.trial) \(result.label): \(Self.summary(result)) "
          + "(\(fixed(finished.seconds, 1)) s)")
    }

    let metric = rankMetric ?? SweepMetric.default(for: results.compactMap(\.history))
    let table = SweepTable(results, parameters: parameters.map(\.name), metric: metric)
    print(table.text(), terminator: "")
    try write(table, to: folder, title: Self.dataName(base))
    if let best = table.best, let history = best.history {
      FileHandleOutput.standardError(
        "Best: trial \(best.trial) (\(best.label)), \(metric) \(SweepTable.number(metric.value(in: history) ?? .nan))")
    } else {
      // Nothing finished: one usage error everywhere is bad usage (2), anything else a failed run (1).
      let messages = Set(results.compactMap(\.failure))
      let one = messages.count == 1 ? messages.first : nil
      FileHandleOutput.standardError("Error: no trial finished" + (one.map { ": " + $0 } ?? ""))
      throw ExitCode(one != nil && statuses.allSatisfy { $0 == 2 } ? 2 : 1)
    }
  }

  /// Each trial's job, its arguments checked by `train`'s own parser before anything runs; a trial
  /// `train` rejects becomes a failed result.
  /// - Throws: ``ValidationError`` when `train` rejects every trial.
  private func checkedJobs(_ combinations: [SweepSearch.Trial], base: [String], folder: URL) throws -> (
    [SweepRunner.Job], [SweepResult]
  ) {
    var jobs = [SweepRunner.Job]()
    var rejected = [SweepResult]()
    for (index, values) in combinations.enumerated() {
      let arguments = base + values.flatMap(Self.arguments(name:value:))
      do {
        _ = try Train.parse(arguments)
        jobs.append(
          .init(
            trial: index + 1, values: values, arguments: arguments,
            folder: folder.appendingPathComponent("trial-\(index + 1)")))
      } catch {
        let message = Self.oneLine(Train.message(for: error))
        rejected.append(.init(trial: index + 1, values: values, outcome: .failed(message)))
      }
    }
    if jobs.isEmpty, let first = rejected.first?.failure {
      let same = rejected.allSatisfy { $0.failure == first }
      throw ValidationError(
        (same ? "every trial" : "every trial, e.g. trial 1 (\(rejected[0].label)),") + " is rejected by train: \(first)"
      )
    }
    return (jobs, rejected)
  }

  /// A finished child's result: its history, or its first error.
  static func result(of finished: SweepRunner.Finished) -> SweepResult {
    let job = finished.job
    var outcome = SweepResult.Outcome.failed(SweepRunner.firstError(in: finished.log, status: finished.status))
    var scores = [String: Double]()
    if finished.status == 0 {
      do {
        outcome = .finished(try History.read(path: job.folder.appendingPathComponent("history.json").path))
        // The validation and test scores train wrote with --scores (the sweep's table leaves the training set's out).
        let written = try ScoresFile.read(path: job.folder.appendingPathComponent("scores.json").path)
        scores = written.filter { $0.key.hasPrefix("validation_") || $0.key.hasPrefix("test_") }
      } catch {
        outcome = .failed("\(error)")
      }
    }
    return SweepResult(
      trial: job.trial, values: job.values, outcome: outcome, scores: scores, seconds: finished.seconds)
  }

  /// "cost 0.1234, validation cost 0.2345" or "failed: …", for the progress line.
  static func summary(_ result: SweepResult) -> String {
    guard let history = result.history else { return "failed: " + (result.failure ?? "") }
    let cost = SweepMetric(costOn: false).value(in: history) ?? .nan
    let validation = SweepMetric(costOn: true).value(in: history)
    return "cost \(fixed(cost, 4))" + (validation.map { ", validation cost \(fixed($0, 4))" } ?? "")
  }

  /// sweep.csv, best.safetensors (a copy of the best trial's model), cost.svg and index.html, each atomically.
  private func write(_ table: SweepTable, to folder: URL, title: String) throws {
    let csv = folder.appendingPathComponent("sweep.csv").path
    try AtomicFile.write(Data(table.csv().utf8), to: csv)
    var written = [csv]
    if let best = table.best {
      let model = folder.appendingPathComponent("trial-\(best.trial)/model.safetensors").path
      guard let bytes = FileManager.default.contents(atPath: model) else {
        throw FileFormatError(path: model, "cannot read the best trial's model")
      }
      let destination = folder.appendingPathComponent("best.safetensors").path
      try AtomicFile.write(bytes, to: destination)
      written.append(destination)
    }
    written += try SweepReport(table: table, title: title, command: commandLine()).write(to: folder.path)
    FileHandleOutput.standardError("Wrote " + written.joined(separator: ", "))
  }

  /// The --vary specs, parsed and checked against `train`'s options.
  private func sweepParameters() throws -> [SweepParameter] {
    var parameters = [SweepParameter]()
    for spec in vary {
      let name = spec.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces).drop { $0 == "-" }
      let parameter = try SweepParameter(parsing: spec, integer: Self.integerOptions.contains(String(name)))
      if Self.controlledOptions.contains(parameter.name) || parameter.name == "config" {
        throw ConfigurationError(
          parameter: "--vary", "'\(spec)': the sweep sets --\(parameter.name) itself; vary another option")
      }
      guard RunFile.trainOptionNames.contains(parameter.name) else {
        let near = RunFile.trainOptionNames.filter { $0.hasPrefix(String(parameter.name.prefix(3))) }.sorted()
        throw ConfigurationError(
          parameter: "--vary",
          "'\(spec)': train has no option --\(parameter.name)"
            + (near.isEmpty ? "" : " (did you mean \(near.prefix(4).joined(separator: ", "))?)"))
      }
      if parameters.contains(where: { $0.name == parameter.name }) {
        throw ConfigurationError(
          parameter: "--vary", "'\(spec)': --\(parameter.name) is varied twice; give its values in one --vary")
      }
      parameters.append(parameter)
    }
    return parameters
  }

  /// `train`'s options for every trial, a `--config` file expanded; none the sweep sets itself.
  private func baseArguments() throws -> [String] {
    let given = trainOptions.first == "--" ? Array(trainOptions.dropFirst()) : trainOptions
    let expanded = try RunFile.expand(given)
    for argument in expanded where argument.hasPrefix("--") {
      let name = String(argument.dropFirst(2).prefix { $0 != "=" })
      if Self.controlledOptions.contains(name) {
        throw ValidationError("--\(name): the sweep sets it for each trial (see DIR/trial-K); leave it out")
      }
    }
    return expanded
  }

  /// A trial's arguments for one value: `--name=value`, a flag alone for `true`, nothing for `false`.
  static func arguments(name: String, value: String) -> [String] {
    switch value.lowercased() {
    case "true", "on", "yes": return ["--\(name)"]
    case "false", "off", "no": return []
    default: return ["--\(name)=\(value)"]
    }
  }

  /// The first line of a message (ArgumentParser adds usage lines after it).
  static func oneLine(_ message: String) -> String {
    let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message
    return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
  }

  /// The training data's file name, for the report's title.
  static func dataName(_ arguments: [String]) -> String {
    for (index, argument) in arguments.enumerated() {
      for name in ["--data", "--x"] {
        if argument == name, index + 1 < arguments.count {
          return URL(fileURLWithPath: arguments[index + 1]).lastPathComponent
        }
        if argument.hasPrefix(name + "=") {
          return URL(fileURLWithPath: String(argument.dropFirst(name.count + 1))).lastPathComponent
        }
      }
    }
    return "training data"
  }

  private func createFolder(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw FileFormatError(path: url.path, "cannot create the folder: \(error.localizedDescription)")
    }
  }
}
