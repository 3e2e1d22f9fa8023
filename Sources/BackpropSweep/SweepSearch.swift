import Backprop
import Foundation

/// How a sweep chooses its trials from the ``SweepParameter``s: every
/// combination (grid) or independent draws (random).
///
/// ```swift
/// let parameters = [
///   try SweepParameter(parsing: "learning-rate=log:1e-3..1e-1:3"),
///   try SweepParameter(parsing: "layers=64,32,10|64,128,10"),
/// ]
/// try SweepSearch.grid.trials(parameters)                       // 3 × 2 = 6 trials
/// try SweepSearch.random.trials(parameters, count: 10, seed: 1)  // 10 draws, the same for the same seed
/// ```
public enum SweepSearch: String, Sendable, Hashable, CaseIterable {
  /// The Cartesian product of every parameter's grid values, the first parameter varying slowest.
  case grid
  /// `count` trials, each parameter drawn independently (log-uniformly for `log:` ranges), seeded.
  case random

  /// The most trials a sweep runs unless `--max-trials` says otherwise.
  public static let defaultMaxTrials = 1_000

  /// One trial: a value for each parameter, in the parameters' order.
  public typealias Trial = [(name: String, value: String)]

  /// The trials to run.
  /// - Parameters:
  ///   - parameters: what varies.
  ///   - count: for a random search, the number of trials; for a grid, the most it may hold (nil: no limit).
  ///   - seed: the random search's generator seed.
  ///   - maxTrials: the most trials a sweep may hold (`defaultMaxTrials`), checked by arithmetic
  ///     before any trial is made.
  /// - Throws: `ConfigurationError` naming `SweepParameter` (a range without its number of points
  ///   in a grid), `count` (a grid larger than it, or a count below 1) or `maxTrials`
  ///   (more trials than it allows).
  public func trials(
    _ parameters: [SweepParameter], count: Int? = nil, seed: UInt64 = 1, maxTrials: Int = defaultMaxTrials
  ) throws(ConfigurationError) -> [Trial] {
    if let count, count < 1 { throw ConfigurationError(parameter: "count", "\(count): must be at least 1") }
    switch self {
    case .grid:
      // The grid's size by arithmetic (saturating), before a single value is made.
      let counts = try parameters.map { (p) throws(ConfigurationError) in try p.gridCount() }
      let planned = counts.reduce(1) { (product: Int, next: Int) in
        let (result, overflow) = product.multipliedReportingOverflow(by: next)
        return overflow ? Int.max : result
      }
      if planned > maxTrials {
        let shape = counts.map(String.init).joined(separator: " × ")
        throw ConfigurationError(
          parameter: "maxTrials",
          "the grid has \(planned == Int.max ? "more than \(Int.max)" : String(planned)) combinations (\(shape)), "
            + "more than the \(maxTrials) a sweep runs unless told otherwise; give fewer values, sample it with "
            + "a random search (`SweepSearch.random`) of N trials (`count`), or raise `maxTrials` if you mean to run them all"
        )
      }
      var values = [[String]]()
      for parameter in parameters { values.append(try parameter.gridValues()) }
      let size = values.reduce(1) { $0 * $1.count }
      if let count, size > count {
        let shape = values.map { String($0.count) }.joined(separator: " × ")
        throw ConfigurationError(
          parameter: "count",
          "\(count) is fewer than the grid's \(size) combinations (\(shape)); raise it, give fewer values, "
            + "or sample the space with a random search (`SweepSearch.random`) of \(count) trials")
      }
      var trials: [Trial] = [[]]
      for (parameter, choices) in zip(parameters, values) {
        trials = trials.flatMap { trial in choices.map { trial + [(parameter.name, $0)] } }
      }
      return trials
    case .random:
      if let count, count > maxTrials {
        throw ConfigurationError(
          parameter: "count",
          "\(count) is more than the \(maxTrials) trials a sweep runs unless told otherwise; "
            + "raise `maxTrials` if you mean to run them all")
      }
      var generator = DefaultGenerator(seed: seed)
      return (0..<(count ?? 10)).map { _ in
        parameters.map { ($0.name, $0.sample(using: &generator)) }
      }
    }
  }
}
