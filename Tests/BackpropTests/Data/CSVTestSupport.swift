import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// All CSV tests are nested in this suite, so `swift test --filter CSV` runs them all.
@Suite("CSV") enum CSVTests {}

/// The fixtures written by `Tests/Fixtures/csv/make_fixtures.py`, and what they must read as.
enum CSVFixtures {
  static func path(_ name: String) -> String { Fixtures.path("csv/" + name) }

  /// Reader parameters as the script writes them.
  struct Options: Codable, Sendable {
    /// "last", "name:NAME" or "index:N".
    var target: String
    var delimiter: String?
    var has_header: Bool?
    var class_names: [String]?

    var targetColumn: TargetColumn {
      if target == "last" { return .last }
      if target.hasPrefix("index:"), let index = Int(target.dropFirst(6)) { return .index(index) }
      return .name(String(target.dropFirst(5)))
    }

    var delimiterCharacter: Character? { delimiter.flatMap(\.first) }

    /// Reads `file` with these options and the given chunk size.
    func read(_ file: String, chunkSize: Int = 1 << 20) throws -> CSVDataset {
      try CSVReader.read(
        path: CSVFixtures.path(file), target: targetColumn, delimiter: delimiterCharacter, hasHeader: has_header,
        classNames: class_names, chunkSize: chunkSize)
    }
  }

  struct GoodCase: Codable, Sendable, CustomTestStringConvertible {
    var file: String
    var options: Options
    var delimiter: String
    var has_header: Bool
    var feature_names: [String]
    var target_name: String
    var target_index: Int
    var class_names: [String]?
    /// One row of feature values per example.
    var features: [[Double]]
    var targets: [Double]
    var testDescription: String { "\(file) (target \(options.target))" }
  }

  struct BadCase: Codable, Sendable, CustomTestStringConvertible {
    var file: String
    /// "file" (a FileFormatError) or "configuration" (a ConfigurationError).
    var kind: String
    var options: Options
    var line: Int?
    var column: Int?
    var column_name: String?
    var message: String
    var testDescription: String { "\(file) (target \(options.target))" }
  }

  struct Expected: Codable, Sendable {
    var good: [GoodCase]
    var bad: [BadCase]
  }

  /// expected.json, or nothing when it cannot be read (the count test then fails).
  static let expected: Expected = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("expected.json"))),
      let decoded = try? JSONDecoder().decode(Expected.self, from: data)
    else { return Expected(good: [], bad: []) }
    return decoded
  }()
}

/// Writes `text` to a fresh temporary file, returning its folder (remove it) and path.
func temporaryCSV(_ text: String, name: String = "data.csv") throws -> (TemporaryFolder, String) {
  let folder = try TemporaryFolder()
  let path = folder.path(name)
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return (folder, path)
}
