import Backprop
import Foundation

/// `train --scores FILE.json`: the final scores of a run, by name, the file a sweep
/// reads its trials' results from (`{"test_accuracy": 0.97, "train_accuracy": 0.99}`).
///
/// Names are the set (`train`, `validation`, `test`) and the score: `accuracy` for a
/// classification output, `mse` (mean squared error) for an identity output.
enum ScoresFile {
  /// Writes `scores` as one JSON object, keys sorted, atomically.
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be written.
  static func write(_ scores: [String: Double], to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: scores, options: [.sortedKeys, .prettyPrinted])
    try AtomicFile.write(data + Data("\n".utf8), to: path)
  }

  /// The scores a `--scores` file holds.
  /// - Throws: ``FileFormatError`` naming `path` when it is missing or not a JSON object of numbers.
  static func read(path: String) throws -> [String: Double] {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw FileFormatError(path: path, "cannot be read (\(error.localizedDescription))")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw FileFormatError(path: path, "is not a JSON object")
    }
    var scores = [String: Double]()
    for (name, value) in object {
      guard let number = value as? NSNumber, !(value is Bool) else {
        throw FileFormatError(path: path, "the score '\(name)' is not a number")
      }
      scores[name] = number.doubleValue
    }
    return scores
  }
}
