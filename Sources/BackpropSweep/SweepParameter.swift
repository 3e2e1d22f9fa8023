import Backprop
import Foundation

/// One hyperparameter a sweep varies, and the values it takes: `--vary NAME=SPEC`.
///
/// ```swift
/// let rate = try SweepParameter(parsing: "learning-rate=log:1e-4..1e-1:4")
/// try rate.gridValues()    // ["0.0001", "0.001", "0.01", "0.1"]
/// let sizes = try SweepParameter(parsing: "layers=64,32,10|64,128,10")
/// try sizes.gridValues()   // ["64,32,10", "64,128,10"]
/// ```
///
/// A spec is one of
/// - a list `a|b|c` (any text; `|` separates, so values may hold commas: `64,128,10`);
/// - `log:LO..HI[:K]`, log-uniform between LO and HI (both positive), K log-spaced points in a grid;
/// - `lin:LO..HI[:K]`, uniform between LO and HI, K evenly spaced points in a grid.
///
/// A range over an integer option (`integer`) takes whole values: `batch-size=log:16..256:5`
/// gives 16, 32, 64, 128, 256.
public struct SweepParameter: Sendable, Hashable, CustomStringConvertible {
  /// The values: listed, or a range.
  public enum Values: Sendable, Hashable {
    /// Exactly these, in order.
    case list([String])
    /// Between `low` and `high`; `points` evenly spaced ones (on the scale) in a grid.
    case range(low: Double, high: Double, scale: Scale, points: Int?)
  }

  /// How a range is spaced and sampled.
  public enum Scale: String, Sendable, Hashable {
    /// Evenly, and sampled uniformly.
    case linear = "lin"
    /// Evenly in log(value), and sampled log-uniformly: as many draws in [10⁻⁴, 10⁻³] as in [10⁻², 10⁻¹].
    case logarithmic = "log"
  }

  /// The option's long name, without dashes: `learning-rate`.
  public var name: String
  /// What it takes.
  public var values: Values
  /// Whether range values are rounded to whole numbers.
  public var integer: Bool
  /// The spec as written, for messages.
  public var spec: String

