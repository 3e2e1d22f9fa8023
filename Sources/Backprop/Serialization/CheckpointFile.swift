#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A training checkpoint: a safetensors file holding the model (so any model
/// reader's tensors are there: `layers.*`, `norms.*`), the optimizer's state
/// (`optimizer.layers.{l-1}.{parameter}.{name}`), the best network so far for
/// early stopping (`best.layers.*`) and, in `__metadata__` under `checkpoint`,
/// the position (epoch, example), the examples' order, the generator's state,
/// the history, the optimizer's counters and the run's configuration. Floating
/// values in the metadata are written as their IEEE bit patterns, so a resume is
/// exact. Written atomically (temporary file, fsync, rename).
///
/// ```swift
/// try CheckpointFile.write(state, model: model, configuration: arguments, to: "run/checkpoint-000010.safetensors")
/// let saved = try CheckpointFile.read(path: "run/checkpoint-000010.safetensors", as: Float.self)
/// ```
public enum CheckpointFile {
  /// What a checkpoint holds besides the state.
  public struct Contents<Scalar: MatrixScalar>: Sendable {
    /// The training state, ready for ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:progress:)``.
    public var state: FitState<Scalar>
    /// The model: the state's network with its preprocessing, class names and hyperparameters.
    public var model: Model<Scalar>
    /// The run's configuration as the program that wrote it recorded it (e.g. the command line).
    public var configuration: [String]
  }

  /// The `format` in a checkpoint's `checkpoint` metadata.
  public static let format = "backprop-checkpoint"

  /// Writes a checkpoint atomically.
  /// - Parameters:
  ///   - model: supplies the preprocessing, class names and hyperparameters; its
  ///     network is replaced by the state's.
  ///   - configuration: what is needed to rerun (e.g. the command's arguments).
  /// - Throws: ``FileFormatError`` when the file cannot be written.
  public static func write<Scalar: MatrixScalar>(
    _ state: FitState<Scalar>, model: Model<Scalar>, configuration: [String], to path: String
  ) throws {
    var model = model
    model.network = state.network
    var file = try ModelFile.encode(model)
    for (name, tensor) in state.optimizerTensors.sorted(by: { $0.key < $1.key }) {
      try file.add("optimizer.\(name)", matrix: tensor)
    }
    if let best = state.best { try ModelFile.addTensors(of: best.network, to: &file, prefix: "best.") }
    let words = state.generator.state
    let record = Record(
      format: format, epoch: state.epoch, batchStart: state.batchStart, order: state.order,
      costSumBits: String(state.costSum.bitPattern), generatorWords: words.words.map { String($0) },
      cachedGaussianBits: words.cachedGaussian.map { String($0) }, counters: state.optimizerCounters,
      bestCostBits: state.best.map { String($0.cost.bitPattern) }, bestEpoch: state.best?.epoch,
      epochsWithoutImprovement: state.epochsWithoutImprovement, finished: state.isFinished,
      configuration: configuration)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    file.metadata["checkpoint"] = String(decoding: try encoder.encode(record), as: UTF8.self)
    file.metadata["history"] = String(decoding: try encoder.encode(state.history), as: UTF8.self)
    try file.write(to: path)
  }

