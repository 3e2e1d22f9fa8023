import Foundation

/// What a run will hold in memory, estimated from the sizes alone before
/// anything is allocated, so that a run too big for the machine stops with a
/// clear message instead of being killed part way.
///
///     parameters      Σ (n[l]·n[l-1] + n[l])                 scalars
///     optimizer state parameters × 0 (SGD), 1 (momentum, RMSprop), 2 (Adam)
///     workspace       the gradients (as many as parameters) + Z[l], A[l], dZ[l] for a batch: 3 · Σ n[l] · m
///     data            (n[0] + n[L]) · examples                float64 as read
///     history         one cost (8 bytes) per iteration
///
/// ```swift
/// let estimate = try MemoryEstimate(layerSizes: [4, 100_000_000, 3], scalarBytes: 4, optimizerCopies: 2, batch: 150)
/// try estimate.check(parameter: "layerSizes", value: "4,100000000,3")   // ConfigurationError: needs about … GB
/// ```
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
  /// Bytes of W[l], b[l] (and batch normalisation's γ, β).
  public var parameters: Int
  /// Bytes of the optimizer's per-parameter state (velocity, moments).
  public var optimizerState: Int
  /// Bytes of one step's buffers: gradients and the forward/backward caches of a batch.
  public var workspace: Int
  /// Bytes of the examples held in memory.
  public var data: Int
  /// Bytes of the per-iteration cost history.
  public var history: Int
  /// What the optimizer state is called in messages, e.g. "Adam state".
  public var optimizerName: String

  /// The sum of the parts (saturating at `Int.max`).
  public var total: Int {
    [parameters, optimizerState, workspace, data, history].reduce(0) { Self.add($0, $1) }
  }

  /// An estimate for a network of `layerSizes` (n[0] … n[L]).
  ///
  /// - Parameters:
  ///   - layerSizes: n[0], n[1], …, n[L]; W[l] is n[l]·n[l-1] scalars and b[l] n[l].
  ///   - scalarBytes: 4 for float32, 8 for float64.
  ///   - optimizerCopies: tensors of optimizer state per parameter (0 SGD, 1 momentum/RMSprop, 2 Adam/AdamW).
  ///   - optimizerName: what the optimizer state is called in messages, e.g. "Adam state".
  ///   - batch: m, the examples in one step (0: no training step).
  ///   - examples: examples held as data (0: none).
  ///   - iterations: iterations whose cost is recorded (0: none).
  /// - Throws: ``ConfigurationError`` naming `layerSizes` when a size product does not fit in a 64-bit integer.
  public init(
    layerSizes: [Int], scalarBytes: Int, optimizerCopies: Int = 0, optimizerName: String = "optimizer state",
    batch: Int = 0, examples: Int = 0, iterations: Int = 0
  ) throws(ConfigurationError) {
    let sizesText = layerSizes.map(String.init).joined(separator: ",")
    func overflow() -> ConfigurationError {
      ConfigurationError(
        parameter: "layerSizes", "\(sizesText): the sizes are too large: their products do not fit in a 64-bit integer")
    }
    var scalars = 0
    var units = 0
    for l in layerSizes.indices.dropFirst() {
      let (weights, o1) = layerSizes[l].multipliedReportingOverflow(by: layerSizes[l - 1])
      guard !o1, let withBias = Self.exactSum([scalars, weights, layerSizes[l]]) else { throw overflow() }
      scalars = withBias
      guard let u = Self.exactSum([units, layerSizes[l]]) else { throw overflow() }
      units = u
    }
    self.parameters = Self.multiply(scalars, scalarBytes)
    self.optimizerState = Self.multiply(parameters, max(0, optimizerCopies))
    self.workspace = Self.add(parameters, Self.multiply(Self.multiply(units, max(0, batch)), 3 * scalarBytes))
    let dataColumns = Self.add(layerSizes.first ?? 0, layerSizes.last ?? 0)
    self.data = Self.multiply(Self.multiply(dataColumns, max(0, examples)), 8)
    self.history = Self.multiply(max(0, iterations), 8)
    self.optimizerName = optimizerName
  }

  /// Throws when ``total`` is more than the share of memory a run may take (see ``MemoryLimit``).
  ///
  /// - Parameter parameter: what asked for it, e.g. `layerSizes`.
  /// - Parameter value: its value, the message's subject, e.g. `4,100000000,3`.
  /// - Parameter limit: the machine's memory and the share a run may use (``MemoryLimit/usable``);
  ///   this machine's by default.
  /// - Throws: ``ConfigurationError`` with the estimate, its parts and the limit.
  public func check(parameter: String, value: String? = nil, limit: MemoryLimit = .current) throws(ConfigurationError) {
    guard total > limit.usable else { return }
    throw ConfigurationError(
      parameter: parameter,
      (value.map { "\($0) " } ?? "")
        + "needs about \(Self.format(total)) of memory (\(description)) but this machine has "
        + "\(Self.format(limit.bytes)) and a run may use at most \(Self.format(limit.usable)); "
        + "choose smaller sizes")
  }

  /// The nonzero parts, e.g. "parameters 3.2 GB, Adam state 6.4 GB, workspace 3.2 GB".
  public var description: String {
    let parts: [(String, Int)] = [
      ("parameters", parameters), (optimizerName, optimizerState), ("workspace", workspace), ("data", data),
      ("cost history", history),
    ]
    return parts.filter { $0.1 > 0 }.map { "\($0.0) \(Self.format($0.1))" }.joined(separator: ", ")
  }

  /// Bytes in decimal units: "812 bytes", "3.2 GB", "8.0 TB"; "more than 9.2 EB" when saturated.
  public static func format(_ bytes: Int) -> String {
    if bytes == Int.max { return "more than 9.2 EB" }
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let tenths = (value * 10).rounded() / 10
    return "\(tenths) \(units[unit])"
  }

  static func add(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
  }

  static func multiply(_ a: Int, _ b: Int) -> Int {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? Int.max : product
  }

  static func exactSum(_ values: [Int]) -> Int? {
    var sum = 0
    for value in values {
      let (next, overflow) = sum.addingReportingOverflow(value)
      if overflow { return nil }
      sum = next
    }
    return sum
  }
}

