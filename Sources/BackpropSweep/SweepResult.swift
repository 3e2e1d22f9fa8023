import Backprop
import Foundation

/// What one trial of a sweep left: the values it tried, and its history or why it failed.
public struct SweepResult: Sendable {
  /// How the trial ended.
  public enum Outcome: Sendable {
    /// Training finished; its per-epoch history.
    case finished(History)
    /// Training did not finish (a usage error, divergence, a killed process): the first error line.
    case failed(String)
  }

  /// The trial's number, from 1, in the order the search produced it.
  public var trial: Int
  /// The hyperparameters it set, in the sweep's parameter order.
  public var values: [(name: String, value: String)]
  /// Finished or failed.
  public var outcome: Outcome
  /// Final scores the trial printed, by column name (`validation_accuracy`, `test_accuracy`).
  public var scores: [String: Double]
  /// Wall time of the trial, seconds.
  public var seconds: Double

  /// - Parameters:
  ///   - trial: the trial's number, from 1.
  ///   - values: the hyperparameters it set.
  ///   - outcome: its history, or why it failed.
  ///   - scores: final scores by column name.
  ///   - seconds: its wall time.
  public init(
    trial: Int, values: [(name: String, value: String)], outcome: Outcome, scores: [String: Double] = [:],
    seconds: Double = 0
  ) {
    self.trial = trial
    self.values = values
    self.outcome = outcome
    self.scores = scores
    self.seconds = seconds
  }

  /// The history of a finished trial.
  public var history: History? {
    if case .finished(let history) = outcome { return history }
    return nil
  }

  /// Why the trial failed, or nil.
  public var failure: String? {
    if case .failed(let message) = outcome { return message }
    return nil
  }

  /// `learning-rate=0.01 layers=64,32,10`: the trial's varied values, for legends and logs.
  public var label: String {
    values.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
  }
}
