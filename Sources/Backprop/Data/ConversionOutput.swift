import Foundation

/// The folder a ``DatasetConversion`` writes and its three files, written all together or not
/// at all: each goes to a temporary file beside its destination, and only once the three are
/// complete are they renamed into place, `dataset.json` last. On any failure the temporary
/// files are removed, so are the files this conversion had already renamed into place and the
/// folders it created; files that were there before are left as they were.
struct ConversionOutput {
  /// What a conversion read, for the output to write.
  struct Converted {
    var source: [String]
    /// The inputs, written to a temporary file, and their statistics.
    var inputs: ConvertedInputs
    /// One label per example.
    var labels: [Double]
    var featureNames: [String]?
    var targetName: String?
    var classNames: [String]?
  }

  let folder: String
  let dtype: NumPyDType
  let inputsPath: String
  let labelsPath: String
  let descriptionPath: String
  /// The folders this conversion creates, deepest first.
  private let createdFolders: [String]

  /// Checks the destination and creates the folder (and any missing parent).
  ///
  /// - Throws: ``ConfigurationError`` for `dtype` other than float32 or float64, or when the
  ///   folder holds one of the files already and `overwrite` is false; ``FileFormatError``
  ///   naming the folder when it is a file or cannot be created, or a file that cannot be written.
  init(folder: String, dtype: NumPyDType, overwrite: Bool) throws {
    guard dtype == .float32 || dtype == .float64 else {
      throw ConfigurationError(parameter: "dtype", "\(dtype.rawValue): the inputs are written as float32 or float64")
    }
    self.folder = folder
    self.dtype = dtype
    // The paths as the caller wrote the folder, for messages.
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    inputsPath = prefix + DatasetConversion.inputsFileName
    labelsPath = prefix + DatasetConversion.labelsFileName
    descriptionPath = prefix + DatasetConversion.descriptionFileName

    let files = FileManager.default
    var isDirectory: ObjCBool = false
    var missing: [String] = []
    var ancestor = URL(fileURLWithPath: folder)
    while !files.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
      missing.append(ancestor.path)
      let parent = ancestor.deletingLastPathComponent()
      if parent.path == ancestor.path { break }
      ancestor = parent
    }
    guard isDirectory.boolValue else {
      let path = missing.isEmpty ? folder : ancestor.path
      throw FileFormatError(
        path: path, "is a file, not a folder" + (missing.isEmpty ? "" : ", so \(folder) cannot be made"))
    }
    let existing = [inputsPath, labelsPath, descriptionPath].filter { files.fileExists(atPath: $0) }
    if !existing.isEmpty, !overwrite {
      throw ConfigurationError(
        parameter: "outputFolder",
        "\(folder) holds " + existing.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
          + " already; choose another folder, or replace them (`overwrite`)")
    }
    if !missing.isEmpty {
      do {
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw FileFormatError(path: folder, "cannot create the folder: \(Self.reason(error))")
      }
    }
    createdFolders = missing
    do {
      for path in [inputsPath, labelsPath, descriptionPath] { try AtomicFile.checkWritable(path) }
    } catch {
      removeCreatedFolders()
      throw error
    }
  }

  /// The system's words for a Foundation error.
  private static func reason(_ error: any Error) -> String {
    guard let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    else { return error.localizedDescription }
    return String(cString: strerror(Int32(underlying.code)))
  }

  private func removeCreatedFolders() {
    for path in createdFolders { rmdir(path) }  // only while empty
  }

  /// Runs `convert`, then writes its labels and description beside its inputs and renames
  /// the three files into place.
  ///
  /// - Throws: what `convert` throws; ``FileFormatError`` naming a file that cannot be
  ///   written; ``DataError`` when a statistic overflows (values near the largest `Double`).
  func write(_ convert: () throws -> Converted) throws -> DatasetConversion.Summary {
    var temporaries: [String] = []
    var committed: [String] = []
    do {
      let converted = try convert()
      let statistics = converted.inputs.statistics
      guard let writer = converted.inputs.writer, statistics.count > 0 else {
        throw DataError("\(converted.source.joined(separator: ", ")): no examples to convert")
      }
      let numbers = statistics.mean + statistics.standardDeviation + statistics.minimum + statistics.maximum
      if let k = numbers.firstIndex(where: { !$0.isFinite }) {
        throw DataError(
          "\(converted.source.joined(separator: ", ")): feature \(k % statistics.features + 1): the values are "
            + "too large for their mean and standard deviation to be finite numbers")
      }
      let description = DatasetDescription(
        source: converted.source, examples: statistics.count, features: statistics.features,
        inputs: DatasetConversion.inputsFileName, labels: DatasetConversion.labelsFileName, dtype: dtype,
        featureNames: converted.featureNames, targetName: converted.targetName, classNames: converted.classNames,
        statistics: DatasetDescription.Statistics(statistics))
      let labels = NPYFile.encode(
        try NumPyArray(shape: [converted.labels.count], dtype: .float64, scalars: converted.labels))
      let json = Data(try description.json().utf8)
      temporaries.append(try writer.complete())
      temporaries.append(try AtomicFile.writeTemporary(Data(labels), for: labelsPath))
      temporaries.append(try AtomicFile.writeTemporary(json, for: descriptionPath))
      for (temporary, destination) in zip(temporaries, [inputsPath, labelsPath, descriptionPath]) {
        try AtomicFile.commit(temporary, to: destination)
        committed.append(destination)
      }
      return DatasetConversion.Summary(
        dataset: description, folder: folder, bytesWritten: writer.byteCount + labels.count + json.count,
        distinctLabels: Set(converted.labels).count)
    } catch {
      for path in temporaries.dropFirst(committed.count) + committed { unlink(path) }
      removeCreatedFolders()
      throw error
    }
  }
}