  /// Reads a checkpoint written by ``write(_:model:configuration:to:)``.
  /// - Throws: ``FileFormatError`` naming the file and what is missing or inconsistent.
  public static func read<Scalar: MatrixScalar>(path: String, as _: Scalar.Type = Scalar.self) throws -> Contents<Scalar> {
    let file = try SafetensorsFile.read(path: path)
    guard let text = file.metadata["checkpoint"] else {
      throw FileFormatError(path: path, "not a Backprop checkpoint: __metadata__ has no 'checkpoint'")
    }
    let record: Record
    let history: History
    do {
      record = try JSONDecoder().decode(Record.self, from: Data(text.utf8))
      history = try JSONDecoder().decode(History.self, from: Data((file.metadata["history"] ?? "").utf8))
    } catch {
      throw FileFormatError(path: path, "the checkpoint's metadata cannot be read: \(error)")
    }
    guard record.format == format else {
      throw FileFormatError(path: path, "checkpoint format '\(record.format)' is not '\(format)'")
    }
    let model: Model<Scalar> = try ModelFile.decode(file, path: path)
    let metadata = file.metadata
    var best: (cost: Double, epoch: Int, network: Network<Scalar>)?
    if let bits = record.bestCostBits, let epoch = record.bestEpoch {
      guard let pattern = UInt64(bits) else { throw FileFormatError(path: path, "best cost '\(bits)' is not a bit pattern") }
      let network: Network<Scalar> = try ModelFile.decodeNetwork(file, metadata: metadata, path: path, prefix: "best.")
      best = (Double(bitPattern: pattern), epoch, network)
    }
    var tensors = [String: Matrix<Scalar>]()
    for name in file.names where name.hasPrefix("optimizer.") {
      guard let tensor = file.tensor(named: name), tensor.shape.count == 2 || tensor.shape.count == 1 else {
        throw FileFormatError(path: path, "tensor '\(name)' must have one or two dimensions")
      }
      guard tensor.dtype == .float32 || tensor.dtype == .float64 else {
        throw FileFormatError(path: path, "tensor '\(name)' is \(tensor.dtype.rawValue); a checkpoint stores F32 or F64")
      }
      tensors[String(name.dropFirst("optimizer.".count))] = try tensor.matrix(
        rows: tensor.shape[0], columns: tensor.shape.count == 2 ? tensor.shape[1] : 1)
    }
    let allowed = ModelFile.tensorNames(depth: model.network.depth)
      .union(ModelFile.tensorNames(depth: model.network.depth, prefix: "best."))
    if let stray = file.names.first(where: { !$0.hasPrefix("optimizer.") && !allowed.contains($0) }) {
      throw FileFormatError(path: path, "unexpected tensor '\(stray)' in a checkpoint")
    }
    guard let costSum = UInt64(record.costSumBits).map(Double.init(bitPattern:)),
      record.generatorWords.count == 4
    else {
      throw FileFormatError(path: path, "the checkpoint's cost sum or generator state is malformed")
    }
    let words = try record.generatorWords.map { text throws(FileFormatError) -> UInt64 in
      guard let word = UInt64(text) else { throw FileFormatError(path: path, "generator word '\(text)' is malformed") }
      return word
    }
    let generator: DefaultGenerator
    do {
      generator = try DefaultGenerator(state: words, cachedGaussian: record.cachedGaussianBits.flatMap { UInt64($0) })
    } catch {
      throw FileFormatError(path: path, error.message)
    }
    let state = FitState(
      network: model.network, optimizerTensors: tensors, optimizerCounters: record.counters, epoch: record.epoch,
      batchStart: record.batchStart, order: record.order, costSum: costSum, generator: generator, history: history,
      best: best, epochsWithoutImprovement: record.epochsWithoutImprovement, isFinished: record.finished)
    return Contents(state: state, model: model, configuration: record.configuration)
  }

  /// The checkpoint's position and bookkeeping, as JSON in `__metadata__`.
  struct Record: Codable {
    var format: String
    var epoch: Int
    var batchStart: Int
    var order: [Int]
    var costSumBits: String
    var generatorWords: [String]
    var cachedGaussianBits: String?
    var counters: [String: Int]
    var bestCostBits: String?
    var bestEpoch: Int?
    var epochsWithoutImprovement: Int
    var finished: Bool
    var configuration: [String]
  }
}

/// A folder of checkpoints `checkpoint-EEEEEE-BBBBBBBB.safetensors` (epoch, example),
/// keeping the newest K.
public struct CheckpointDirectory: Sendable {
  /// The folder.
  public var path: String
  /// How many checkpoints to keep (older ones are deleted after a new one is written).
  public var keep: Int

  /// - Throws: ``ConfigurationError`` naming `--keep` for K < 1; ``FileFormatError``
  ///   when the folder cannot be created or written.
  public init(path: String, keep: Int = 3) throws {
    guard keep >= 1 else { throw ConfigurationError(option: "--keep", "\(keep) must be at least 1 checkpoint") }
    self.path = path
    self.keep = keep
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw FileFormatError(path: path, "cannot create the checkpoint folder: \(error.localizedDescription)")
    }
    try AtomicFile.checkWritable(join(path, "checkpoint-probe.safetensors"))
  }

  private func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// The file name of the checkpoint at (epoch, example).
  public static func fileName(epoch: Int, batchStart: Int) -> String {
    let e = String(epoch)
    let b = String(batchStart)
    return "checkpoint-" + String(repeating: "0", count: max(0, 6 - e.count)) + e + "-"
      + String(repeating: "0", count: max(0, 8 - b.count)) + b + ".safetensors"
  }

  /// The checkpoints in the folder, oldest first.
  public func checkpoints() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".safetensors") && $0 != "checkpoint-probe.safetensors" }
      .sorted().map { join(path, $0) }
  }

  /// The newest checkpoint, or nil.
  public var latest: String? { checkpoints().last }

  /// Writes a checkpoint for `state`, then deletes all but the newest ``keep``.
  /// - Returns: the path written.
  @discardableResult
  public func save<Scalar: MatrixScalar>(
    _ state: FitState<Scalar>, model: Model<Scalar>, configuration: [String]
  ) throws -> String {
    let file = join(path, Self.fileName(epoch: state.epoch, batchStart: state.batchStart))
    try CheckpointFile.write(state, model: model, configuration: configuration, to: file)
    // Temporary files a killed process left behind (AtomicFile's `.NAME.UUID.tmp`).
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    for name in names where name.hasPrefix(".checkpoint-") && name.hasSuffix(".tmp") {
      try? FileManager.default.removeItem(atPath: join(path, name))
    }
    let all = checkpoints()
    for old in all.dropLast(keep) where old != file { try? FileManager.default.removeItem(atPath: old) }
    return file
  }
}
