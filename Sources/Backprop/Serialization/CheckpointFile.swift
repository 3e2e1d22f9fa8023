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
/// the history (bounded, see ``History``), the optimizer's counters, the run's
/// configuration and the run's id (which run of a folder it belongs to). Floating
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
    /// The training state, ready for the `resumingFrom` of
    /// ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``.
    public var state: FitState<Scalar>
    /// The model: the state's network with its preprocessing, class names and hyperparameters.
    public var model: Model<Scalar>
    /// The run's configuration as the program that wrote it recorded it (e.g. the command line).
    public var configuration: [String]
    /// The id of the run that wrote it; nil in checkpoints of earlier versions.
    public var runID: String?
  }

  /// A checkpoint's position and run, read without decoding its tensors.
  public struct Summary: Sendable, Hashable {
    /// The id of the run that wrote it; nil in checkpoints of earlier versions.
    public var runID: String?
    /// The epoch (see ``FitState/epoch``).
    public var epoch: Int
    /// Examples of ``epoch`` trained on.
    public var batchStart: Int
    /// Whether the run had finished.
    public var finished: Bool
    /// The run's configuration (e.g. its working folder and command line).
    public var configuration: [String]
  }

  /// The `format` in a checkpoint's `checkpoint` metadata.
  public static let format = "backprop-checkpoint"

  /// Writes a checkpoint atomically.
  /// - Parameters:
  ///   - state: the training state to save: the network, the optimizer's state, the position, the
  ///     examples' order, the generator, the history and the best network so far.
  ///   - model: supplies the preprocessing, class names and hyperparameters; its
  ///     network is replaced by the state's.
  ///   - configuration: what is needed to rerun (e.g. the command's arguments).
  ///   - runID: the run the checkpoint belongs to (see ``CheckpointDirectory``).
  ///   - path: the `.safetensors` file to write (replaced atomically when it exists).
  /// - Throws: ``FileFormatError`` when the file cannot be written.
  public static func write<Scalar: MatrixScalar>(
    _ state: FitState<Scalar>, model: Model<Scalar>, configuration: [String], runID: String? = nil, to path: String
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
      configuration: configuration, runID: runID)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    file.metadata["checkpoint"] = String(decoding: try encoder.encode(record), as: UTF8.self)
    file.metadata["history"] = String(decoding: try encoder.encode(state.history), as: UTF8.self)
    try file.write(to: path)
  }

  /// Reads a checkpoint written by ``write(_:model:configuration:runID:to:)``.
  /// - Throws: ``FileFormatError`` naming the file and what is missing or inconsistent.
  public static func read<Scalar: MatrixScalar>(path: String, as _: Scalar.Type = Scalar.self) throws -> Contents<
    Scalar
  > {
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
      guard let pattern = UInt64(bits) else {
        throw FileFormatError(path: path, "best cost '\(bits)' is not a bit pattern")
      }
      let network: Network<Scalar> = try ModelFile.decodeNetwork(file, metadata: metadata, path: path, prefix: "best.")
      best = (Double(bitPattern: pattern), epoch, network)
    }
    var tensors = [String: Matrix<Scalar>]()
    for name in file.names where name.hasPrefix("optimizer.") {
      guard let tensor = file.tensor(named: name), tensor.shape.count == 2 || tensor.shape.count == 1 else {
        throw FileFormatError(path: path, "tensor '\(name)' must have one or two dimensions")
      }
      guard tensor.dtype == .float32 || tensor.dtype == .float64 else {
        throw FileFormatError(
          path: path, "tensor '\(name)' is \(tensor.dtype.rawValue); a checkpoint stores F32 or F64")
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
    return Contents(state: state, model: model, configuration: record.configuration, runID: record.runID)
  }

  /// The run and position of the checkpoint at `path`, from its metadata only.
  /// - Throws: ``FileFormatError`` when the file is not a readable checkpoint.
  public static func summary(path: String) throws -> Summary {
    let file = try SafetensorsFile.read(path: path)
    guard let text = file.metadata["checkpoint"] else {
      throw FileFormatError(path: path, "not a Backprop checkpoint: __metadata__ has no 'checkpoint'")
    }
    let record: Record
    do {
      record = try JSONDecoder().decode(Record.self, from: Data(text.utf8))
    } catch {
      throw FileFormatError(path: path, "the checkpoint's metadata cannot be read: \(error)")
    }
    return Summary(
      runID: record.runID, epoch: record.epoch, batchStart: record.batchStart, finished: record.finished,
      configuration: record.configuration)
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
    var runID: String?
  }
}

