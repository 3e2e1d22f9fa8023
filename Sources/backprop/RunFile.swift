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

  /// Where each option taken from a run file or a recorded command came from, by
  /// option name (without the dashes), for the options the command line does not
  /// give again; set by ``expand(_:)``, read by ``locating(_:)``.
  nonisolated(unsafe) static var origins: [String: Origin] = [:]

  /// Where an option's value came from.
  struct Origin: Equatable, CustomStringConvertible {
    /// `--config run.yaml` or `--config-from model.safetensors`.
    var source: String
    /// The run file's key, as written (nil for a recorded command).
    var key: String?
    /// The key's line in the run file.
    var line: Int?
    /// The option, without the dashes.
    var option: String

    /// `--config run.yaml, key 'epochs' (line 4)`, `--config-from m.safetensors, recorded --epochs`.
    var description: String {
      guard let key else { return "\(source), recorded --\(option)" }
      return "\(source), key '\(key)'" + (line.map { " (line \($0))" } ?? "")
    }
  }

  /// Expands `--config FILE` and `--config-from FILE` in `train`'s arguments
  /// into the options they hold, placed before the command line's own (so
  /// these win: the parser keeps an option's last value). Negative numbers are
  /// attached to their options (``NegativeNumberArguments``), and where each
  /// option came from is kept in ``origins``.
  static func expand(_ arguments: [String]) throws -> [String] {
    var rest = [String]()
    var fromFiles = [String]()
    var found = [String: Origin]()
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
        if name == "--config" {
          for entry in try entries(inRunFile: value) {
            fromFiles += entry.arguments
            found[entry.option] = Origin(
              source: "--config \(value)", key: entry.key, line: entry.line, option: entry.option)
          }
        } else {
          let recorded = try recordedOptions(in: value)
          fromFiles += recorded
          for option in optionNames(in: recorded) {
            found[option] = Origin(source: "--config-from \(value)", key: nil, line: nil, option: option)
          }
        }
      }
      if !(argument == "--config" || argument.hasPrefix("--config=") || argument == "--config-from"
        || argument.hasPrefix("--config-from="))
      {
        rest.append(argument)
      }
      index += 1
    }
    for option in optionNames(in: rest) { found[option] = nil }
    origins = found
    return NegativeNumberArguments.attached(fromFiles + rest)
  }

  /// The long option names (without the dashes) among `arguments`.
  static func optionNames(in arguments: [String]) -> [String] {
    arguments.filter { $0.hasPrefix("--") && $0.count > 2 }.map { String($0.dropFirst(2).prefix { $0 != "=" }) }
  }

  /// An error's message with the run file, key and line in front when the first option its first
  /// line names (`--epochs`) took its value from a run file (or a recorded command): `Error: --config run.yaml,
  /// key 'epochs' (line 4): The value 'ten' is invalid for '--epochs <E>'`. Other messages are returned as they are.
  static func locating(_ message: String) -> String {
    guard !origins.isEmpty else { return message }
    var scanner = message.prefix { !$0.isNewline }  // the error itself, not the usage lines after it
    while let range = scanner.range(of: "--") {
      let name = scanner[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
      if let origin = origins[String(name)] {
        let prefix = "Error: "
        return message.hasPrefix(prefix)
          ? prefix + "\(origin): " + message.dropFirst(prefix.count) : "\(origin): " + message
      }
      scanner = scanner[range.upperBound...].dropFirst(name.count)
    }
    return message
  }

  /// The options a YAML or JSON run file holds (read by ``RunFileReader``), with their keys and lines.
  static func entries(inRunFile path: String) throws -> [RunFileReader.Entry] {
    do { return try RunFileReader.entries(inRunFile: path, knownOptions: trainOptionNames) } catch {
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
