import ArgumentParser
import Backprop
import BackpropRunFile
import Foundation

/// Run files: `backprop train --config run.yaml` takes every option from a YAML
/// (or JSON) mapping of option names to values, and `--config-from FILE` reruns
/// the exact command recorded in a saved model or checkpoint. Options given on
/// the command line override the file's. The files are read by ``RunFileReader``
/// (the `BackpropRunFile` library, fuzzed on its own); this adds `train`'s option names.
///
/// ```yaml
/// data: digits.csv
/// layers: [64, 128, 10]        # or "64,128,10"
/// activation: relu
/// output: softmax
/// standardize: true            # flags: true or false
/// epochs: 60
/// batch-size: 32               # or batch_size
/// optimizer: adam
/// learning-rate: 0.001
/// ```
enum RunFile {
  /// The command's arguments as resolved (run files expanded), what a model and a
  /// checkpoint record so the run can be repeated.
  nonisolated(unsafe) static var resolvedArguments: [String] = []

  /// Expands `--config FILE` and `--config-from FILE` in `train`'s arguments
  /// into the options they hold, placed before the command line's own (so
  /// these win: the parser keeps an option's last value).
  static func expand(_ arguments: [String]) throws -> [String] {
    var rest = [String]()
    var fromFiles = [String]()
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      for name in ["--config", "--config-from"] where argument == name || argument.hasPrefix(name + "=") {
        let value: String
        if argument == name {
          guard index + 1 < arguments.count else { throw ValidationError("\(name) needs a file") }
          value = arguments[index + 1]
          index += 1
        } else {
          value = String(argument.dropFirst(name.count + 1))
        }
        fromFiles += name == "--config" ? try options(inRunFile: value) : try recordedOptions(in: value)
      }
      if !(argument == "--config" || argument.hasPrefix("--config=") || argument == "--config-from"
        || argument.hasPrefix("--config-from="))
      {
        rest.append(argument)
      }
      index += 1
    }
    return fromFiles + rest
  }

  /// The options a YAML or JSON run file holds, as arguments (read by ``RunFileReader``).
  static func options(inRunFile path: String) throws -> [String] {
    do { return try RunFileReader.arguments(inRunFile: path, knownOptions: trainOptionNames) } catch {
      throw ValidationError(error.description)
    }
  }

  /// The arguments recorded in a model or checkpoint written by `train`.
  static func recordedOptions(in path: String) throws -> [String] {
    do { return try RunFileReader.recordedArguments(in: path) } catch { throw ValidationError(error.description) }
  }

  /// `train`'s long option names, from its help.
  static let trainOptionNames: Set<String> = {
    let help = Train.helpMessage(columns: 10_000)
    var names = Set<String>()
    var scanner = help[...]
    while let range = scanner.range(of: "--") {
      let tail = scanner[range.upperBound...]
      let name = tail.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
      if !name.isEmpty { names.insert(String(name)) }
      scanner = tail
    }
    return names
  }()
}
