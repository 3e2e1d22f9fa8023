import ArgumentParser
import Foundation
import Backprop

extension TargetColumn: ExpressibleByArgument {
  public init?(argument: String) { try? self.init(parsing: argument) }
}

/// Where the examples come from, how they are split and how they are preprocessed.
struct DataOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Training inputs: .npy, .npz (with --x-key), or IDX (MNIST's format), plain or .gz — chosen by content. "
        + "One example per row: the first axis is the sample axis.", valueName: "file"))
  var x: String?

  @Option(
    help: ArgumentHelp(
      "Training labels, same formats: shaped (m,), (m, 1), (1, m), or (m, K): one-hot rows for softmax, K 0/1 labels "
        + "for K sigmoid units, K targets for K identity units.", valueName: "file"))
  var y: String?

  @Option(
    name: .customLong("x-key"), help: ArgumentHelp("The array to use from an .npz given to --x.", valueName: "name"))
  var xKey: String?

  @Option(
    name: .customLong("y-key"), help: ArgumentHelp("The array to use from an .npz given to --y.", valueName: "name"))
  var yKey: String?

  @Option(
    help: ArgumentHelp(
      "Training table, CSV (comma, semicolon or tab; header detected): every column but the target is an input.",
      valueName: "file.csv"))
  var data: String?

  @Option(
    help: ArgumentHelp(
      "The CSV's label column, by name or 0-based index (negative counts from the end). Default: the last column. "
        + "Text labels become classes 0…K−1 in sorted order.", valueName: "name|index"))
  var target: TargetColumn = .last

  @Option(
    help: ArgumentHelp(
      "Generate the training examples instead of reading a file (the playground's data sets, seeded by --seed): "
        + "flower (the notes' planar flower), spiral, circles, xor, gaussians (classes 0/1), or regression "
        + "(y = sin 2x1 · cos 2x2). Hold some out with --test-split.", valueName: "name"),
    transform: { name in
      guard let kind = SyntheticData.Kind(rawValue: name) else {
        throw ValidationError(
          "--generate \(name): choose from \(SyntheticData.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return kind
    })
  var generate: SyntheticData.Kind?

  @Option(help: ArgumentHelp("With --generate: the number of examples m (even). Default: 300.", valueName: "m"))
  var points: Int?

  @Option(
    help: ArgumentHelp(
      "With --generate: how far the points (regression: the targets) stray from the clean shape, 0 to 1. Default: 0.",
      valueName: "σ"))
  var noise: Double?

  @Option(
    help: ArgumentHelp(
      "With --generate: the input rows of X, computed from each point (x1, x2): any of x1, x2, x1^2, x2^2, x1*x2, "
        + "sin(x1), sin(x2), comma-separated (quote them for the shell). Default: x1,x2.", valueName: "list"))
  var features: String?

  @Option(name: .customLong("test-x"), help: ArgumentHelp("Test inputs (same formats as --x).", valueName: "file"))
  var testX: String?

  @Option(name: .customLong("test-y"), help: ArgumentHelp("Test labels (with --test-x).", valueName: "file"))
  var testY: String?

  @Option(
    name: .customLong("test-data"), help: ArgumentHelp("Test table, CSV laid out like --data.", valueName: "file.csv"))
  var testData: String?

  @Option(
    name: .customLong("validation-split"),
    help: ArgumentHelp(
      "Hold out this fraction of the training examples (after a seeded shuffle; stratified by class for sigmoid and "
        + "softmax outputs) as the validation set, evaluated after every epoch.", valueName: "F"))
  var validationSplit: Double?

  @Option(
    name: .customLong("validation-data"),
    help: ArgumentHelp(
      "Validation table, CSV laid out like --data (instead of --validation-split).", valueName: "file.csv"))
  var validationData: String?

  @Option(
    name: .customLong("validation-x"), help: ArgumentHelp("Validation inputs (same formats as --x).", valueName: "file")
  )
  var validationX: String?

  @Option(
    name: .customLong("validation-y"), help: ArgumentHelp("Validation labels (with --validation-x).", valueName: "file")
  )
  var validationY: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Use only these training examples, a range START:END of 0-based positions in the file (END excluded; either may "
        + "be left out, negative counts from the end), e.g. :8000 for the first 8,000.", valueName: "START:END"))
  var examples: ExampleRange?

  @Option(
    name: .customLong("test-examples"), parsing: .unconditional,
    help: ArgumentHelp(
      "Use only these examples of the test file (START:END, as --examples), e.g. 8000: or -2000:.",
      valueName: "START:END"))
  var testExamples: ExampleRange?

  @Option(
    name: .customLong("test-split"),
    help: ArgumentHelp("Without a test file: hold out this fraction of the examples as the test set.", valueName: "F"))
  var testSplit: Double?

  @Flag(help: "Split each class in the same proportion (--validation-split, --test-split).")
  var stratify = false

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Divide every input by K first (e.g. 255 for 8-bit pixels).", valueName: "K"))
  var scale: Double?

  @Option(
    help: ArgumentHelp(
      "The dataset.json that `backprop convert` wrote beside --x/--y: --standardize and --min-max take its "
        + "per-feature statistics instead of a pass over the inputs, and the model keeps its class and column "
        + "names. Its statistics are the whole file's (held-out rows of a split included).", valueName: "dataset.json"))
  var statistics: String?

  @Option(
    name: .customLong("memory-map"),
    help: ArgumentHelp(
      "Train from a .npy of inputs in place, memory-mapped, instead of loading it: the file's pages stay in the "
        + "system's page cache and each batch is read from them, so a set larger than memory trains. auto (the "
        + "default) maps a plain .npy file of 1 GiB or more; on maps every .npy input (or says why it cannot); off "
        + "loads every file.", valueName: "auto|on|off"))
  var memoryMap: MemoryMapMode = .auto

  @Flag(help: "Standardise each input feature (z-score), fitted on the training examples only; saved with the model.")
  var standardize = false

  @Flag(
    name: .customLong("min-max"),
    help: "Scale each input feature to [0, 1] by the training examples' min and max; saved with the model.")
  var minMax = false

  mutating func validate() throws {
    if generate == nil {
      for (given, option) in [(points != nil, "--points"), (noise != nil, "--noise"), (features != nil, "--features")]
      where given {
        throw ValidationError("\(option) describes generated data: give --generate too")
      }
    } else {
      if x != nil || y != nil || data != nil {
        throw ValidationError("give either --generate or training files (--x/--y, --data), not both")
      }
      _ = try syntheticData()
      return try validateHeldOut()
    }
    switch (x != nil || y != nil, data != nil) {
    case (true, true): throw ValidationError("give either --x/--y or --data, not both")
    case (false, false): throw ValidationError("give the training examples: --x FILE --y FILE, or --data FILE.csv")
    case (true, false) where x == nil || y == nil: throw ValidationError("--x and --y go together: give both")
    default: break
    }
    try validateHeldOut()
  }

  /// The test and validation options (files or splits), whatever the training examples are.
  private func validateHeldOut() throws {
    if (testX == nil) != (testY == nil) {
      throw ValidationError("--test-x and --test-y go together: give both or neither")
    }
    if testData != nil, testX != nil { throw ValidationError("give either --test-x/--test-y or --test-data, not both") }
    if (validationX == nil) != (validationY == nil) {
      throw ValidationError("--validation-x and --validation-y go together: give both or neither")
    }
    if [validationSplit != nil, validationData != nil, validationX != nil].filter({ $0 }).count > 1 {
      throw ValidationError("give one of --validation-split, --validation-data and --validation-x/--validation-y")
    }
    if testExamples != nil, testX == nil, testData == nil {
      throw ValidationError("--test-examples selects examples of a test file: give --test-x/--test-y or --test-data")
    }
    if testSplit != nil, testData != nil || testX != nil {
      throw ValidationError("--test-split takes the test set from the training data; do not also give a test file")
    }
    try NumberRange.fraction.check(validationSplit, "--validation-split")
    try NumberRange.fraction.check(testSplit, "--test-split")
    try NumberRange.nonZero.check(scale, "--scale")
    if standardize && minMax { throw ValidationError("choose one of --standardize and --min-max") }
    if statistics != nil, x == nil {
      throw ValidationError("--statistics describes the arrays of --x/--y (from `backprop convert`); give --x and --y")
    }
  }

  /// `--generate` with `--points`, `--noise` and `--features`, or nil.
  /// - Throws: ``ValidationError`` naming the option that does not fit.
  func syntheticData() throws -> SyntheticData? {
    guard let generate else { return nil }
    do {
      return try SyntheticData(
        kind: generate, examples: points ?? 300, noise: noise ?? 0,
        features: try features.map { text throws(ConfigurationError) in try SyntheticData.features(parsing: text) }
          ?? [.x1, .x2])
    } catch {
      let option =
        ["examples": "--points", "noise": "--noise", "features": "--features"][error.parameter] ?? "--generate"
      throw ValidationError("\(option) \(error.problem)")
    }
  }

  /// The fitted-preprocessing method the flags ask for.
  var preprocessingMethod: Preprocessing.Method {
    standardize ? .standardize : (minMax ? .minMax : .none)
  }

  /// The training set as given, before any split; arrays are read as `Scalar`, the training precision.
  func trainingFile<Scalar: MatrixScalar>(seed: UInt64, as _: Scalar.Type) throws -> Dataset {
    var set: Dataset
    if let generated = try syntheticData() {
      set = try generated.dataset(seed: seed)
    } else if let data {
      set = try Dataset.csv(path: data, target: target)
    } else {
      guard let x, let y else { throw ValidationError("give --x and --y, or --data") }
      set = try Dataset.arrays(inputs: x, labels: y, inputKey: xKey, labelKey: yKey, as: Scalar.self)
    }
    if let examples { set = try examples.select(from: set, option: "--examples") }
    return set
  }

  /// Training, validation and test sets: the files with their labels as `output`
  /// takes them (see ``Dataset/fitted(to:file:)``), then the seeded splits.
  /// The validation split is stratified by class for a classification output (or `--stratify`).
  /// Arrays are read as `Scalar`, the training precision, and kept so (no `Double` copy); a
  /// `.npy` of inputs that `--memory-map` maps is not read at all: each set holds its rows.
  func load<Scalar: MatrixScalar>(seed: UInt64, output: Output, as _: Scalar.Type) throws -> (
    training: LoadedSet<Scalar>, validation: LoadedSet<Scalar>?, test: LoadedSet<Scalar>?
  ) {
    let mappedTraining = try mappedInputs(x, key: xKey, as: Scalar.self)
    var training: Dataset
    if let mappedTraining, let y {
      training = try Self.rows(of: mappedTraining, labels: y, key: yKey)
      if let examples { training = try examples.select(from: training, option: "--examples") }
    } else {
      training = try trainingFile(seed: seed, as: Scalar.self)
    }
    let file = try training.fitted(
      to: output, file: data ?? y ?? generate.map { "--generate \($0.rawValue)" } ?? "the training set")
    // The held-out parts by the library's rule (test first, then validation); files given instead are read as they are.
    let split = try file.heldOut(
      validation: validationSplit, test: testSplit, seed: seed, output: output, stratify: stratify)
    func loaded(_ set: Dataset) -> LoadedSet<Scalar> {
      mappedTraining.map { LoadedSet(rows: set, of: $0) } ?? LoadedSet(set)
    }
    let test =
      try split.test.map(loaded)
      ?? heldOutFile(
        x: testX, y: testY, csv: testData, range: testExamples, rangeOption: "--test-examples",
        classNames: file.classNames, output: output, name: "the test set", as: Scalar.self)
    let validation =
      try split.validation.map(loaded)
      ?? heldOutFile(
        x: validationX, y: validationY, csv: validationData, range: nil, rangeOption: "", classNames: file.classNames,
        output: output, name: "the validation set", as: Scalar.self)
    return (loaded(split.training), validation, test)
  }

  /// A test or validation set from its own files (mapped as `--memory-map` says), encoded with the
  /// training set's class names.
  private func heldOutFile<Scalar: MatrixScalar>(
    x: String?, y: String?, csv: String?, range: ExampleRange?, rangeOption: String, classNames: [String]?,
    output: Output, name: String, as _: Scalar.Type
  ) throws -> LoadedSet<Scalar>? {
    var set: Dataset
    var mapped: MappedExamples<Scalar>?
    if let csv {
      set = try Dataset.csv(path: csv, target: target, classNames: classNames)
    } else if let x, let y {
      mapped = try mappedInputs(x, key: xKey, as: Scalar.self)
      if let mapped {
        set = try Self.rows(of: mapped, labels: y, key: yKey)
      } else {
        set = try Dataset.arrays(inputs: x, labels: y, inputKey: xKey, labelKey: yKey, as: Scalar.self)
      }
    } else {
      return nil
    }
    if let range { set = try range.select(from: set, option: rangeOption) }
    set = try set.fitted(to: output, file: csv ?? y ?? name)
    return mapped.map { LoadedSet(rows: set, of: $0) } ?? LoadedSet(set)
  }
}

