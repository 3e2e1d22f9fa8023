/// Which column of a CSV file holds the targets (labels); the others are features.
///
/// Indices are 0-based, as in Python and pandas' `iloc`; a negative index
/// counts from the end (-1 is the last column). Names are matched exactly
/// against the header (a file without a header names its columns
/// "column 1", "column 2", … — 1-based, as error messages count columns).
///
/// ```swift
/// try TargetColumn(parsing: "species")   // .name("species")
/// try TargetColumn(parsing: "0")         // .index(0), the first column
/// try TargetColumn(parsing: "-1")        // .index(-1), the last column
/// ```
public enum TargetColumn: Sendable, Hashable, CustomStringConvertible {
  /// The last column.
  case last
  /// The column at this 0-based index; negative counts from the end.
  case index(Int)
  /// The column with this name in the header.
  case name(String)
  /// No label column: every column is an input (for `predict` on unlabelled data).
  case none

  /// The option's value as the command line takes it (`--target NAME|INDEX`):
  /// an integer (optionally signed) is a 0-based index, anything else a name.
  ///
  /// - Throws: ``ConfigurationError`` for `target` when `text` is empty.
  public init(parsing text: String) throws(ConfigurationError) {
    guard !text.isEmpty else {
      throw ConfigurationError(
        parameter: "target", "expected a column name or a 0-based column index (negative counts from the end)")
    }
    if let index = Int(text) {
      self = .index(index)
    } else {
      self = .name(text)
    }
  }

  /// E.g. "the last column", "column index 2", "column \"species\"".
  public var description: String {
    switch self {
    case .last: return "the last column"
    case .index(let index): return "column index \(index)"
    case .name(let name): return "column \"\(name)\""
    case .none: return "no column"
    }
  }

  /// The 0-based index of this column among `columnNames`.
  ///
  /// - Parameter columnNames: every column of the file in order (the header's names, or
  ///   "column 1", "column 2", … without one); ``TargetColumn/none`` resolves to
  ///   `columnNames.count`, past the last.
  /// - Parameter file: the file's path, for the message.
  /// - Throws: ``ConfigurationError`` for `target` when the index is out of
  ///   range or no column (or more than one) has the name; the message lists
  ///   the columns.
  public func resolve(in columnNames: [String], file: String) throws(ConfigurationError) -> Int {
    let count = columnNames.count
    switch self {
    case .none:
      return count  // past the last column: no cell is a target
    case .last:
      guard count > 0 else { throw ConfigurationError(parameter: "target", "\(file) has no columns") }
      return count - 1
    case .index(let index):
      let resolved = index < 0 ? count + index : index
      guard resolved >= 0 && resolved < count else {
        throw ConfigurationError(
          parameter: "target",
          "column index \(index) is out of range: \(file) has \(count) columns, indices 0…\(count - 1) "
            + "(or -\(count)…-1 from the end): \(Self.list(columnNames))")
      }
      return resolved
    case .name(let name):
      let matches = columnNames.indices.filter { columnNames[$0] == name }
      if matches.count == 1 { return matches[0] }
      if matches.count > 1 {
        throw ConfigurationError(
          parameter: "target",
          "\(matches.count) columns of \(file) are named \"\(name)\" (indices "
            + "\(matches.map(String.init).joined(separator: ", "))); give the 0-based index instead")
      }
      let similar = columnNames.filter { $0.lowercased() == name.lowercased() }
      let hint = similar.isEmpty ? "" : " (did you mean \"\(similar[0])\"?)"
      throw ConfigurationError(
        parameter: "target",
        "no column named \"\(name)\" in \(file)\(hint); the columns are: \(Self.list(columnNames))")
    }
  }

  /// The names quoted and joined, the middle elided past 30 of them.
  static func list(_ names: [String]) -> String {
    let quoted = names.map { "\"\($0)\"" }
    guard quoted.count > 30 else { return quoted.joined(separator: ", ") }
    return (quoted.prefix(20) + ["… \(quoted.count - 25) more …"] + quoted.suffix(5)).joined(separator: ", ")
  }
}
