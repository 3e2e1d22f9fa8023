import ArgumentParser
import Backprop

/// The command line's names for the library's parameters.
///
/// The library names a parameter as its Swift API does: a ``ConfigurationError``'s
/// `parameter` (`learningRate`, `layerSizes`) and, inside a message or a training
/// warning, a parameter in backticks (`` `clipNorm` ``). Shown on the command line,
/// each becomes the flag that sets it (`--learning-rate`, `--layers`, `--clip-norm`);
/// a name that is not in the table (a CLI error that already names its flag, a
/// library-only parameter) is left as it is.
enum FlagNames {
  /// Library parameter → flag.
  static let flags: [String: String] = [
    // Network
    "layerSizes": "--layers", "hiddenActivation": "--activation", "hiddenActivations": "--activation",
    "activation": "--activation",
    "output": "--output", "initializer": "--initializer", "batchNormalization": "--batch-norm",
    // Optimizer
    "optimizer": "--optimizer", "learningRate": "--learning-rate", "momentum": "--momentum",
    "beta1": "--beta1", "beta2": "--beta2", "epsilon": "--epsilon", "weightDecay": "--weight-decay",
    "schedule": "--lr-schedule", "warmupEpochs": "--warmup",
    // Training
    "epochs": "--epochs", "iterations": "--iterations", "batchSize": "--batch-size", "l2": "--l2",
    "dropout": "--dropout", "clipNorm": "--clip-norm", "classWeights": "--class-weight", "metrics": "--metrics",
    "EarlyStopping.patience": "--early-stopping", "minDelta": "--min-delta", "seed": "--seed",
    "CheckpointPolicy.every": "--checkpoint-every", "checkpointDirectory": "--checkpoint-dir", "keep": "--keep",
    "syncCheck": "--check-sync", "overwrite": "--overwrite", "resume": "--resume", "history": "--history",
    "examples": "--examples",
    // Data
    "target": "--target", "delimiter": "--delimiter", "key": "--x-key/--y-key", "divisor": "--scale",
    "standardize": "--standardize", "stratify": "--stratify", "validation": "--validation-split",
    "test": "--test-split",
    // Sweeps
    "SweepParameter": "--vary", "SweepMetric": "--rank-by", "count": "--trials", "maxTrials": "--max-trials",
    "SweepSearch.random": "--search random",
  ]

  /// The flag that sets `parameter`, or `parameter` itself when no flag does.
  static func flag(for parameter: String) -> String { flags[parameter] ?? parameter }

  /// `text` with every backticked parameter of the table written as its flag:
  /// "clip the gradients' norm (`clipNorm`)" → "clip the gradients' norm (--clip-norm)".
  static func commandLine(_ text: String) -> String {
    guard text.contains("`") else { return text }
    var result = ""
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "`") {
      let afterOpen = rest.index(after: open)
      guard let close = rest[afterOpen...].firstIndex(of: "`") else { break }
      let name = String(rest[afterOpen..<close])
      result += rest[..<open]
      result += flags[name] ?? "`\(name)`"
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }

  /// A configuration error as the command line shows it: "--learning-rate: 0 is not usable: …".
  static func message(for error: ConfigurationError) -> String {
    "\(flag(for: error.parameter)): \(commandLine(error.problem))"
  }

  /// A full error message (as ArgumentParser formats it) with the library's names as flags.
  /// A configuration error thrown from a command's `validate()` reaches here wrapped by
  /// ArgumentParser, so its subject is also recognised at the start of the message.
  static func message(_ message: String, for error: any Error) -> String {
    var message = message
    if let error = error as? ConfigurationError, let flag = flags[error.parameter],
      let range = message.range(of: "\(error.parameter): ")
    {
      message.replaceSubrange(range, with: "\(flag): ")
    } else {
      let prefix = message.hasPrefix("Error: ") ? "Error: " : ""
      let rest = message.dropFirst(prefix.count)
      if let colon = rest.range(of: ": "), let flag = flags[String(rest[..<colon.lowerBound])] {
        message = prefix + flag + rest[colon.lowerBound...]
      }
    }
    return commandLine(message)
  }
}
