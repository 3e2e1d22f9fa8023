/// The examples of one prediction request, as the model takes them: example j's
/// raw features (before the model's preprocessing) at `values[(j·n)..<((j+1)·n)]`,
/// n = ``featureCount`` — the column-major layout of X (n[0], m).
public struct Instances: Sendable, Hashable {
  /// m, the number of examples.
  public var count: Int
  /// n[0], the features per example.
  public var featureCount: Int
  /// The features, example after example (X's columns).
  public var values: [Double]

  /// Examples from their features laid out example after example.
  /// - Parameters:
  ///   - count: m, the number of examples.
  ///   - featureCount: n[0], the features per example.
  ///   - values: m · n[0] values, example j's at `(j·n)..<((j+1)·n)`.
  public init(count: Int, featureCount: Int, values: [Double]) {
    precondition(
      values.count == count * featureCount, "instances: \(values.count) values for \(count) × \(featureCount)")
    self.count = count
    self.featureCount = featureCount
    self.values = values
  }

  /// Examples from one array of features each (every row n[0] long).
  /// - Parameter rows: One array of features per example.
  public init(rows: [[Double]]) {
    let n = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == n }, "instances: rows of different lengths")
    self.init(count: rows.count, featureCount: n, values: rows.flatMap { $0 })
  }
}

/// What the parser must know of the model: n[0] and the features' names.
public struct InstanceSchema: Sendable, Hashable {
  /// n[0], the features the model takes.
  public var featureCount: Int
  /// The features' names in the model's order, when the model knows them (from a CSV header).
  public var featureNames: [String]?

  /// The schema of a model taking `featureCount` features, named or not.
  /// - Parameters:
  ///   - featureCount: n[0].
  ///   - featureNames: The names, in the model's order (ignored unless there are `featureCount` of them).
  public init(featureCount: Int, featureNames: [String]? = nil) {
    self.featureCount = featureCount
    self.featureNames = featureNames?.count == featureCount ? featureNames : nil
  }

  /// "4 features (sepal_length, sepal_width, petal_length, petal_width)", or "4 features".
  var described: String {
    let count = "\(featureCount) feature\(featureCount == 1 ? "" : "s")"
    guard let names = featureNames else { return count }
    let shown = names.count > 12 ? names.prefix(12).joined(separator: ", ") + ", …" : names.joined(separator: ", ")
    return "\(count) (\(shown))"
  }

  /// "feature 2 (petal_length)", or "feature 2".
  func feature(_ i: Int) -> String {
    featureNames.map { "feature \(i) (\($0[i]))" } ?? "feature \(i)"
  }
}
