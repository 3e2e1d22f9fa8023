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
    try entries(inRunFile: path, knownOptions: knownOptions).flatMap(\.arguments)
  }

  /// The options a run file's bytes hold, as arguments; `path` names the file in errors.
  public static func arguments(runFile data: Data, path: String, knownOptions: Set<String>) throws(RunFileError)
    -> [String]
  {
    try entries(runFile: data, path: path, knownOptions: knownOptions).flatMap(\.arguments)
  }

  /// The options the YAML or JSON file at `path` holds, each with its key and line.
  public static func entries(inRunFile path: String, knownOptions: Set<String>) throws(RunFileError) -> [Entry] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunFileError(option: "--config", path: path, "cannot read the file")
    }
    return try entries(runFile: data, path: path, knownOptions: knownOptions)
  }

  /// The options a run file's bytes hold, in the order of their names, each with the
  /// key and line it came from (so that a value the command rejects can be traced
  /// back to the file); `path` names the file in errors.
  public static func entries(runFile data: Data, path: String, knownOptions: Set<String>) throws(RunFileError)
    -> [Entry]
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
    if let node, let problem = problem(building: node) { throw failure(problem) }
    guard let mapping = node?.any as? [String: Any] else {
      throw failure("the file must be a mapping of option names to values (e.g. 'epochs: 10')")
    }
    var lines = [String: Int]()
    if let pairs = node?.mapping {
      for (key, _) in pairs {
        if let name = key.string, let line = key.mark?.line { lines[name] = lines[name] ?? line }
      }
    }
    var entries = [Entry]()
    for key in mapping.keys.sorted() {
      let name = key.replacingOccurrences(of: "_", with: "-").lowercased()
      guard knownOptions.contains(name), !excludedOptions.contains(name) else {
        let near = knownOptions.filter { $0.hasPrefix(String(name.prefix(3))) }.sorted().prefix(4)
        throw failure(
          "unknown option '\(key)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)"))
      }
      let value = mapping[key]!
      var arguments = [String]()
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
      entries.append(Entry(key: key, option: name, line: lines[key], arguments: arguments))
    }
    return entries
  }

  /// One option of a run file: its key as written, the option it names, the key's line and the arguments it
  /// stands for (none for a flag set to false).
  public struct Entry: Equatable, Sendable {
    /// The key as the file writes it (`batch_size`).
    public let key: String
    /// The option's long name, without the dashes (`batch-size`).
    public let option: String
    /// The key's line in the file, from 1, where YAML gives it.
    public let line: Int?
    /// `--batch-size 32`, `--standardize`, or none.
    public let arguments: [String]

    public init(key: String, option: String, line: Int?, arguments: [String]) {
      self.key = key
      self.option = option
      self.line = line
      self.arguments = arguments
    }
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

  /// What would stop Yams building `root`'s values, or nil: too many values or
  /// characters, or too deep, once aliases are expanded (building recurses once per
  /// level); a list or a mapping as a key (Yams traps on it); an integer
  /// written in base 60 (`1:30:00`) that overflows (Yams traps on it). Checked
  /// without recursion, stopping at the first problem.
  static func problem(building root: Node) -> String? {
    var pending = [(root, 1)]
    var values = 0
    var characters = 0
    while let (node, depth) = pending.popLast() {
      values += 1
      guard values <= maximumValues else {
        return "more than \(maximumValues) values once aliases are expanded"
      }
      guard depth <= maximumDepth else { return "lists and mappings nested more than \(maximumDepth) deep" }
      switch node {
      case .scalar(let scalar):
        characters += scalar.string.utf8.count
        guard characters <= maximumCharacters else {
          return "more than \(maximumCharacters) characters once aliases are expanded"
        }
        if node.tag.rawValue == Tag.Name.int.rawValue, scalar.style == .any || scalar.style == .plain,
          sexagesimalOverflows(scalar.string)
        {
          return "the integer '\(scalar.string.prefix(40))' is too large"
        }
      case .sequence(let sequence):
        pending += sequence.map { ($0, depth + 1) }
      case .mapping(let mapping):
        for (key, value) in mapping {
          guard case .scalar = key else { return "a key must be a plain value, not a list or a mapping" }
          pending += [(key, depth + 1), (value, depth + 1)]
        }
      case .alias:
        break
      }
    }
    return nil
  }

  /// Whether Yams, reading `text` as an integer, would overflow: base-60 integers
  /// (`[-+]digits:digits…`, not starting with 0) are summed digit × 60ⁿ with
  /// trapping arithmetic, its base multiplied by 60 after each digit, the last
  /// one included (so eleven digits overflow whatever their values).
  static func sexagesimalOverflows(_ text: String) -> Bool {
    var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
    let negative = digits.hasPrefix("-")
    if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
    guard !digits.hasPrefix("0"), digits.contains(":") else { return false }  // octal, hex, binary, decimal
    let parts = digits.split(separator: ":", omittingEmptySubsequences: false).map { Int($0, radix: 10) }
    guard parts.allSatisfy({ $0 != nil }) else { return false }  // not an integer: Yams keeps the text
    var base = 1
    var value = 0
    for digit in parts.reversed() {
      let (product, productOverflows) = digit!.multipliedReportingOverflow(by: base)
      let (sum, sumOverflows) = value.addingReportingOverflow(product)
      let (next, baseOverflows) = base.multipliedReportingOverflow(by: 60)
      if productOverflows || sumOverflows || baseOverflows { return true }
      value = sum
      base = next
    }
    return negative && value == .min
  }
}
