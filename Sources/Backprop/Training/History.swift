#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// One epoch of ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``.
public struct EpochRecord: Sendable, Hashable, Codable {
  /// 1-based.
  public var epoch: Int
  /// The training cost: the mean over the epoch's mini-batches of each batch's
  /// cost before its update (weighted by batch size), with the L2 term.
  public var cost: Double
  /// The validation cost (inference mode, with the L2 term), when there is a validation set.
  public var validationCost: Double?
  /// The chosen metrics on the training set (when asked for): running metrics, summed
  /// over the epoch's mini-batches as they were trained (see ``FitOptions/metrics``),
  /// unless ``FitOptions/exactTrainingMetrics`` asked for an end-of-epoch pass.
  public var metrics: [String: Double]
  /// The chosen metrics on the validation set (one inference pass after the epoch).
  public var validationMetrics: [String: Double]
  /// α used during the epoch.
  public var learningRate: Double
  /// Wall time of the epoch, seconds (training and evaluation).
  public var seconds: Double
  /// ‖(dW[l], db[l], …)‖ per layer, averaged over the epoch's steps (before clipping).
  public var gradientNorms: [Double] = []
  /// Per hidden layer with a ReLU-like activation (relu, leaky ReLU, PReLU), the
  /// fraction of its units whose A[l] was 0 for every example of the epoch's last
  /// batch ("dead" units); nil for other layers.
  public var deadUnitFractions: [Double?] = []
  /// For a sigmoid output, the fraction of A[L] within 10⁻⁴ of 0 or 1 in the last batch.
  public var saturatedOutputFraction: Double?

  public init(
    epoch: Int, cost: Double, validationCost: Double? = nil, metrics: [String: Double] = [:],
    validationMetrics: [String: Double] = [:], learningRate: Double, seconds: Double, gradientNorms: [Double] = [],
    deadUnitFractions: [Double?] = [], saturatedOutputFraction: Double? = nil
  ) {
    self.epoch = epoch
    self.cost = cost
    self.validationCost = validationCost
    self.metrics = metrics
    self.validationMetrics = validationMetrics
    self.learningRate = learningRate
    self.seconds = seconds
    self.gradientNorms = gradientNorms
    self.deadUnitFractions = deadUnitFractions
    self.saturatedOutputFraction = saturatedOutputFraction
  }

  private enum CodingKeys: String, CodingKey {
    case epoch, cost, validationCost, metrics, validationMetrics, learningRate, seconds, gradientNorms
    case deadUnitFractions, saturatedOutputFraction
  }

  /// Decodes a record; the diagnostics fields (added later) may be missing, as
  /// in the histories and checkpoints of earlier versions.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    epoch = try c.decode(Int.self, forKey: .epoch)
    cost = try c.decode(Double.self, forKey: .cost)
    validationCost = try c.decodeIfPresent(Double.self, forKey: .validationCost)
    metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
    validationMetrics = try c.decodeIfPresent([String: Double].self, forKey: .validationMetrics) ?? [:]
    learningRate = try c.decode(Double.self, forKey: .learningRate)
    seconds = try c.decode(Double.self, forKey: .seconds)
    gradientNorms = try c.decodeIfPresent([Double].self, forKey: .gradientNorms) ?? []
    deadUnitFractions = try c.decodeIfPresent([Double?].self, forKey: .deadUnitFractions) ?? []
    saturatedOutputFraction = try c.decodeIfPresent(Double.self, forKey: .saturatedOutputFraction)
  }
}

/// What ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)`` returns:
/// the epochs' records, and how training ended.
///
/// The history's size is bounded, whatever the number of epochs, so that training
/// memory does not grow with the run's length and a checkpoint (which embeds the
/// history) stays far below the safetensors header limit: up to ``capacity``
/// records every epoch is kept. Past that, ``append(_:keeping:)`` thins the
/// older records to every ``sampleEvery``-th epoch (1, 1+k, 1+2k, …; k a power
/// of two, doubled as the run doubles), always keeping epoch 1, the newest ``recentWindow``
/// epochs (what the training diagnostics read) and the epoch it is asked to keep
/// (early stopping's best). The thinning depends only on the records appended,
/// so a resumed run's history is the uninterrupted run's. The full per-epoch
/// stream is `train --events FILE.jsonl`, written as training goes.
public struct History: Sendable, Hashable, Codable {
  /// The records kept, oldest first: every epoch run while there are at most
  /// ``capacity``, a downsampled record of a longer run (see the type's notes).
  public var epochs: [EpochRecord] = []
  /// The epoch whose parameters the network holds at the end, when early
  /// stopping restored the best ones (1-based).
  public var bestEpoch: Int?
  /// Whether early stopping ended training before the last epoch.
  public var stoppedEarly = false
  /// The older records are those of every k-th epoch (1 until the history is first thinned).
  public private(set) var sampleEvery = 1

