import ArgumentParser
import Backprop
import BackpropReport
import Foundation

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Build an HTML report: rebuild a training run's, or make one for a saved model on labelled examples.",
    discussion: """
      A report is a folder to open in any browser, offline:
        index.html  one self-contained page (inline CSS and charts, no script):
                    cost and metric curves, final metrics per set (precision,
                    recall, F1 per class), the confusion matrix, the layer
                    table (shapes of W, b, Z, A), the decision boundary for
                    two inputs, the hyperparameters, and a reproducibility
                    stamp (seed, SHA-256 of the data files, version, backend)
        *.svg       each chart as a file of its own, for slides and papers
        run.json    everything the page shows, as data

      The usual way to get one is to train with --report:
        backprop train --data digits.csv --layers 64,128,10 --output softmax \\
          --standardize --epochs 30 --batch-size 32 --optimizer adam \\
          --test-split 0.2 --report runs/digits

      Rebuild a run's page and charts from its run.json (after upgrading
      Backprop, or into another folder):
        backprop report runs/digits
        backprop report runs/digits --out /tmp/digits-copy

      Report on a saved model and a labelled set (no training curves: the
      set's metrics, the confusion matrix, the layer table and, for two
      inputs, the decision boundary):
        backprop report iris.safetensors --data iris.csv --out runs/iris
        backprop report mnist.safetensors --x t10k-images-idx3-ubyte.gz \\
          --y t10k-labels-idx1-ubyte.gz --examples 8000: --out runs/mnist
      """
  )

  @Argument(
    help: ArgumentHelp(
      "A report folder to rebuild (it holds run.json), or a model saved by `backprop train --save FILE.safetensors`.",
      valueName: "run-dir|model.safetensors"))
  var source: String

  @Option(
    help: ArgumentHelp(
      "Where to write the report (created if missing). Default for a report folder: the folder itself; "
        + "needed with a model.", valueName: "dir"))
  var out: String?

  @Option(
    help: ArgumentHelp(
      "With a model: labelled examples as a CSV laid out like the training table.", valueName: "file.csv"))
  var data: String?

  @Option(
    help: ArgumentHelp(
      "With --data: the label column, by name or 0-based index. Default: the model's label column (the columns "
        + "are matched to the model's inputs by name when the table has a header).", valueName: "name|index"))
  var target: TargetColumn?

  @Option(
    help: ArgumentHelp(
      "With a model: inputs as .npy, .npz (with --x-key) or IDX, plain or .gz; one example per row.", valueName: "file")
  )
  var x: String?

  @Option(help: ArgumentHelp("Labels for --x (same formats).", valueName: "file"))
  var y: String?

  @Option(
    name: .customLong("x-key"), help: ArgumentHelp("The array to use from an .npz given to --x.", valueName: "name"))
  var xKey: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Use only these examples (START:END of 0-based positions, as `train --examples`), e.g. 8000:.",
      valueName: "START:END"))
  var examples: ExampleRange?

  @Option(help: ArgumentHelp("With a model: the set's name on the page. Default: the file's name.", valueName: "name"))
  var setName: String?

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  /// Whether `source` names a model rather than a report folder.
  private var isModel: Bool { source.lowercased().hasSuffix(".safetensors") }

  mutating func validate() throws {
    let labelled = data != nil || x != nil || y != nil || examples != nil || setName != nil
    if !isModel {
      if labelled {
        throw ValidationError(
          "\(source) is a report folder, which holds its own results; --data, --x, --y, --examples and --set-name "
            + "go with a model (FILE.safetensors)")
      }
      return
    }
    switch (data != nil, x != nil || y != nil) {
    case (true, true): throw ValidationError("give either --data or --x/--y, not both")
    case (false, false): throw ValidationError("a model needs labelled examples: --data FILE.csv, or --x FILE --y FILE")
    case (false, true) where x == nil || y == nil: throw ValidationError("--x and --y go together: give both")
    default: break
    }
    if out == nil { throw ValidationError("give --out DIR: the folder to write the model's report to") }
  }

  func run() throws {
    runtime.apply()
    if isModel {
      guard let out else { throw ValidationError("give --out DIR") }
      try TrainingReport.checkWritable(directory: out)
      try withModel(at: source, self)
      return
    }
    let report = try TrainingReport.read(directory: source)
    let folder = out ?? (isDirectory(source) ? source : URL(fileURLWithPath: source).deletingLastPathComponent().path)
    let written = try report.write(to: folder)
    FileHandleOutput.standardError("Rebuilt \(written.count) files in \(folder) from \(TrainingReport.jsonFileName)")
  }

  private func isDirectory(_ path: String) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
  }
}

extension ReportCommand: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    guard let out else { return }
    var set: Dataset
    let file: String
    if let data {
      let match: ColumnMatch
      (set, match) = try Dataset.csv(path: data, for: ModelColumns(model), target: target)
      FileHandleOutput.standardError("\(data): \(match)")
      guard set.y.rows > 0 else {
        throw ValidationError(
          "\(data) has no label column to report on"
            + (model.targetName.map { " (the model's is \"\($0)\"; give --target NAME for another name)" } ?? ""))
      }
      file = data
    } else if let x, let y {
      set = try Dataset.arrays(inputs: x, labels: y, inputKey: xKey, as: Scalar.self).fitted(
        to: model.network.output, file: y)
      file = x
    } else {
      throw ValidationError("a model needs labelled examples: --data FILE.csv, or --x FILE --y FILE")
    }
    if let examples { set = try examples.select(from: set, option: "--examples") }
    let n0 = model.network.layerSizes[0]
    guard set.featureCount == n0 else {
      throw ConfigurationError(
        parameter: data != nil ? "--data" : "--x",
        "\(file) has \(set.featureCount) features per example but the model takes \(n0)")
    }
    let name = setName ?? URL(fileURLWithPath: file).lastPathComponent
    let evaluation = try model.evaluate(set.features(as: Scalar.self), labels: set.y.converted(to: Scalar.self))
    let boundary =
      DecisionBoundary.canPlot(model.network)
      ? try DecisionBoundary(model: model, x: set.x, labels: set.y, setName: name) : nil
    let files: [(String, String?)] = [("--data", data), ("--x", x), ("--y", y)]
    let stamp = try ReproducibilityStamp.current(
      seed: model.hyperparameters["seed"].flatMap { UInt64($0) },
      dataFiles: files.compactMap { role, path in path.map { (role, $0) } }, command: commandLine())
    let batchSize = model.hyperparameters["batch_size"].flatMap { Int($0) } ?? set.count
    let report = TrainingReport(
      title: "\(URL(fileURLWithPath: source).lastPathComponent) on \(name)", model: model, history: nil,
      progressUnit: .epoch, batchSize: batchSize, evaluations: [SetEvaluation(name: name, evaluation)],
      decisionBoundary: boundary, stamp: stamp)
    try report.write(to: out)
    FileHandleOutput.standardError(
      "Wrote the report to \(URL(fileURLWithPath: out).appendingPathComponent(TrainingReport.pageFileName).path)")
  }
}
