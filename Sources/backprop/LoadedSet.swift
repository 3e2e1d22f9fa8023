import ArgumentParser
import Backprop
import Foundation

/// `--memory-map`: whether a `.npy` of inputs is trained from in place or loaded into memory.
enum MemoryMapMode: String, ExpressibleByArgument, CaseIterable {
  /// Mapped when it is a plain `.npy` file of at least ``threshold`` bytes.
  case auto
  /// Always mapped (an error when the file cannot be).
  case on
  /// Always loaded into memory.
  case off

  /// The size from which `auto` maps a `.npy` file: 1 GiB.
  static let threshold = 1 << 30
}

/// A set as `train` reads it: its examples held in memory (a ``Dataset``), or a memory-mapped
/// `.npy` file's rows with only the labels in memory.
struct LoadedSet<Scalar: MatrixScalar> {
  /// The labels, class names and, in memory, the inputs. A mapped set's dataset holds one
  /// "feature" per example instead: its row in the file, so that the library's label handling,
  /// `--examples` and the seeded splits select rows exactly as they select loaded examples.
  var dataset: Dataset
  /// This set's rows of the mapped file (raw, before preprocessing), nil when the set is in memory.
  let mapped: MappedExamples<Scalar>?

  /// A set held in memory.
  init(_ dataset: Dataset) {
    self.dataset = dataset
    mapped = nil
  }

  /// The rows of a mapped file that `rows` (a dataset of row numbers, see ``dataset``) holds.
  init(rows: Dataset, of file: MappedExamples<Scalar>) {
    dataset = rows
    mapped = file.selecting(rows.x.scalars.map { Int($0) })
  }

  /// m.
  var count: Int { dataset.count }
  /// n[0].
  var featureCount: Int { mapped?.featureCount ?? dataset.featureCount }
  /// The inputs' names (a table's header), when known.
  var featureNames: [String]? { dataset.featureNames }
  /// True when the inputs are read in place.
  var isMapped: Bool { mapped != nil }

  /// X as read (before preprocessing), for evaluations that apply a model's own preprocessing.
  var rawExamples: Examples<Scalar> {
    mapped.map { .mapped($0) } ?? .matrix(dataset.features(as: Scalar.self))
  }

  /// X as read, in `Double` and in memory (a mapped set is gathered whole: only for a few features,
  /// as a decision boundary's two).
  func rawDoubles() -> Matrix<Double> {
    guard let mapped else { return dataset.x }
    var x = Matrix<Scalar>(rows: 0, columns: 0)
    mapped.gather(0..<mapped.count, into: &x)
    return x.converted(to: Double.self)
  }

  /// The preprocessing fitted on these examples (a mapped set: streaming passes through its
  /// rows, the first of which checks every value).
  func fitPreprocessing(_ method: Preprocessing.Method, divisor: Double) throws -> Preprocessing {
    guard let mapped else { return try dataset.fitPreprocessing(method, divisor: divisor) }
    return try mapped.fitPreprocessing(method, divisor: divisor)
  }

  /// X prepared by `preprocessing` (applied as batches are read when mapped) and Y, in `Scalar`.
  func prepared(by preprocessing: Preprocessing) throws -> LabeledExamples<Scalar> {
    if let mapped {
      return LabeledExamples(
        x: .mapped(try mapped.prepared(by: preprocessing)), y: dataset.y.converted(to: Scalar.self))
    }
    let set = try dataset.prepared(by: preprocessing, as: Scalar.self)
    return LabeledExamples(x: .matrix(set.x), y: set.y)
  }
}

extension DataOptions {
  /// The `.npy` file at `path` mapped, when `--memory-map` asks for it (`auto`: a plain `.npy`
  /// file of 1 GiB or more); nil when it is to be loaded.
  /// - Throws: for `--memory-map on`, an error naming the file when it cannot be mapped.
  func mappedInputs<Scalar: MatrixScalar>(_ path: String?, key: String?, as _: Scalar.Type) throws -> MappedExamples<
    Scalar
  >? {
    guard let path, memoryMap != .off else { return nil }
    if memoryMap == .auto {
      guard key == nil, let size = Self.plainNPYSize(path), size >= MemoryMapMode.threshold else { return nil }
      // A file that cannot be mapped (a Fortran-order array) is loaded as before.
      return try? MappedExamples<Scalar>(path: path)
    }
    guard key == nil else {
      throw ConfigurationError(
        parameter: "--memory-map", "\(path): an .npz entry cannot be mapped; save the array alone with np.save")
    }
    do {
      return try MappedExamples<Scalar>(path: path)
    } catch {
      throw ConfigurationError(
        parameter: "--memory-map",
        "\(error); only a plain (not compressed) .npy file can be trained from in place — "
          + "`backprop convert` writes one from a CSV or IDX file")
    }
  }

  /// The size of the file at `path` when it is a regular file that starts as a `.npy` file does.
  static func plainNPYSize(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int,
      let handle = FileHandle(forReadingAtPath: path)
    else { return nil }
    defer { try? handle.close() }
    let magic = (try? handle.read(upToCount: 6)) ?? Data()
    return magic == Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) ? size : nil
  }

  /// A set of a mapped file's rows with the labels of `labels`: the dataset holds each example's
  /// row number as its one feature (see ``LoadedSet/dataset``).
  static func rows<Scalar: MatrixScalar>(
    of file: MappedExamples<Scalar>, labels: String, key: String?
  ) throws -> Dataset {
    let y = try Dataset.labels(path: labels, key: key)
    guard y.columns == file.count else {
      throw DataError(
        "\(labels) holds \(y.columns) labels but \(file.path) holds \(file.count) examples; they must match one to one")
    }
    var rows = Matrix<Double>(rows: 1, columns: file.count)
    rows.withUnsafeMutableBufferPointer { p in
      for j in 0..<p.count { p[j] = Double(j) }
    }
    return try Dataset(x: rows, y: y)
  }
}
