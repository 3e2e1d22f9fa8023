import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Every numeric option of every command: negative values given as their own
/// argument reach the range check, out-of-range values (negative, zero, NaN, ∞
/// where they make no sense) are refused with the option and the value named,
/// and run-file values that fail name the file, the key and its line.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct OptionValidationTests {
  /// Runs `backprop arguments…` with `BACKPROP_THREADS` unset, then `environment` (`NAME=value`) added.
  func run(_ arguments: [String], environment: [String] = [], in folder: URL? = nil) throws -> Subprocess.Result {
    guard let url = BackpropExecutable.url else { throw CocoaError(.fileNoSuchFile) }
    return try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/env"), ["-u", "BACKPROP_THREADS"] + environment + [url.path] + arguments)
  }

  /// A folder with t.csv: 30 rows of two features and a class 0, 1 or 2 in the last column.
  func makeTable() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-options-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 3)
    var lines = ["a,b,label"]
    for j in 0..<30 { lines.append("\(rng.nextGaussian()),\(rng.nextGaussian()),\(j % 3)") }
    try lines.joined(separator: "\n").write(
      to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  /// `train` on the table: softmax over its 3 classes, 2 epochs, quiet.
  func train(_ folder: URL, epochs: Bool = true) -> [String] {
    [
      "train", "--data", folder.appendingPathComponent("t.csv").path, "--layers", "2,4,3", "--output", "softmax",
      "--quiet",
    ]
      + (epochs ? ["--epochs", "2"] : [])
  }

  /// The first line of standard error, without "Error: ".
  func firstError(_ result: Subprocess.Result) -> String {
    let line = result.error.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
  }

  // MARK: - Negative numbers as separate arguments (today: "Missing value")

  /// Each example of the issue, and the class: a negative value after any numeric option of any command
  /// gets that option's range error, as `--name=-1` does.
  @Test(arguments: [
    (["--warmup", "-1"], "--warmup -1: must be 0 or more"),
    (["--min-delta", "-0.5", "--early-stopping", "2"], "--min-delta -0.5: must be a finite number, 0 or more"),
    (["--threads", "-2"], "--threads -2: must be at least 1"),
    (["--learning-rate", "-0.1"], "--learning-rate -0.1: must be a positive finite number"),
    (["--l2", "-1"], "--l2 -1.0: must be a finite number, 0 or more"),
    (["--batch-size", "-4"], "--batch-size -4: must be at least 1"),
    (["--early-stopping", "-1"], "--early-stopping -1: must be at least 1"),
    (["--print-every", "-3"], "--print-every -3: must be 0 or more"),
    (["--clip-norm", "-1"], "--clip-norm -1.0: must be a positive number"),
    (["--validation-split", "-0.2"], "--validation-split -0.2: must be between 0 and 1 (e.g. 0.2 for 20%)"),
    (["--scale", "-inf"], "--scale -inf: must be a finite non-zero number"),
    (["--momentum", "-0.9", "--optimizer", "momentum"], "--momentum -0.9: must be at least 0 and below 1"),
    (["--epsilon", "-1e-8", "--optimizer", "adam"], "--epsilon -1e-08: must be a positive finite number"),
  ])
  func negativeValuesOfTrainReachTheRangeCheck(arguments: [String], message: String) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    for form in [arguments, [arguments[0] + "=" + arguments[1]] + arguments.dropFirst(2)] {
      let result = try run(train(folder) + form)
      #expect(result.status == 2 && firstError(result) == message, "\(form): \(result.error)")
    }
  }

  /// The same for every other command with a numeric option (validated before any file is read).
  @Test(arguments: [
    (["demo", "--iterations", "-5"], "--iterations -5: must be at least 1"),
    (["gradcheck", "--layers", "2,3,1", "--l2", "-1"], "--l2 -1.0: must be a finite number, 0 or more"),
    (["gradcheck", "--layers", "2,3,1", "--epsilon", "-1e-7"], "--epsilon -1e-07: must be a positive finite number"),
    (["gradcheck", "--layers", "2,3,1", "--examples", "-2"], "--examples -2: must be at least 1"),
    (["gradcheck", "--layers", "2,3,1", "--dropout", "-0.5"], "--dropout -0.5: must be at least 0 and below 1"),
    (["inspect", "m.safetensors", "--batch", "-1"], "--batch -1: needs at least 1"),
    (
      ["explain", "--model", "m.safetensors", "--data", "t.csv", "--examples", "-3"], "--examples -3: needs at least 1"
    ),
    (
      ["predict", "--model", "m.safetensors", "--data", "t.csv", "--threads", "-1"], "--threads -1: must be at least 1"
    ),
    (
      ["evaluate", "--model", "m.safetensors", "--data", "t.csv", "--threads", "-1"], "--threads -1: must be at least 1"
    ),
    (["info", "--threads", "-4"], "--threads -4: must be at least 1"),
    (["sweep", "--out", "s", "--vary", "epochs=1|2", "--parallel", "-2"], "--parallel -2: must be at least 1"),
  ])
  func negativeValuesOfEveryCommandReachTheRangeCheck(arguments: [String], message: String) throws {
    let result = try run(arguments)
    #expect(result.status == 2 && firstError(result) == message, "\(arguments): \(result.error)")
  }

  /// `--target -1` is documented ("negative counts from the end"): the last column, here the label.
  @Test func negativeTargetCountsFromTheEnd() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--target", "-1"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("Train accuracy"), "\(result.output)")
    let first = try run(train(folder) + ["--target", "-3", "--output", "identity", "--layers", "2,4,1"])
    #expect(first.status == 0 && first.output.contains("Train mean squared error"), "\(first.error)\(first.output)")
  }

  /// A negative number after a flag is that flag's value, which it does not take: said as such.
  @Test func negativeNumberAfterAFlag() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--standardize", "-1"])
    #expect(result.status == 2 && result.error.contains("'--standardize' does not take any value"), "\(result.error)")
  }

  // MARK: - Values accepted silently today

  /// `--warmup=-1` trained (exit 0) and ignored the warm-up.
  @Test func negativeWarmupIsRefused() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--warmup=-1"])
    #expect(result.status == 2 && firstError(result) == "--warmup -1: must be 0 or more", "\(result.error)")
  }

  /// NaN and ∞ where a finite number is needed; 0 where a count must be positive.
  @Test(arguments: [
    (["--l2=nan"], "--l2 nan: must be a finite number, 0 or more"),
    (["--min-delta=inf", "--early-stopping", "2"], "--min-delta inf: must be a finite number, 0 or more"),
    (["--early-stopping", "0"], "--early-stopping 0: must be at least 1"),
    (["--beta2=1", "--optimizer", "adam"], "--beta2 1.0: must be at least 0 and below 1"),
    (["--weight-decay=-0.1", "--optimizer", "adamw"], "--weight-decay -0.1: must be a finite number, 0 or more"),
    (["--learning-rate=nan"], "--learning-rate nan: must be a positive finite number"),
  ])
  func outOfRangeValuesAreRefused(arguments: [String], message: String) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + arguments)
    #expect(result.status == 2 && firstError(result) == message, "\(arguments): \(result.error)")
  }

  /// `gradcheck --threshold inf` passed every network.
  @Test func infiniteGradientCheckThresholdIsRefused() throws {
    let result = try run(["gradcheck", "--layers", "2,3,1", "--threshold=inf"])
    #expect(
      result.status == 2 && firstError(result) == "--threshold inf: must be a positive finite number", "\(result.error)"
    )
  }

  /// `BACKPROP_THREADS=abc` (or 0, -3) was ignored: the run went on with the processor count.
  @Test(arguments: ["abc", "0", "-3", "2.5"])
  func badThreadVariableIsAnError(value: String) throws {
    let result = try run(["gradcheck", "--layers", "2,3,1"], environment: ["BACKPROP_THREADS=\(value)"])
    #expect(result.status == 2, "\(result.error)")
    #expect(firstError(result).hasPrefix("BACKPROP_THREADS: '\(value)' is not a number of threads"), "\(result.error)")
    // --threads overrides the variable, which is then not used.
    let overridden = try run(
      ["gradcheck", "--layers", "2,3,1", "--threads", "1"], environment: ["BACKPROP_THREADS=\(value)"])
    #expect(overridden.status == 0, "\(overridden.error)")
  }

  /// `--class-weight 5=2` on a 3-class problem trained (exit 0) with the weight silently unused.
  @Test func classWeightOfAClassThatDoesNotExist() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--class-weight", "0=1,5=2"])
    #expect(result.status == 2, "\(result.error)")
    #expect(
      firstError(result) == "--class-weight: class 5 does not exist: there are 3 classes, 0, 1, 2", "\(result.error)")
    let fine = try run(train(folder) + ["--class-weight", "2=3"])
    #expect(fine.status == 0, "\(fine.error)")
  }

  /// The library names its parameters (`beta1`, `schedule`, `warmupEpochs`, `` `clipNorm` `` in a
  /// hint); the command line shows the flag that sets each, in the error's subject and in its text.
  @Test(arguments: [
    (["--optimizer", "sgd", "--beta1", "0.5"], "--beta1: sgd does not take it; adam, adamw do"),
    (["--lr-schedule", "step:0"], "--lr-schedule: step every 0 epochs: N must be 1 or more"),
    (["--warmup", "5"], "--warmup: 5 epochs of warm-up is longer than the 2 epochs of training"),
    (
      ["--dropout", "0.1,0.2"], "--dropout: 2 rates for 1 hidden layers; give one rate for all or one per hidden layer"
    ),
    (["--target", "species"], "--target: no column named \"species\" in"),
  ])
  func libraryErrorsNameTheFlags(arguments: [String], message: String) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + arguments)
    #expect(result.status == 2 && firstError(result).hasPrefix(message), "\(arguments): \(result.error)")
    #expect(!result.error.contains("`"), "a library name left in backticks: \(result.error)")
  }

  /// A diverging run's hint names the flags too (the library's says `learningRate`, `clipNorm`).
  @Test func divergenceHintNamesTheFlags() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--learning-rate", "1e200", "--optimizer", "sgd", "--dtype", "float64"])
    #expect(result.status == 1, "\(result.error)")
    #expect(
      result.error.contains("(--learning-rate)") && result.error.contains("(--clip-norm)")
        && !result.error.contains("learningRate"), "\(result.error)")
  }

  /// `--iterations` with `--epochs` trained for the epochs and ignored the iterations.
  @Test func epochsAndIterationsTogetherAreRefused() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(train(folder) + ["--iterations", "5"])
    #expect(result.status == 2, "\(result.error)")
    #expect(
      firstError(result) == "give --epochs (mini-batch epochs) or --iterations (full-batch steps), not both",
      "\(result.error)")
    let iterations = try run(train(folder, epochs: false) + ["--iterations", "5"])
    #expect(iterations.status == 0, "\(iterations.error)")
  }

  // MARK: - Run files

  /// A value from `--config run.yaml` that the command rejects names the file, the key and its line.
  @Test func runFileErrorsNameTheFileAndTheKey() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    let config = folder.appendingPathComponent("run.yaml").path
    let head = "data: \(table)\nlayers: [2, 4, 3]\noutput: softmax\nquiet: true\n"
    for (body, expected) in [
      ("epochs: ten\n", "--config \(config), key 'epochs' (line 5): The value 'ten' is invalid for '--epochs <E>'"),
      ("epochs: 2\nl2: -1\n", "--config \(config), key 'l2' (line 6): --l2 -1.0: must be a finite number, 0 or more"),
      ("epochs: 2\nwarmup: -2\n", "--config \(config), key 'warmup' (line 6): --warmup -2: must be 0 or more"),
      (
        "epochs: 2\nclass_weight: '7=1'\n",
        "--config \(config), key 'class_weight' (line 6): --class-weight: class 7 does not exist: there are 3 classes, 0, 1, 2"
      ),
    ] {
      try (head + body).write(toFile: config, atomically: true, encoding: .utf8)
      let result = try run(["train", "--config", config])
      #expect(result.status == 2 && firstError(result) == expected, "\(body): \(result.error)")
    }
    // The command line's value overrides the file's, whose bad value is then not used; a negative value in
    // the file that is in range works.
    try (head + "epochs: 2\nl2: -1\n").write(toFile: config, atomically: true, encoding: .utf8)
    let overridden = try run(["train", "--config", config, "--l2", "0"])
    #expect(overridden.status == 0, "\(overridden.error)")
    try (head + "epochs: 2\ntarget: -1\n").write(toFile: config, atomically: true, encoding: .utf8)
    let negative = try run(["train", "--config", config])
    #expect(negative.status == 0, "\(negative.error)")
    // An error about the command line's own option names no file.
    let own = try run(["train", "--config", config, "--warmup", "-1"])
    #expect(own.status == 2 && firstError(own) == "--warmup -1: must be 0 or more", "\(own.error)")
  }
}
