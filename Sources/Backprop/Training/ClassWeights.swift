#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Weights per class, turned into per-example weights w⁽ⁱ⁾ of the cost
/// J = (1/m) Σ w⁽ⁱ⁾ L(a⁽ⁱ⁾, y⁽ⁱ⁾), so that a rare class counts as much as a common one.
///
/// - `balanced`: w_c = m / (K · m_c), scikit-learn's `class_weight="balanced"`
///   (m examples, K classes present, m_c of class c).
/// - `explicit`: the given weight per class index; classes not named weigh 1.
public enum ClassWeights: Sendable, Hashable, CustomStringConvertible {
  case balanced
  case explicit([Int: Double])

  /// Parses `balanced`, or `k=w` pairs separated by commas (`0=1,1=5`).
  /// - Throws: ``ConfigurationError`` naming `classWeights`.
  public init(parsing text: String) throws(ConfigurationError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.lowercased() == "balanced" {
      self = .balanced
      return
    }
    var weights = [Int: Double]()
    for pair in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
      let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
      guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)), k >= 0,
        let w = Double(parts[1].trimmingCharacters(in: .whitespaces))
      else {
        throw ConfigurationError(
          parameter: "classWeights",
          "'\(pair)' in '\(text)' is not 'class=weight'; give balanced, or e.g. 0=1,1=5 (class indices, weights ≥ 0)")
      }
      guard w >= 0, w.isFinite else {
        throw ConfigurationError(
          parameter: "classWeights", "class \(k)'s weight \(parts[1]) in '\(text)' must be a finite number, 0 or more")
      }
      guard weights[k] == nil else {
        throw ConfigurationError(parameter: "classWeights", "class \(k) is given twice in '\(text)'")
      }
      weights[k] = w
    }
    self = .explicit(weights)
  }

  public var description: String {
    switch self {
    case .balanced: return "balanced"
    case .explicit(let weights):
      return weights.keys.sorted().map { "\($0)=\(weights[$0]!)" }.joined(separator: ",")
    }
  }

  /// Checks that every class given a weight exists: the classes are 0…K−1 for
  /// `classCount` K (2 for a single sigmoid unit).
  /// - Throws: ``ConfigurationError`` naming `classWeights`, the class and the classes there are.
  public func check(classCount: Int) throws(ConfigurationError) {
    guard case .explicit(let weights) = self else { return }
    guard let missing = weights.keys.sorted().first(where: { $0 >= classCount }) else { return }
    let classes =
      classCount <= 10
      ? (0..<classCount).map(String.init).joined(separator: ", ") : "0 to \(classCount - 1)"
    throw ConfigurationError(
      parameter: "classWeights",
      "class \(missing) does not exist: there \(classCount == 1 ? "is 1 class" : "are \(classCount) classes"), \(classes)"
    )
  }

  /// The class index of each example: a (1, m) row of labels (softmax class
  /// indices or a single sigmoid unit's 0/1).
  /// - Throws: ``DataError`` for labels that are not class indices.
  static func classes<Scalar: MatrixScalar>(of y: Matrix<Scalar>) throws(DataError) -> [Int] {
    guard y.rows == 1 else {
      throw DataError("class weights need one class label per example; the labels have \(y.rows) rows")
    }
    var classes = [Int]()
    classes.reserveCapacity(y.columns)
    for j in 0..<y.columns {
      let v = y[0, j]
      guard v >= 0, v.rounded() == v, v < Scalar(1 << 31) else {
        throw DataError("class weights need class indices; example \(j) has label \(v)")
      }
      classes.append(Int(v))
    }
    return classes
  }

  /// The weight of each class present in `y`.
  public func classWeights<Scalar: MatrixScalar>(for y: Matrix<Scalar>) throws(DataError) -> [Int: Double] {
    let classes = try Self.classes(of: y)
    var counts = [Int: Int]()
    for c in classes { counts[c, default: 0] += 1 }
    switch self {
    case .balanced:
      let m = Double(classes.count)
      let k = Double(counts.count)
      return counts.mapValues { m / (k * Double($0)) }
    case .explicit(let given):
      return counts.keys.reduce(into: [Int: Double]()) { $0[$1] = given[$1] ?? 1 }
    }
  }

  /// Per-example weights (1, m) for labels `y`.
  /// - Throws: ``DataError`` for labels that are not class indices.
  public func exampleWeights<Scalar: MatrixScalar>(for y: Matrix<Scalar>) throws(DataError) -> Matrix<Scalar> {
    let classes = try Self.classes(of: y)
    let perClass = try classWeights(for: y)
    var weights = Matrix<Scalar>(rows: 1, columns: classes.count)
    for (j, c) in classes.enumerated() { weights[0, j] = Scalar(perClass[c] ?? 1) }
    return weights
  }
}
