import ArgumentParser
import Backprop
import Foundation

/// `backprop convert`: a CSV table or MNIST's IDX files to `.npy` arrays and their statistics.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Turn a CSV table or MNIST's IDX files into .npy arrays and their statistics, in one streaming pass.",
    discussion: """
      For data larger than memory: the input is read once, in 1 MiB chunks, each
      example written straight to the output, so memory holds the labels and a few
      numbers per feature, never the table. The output folder gets three files:
        x.npy         the inputs, (examples, features) float32 (--dtype float64 for
                      exact values), one example per row, the raw values (no scaling)
        y.npy         the labels, (examples,) float64: the target column's numbers,
                      or for text labels the class index (classes in sorted order)
        dataset.json  the column and class names, and each feature's mean, standard
                      deviation, minimum and maximum, so that training can
                      standardize without reading the data first

      A CSV table (delimiter and header detected as `train --data` does; every
      column but the target must hold numbers):
        backprop convert --data big.csv --target label --out big
      MNIST's IDX files, plain or .gz (pixels kept as 0…255):
        backprop convert --images train-images-idx3-ubyte.gz \\
          --labels train-labels-idx1-ubyte.gz --out mnist

      Then train from the arrays, with the statistics for --standardize:
        backprop train --x big/x.npy --y big/y.npy --statistics big/dataset.json …

      Existing files are kept unless --overwrite is given. A failure (a cell that is
      not a number, a full disk) names the file, line and column, and leaves nothing
      behind: the three files appear together or not at all.
      """
  )

  @Option(
    help: ArgumentHelp(
      "A CSV table to convert: one example per row, a header row or none (detected).", valueName: "file.csv"))
  var data: String?

  @Option(
    help: ArgumentHelp(
      "With --data: the label column, by name or 0-based index (negative counts from the end). Default: the last "
        + "column.", valueName: "name|index"))
  var target: TargetColumn?

  @Option(
    help: ArgumentHelp(
      "With --data: the classes of a text label column in the order of their indices (e.g. a model's classes); "
        + "a label not among them is an error. Default: the labels found, sorted.", valueName: "a,b,c"))
  var classNames: String?

  @Option(help: ArgumentHelp("IDX images to convert (MNIST's, plain or .gz), with --labels.", valueName: "file"))
  var images: String?

  @Option(
    help: ArgumentHelp("With --images: their labels, one per image (IDX or .npy, plain or .gz).", valueName: "file"))
  var labels: String?

  @Option(
    help: ArgumentHelp("The folder to write x.npy, y.npy and dataset.json to (created if missing).", valueName: "dir"))
  var out: String

  @Option(help: ArgumentHelp("The inputs' element type in x.npy.", valueName: "type"))
  var dtype: DType = .float32

  @Flag(help: "Replace x.npy, y.npy and dataset.json when the folder holds them already.")
  var overwrite = false

  mutating func validate() throws {
    switch (data != nil, images != nil || labels != nil) {
    case (true, true): throw ValidationError("give either --data, or --images with --labels, not both")
    case (false, false):
      throw ValidationError("nothing to convert: give --data FILE.csv, or --images FILE --labels FILE")
    case (false, true) where images == nil || labels == nil:
      throw ValidationError("--images and --labels go together: give both")
    default: break
    }
    if data == nil, target != nil || classNames != nil {
      throw ValidationError("--target and --class-names go with --data (a CSV table)")
    }
  }

  /// `--class-names` split at its commas, each name trimmed of spaces.
  private var givenClassNames: [String]? {
    classNames.map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
  }

  func run() throws {
    let start = Date()
    let dtype: NumPyDType = dtype == .float32 ? .float32 : .float64
    let summary: DatasetConversion.Summary
    do {
      if let data {
        summary = try DatasetConversion.convert(
          csv: data, target: target ?? .last, classNames: givenClassNames, to: out, dtype: dtype, overwrite: overwrite)
      } else if let images, let labels {
        summary = try DatasetConversion.convert(
          images: images, labels: labels, to: out, dtype: dtype, overwrite: overwrite)
      } else {
        throw ValidationError("nothing to convert: give --data FILE.csv, or --images FILE --labels FILE")
      }
    } catch let error as ConfigurationError {
      // The library's parameters that only this command sets, as its flags.
      let flags = ["classNames": "--class-names", "outputFolder": "--out"]
      throw ConfigurationError(parameter: flags[error.parameter] ?? error.parameter, error.problem)
    }
    let seconds = Date().timeIntervalSince(start)
    let dataset = summary.dataset
    let labels =
      dataset.classNames.map { "\($0.count) classes" } ?? "\(summary.distinctLabels) distinct label values"
    FileHandleOutput.standardError(
      "Converted \(dataset.examples) examples × \(dataset.features) features (\(dataset.dtype.rawValue)), "
        + "\(labels): \(MemoryEstimate.format(summary.bytesWritten)) written to \(summary.folder) in "
        + "\(fixed(seconds, 1)) s")
  }
}
