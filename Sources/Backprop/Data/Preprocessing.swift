import RealModule

/// How raw inputs become the network's A[0], fitted on the training data only
/// and stored with the model, so `predict` and `evaluate` apply exactly the same
/// transformation.
///
/// For feature i of example j:
///
///     x' = (x / divisor − offsetᵢ) / scaleᵢ
///
/// | method | offsetᵢ | scaleᵢ |
/// |---|---|---|
/// | none | 0 | 1 |
/// | `standardize` (z-score) | mean of feature i | its standard deviation (population, as scikit-learn) |
/// | `minMax` | min of feature i | max − min |
///
/// A constant feature (scale 0) keeps scale 1, so it maps to 0 rather than NaN.
/// `divisor` is `--scale K` (255 for 8-bit pixels), applied first.
public struct Preprocessing: Sendable, Hashable, Codable {
  /// The fitted method.
  public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case standardize
    case minMax = "min-max"
  }

  /// The fitted method.
  public var method: Method
  /// Every input is divided by this first (1 when no `--scale`).
  public var divisor: Double
  /// offsetᵢ per feature (empty for `none`).
  public var offsets: [Double]
  /// scaleᵢ per feature (empty for `none`).
  public var scales: [Double]

  /// No change at all: x' = x.
  public static let identity = Preprocessing(method: .none, divisor: 1, offsets: [], scales: [], unchecked: ())

  /// A preprocessing from its fitted numbers.
  /// - Throws: ``ConfigurationError`` when the divisor is 0 or not finite, or the lists differ in length.
  public init(method: Method, divisor: Double = 1, offsets: [Double], scales: [Double]) throws(ConfigurationError) {
    guard divisor != 0, divisor.isFinite else {
      throw ConfigurationError(parameter: "divisor", "\(divisor): the divisor must be a finite non-zero number")
    }
    guard offsets.count == scales.count, (method == .none) == offsets.isEmpty,
      (offsets + scales).allSatisfy(\.isFinite), scales.allSatisfy({ $0 != 0 })
    else {
      throw ConfigurationError(
        parameter: "preprocessing", "offsets and scales must be finite, non-zero scales, one per feature")
    }
    self.method = method
    self.divisor = divisor
    self.offsets = offsets
    self.scales = scales
  }

  private init(method: Method, divisor: Double, offsets: [Double], scales: [Double], unchecked: Void) {
    self.method = method
    self.divisor = divisor
    self.offsets = offsets
    self.scales = scales
  }

  private enum CodingKeys: String, CodingKey { case method, divisor, offsets, scales }

  /// Decodes and validates (a model file's numbers are checked like any input).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    try self.init(
      method: container.decode(Method.self, forKey: .method), divisor: container.decode(Double.self, forKey: .divisor),
      offsets: container.decode([Double].self, forKey: .offsets),
      scales: container.decode([Double].self, forKey: .scales))
  }

  /// Fits `method` on training inputs X (features, m), after dividing by `divisor`.
  ///
  /// The sums run over the examples in order, one pass through X's memory (two for `standardize`),
  /// in Double whatever X's precision (a Float X gives the same numbers as the same X in Double).
  /// - Throws: ``ConfigurationError`` for a zero divisor; ``DataError`` when X has no examples.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func fit<Scalar: MatrixScalar>(
    _ method: Method, to x: Matrix<Scalar>, divisor: Double = 1
  ) throws -> Preprocessing {
    try fit(method, features: x.rows, examples: x.columns, divisor: divisor) { body in
      x.withUnsafeBufferPointer { body($0) }
    }
  }

  /// Fits `method` on inputs that `passes` hands over in pieces: each call of `passes` calls its
  /// argument with every example once, in order, as column-major buffers of whole examples
  /// (`features` values each). The numbers are the same as one matrix's whatever the pieces.
  /// - Throws: ``DataError`` naming the feature when a value is not finite, and what ``fit(_:to:divisor:)`` throws.
  static func fit<Scalar: MatrixScalar>(
    _ method: Method, features n: Int, examples m: Int, divisor: Double,
    passes: ((UnsafeBufferPointer<Scalar>) -> Void) throws -> Void
  ) throws -> Preprocessing {
    guard divisor != 0, divisor.isFinite else {
      throw ConfigurationError(parameter: "divisor", "\(divisor): the divisor must be a finite non-zero number")
    }
    if method == .none { return Preprocessing(method: .none, divisor: divisor, offsets: [], scales: [], unchecked: ()) }
    guard m > 0 else { throw DataError("cannot fit \(method.rawValue) on a training set with no examples") }
    var offsets = [Double](repeating: 0, count: n)
    var scales = [Double](repeating: 1, count: n)
    var low = [Double](repeating: .infinity, count: n)
    var high = [Double](repeating: -.infinity, count: n)
    var sums = [Double](repeating: 0, count: n)
    try passes { p in
      for j in 0..<(p.count / max(n, 1)) {
        for i in 0..<n {
          let v = Double(p[i + j * n]) / divisor
          low[i] = Swift.min(low[i], v)
          high[i] = Swift.max(high[i], v)
          sums[i] += v
        }
      }
    }
    if let bad = sums.firstIndex(where: { !$0.isFinite }) {
      throw DataError("feature \(bad) holds a value that is NaN or infinite (or sums past the largest number)")
    }
    switch method {
    case .none:
      break
    case .standardize:
      let means = sums.map { $0 / Double(m) }
      var squares = [Double](repeating: 0, count: n)
      try passes { p in
        for j in 0..<(p.count / max(n, 1)) {
          for i in 0..<n {
            let d = Double(p[i + j * n]) / divisor - means[i]
            squares[i] += d * d
          }
        }
      }
      for i in 0..<n {
        offsets[i] = means[i]
        let sd = (squares[i] / Double(m)).squareRoot()
        // A constant feature (min = max) keeps scale 1: its sd is 0 but for the rounding of the mean.
        scales[i] = sd > 0 && high[i] > low[i] ? sd : 1
      }
    case .minMax:
      for i in 0..<n {
        offsets[i] = low[i]
        scales[i] = high[i] > low[i] ? high[i] - low[i] : 1
      }
    }
    return Preprocessing(method: method, divisor: divisor, offsets: offsets, scales: scales, unchecked: ())
  }

  /// x' = (x / divisor − offset) / scale, feature by feature.
  /// - Throws: ``ShapeError`` when X's feature count differs from the fitted one.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func apply<Scalar: MatrixScalar>(_ x: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
    if method != .none, x.rows != offsets.count {
      throw ShapeError(
        "the inputs have \(x.rows) features but the preprocessing was fitted on \(offsets.count)")
    }
    if isIdentity { return x }
    var out = x
    out.withUnsafeMutableBufferPointer { apply(inPlace: $0, rows: x.rows) }
    return out
  }

  /// True when x' = x (no method, divisor 1): nothing to apply.
  var isIdentity: Bool { method == .none && divisor == 1 }

  /// x' = (x / divisor − offset) / scale on whole examples of `rows` features, column-major, in
  /// place: the arithmetic of ``apply(_:)`` (in Double, rounded once to `Scalar`), also used on
  /// a memory-mapped file's batches so that they equal the same examples loaded and prepared.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func apply<Scalar: MatrixScalar>(inPlace p: UnsafeMutableBufferPointer<Scalar>, rows: Int) {
    guard !isIdentity, rows > 0, let base = p.baseAddress else { return }
    let divisor = divisor
    if offsets.isEmpty {
      for k in 0..<p.count { base[k] = Scalar(Double(base[k]) / divisor) }
      return
    }
    offsets.withUnsafeBufferPointer { offsets in
      scales.withUnsafeBufferPointer { scales in
        var column = base
        for _ in 0..<(p.count / rows) {
          for i in 0..<rows { column[i] = Scalar((Double(column[i]) / divisor - offsets[i]) / scales[i]) }
          column += rows
        }
      }
    }
  }
}
