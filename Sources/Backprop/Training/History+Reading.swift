import Foundation

extension History {
  /// Reads a history that ``write(to:)`` wrote as JSON (`--history FILE.json`).
  ///
  /// ```swift
  /// let history = try History.read(path: "trial-1/history.json")
  /// history.epochs.last?.validationCost
  /// ```
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be read or is not such a history.
  public static func read(path: String) throws(FileFormatError) -> History {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FileFormatError(path: path, "cannot read the file")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    do {
      return try decoder.decode(History.self, from: data)
    } catch {
      throw FileFormatError(path: path, "not a training history written by --history FILE.json: \(error)")
    }
  }
}
