import ArgumentParser
import Backprop
import BackpropReport
import Foundation

/// A command's work on a loaded model, generic over the scalar type it was saved in.
protocol ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws
}

/// Loads a saved model in the scalar type it was saved in and runs `action` on it.
func withModel(at path: String, _ action: some ModelAction) throws {
  // A checkpoint holds a whole model too (and more): use the model in it.
  let isCheckpoint = try SafetensorsFile.read(path: path).metadata["checkpoint"] != nil
  func read<Scalar: MatrixScalar>(_: Scalar.Type) throws -> Model<Scalar> {
    isCheckpoint
      ? try CheckpointFile.read(path: path, as: Scalar.self).model : try ModelFile.read(path: path, as: Scalar.self)
  }
  switch try ModelFile.storedDType(path: path) {
  case "float64": try action(read(Double.self))
  default: try action(read(Float.self))
  }
}

/// Reads the inputs (and labels, when present) given by `InputOptions` for a
/// model: a CSV's columns matched to the model's inputs by name where the
/// table and the model name them (said on standard error), arrays as they are.
func loadInputs<Scalar: MatrixScalar>(_ options: InputOptions, for model: Model<Scalar>, labels: String? = nil)
  throws -> Dataset
{
  if let data = options.data {
    let (set, match) = try Dataset.csv(path: data, for: ModelColumns(model), target: options.target)
    FileHandleOutput.standardError("\(data): \(match)")
    return set
  }
  guard let x = options.x else { throw ValidationError("give --x FILE or --data FILE.csv") }
  if let labels {
    return try Dataset.arrays(inputs: x, labels: labels, inputKey: options.xKey, as: Scalar.self)
      .fitted(to: model.network.output, file: labels)
  }
  let inputs: Dataset.FeatureStorage =
    Scalar.self == Float.self
    ? .float32(try ArrayFile.readSamples(path: x, key: options.xKey, as: Float.self))
    : .float64(try ArrayFile.readSamples(path: x, key: options.xKey, as: Double.self))
  return try Dataset(storage: inputs, y: Matrix(rows: 0, columns: inputs.columns))
}

struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Predict with a saved model: the class (or value) and the probabilities for every example.",
    discussion: """
      The model's preprocessing (--scale, --standardize, --min-max at
      training time) is applied for you. Writes one row per example: CSV (a
      header, the predicted class name or index, then one probability column
      per class) or .npy (the probabilities, shaped (m, n[L])), chosen by
      --out's extension. Without --out the CSV goes to standard output.

        backprop predict --model iris.safetensors --data new-flowers.csv \\
          --out predictions.csv
      """
  )

  @Option(help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`.", valueName: "file"))
  var model: String

  @OptionGroup(title: "Inputs") var inputs: InputOptions

  @Option(help: ArgumentHelp("Where to write the predictions: .csv or .npy.", valueName: "file"))
  var out: String?

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if let out, !(out.lowercased().hasSuffix(".csv") || out.lowercased().hasSuffix(".npy")) {
      throw ValidationError("--out \(out): the file must end in .csv or .npy")
    }
  }

  func run() throws {
    runtime.apply()
    if let out { try AtomicFile.checkWritable(out) }
    try withModel(at: model, self)
  }
}

extension Predict: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    let set = try loadInputs(inputs, for: model)
    let prediction = try model.predict(set.features(as: Scalar.self))
    let a = prediction.outputs
    if let out, out.lowercased().hasSuffix(".npy") {
      try NPYFile.write(NumPyArray(matrix: a.transposed), to: out)
      FileHandleOutput.standardError("Wrote \(a.columns) predictions, shaped (\(a.columns), \(a.rows)), to \(out)")
      return
    }
    var lines = [String]()
    let output = model.network.output
    switch output {
    case .identity:
      lines.append(
        (0..<a.rows).map { a.rows == 1 ? (model.targetName ?? "value") : "value_\($0)" }.joined(separator: ","))
      for j in 0..<a.columns { lines.append((0..<a.rows).map { "\(a[$0, j])" }.joined(separator: ",")) }
    case .sigmoid, .softmax:
      let classes = output == .softmax ? a.rows : 2
      let names = model.classNames ?? (0..<classes).map(String.init)
      let header =
        ["prediction"]
        + (output == .softmax
          ? names.map { "p(\($0))" }
          : (0..<a.rows).map { "p(\(names.count > 1 ? names[1] : "1")\(a.rows > 1 ? "_\($0)" : ""))" })
      lines.append(header.map(csvField).joined(separator: ","))
      for j in 0..<a.columns {
        let predicted = (0..<prediction.predictions.rows).map { row -> String in
          let index = Int(prediction.predictions[row, j])
          return index < names.count ? names[index] : String(index)
        }.joined(separator: " ")
        let probabilities = (0..<a.rows).map { "\(a[$0, j])" }
        lines.append(([csvField(predicted)] + probabilities).joined(separator: ","))
      }
    }
    let text = lines.joined(separator: "\n") + "\n"
    if let out {
      try AtomicFile.write(Data(text.utf8), to: out)
      FileHandleOutput.standardError("Wrote \(a.columns) predictions to \(out)")
    } else {
      try StandardOutput.write(text)
    }
  }
}

/// Quotes a CSV field when it needs it.
func csvField(_ text: String) -> String {
  text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
    ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Evaluate a saved model on labelled examples: loss, accuracy, precision/recall/F1 per class, the confusion matrix, log loss and ROC AUC (regression: MSE, MAE, R²).",
    discussion: """
        backprop evaluate --model iris.safetensors --data iris.csv
        backprop evaluate --model mnist.safetensors \\
          --x t10k-images-idx3-ubyte.gz --y t10k-labels-idx1-ubyte.gz
      """
  )

  @Option(help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`.", valueName: "file"))
  var model: String

  @OptionGroup(title: "Inputs") var inputs: InputOptions

  @Option(help: ArgumentHelp("Labels for --x (same formats).", valueName: "file"))
  var y: String?

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if inputs.x != nil, y == nil { throw ValidationError("--x needs its labels: --y FILE") }
    if inputs.data != nil, y != nil { throw ValidationError("--y goes with --x; a CSV holds its own label column") }
  }

  func run() throws {
    runtime.apply()
    try withModel(at: model, self)
  }
}

