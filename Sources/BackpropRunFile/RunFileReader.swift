import Backprop
import Foundation
import Yams

/// Why a run file (`train --config FILE`) or a recorded command (`train --config-from FILE`)
/// gives no arguments: the only error ``RunFileReader`` throws.
///
/// `description` is the whole message, naming the option and the file
/// (`--config run.yaml: unknown option 'epochz' (did you mean epochs?)`), as the
/// command line prints it.
public struct RunFileError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The option that named the file: `--config` or `--config-from`.
  public let option: String
  /// The file, as it was named.
  public let path: String
  /// What is wrong with it.
  public let problem: String

  public init(option: String, path: String, _ problem: String) {
    self.option = option
    self.path = path
    self.problem = problem
  }

  public var description: String { "\(option) \(path): \(problem)" }
}

/// Reads run files: a YAML (or JSON) mapping of `train`'s option names to values,
/// turned into the arguments they stand for, and the command a saved model or
/// checkpoint records.
///
/// ```yaml
/// data: digits.csv
/// layers: [64, 128, 10]        # or "64,128,10"
/// activation: relu
/// standardize: true            # flags: true or false
/// batch-size: 32               # or batch_size
/// ```
///
/// gives `--activation relu --batch-size 32 --data digits.csv --layers 64,128,10 --standardize`
/// (options in the order of their names). Every failure is a ``RunFileError``.
public enum RunFileReader {
  /// Options a run file may not hold, even where `train` has them.
  public static let excludedOptions: Set<String> = ["config", "config-from", "resume", "help"]

  /// Bounds on what a run file may build, checked before its values are made:
  /// the nesting of lists and mappings (building recurses once per level), and
  /// the values and characters once aliases are expanded (`*name` repeats a whole
  /// anchored value, so a small file could stand for an enormous one). Run files
  /// need a few levels, a few dozen values and a few kilobytes.
  public static let maximumDepth = 100
  public static let maximumValues = 10_000
  public static let maximumCharacters = 1 << 20

  /// The options the YAML or JSON file at `path` holds, as arguments.
  /// - Parameter knownOptions: `train`'s long option names, without the dashes.
  public static func arguments(inRunFile path: String, knownOptions: Set<String>) throws(RunFileError) -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunFileError(option: "--config", path: path, "cannot read the file")
    }
    return try arguments(runFile: data, path: path, knownOptions: knownOptions)
  }

  /// The options a run file's bytes hold, as arguments; `path` names the file in errors.
  public static func arguments(runFile data: Data, path: String, knownOptions: Set<String>) throws(RunFileError)
    -> [String]
  {
    func failure(_ problem: String) -> RunFileError { RunFileError(option: "--config", path: path, problem) }
    guard let text = String(data: data, encoding: .utf8) else { throw failure("cannot read the file") }
    guard nestingBound(text) <= maximumDepth else {
      throw failure("lists and mappings nested more than \(maximumDepth) deep")
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)  // JSON is YAML too
    } catch {
      throw failure("not valid YAML or JSON: \(error)")
    }
    if let node, !withinLimits(node) {
      throw failure("more than \(maximumValues) values or \(maximumCharacters) characters once aliases are expanded")
    }
    guard let mapping = node?.any as? [String: Any] else {
      throw failure("the file must be a mapping of option names to values (e.g. 'epochs: 10')")
    }
    var arguments = [String]()
    for key in mapping.keys.sorted() {
      let name = key.replacingOccurrences(of: "_", with: "-").lowercased()
      guard knownOptions.contains(name), !excludedOptions.contains(name) else {
        let near = knownOptions.filter { $0.hasPrefix(String(name.prefix(3))) }.sorted().prefix(4)
        throw failure("unknown option '\(key)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)"))
      }
      let value = mapping[key]!
      switch value {
      case let flag as Bool:
        if flag { arguments.append("--" + name) }
      case let list as [Any]:
        arguments += ["--" + name, list.map { "\($0)" }.joined(separator: ",")]
      case is [String: Any]:
        throw failure("'\(key)' must be a value or a list, not a mapping")
      default:
        arguments += ["--" + name, "\(value)"]
      }
    }
    return arguments
  }

  /// The arguments recorded in a model or checkpoint written by `train` (without `train` itself).
  public static func recordedArguments(in path: String) throws(RunFileError) -> [String] {
    let file: SafetensorsFile
    do { file = try SafetensorsFile.read(path: path) } catch {
      throw RunFileError(option: "--config-from", path: path, "\(error)")
    }
    return try recordedArguments(in: file, path: path)
  }

  /// The arguments recorded in a model or checkpoint already read; `path` names it in errors.
  public static func recordedArguments(in file: SafetensorsFile, path: String) throws(RunFileError) -> [String] {
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
      throw RunFileError(option: "--config-from", path: path, "the file does not record the command that made it")
    }
    return arguments
  }

  /// An upper bound on how deeply the YAML in `text` nests lists and mappings:
  /// every `[` and `{` in the file (opened flow collections, counted wherever they
  /// are, quotes included, so the bound holds whatever the file is), plus the
  /// most block levels any one line can open: its indentation (a nested block is
  /// indented at least one column more), its leading `-` and `?` indicators
  /// (`- - - x` opens three), and a few for a key and its properties.
  static func nestingBound(_ text: String) -> Int {
    var flow = 0
    var block = 0
    for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      var levels = 4
      for byte in line {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"), UInt8(ascii: "?"): levels += 1
        default: break
        }
        if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "-")
          && byte != UInt8(ascii: "?")
        {
          break
        }
      }
      block = max(block, levels)
      flow += line.count { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") }
    }
    return flow + block
  }

  /// Whether `root`, its aliases expanded, has at most ``maximumValues`` values
  /// and ``maximumCharacters`` characters in its scalars (counted without
  /// recursion, stopping at the first excess).
  static func withinLimits(_ root: Node) -> Bool {
    var pending = [root]
    var values = 0
    var characters = 0
    while let node = pending.popLast() {
      values += 1
      guard values <= maximumValues else { return false }
      switch node {
      case .scalar(let scalar):
        characters += scalar.string.utf8.count
        guard characters <= maximumCharacters else { return false }
      case .sequence(let sequence):
        pending += sequence
      case .mapping(let mapping):
        for (key, value) in mapping { pending += [key, value] }
      case .alias:
        break
      }
    }
    return true
  }
}