/// A folder of one run's checkpoints: `checkpoint-EEEEEE-BBBBBBBB.safetensors`
/// (the epoch and the example it stopped at) and, when the run finished,
/// `checkpoint-EEEEEE-final.safetensors`, keeping the newest K.
///
/// A folder belongs to one run: each checkpoint records its run's id
/// (``runID``), a new run calls ``claim(overwrite:)``, which refuses a folder
/// holding another run's checkpoints (or deletes them, asked to), and
/// ``save(_:model:configuration:)`` only ever deletes its own run's older
/// checkpoints (and those of earlier versions, which record no run).
public struct CheckpointDirectory: Sendable {
  /// The folder.
  public var path: String
  /// How many checkpoints to keep (older ones are deleted after a new one is written).
  public var keep: Int
  /// The run whose checkpoints this writes.
  public var runID: String

  /// - Parameter path: the folder, created (with its parents) when missing; it must be writable.
  /// - Parameter keep: K, how many of the run's checkpoints to keep, at least 1 (3 by default).
  /// - Parameter runID: the run's id (a new one by default; a resumed run's is its checkpoint's).
  /// - Throws: ``ConfigurationError`` naming `keep` for K < 1; ``FileFormatError``
  ///   when the folder cannot be created or written.
  public init(path: String, keep: Int = 3, runID: String = UUID().uuidString) throws {
    guard keep >= 1 else { throw ConfigurationError(parameter: "keep", "\(keep) must be at least 1 checkpoint") }
    self.path = path
    self.keep = keep
    self.runID = runID
    if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType,
      type != .typeDirectory
    {
      throw FileFormatError(path: path, "cannot hold checkpoints: it is a file, not a folder")
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw FileFormatError(path: path, "cannot create the checkpoint folder: \(error.localizedDescription)")
    }
    try AtomicFile.checkWritable(join(path, "checkpoint-probe.safetensors"))
  }

  /// Reads a folder's checkpoints without creating or checking anything (for `--resume`).
  public init(existing path: String) {
    self.path = path
    keep = 3
    runID = ""
  }

  private func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// The file name of the checkpoint at (epoch, example); a finished run's is `checkpoint-EEEEEE-final.safetensors`.
  public static func fileName(epoch: Int, batchStart: Int, finished: Bool = false) -> String {
    let e = String(epoch)
    let b = String(batchStart)
    return "checkpoint-" + String(repeating: "0", count: max(0, 6 - e.count)) + e + "-"
      + (finished ? "final" : String(repeating: "0", count: max(0, 8 - b.count)) + b) + ".safetensors"
  }

  /// The (epoch, example, finished) a checkpoint's file name stands for, or nil for another name.
  static func position(ofFileName name: String) -> (epoch: Int, batchStart: Int, finished: Bool)? {
    guard name.hasPrefix("checkpoint-"), name.hasSuffix(".safetensors") else { return nil }
    let parts = name.dropFirst("checkpoint-".count).dropLast(".safetensors".count).split(separator: "-")
    guard parts.count == 2, let epoch = Int(parts[0]) else { return nil }
    if parts[1] == "final" { return (epoch, 0, true) }
    guard let batchStart = Int(parts[1]) else { return nil }
    return (epoch, batchStart, false)
  }