extension Evaluate: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    let set = try loadInputs(inputs, for: model, labels: y)
    guard set.y.rows > 0 else {
      throw ValidationError(
        "\(inputs.data ?? "the inputs") has no label column to evaluate against"
          + (model.targetName.map { " (the model's is \"\($0)\"; give --target NAME for another name)" } ?? ""))
    }
    let result = try model.evaluate(set.features(as: Scalar.self), labels: set.y.converted(to: Scalar.self))
    print("Examples: \(result.examples)")
    print("Loss (\(model.network.output.lossName)): \(fixed(result.loss))")
    if let accuracy = result.accuracy { print("Accuracy: \(fixed(accuracy))") }
    if let mse = result.meanSquaredError { print("Mean squared error: \(fixed(mse))") }
    if let mae = result.meanAbsoluteError { print("Mean absolute error: \(fixed(mae))") }
    if model.network.output == .identity {
      print("R²: \(result.r2.map { fixed($0) } ?? "undefined (constant targets)")")
    }
    if let report = result.classification {
      print("")
      print(report)
    }
  }
}

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show a saved model's layers: n[l], g[l], the shapes of W, b, Z and A, parameter counts, metadata.",
    discussion: """
      The notes' "getting your matrix dimensions right" table for a batch
      of m examples:
        backprop inspect iris.safetensors --batch 150
      """
  )

  @Argument(help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`.", valueName: "model"))
  var model: String

  @Option(help: ArgumentHelp("m, the batch size for the shapes of Z[l] and A[l].", valueName: "m"))
  var batch: Int = 1

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if batch < 1 { throw ValidationError("--batch \(batch): needs at least 1") }
  }

  func run() throws {
    runtime.apply()
    try withModel(at: model, self)
  }
}

extension Inspect: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ loaded: Model<Scalar>) throws {
    let network = loaded.network
    // The library's table of the network (what the report shows), printed as text.
    let summary = NetworkSummary(model: loaded, batchSize: batch)
    let m = summary.batchSize
    func shape(_ dimensions: [Int]) -> String { "(" + dimensions.map(String.init).joined(separator: ", ") + ")" }
    print(
      "Model \(self.model) — \(summary.dtype), \(summary.layers.count) layers, output \(summary.output) (\(summary.loss))"
    )
    let header = ["l", "n[l]", "g[l]", "W[l]", "b[l]", "Z[l], A[l]", "parameters"]
    var rows = [["0", "\(summary.inputs)", "input", "", "", "(\(summary.inputs), \(m))", ""]]
    for layer in summary.layers {
      let learnedSlope = network.layers[layer.l - 1][.alpha] != nil
      rows.append([
        "\(layer.l)", "\(layer.units)", layer.activation, shape(layer.weightShape), shape(layer.biasShape),
        "(\(layer.units), \(m))", "\(layer.parameters)" + (learnedSlope ? " (incl. α)" : ""),
      ])
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
    rows.forEach { print(line($0)) }
    print("Total parameters: \(summary.parameterCount)")
    print(
      "Preprocessing: \(loaded.preprocessing.method.rawValue)"
        + (loaded.preprocessing.divisor != 1 ? ", inputs divided by \(loaded.preprocessing.divisor)" : ""))
    if let names = loaded.featureNames { print("Inputs: \(names.joined(separator: ", "))") }
    if let target = loaded.targetName { print("Target: \(target)") }
    if let classes = loaded.classNames {
      print("Classes: \(classes.enumerated().map { "\($0)=\($1)" }.joined(separator: ", "))")
    }
    if !loaded.hyperparameters.isEmpty {
      print(
        "Trained with: "
          + loaded.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
  }
}
