extension RandomGenerator {
  /// Two independent standard normal draws by Marsaglia's polar method, as
  /// NumPy's legacy `gauss` computes them:
  ///
  ///     repeat  x1 = 2u − 1,  x2 = 2u − 1,  r2 = x1² + x2²   until 0 < r2 < 1
  ///     f = √(−2·log(r2) / r2)        →  (f·x1, f·x2)
  ///
  /// with u from ``nextUniform()`` (x1 drawn first). The generators return the
  /// second value and cache the first.
  /// - Parameter log: the natural logarithm to use (the C library's for NumPy
  ///   compatibility, a portable one for platform-independent streams).
  mutating func polarGaussianPair(log: (Double) -> Double) -> (first: Double, second: Double) {
    var x1: Double
    var x2: Double
    var r2: Double
    repeat {
      x1 = 2.0 * nextUniform() - 1.0
      x2 = 2.0 * nextUniform() - 1.0
      r2 = x1 * x1 + x2 * x2
    } while r2 >= 1.0 || r2 == 0.0
    let f = (-2.0 * log(r2) / r2).squareRoot()
    return (f * x1, f * x2)
  }
}