/// Inputs for `predict` and `evaluate`: arrays or a CSV, with the model's class names.
struct InputOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp("Inputs: .npy, .npz (with --x-key), IDX, plain or .gz; one example per row.", valueName: "file"))
  var x: String?

  @Option(
    name: .customLong("x-key"), help: ArgumentHelp("The array to use from an .npz given to --x.", valueName: "name"))
  var xKey: String?

  @Option(
    help: ArgumentHelp(
      "Inputs as a CSV table: with a header, its columns are found by the names the model was trained on (any "
        + "order); without one, laid out like the training table.", valueName: "file.csv"))
  var data: String?

  @Option(
    help: ArgumentHelp(
      "The CSV's label column, by name or 0-based index. Default: the model's label column when the header has it "
        + "(columns are matched to the model's inputs by name when the table has a header), else the last column "
        + "when there is one more than the model's inputs.", valueName: "name|index"))
  var target: TargetColumn?

  mutating func validate() throws {
    if (x == nil) == (data == nil) { throw ValidationError("give the inputs: --x FILE, or --data FILE.csv") }
  }
}

/// `--examples START:END`: a range of example positions, Python-slice style.
struct ExampleRange: ExpressibleByArgument, CustomStringConvertible {
  var start: Int?
  var end: Int?

  init?(argument: String) {
    let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    func bound(_ text: Substring) -> Int?? {
      let trimmed = text.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return .some(nil) }
      guard let value = Int(trimmed) else { return nil }
      return .some(value)
    }
    guard let start = bound(parts[0]), let end = bound(parts[1]) else { return nil }
    self.start = start
    self.end = end
  }

  var description: String { "\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")" }

  /// The examples of `set` in the range.
  /// - Throws: ``ConfigurationError`` naming `option` when the range selects nothing.
  func select(from set: Dataset, option: String) throws -> Dataset {
    do {
      return try set.examples(start: start, end: end)
    } catch {
      throw ConfigurationError(parameter: option, error.problem)
    }
  }
}

extension DataOptions {
  /// `--statistics`: the description `backprop convert` wrote, checked against `--x`.
  /// - Throws: ``ConfigurationError`` naming `--statistics` when it describes another file or
  ///   another number of features; the reader's error for a malformed file.
  func datasetDescription(featureCount: Int) throws -> DatasetDescription? {
    guard let path = statistics, let x else { return nil }
    let description = try DatasetDescription.read(path: path)
    let described = DatasetDescription.resolve(description.inputs, besides: path)
    let real = { (file: String) in URL(fileURLWithPath: file).resolvingSymlinksInPath().standardizedFileURL.path }
    guard real(described) == real(x) else {
      throw ConfigurationError(
        parameter: "--statistics", "\(path) describes \(described), not --x \(x); give the dataset.json written with it"
      )
    }
    guard description.features == featureCount else {
      throw ConfigurationError(
        parameter: "--statistics",
        "\(path) describes \(description.features) features but \(x) has \(featureCount) per example")
    }
    return description
  }
}
