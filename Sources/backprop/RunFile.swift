import ArgumentParser
import Backprop
import Foundation
import Yams

/// Run files: `backprop train --config run.yaml` takes every option from a YAML
/// (or JSON) mapping of option names to values, and `--config-from FILE` reruns
/// the exact command recorded in a saved model or checkpoint. Options given on
/// the command line override the file's.
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

  /// The options a YAML or JSON run file holds, as arguments.
  static func options(inRunFile path: String) throws -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ValidationError("--config \(path): cannot read the file")
    }
    let parsed: Any?
    do {
      parsed = try Yams.load(yaml: text)  // JSON is YAML too
    } catch {
      throw ValidationError("--config \(path): not valid YAML or JSON: \(error)")
    }
    guard let mapping = parsed as? [String: Any] else {
      throw ValidationError("--config \(path): the file must be a mapping of option names to values (e.g. 'epochs: 10')")
    }
    let known = trainOptionNames
    var arguments = [String]()
    for key in mapping.keys.sorted() {
      let name = key.replacingOccurrences(of: "_", with: "-").lowercased()
      guard known.contains(name), !["config", "config-from", "resume", "help"].contains(name) else {
        let near = known.filter { $0.hasPrefix(String(name.prefix(3))) }.sorted().prefix(4)
        throw ValidationError(
          "--config \(path): unknown option '\(key)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)"))
      }
      let value = mapping[key]!
      switch value {
      case let flag as Bool:
        if flag { arguments.append("--" + name) }
      case let list as [Any]:
        arguments += ["--" + name, list.map { "\($0)" }.joined(separator: ",")]
      case is [String: Any]:
        throw ValidationError("--config \(path): '\(key)' must be a value or a list, not a mapping")
      default:
        arguments += ["--" + name, "\(value)"]
      }
    }
    return arguments
  }

  /// The arguments recorded in a model or checkpoint written by `train`.
  static func recordedOptions(in path: String) throws -> [String] {
    let file: SafetensorsFile
    do { file = try SafetensorsFile.read(path: path) } catch {
      throw ValidationError("--config-from \(path): \(error)")
    }
    if let checkpoint = file.metadata["checkpoint"],
      let record = try? JSONSerialization.jsonObject(with: Data(checkpoint.utf8)) as? [String: Any],
      let configuration = record["configuration"] as? [String], configuration.count >= 1
    {
      return Array(configuration.dropFirst())
    }
    guard let text = file.metadata["hyperparameters"],
      let values = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String],
      let command = values["command"],
      let arguments = try? JSONSerialization.jsonObject(with: Data(command.utf8)) as? [String]
    else {
      throw ValidationError("--config-from \(path): the file does not record the command that made it")
    }
    return arguments
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