  /// Parses `NAME=SPEC`.
  /// - Parameters:
  ///   - text: `learning-rate=log:1e-4..1e-1`, `optimizer=sgd|adam`, `layers=64,32,10|64,128,10`.
  ///   - integer: whether the option takes whole numbers (ranges are then rounded).
  /// - Throws: `ConfigurationError` naming `--vary` and the spec: no `=`, an empty name or list,
  ///   a malformed number, LO ≥ HI, a non-positive bound of a log range, fewer than 1 point, a
  ///   value listed twice, a whole-number range beyond ±2⁵³.
  public init(parsing text: String, integer: Bool = false) throws(ConfigurationError) {
    spec = text
    self.integer = integer
    guard let equals = text.firstIndex(of: "=") else {
      throw Self.error(text, "write NAME=VALUES, e.g. learning-rate=log:1e-4..1e-1 or optimizer=sgd|adam")
    }
    name = text[..<equals].trimmingCharacters(in: .whitespaces)
    while name.hasPrefix("-") { name.removeFirst() }
    guard !name.isEmpty else { throw Self.error(text, "the option's name is missing before '='") }
    let body = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
    if let scale = [Scale.logarithmic, .linear].first(where: { body.hasPrefix($0.rawValue + ":") }) {
      values = try Self.range(String(body.dropFirst(4)), scale: scale, spec: text)
      // A whole-number option's values are written as Int: its range must fit one exactly.
      if integer, case .range(let low, let high, _, _) = values, max(abs(low), abs(high)) > Self.largestWholeNumber {
        throw Self.error(text, "a whole-number option's range must lie within ±\(Int(Self.largestWholeNumber))")
      }
      return
    }
    let items = body.split(separator: "|", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard !items.contains(where: \.isEmpty) else {
      throw Self.error(text, "empty value in the list; separate values with '|', e.g. sgd|adam")
    }
    // A value listed twice would run the same trial twice under two numbers.
    var seen = Set<String>()
    if let repeated = items.first(where: { !seen.insert($0).inserted }) {
      throw Self.error(text, "'\(repeated)' is listed more than once; list each value once")
    }
    values = .list(items)
  }

  /// `LO..HI[:K]`.
  private static func range(_ text: String, scale: Scale, spec: String) throws(ConfigurationError) -> Values {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    let bounds = parts[0].components(separatedBy: "..")
    guard parts.count <= 2, bounds.count == 2 else {
      throw error(spec, "write a range as \(scale.rawValue):LO..HI or \(scale.rawValue):LO..HI:K (K points in a grid)")
    }
    guard let low = Double(bounds[0].trimmingCharacters(in: .whitespaces)), low.isFinite,
      let high = Double(bounds[1].trimmingCharacters(in: .whitespaces)), high.isFinite
    else {
      throw error(spec, "'\(parts[0])' is not a range of two numbers LO..HI")
    }
    guard low < high else {
      throw error(spec, "the range's low end \(bounds[0]) must be below its high end \(bounds[1])")
    }
    if scale == .logarithmic && low <= 0 {
      throw error(spec, "a log range needs positive bounds; use lin: for a range that includes \(bounds[0])")
    }
    var points: Int?
    if parts.count == 2 {
      guard let k = Int(parts[1].trimmingCharacters(in: .whitespaces)), k >= 1 else {
        throw error(spec, "'\(parts[1])' is not a number of points (1 or more)")
      }
      points = k
    }
    return .range(low: low, high: high, scale: scale, points: points)
  }

  /// The largest bound of a whole-number range: 2⁵³, where Double still holds every whole number.
  static let largestWholeNumber: Double = 9_007_199_254_740_992

  private static func error(_ spec: String, _ problem: String) -> ConfigurationError {
    ConfigurationError(parameter: "SweepParameter", "'\(spec)': \(problem)")
  }

  /// How many values a grid search takes before any is made: a list's items, or a range's K
  /// (an integer range may round some of its K points to the same whole number).
  /// - Throws: `ConfigurationError` naming the spec when a range has no number of points.
  public func gridCount() throws(ConfigurationError) -> Int {
    switch values {
    case .list(let items): return items.count
    case .range(_, _, _, let points):
      guard let points else { throw missingPoints() }
      return points
    }
  }

  private func missingPoints() -> ConfigurationError {
    Self.error(
      spec, "a grid needs the number of points: \(spec):K (e.g. :4), or use --search random to sample the range")
  }

  /// The values a grid search tries, in order. An integer option's points rounded to the same
  /// whole number are tried once; other points are written with as many digits as it takes
  /// to keep them apart (4 significant digits when that is enough: `0.003162`).
  /// - Throws: `ConfigurationError` naming the spec when a range has no number of points, or
  ///   when its points are too close together to be told apart even at full precision.
  public func gridValues() throws(ConfigurationError) -> [String] {
    switch values {
    case .list(let items):
      return items
    case .range(let low, let high, let scale, let points):
      guard let points else { throw missingPoints() }
      let raw = (0..<points).map { k -> Double in
        let t = points == 1 ? 0.5 : Double(k) / Double(points - 1)
        return Self.interpolate(low, high, scale: scale, t)
      }
      if integer {
        var seen = Set<String>()
        return raw.map { format($0) }.filter { seen.insert($0).inserted }
      }
      for digits in 4...17 {
        let texts = raw.map { Self.decimal($0, significantDigits: digits) }
        if Set(texts).count == points { return texts }
      }
      throw Self.error(
        spec, "its \(points) points are too close together to be told apart as numbers; ask for fewer points")
    }
  }

  /// One value drawn at random: a list's items with equal chances, a range uniformly on its scale.
  public func sample<G: RandomGenerator>(using generator: inout G) -> String {
    switch values {
    case .list(let items):
      return items[min(Int(generator.nextUniform() * Double(items.count)), items.count - 1)]
    case .range(let low, let high, let scale, _):
      if integer {
        // Whole values: each integer in [LO, HI] as likely as its share of the (log) scale.
        let (lo, hi) = (low.rounded(.up), high.rounded(.down))
        guard lo <= hi else { return format(low) }
        let edge = Self.interpolate(lo - 0.5, hi + 0.5, scale: scale, generator.nextUniform())
        return format(min(max(edge.rounded(), lo), hi))
      }
      return format(Self.interpolate(low, high, scale: scale, generator.nextUniform()))
    }
  }

  /// The point a fraction t ∈ [0, 1] of the way from `low` to `high` on the scale.
  static func interpolate(_ low: Double, _ high: Double, scale: Scale, _ t: Double) -> Double {
    switch scale {
    case .linear: return low + (high - low) * t
    case .logarithmic: return Foundation.exp(Foundation.log(low) + (Foundation.log(high) - Foundation.log(low)) * t)
    }
  }

  /// A value as an option's argument: whole numbers for integer options, else the shortest
  /// decimal with 4 significant digits (`0.0001`, `0.003162`).
  func format(_ value: Double) -> String {
    if integer { return String(Int(value.rounded())) }
    return Self.decimal(value, significantDigits: 4)
  }

  /// `value` rounded to `significantDigits`, written as Swift writes the rounded Double (its
  /// shortest round-trip form) without a trailing `.0`: `0.1`, `0.10001`, `1e-05`.
  static func decimal(_ value: Double, significantDigits: Int) -> String {
    let text = String(format: "%.\(significantDigits)g", value)
    return Double(text).map { String($0) }.map { $0.hasSuffix(".0") ? String($0.dropLast(2)) : $0 } ?? text
  }

  public var description: String { spec }
}
