import RealModule

/// How the learning rate changes from epoch to epoch: a decay from α₀, after an
/// optional linear warm-up. The trainer sets ``Optimizer/learningRate`` to
/// ``learningRate(epoch:)`` at the start of each epoch (epochs count from 0).
///
/// With e the epoch, W the warm-up epochs, E the training's epochs, and
/// e' = e − W, E' = E − W the epochs after the warm-up:
///
/// | `--lr-schedule` | α at epoch e ≥ W |
/// |---|---|
/// | `constant` (the default) | α₀ |
/// | `step:N[:γ]` (γ 0.1) | α₀·γ^⌊e'/N⌋ — PyTorch's `StepLR` |
/// | `exponential:γ` | α₀·γ^e' — PyTorch's `ExponentialLR` |
/// | `inverse-time[:r[:N]]` (r 1, N 1) | α₀ / (1 + r·⌊e'/N⌋) — the course's decay, N its `time_interval` |
/// | `cosine[:αmin]` (αmin 0) | αmin + ½(α₀ − αmin)(1 + cos(π·min(e', E')/E')) — PyTorch's `CosineAnnealingLR` |
///
/// and during the warm-up (`--warmup W`), e < W, the rate climbs linearly to α₀:
///
///     α = α₀·(e + 1)/W
///
/// so the first epoch uses α₀/W and the decay starts from α₀ at epoch W. The
/// decay is counted from the end of the warm-up (e', not e): `step:10:0.5` with
/// `--warmup 5` first halves the rate at epoch 15.
///
/// ```swift
/// let schedule = try LearningRateSchedule(parsing: "step:10:0.5", initialLearningRate: 0.1, totalEpochs: 30)
/// schedule.learningRate(epoch: 9)   // 0.1
/// schedule.learningRate(epoch: 10)  // 0.05
/// ```
public struct LearningRateSchedule: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The rule after the warm-up.
  public enum Decay: Sendable, Hashable, Codable {
    /// α₀ throughout.
    case constant
    /// α₀·γ^⌊e'/N⌋: multiplied by `factor` every `every` epochs.
    case step(every: Int, factor: Double)
    /// α₀·γ^e'.
    case exponential(factor: Double)
    /// α₀ / (1 + r·⌊e'/N⌋), the course's `learning_rate0 / (1 + decay_rate · floor(epoch / time_interval))`.
    case inverseTime(rate: Double, interval: Int)
    /// αmin + ½(α₀ − αmin)(1 + cos(π·min(e', E')/E')): half a cosine from α₀ down to αmin over the training.
    case cosine(minimum: Double)
  }

  /// α₀, the rate the decay starts from.
  public let initialLearningRate: Double
  /// The rule after the warm-up.
  public let decay: Decay
  /// W, the epochs of linear warm-up (0: none).
  public let warmupEpochs: Int
  /// E, how many epochs the training runs (the cosine's length is E − W).
  public let totalEpochs: Int

  /// The syntax `--lr-schedule` takes, for a command's help.
  public static let syntax =
    "constant, step:N[:GAMMA], exponential:GAMMA, inverse-time[:RATE[:N]] or cosine[:MIN_LR]"

  /// - Throws: ``ConfigurationError`` naming `learningRate` unless α₀ is positive and
  ///   finite, `schedule` for a decay value that cannot work (N < 1, γ outside (0, 1],
  ///   r < 0, αmin outside [0, α₀]), `warmupEpochs` when W is negative or longer than the
  ///   training, `epochs` when E is negative.
  public init(
    initialLearningRate: Double, decay: Decay = .constant, warmupEpochs: Int = 0, totalEpochs: Int
  ) throws(ConfigurationError) {
    self.initialLearningRate = try Hyperparameter.learningRate(initialLearningRate)
    guard totalEpochs >= 0 else {
      throw ConfigurationError(parameter: "epochs", "\(totalEpochs) is negative; give 0 or more epochs")
    }
    guard warmupEpochs >= 0, warmupEpochs <= totalEpochs else {
      throw ConfigurationError(
        parameter: "warmupEpochs",
        warmupEpochs < 0
          ? "\(warmupEpochs) is negative; give 0 (no warm-up) or more epochs"
          : "\(warmupEpochs) epochs of warm-up is longer than the \(totalEpochs) epochs of training")
    }
    try Self.validate(decay, initialLearningRate: initialLearningRate)
    self.decay = decay
    self.warmupEpochs = warmupEpochs
    self.totalEpochs = totalEpochs
  }

  /// Parses `--lr-schedule`'s value (see the table above; names ignore case).
  /// - Throws: ``ConfigurationError`` naming `schedule` for an unknown name, a
  ///   missing, extra or non-numeric argument, or a value that cannot work; see
  ///   ``init(initialLearningRate:decay:warmupEpochs:totalEpochs:)`` for the others.
  public init(
    parsing text: String, initialLearningRate: Double, warmupEpochs: Int = 0, totalEpochs: Int
  ) throws(ConfigurationError) {
    try self.init(
      initialLearningRate: initialLearningRate, decay: Self.parse(text), warmupEpochs: warmupEpochs,
      totalEpochs: totalEpochs)
  }

  /// α for `epoch` (from 0).
  public func learningRate(epoch: Int) -> Double {
    precondition(epoch >= 0, "epochs count from 0")
    let alpha0 = initialLearningRate
    if epoch < warmupEpochs {
      // α = α₀·(e + 1)/W
      return alpha0 * Double(epoch + 1) / Double(warmupEpochs)
    }
    let e = epoch - warmupEpochs
    switch decay {
    case .constant:
      return alpha0
    case .step(let n, let gamma):
      // α₀·γ^⌊e'/N⌋
      return alpha0 * Double.pow(gamma, e / n)
    case .exponential(let gamma):
      // α₀·γ^e'
      return alpha0 * Double.pow(gamma, e)
    case .inverseTime(let r, let n):
      // α₀ / (1 + r·⌊e'/N⌋)
      return alpha0 / (1 + r * Double(e / n))
    case .cosine(let alphaMin):
      // αmin + ½(α₀ − αmin)(1 + cos(π·min(e', E')/E'))
      let length = max(totalEpochs - warmupEpochs, 1)
      let progress = Double(min(e, length)) / Double(length)
      return alphaMin + 0.5 * (alpha0 - alphaMin) * (1 + Double.cos(Double.pi * progress))
    }
  }

  /// The `--lr-schedule` value that gives this decay, every argument written out
  /// (`step:10:0.5`); ``init(parsing:initialLearningRate:warmupEpochs:totalEpochs:)`` reads it back.
  public var specification: String {
    switch decay {
    case .constant: "constant"
    case .step(let n, let gamma): "step:\(n):\(gamma)"
    case .exponential(let gamma): "exponential:\(gamma)"
    case .inverseTime(let r, let n): "inverse-time:\(r):\(n)"
    case .cosine(let alphaMin): "cosine:\(alphaMin)"
    }
  }

  /// `step:10:0.5 from 0.1, warm-up 5 epochs`.
  public var description: String {
    "\(specification) from \(initialLearningRate)" + (warmupEpochs > 0 ? ", warm-up \(warmupEpochs) epochs" : "")
  }

  private static func parse(_ text: String) throws(ConfigurationError) -> Decay {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let name = String(parts[0].lowercased().map { $0 == "_" ? "-" : $0 })
    let arguments = Array(parts.dropFirst())

    func fail(_ problem: String) -> ConfigurationError {
      ConfigurationError(parameter: "schedule", "'\(text)': \(problem)")
    }
    func count(_ range: ClosedRange<Int>, usage: String) throws(ConfigurationError) {
      guard range.contains(arguments.count) else { throw fail("write it as \(usage)") }
    }
    func number(_ k: Int, _ what: String, default value: Double) throws(ConfigurationError) -> Double {
      guard k < arguments.count else { return value }
      guard let x = Double(arguments[k]) else { throw fail("\(what) '\(arguments[k])' is not a number") }
      return x
    }
    func epochs(_ k: Int, _ what: String, default value: Int) throws(ConfigurationError) -> Int {
      guard k < arguments.count else { return value }
      guard let n = Int(arguments[k]) else { throw fail("\(what) '\(arguments[k])' is not a whole number of epochs") }
      return n
    }

    switch name {
    case "constant":
      try count(0...0, usage: "constant")
      return .constant
    case "step":
      try count(1...2, usage: "step:N[:GAMMA], e.g. step:10:0.5 (halve every 10 epochs)")
      return .step(every: try epochs(0, "N", default: 1), factor: try number(1, "GAMMA", default: 0.1))
    case "exponential":
      try count(1...1, usage: "exponential:GAMMA, e.g. exponential:0.95")
      return .exponential(factor: try number(0, "GAMMA", default: 1))
    case "inverse-time":
      try count(0...2, usage: "inverse-time[:RATE[:N]], e.g. inverse-time:1 (α₀/(1 + epoch))")
      return .inverseTime(rate: try number(0, "RATE", default: 1), interval: try epochs(1, "N", default: 1))
    case "cosine":
      try count(0...1, usage: "cosine[:MIN_LR], e.g. cosine or cosine:1e-5")
      return .cosine(minimum: try number(0, "MIN_LR", default: 0))
    default:
      throw fail("unknown schedule '\(parts[0])'; choose \(syntax)")
    }
  }

  private static func validate(_ decay: Decay, initialLearningRate alpha0: Double) throws(ConfigurationError) {
    func fail(_ problem: String) -> ConfigurationError { ConfigurationError(parameter: "schedule", problem) }
    switch decay {
    case .constant:
      break
    case .step(let n, let gamma):
      guard n >= 1 else { throw fail("step every \(n) epochs: N must be 1 or more") }
      guard gamma > 0, gamma <= 1 else { throw fail("step factor \(gamma): GAMMA must be above 0 and at most 1") }
    case .exponential(let gamma):
      guard gamma > 0, gamma <= 1 else {
        throw fail("exponential factor \(gamma): GAMMA must be above 0 and at most 1 (0.95 is usual)")
      }
    case .inverseTime(let r, let n):
      guard r >= 0, r.isFinite else { throw fail("inverse-time rate \(r): RATE must be a finite number, 0 or more") }
      guard n >= 1 else { throw fail("inverse-time every \(n) epochs: N must be 1 or more") }
    case .cosine(let alphaMin):
      guard alphaMin >= 0, alphaMin <= alpha0 else {
        throw fail("cosine minimum \(alphaMin): MIN_LR must be at least 0 and at most the learning rate \(alpha0)")
      }
    }
  }
}
