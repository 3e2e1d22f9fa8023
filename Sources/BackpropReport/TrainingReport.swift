import Backprop
import Foundation

/// Everything a run's report shows, kept as `run.json` so the report can be
/// rebuilt: the history, the hyperparameters, the layer table, the final
/// scores on each set, the decision boundary for two inputs, and the
/// reproducibility stamp.
///
/// ```swift
/// let report = TrainingReport(
///   title: "digits.csv", model: model, history: history, progressUnit: .epoch, batchSize: 32,
///   evaluations: [SetEvaluation(name: "test", try model.evaluate(testX, labels: testY))],
///   stamp: try .current(seed: 1, dataFiles: [("--data", "digits.csv")], command: nil))
/// try report.write(to: "runs/digits")      // index.html, cost.svg, …, run.json
/// let again = try TrainingReport.read(directory: "runs/digits")
/// ```
///
/// The page (`html()`) is one self-contained `index.html`: inline CSS and
/// SVG, no script, nothing fetched. Each chart (`charts()`) is also written
/// as an `.svg` file of its own.
public struct TrainingReport: Sendable, Hashable, Codable {
  /// What a point of the training curves is.
  public enum ProgressUnit: String, Sendable, Hashable, Codable {
    /// A pass over the training set in mini-batches (`EpochRecord/epoch`, from 1).
    case epoch
    /// A step of full-batch gradient descent, numbered from 0 as the course prints them.
    case iteration
  }

  /// The `format` value of a report's JSON.
  public static let formatName = "backprop-report"
  /// The newest `format_version` this code writes and reads.
  public static let currentFormatVersion = 1

  /// `formatName`.
  public var format = Self.formatName
  /// `currentFormatVersion` when written.
  public var formatVersion = Self.currentFormatVersion
  /// The page's heading, e.g. the data file and the layer sizes.
  public var title: String
  /// Every epoch's costs and metrics; nil for a saved model evaluated on a set.
  public var history: History?
  /// Epochs or full-batch iterations.
  public var progressUnit: ProgressUnit
  /// The settings that produced the model (as its file stores them).
  public var hyperparameters: [String: String]
  /// The layer table.
  public var network: NetworkSummary
  /// The final scores, in order: training, validation, test (those there are).
  public var evaluations: [SetEvaluation]
  /// The predictions over the input plane, for classifiers of two inputs.
  public var decisionBoundary: DecisionBoundary?
  /// Seed, data hashes, version, backend, threads, date.
  public var stamp: ReproducibilityStamp
  /// The training's wall time, seconds (nil without training).
  public var trainingSeconds: Double?

  /// A report on `model`.
  /// - Parameters:
  ///   - title: the page's heading.
  ///   - model: the trained model (its network for the layer table, its hyperparameters).
  ///   - history: `Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)`'s, or nil.
  ///   - progressUnit: epochs, or the course's iterations.
  ///   - batchSize: m for the shapes of Z[l] and A[l] in the layer table.
  ///   - evaluations: the scores per set, training first.
  ///   - decisionBoundary: for two inputs, or nil.
  ///   - stamp: the reproducibility stamp.
  ///   - trainingSeconds: how long training took.
  public init<Scalar: MatrixScalar>(
    title: String, model: Model<Scalar>, history: History?, progressUnit: ProgressUnit, batchSize: Int,
    evaluations: [SetEvaluation], decisionBoundary: DecisionBoundary? = nil, stamp: ReproducibilityStamp,
    trainingSeconds: Double? = nil
  ) {
    self.title = title
    self.history = history
    self.progressUnit = progressUnit
    hyperparameters = model.hyperparameters
    network = NetworkSummary(model: model, batchSize: batchSize)
    self.evaluations = evaluations
    self.decisionBoundary = decisionBoundary
    self.stamp = stamp
    self.trainingSeconds = trainingSeconds
  }

  /// The set the confusion matrix and the headline numbers come from: test, else validation, else training.
  public var headline: SetEvaluation? {
    for name in ["test", "validation", "training"] {
      if let evaluation = evaluations.first(where: { $0.name == name }) { return evaluation }
    }
    return evaluations.last
  }

  /// The report as JSON (`run.json`): snake-case keys, sorted, indented; non-finite
  /// numbers as the strings "NaN", "Infinity", "-Infinity".
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// Reads a report from `json()`'s text.
  /// - Parameters:
  ///   - data: the JSON.
  ///   - path: the file's path, for errors.
  /// - Throws: `FileFormatError` naming `path` and, for JSON that is valid but not a
  ///   report, the key where it goes wrong.
  public static func decode(_ data: Data, path: String) throws(FileFormatError) -> TrainingReport {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    // The format first, so a JSON file of another kind gets a plain answer.
    struct Header: Decodable {
      var format: String?
      var formatVersion: Int?
    }
    let header: Header
    do {
      header = try decoder.decode(Header.self, from: data)
    } catch {
      throw FileFormatError(
        path: path, "is not valid JSON (\(Self.describe(error))); rebuild it with `backprop train --report`")
    }
    guard header.format == formatName else {
      throw FileFormatError(
        path: path,
        "is not a Backprop report: \"format\" is \(header.format.map { "\"\($0)\"" } ?? "missing"), not \"\(formatName)\""
      )
    }
    guard let version = header.formatVersion, version <= currentFormatVersion else {
      throw FileFormatError(
        path: path,
        "format_version \(header.formatVersion.map(String.init) ?? "missing"): this Backprop (\(backpropVersion)) reads "
          + "reports up to version \(currentFormatVersion)")
    }
    do {
      return try decoder.decode(TrainingReport.self, from: data)
    } catch {
      throw FileFormatError(path: path, "is not a valid Backprop report: \(Self.describe(error))")
    }
  }

  /// A decoding error in words: where (`evaluations[0].loss`) and what.
  static func describe(_ error: any Error) -> String {
    // Keys as the file spells them (snake case).
    func snake(_ key: String) -> String {
      key.reduce(into: "") { text, character in
        text += character.isUppercase ? "_" + character.lowercased() : String(character)
      }
    }
    func place(_ path: [any CodingKey]) -> String {
      var text = ""
      for key in path {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += (text.isEmpty ? "" : ".") + snake(key.stringValue)
        }
      }
      return text.isEmpty ? "at the top level" : "at \(text)"
    }
    guard let error = error as? DecodingError else { return "\(error)" }
    switch error {
    case .dataCorrupted(let context):
      let underlying = context.underlyingError.map { " \($0)" } ?? ""
      return context.codingPath.isEmpty
        ? context.debugDescription + underlying : "\(place(context.codingPath)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "\(place(context.codingPath)): the key \"\(snake(key.stringValue))\" is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(place(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}
