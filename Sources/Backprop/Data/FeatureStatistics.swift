/// Each feature's count, mean, population standard deviation, minimum and maximum, updated one
/// example at a time (Welford's algorithm, in `Double`), so that data larger than memory is
/// summarised in the pass that reads it.
///
/// For example k = 1, 2, … and feature i, on the values shifted by the first example's
/// (u = x − x₁ᵢ, which keeps the running mean's rounding to the spread of the values rather
/// than their size, so 10⁹ + 1, 10⁹ + 2, … are summarised as well as 1, 2, …), with δ = u − ūᵢ:
///
///     ūᵢ   ← ūᵢ + δ / k
///     M2ᵢ  ← M2ᵢ + δ · (u − ūᵢ)          (the new ū)
///     meanᵢ = x₁ᵢ + ūᵢ,   σᵢ = √(M2ᵢ / k)  (population, as scikit-learn and Preprocessing.fit)
///
/// ```swift
/// var statistics = FeatureStatistics(features: 2)
/// try statistics.add([1, 10])
/// try statistics.add([3, 10])
/// statistics.mean                // [2, 10]
/// statistics.standardDeviation   // [1, 0]
/// ```
public struct FeatureStatistics: Sendable, Hashable {
  /// A value that is NaN or infinite, which no statistic can take in.
  public struct NonFiniteValue: Error, Sendable, Hashable {
    /// The feature's 0-based index.
    public var feature: Int
    /// The value.
    public var value: Double
  }

  /// The number of examples added, m.
  public private(set) var count = 0
  /// The smallest value of each feature (+∞ before the first example).
  public private(set) var minimum: [Double]
  /// The largest value of each feature (−∞ before the first example).
  public private(set) var maximum: [Double]
  /// x₁: the first example, which every value is shifted by.
  private var shift: [Double]
  /// ū: the mean of the shifted values.
  private var shiftedMean: [Double]
  /// M2: the sum of squared deviations from the mean, per feature.
  private var squaredDeviations: [Double]

  /// Statistics of `features` features, before any example.
  public init(features: Int) {
    shift = [Double](repeating: 0, count: features)
    shiftedMean = shift
    squaredDeviations = shift
    minimum = [Double](repeating: .infinity, count: features)
    maximum = [Double](repeating: -.infinity, count: features)
  }

  /// The number of features, n.
  public var features: Int { shift.count }

  /// The mean of each feature (0 before the first example).
  public var mean: [Double] { zip(shift, shiftedMean).map { $0 + $1 } }

  /// The population standard deviation of each feature, √(M2 / m) (0 before the first example).
  public var standardDeviation: [Double] {
    let m = Double(Swift.max(count, 1))
    return squaredDeviations.map { ($0 / m).squareRoot() }
  }

  /// Adds one example: its value of every feature, in order.
  ///
  /// - Throws: ``NonFiniteValue`` for the first NaN or infinite value; the statistics are then
  ///   unchanged.
  public mutating func add(_ x: some Collection<Double>) throws(NonFiniteValue) {
    precondition(x.count == features, "an example of \(x.count) features for statistics of \(features)")
    if let i = x.firstIndex(where: { !$0.isFinite }) {
      throw NonFiniteValue(feature: x.distance(from: x.startIndex, to: i), value: x[i])
    }
    if count == 0 { shift = Array(x) }
    count += 1
    let k = Double(count)
    for (i, value) in x.enumerated() {
      let u = value - shift[i]
      let delta = u - shiftedMean[i]
      shiftedMean[i] += delta / k
      squaredDeviations[i] += delta * (u - shiftedMean[i])
      minimum[i] = Swift.min(minimum[i], value)
      maximum[i] = Swift.max(maximum[i], value)
    }
  }
}