  /// The checkpoints in the folder, oldest first (by epoch, then example; a final one last).
  public func checkpoints() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.compactMap { name in Self.position(ofFileName: name).map { (name, $0) } }
      .sorted { a, b in
        (a.1.epoch, a.1.batchStart, a.1.finished ? 1 : 0) < (b.1.epoch, b.1.batchStart, b.1.finished ? 1 : 0)
      }
      .map { join(path, $0.0) }
  }

  /// The newest checkpoint, or nil.
  public var latest: String? { checkpoints().last }

  /// The checkpoints of each run in the folder, oldest first; unreadable files are left out.
  public func runs() -> [(runID: String?, checkpoints: [(path: String, summary: CheckpointFile.Summary)])] {
    var runs = [(runID: String?, checkpoints: [(path: String, summary: CheckpointFile.Summary)])]()
    for file in checkpoints() {
      guard let summary = try? CheckpointFile.summary(path: file) else { continue }
      if let index = runs.firstIndex(where: { $0.runID == summary.runID }) {
        runs[index].checkpoints.append((file, summary))
      } else {
        runs.append((summary.runID, [(file, summary)]))
      }
    }
    return runs
  }

  /// Makes the folder this new run's: refuses when it holds another run's
  /// checkpoints, or, with `overwrite`, deletes them first.
  /// - Throws: ``ConfigurationError`` naming `checkpointDirectory`, the folder and the other run.
  public func claim(overwrite: Bool) throws {
    let others = checkpoints().filter { file in
      (try? CheckpointFile.summary(path: file))?.runID != runID
    }
    guard !others.isEmpty else { return }
    if overwrite {
      for file in others {
        do {
          try FileManager.default.removeItem(atPath: file)
        } catch {
          throw FileFormatError(path: file, "cannot delete the earlier run's checkpoint: \(error.localizedDescription)")
        }
      }
      return
    }
    let newest = others.last!
    var description = "run"
    if let summary = try? CheckpointFile.summary(path: newest) {
      description =
        "run " + (summary.runID ?? "(recorded before run ids)")
        + (summary.finished ? ", finished at epoch \(summary.epoch)" : ", at epoch \(summary.epoch)")
      if summary.configuration.count > 1 {
        description += ", started as: backprop train " + summary.configuration.dropFirst().joined(separator: " ")
      }
    }
    throw ConfigurationError(
      parameter: "checkpointDirectory",
      "\(path) holds \(others.count) checkpoint\(others.count == 1 ? "" : "s") of another \(description) "
        + "(newest: \(URL(fileURLWithPath: newest).lastPathComponent)). Continue that run (`resume` from \(path)), "
        + "choose another folder, or delete its checkpoints (`overwrite`)")
  }

  /// Writes a checkpoint for `state`, then deletes all but the newest ``keep``
  /// of this run's checkpoints (and of checkpoints recording no run).
  /// - Returns: the path written.
  @discardableResult
  public func save<Scalar: MatrixScalar>(
    _ state: FitState<Scalar>, model: Model<Scalar>, configuration: [String]
  ) throws -> String {
    let file = join(path, Self.fileName(epoch: state.epoch, batchStart: state.batchStart, finished: state.isFinished))
    try CheckpointFile.write(state, model: model, configuration: configuration, runID: runID, to: file)
    // Temporary files a killed process left behind (AtomicFile's `.NAME.UUID.tmp`).
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    for name in names where name.hasPrefix(".checkpoint-") && name.hasSuffix(".tmp") {
      try? FileManager.default.removeItem(atPath: join(path, name))
    }
    let own = checkpoints().filter { candidate in
      candidate == file
        || {
          guard let recorded = try? CheckpointFile.summary(path: candidate) else { return false }
          return recorded.runID == runID || recorded.runID == nil
        }()
    }
    for old in own.dropLast(keep) where old != file { try? FileManager.default.removeItem(atPath: old) }
    return file
  }
}