/// The memory a run may plan for: the machine's physical memory, or the
/// container's limit (cgroup `memory.max`) when that is lower.
public struct MemoryLimit: Sendable, Equatable {
  /// The memory there is, in bytes.
  public var bytes: Int
  /// The share a single run may plan to use (the rest is left to the system and other programs).
  public var fraction: Double

  public init(bytes: Int, fraction: Double = 0.8) {
    self.bytes = bytes
    self.fraction = fraction
  }

  /// The most bytes a run may plan to use: `fraction` of `bytes`.
  public var usable: Int { Int(Double(bytes) * fraction) }

  /// This machine's limit (read once).
  public static var current: MemoryLimit { MemoryLimit(bytes: machineBytes) }

  private static let machineBytes: Int = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    var bytes = pages > 0 && pageSize > 0 ? MemoryEstimate.multiply(pages, pageSize) : 16 << 30
    for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8),
        let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
      else { continue }
      bytes = min(bytes, limit)
    }
    return bytes
  }()
}

extension MemoryEstimate {
  /// An estimate for training with `optimizer`: its state copies and name filled in.
  public init(
    layerSizes: [Int], scalarBytes: Int, optimizer: OptimizerKind, batch: Int, examples: Int = 0, iterations: Int = 0
  ) throws(ConfigurationError) {
    let (copies, name): (Int, String) =
      switch optimizer {
      case .sgd: (0, "optimizer state")
      case .momentum: (1, "momentum state")
      case .nesterov: (1, "Nesterov state")
      case .rmsprop: (1, "RMSprop state")
      case .adam: (2, "Adam state")
      case .adamw: (2, "AdamW state")
      }
    try self.init(
      layerSizes: layerSizes, scalarBytes: scalarBytes, optimizerCopies: copies, optimizerName: name, batch: batch,
      examples: examples, iterations: iterations)
  }
}