  /// The most records kept; one more makes ``append(_:keeping:)`` thin the older ones.
  public static let capacity = 4096
  /// The newest records ``append(_:keeping:)`` always keeps.
  public static let recentWindow = 256

  public init() {}

  /// The number of epochs run (the last record's epoch), whether or not every record is kept.
  public var epochCount: Int { epochs.last?.epoch ?? 0 }

  /// Adds an epoch's record, thinning the older records when there are more than ``capacity``.
  /// - Parameter record: the newest epoch's record, appended last (epochs arrive in order).
  /// - Parameter pinned: an epoch whose record the thinning keeps (e.g. the best so far).
  public mutating func append(_ record: EpochRecord, keeping pinned: Int? = nil) {
    epochs.append(record)
    guard epochs.count > Self.capacity else { return }
    // The sample grid holds at most half of what is left besides the recent window,
    // so the next thinning is at least that many epochs away.
    let gridSize = (Self.capacity - Self.recentWindow) / 2
    while record.epoch / sampleEvery > gridSize { sampleEvery *= 2 }
    let recentStart = epochs.count - Self.recentWindow
    var kept = [EpochRecord]()
    kept.reserveCapacity(Self.capacity)
    for (index, record) in epochs.enumerated()
    where index >= recentStart || (record.epoch - 1) % sampleEvery == 0 || record.epoch == pinned {
      kept.append(record)
    }
    epochs = kept
  }

  private enum CodingKeys: String, CodingKey {
    case epochs, bestEpoch, stoppedEarly, sampleEvery
  }

  /// Decodes a history; `sampleEvery` (added later) may be missing, as in the
  /// histories and checkpoints of earlier versions, which kept every epoch.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    epochs = try c.decodeIfPresent([EpochRecord].self, forKey: .epochs) ?? []
    bestEpoch = try c.decodeIfPresent(Int.self, forKey: .bestEpoch)
    stoppedEarly = try c.decodeIfPresent(Bool.self, forKey: .stoppedEarly) ?? false
    sampleEvery = max(1, try c.decodeIfPresent(Int.self, forKey: .sampleEvery) ?? 1)
  }

  /// The column names of ``csv()``, in order.
  public var columns: [String] {
    let metricNames = Set(epochs.flatMap { $0.metrics.keys }).sorted()
    let validationNames = Set(epochs.flatMap { $0.validationMetrics.keys }).sorted()
    var names = ["epoch", "cost"]
    if epochs.contains(where: { $0.validationCost != nil }) { names.append("validation_cost") }
    names += metricNames
    names += validationNames.map { "validation_" + $0 }
    return names + ["learning_rate", "seconds"]
  }

  /// One row per epoch, a header first; empty cells for values not computed.
  public func csv() -> String {
    let header = columns
    var lines = [header.joined(separator: ",")]
    for record in epochs {
      let cells = header.map { name -> String in
        switch name {
        case "epoch": return String(record.epoch)
        case "cost": return number(record.cost)
        case "validation_cost": return record.validationCost.map(number) ?? ""
        case "learning_rate": return number(record.learningRate)
        case "seconds": return number(record.seconds)
        default:
          if name.hasPrefix("validation_"), let v = record.validationMetrics[String(name.dropFirst(11))] {
            return number(v)
          }
          return record.metrics[name].map(number) ?? ""
        }
      }
      lines.append(cells.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The history as JSON: `{"epochs": [{"epoch": 1, "cost": …}, …], "best_epoch": …, "stopped_early": …}`.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// Writes ``csv()`` (a path ending in .csv) or ``json()`` (.json), atomically.
  /// - Throws: ``ConfigurationError`` naming `history` for another extension; file errors.
  public func write(to path: String) throws {
    try AtomicFile.write(Array(try Self.format(of: path) == "csv" ? csv().utf8 : json().utf8), to: path)
  }

  /// "csv" or "json" from a path's extension.
  /// - Throws: ``ConfigurationError`` naming `history`.
  public static func format(of path: String) throws(ConfigurationError) -> String {
    let lower = path.lowercased()
    if lower.hasSuffix(".csv") { return "csv" }
    if lower.hasSuffix(".json") { return "json" }
    throw ConfigurationError(parameter: "history", "\(path) must end in .csv or .json")
  }

  private func number(_ value: Double) -> String {
    value.isFinite ? String(value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
  }
}
