import Foundation

/// Turns a CSV table, or MNIST's IDX image and label files, into `.npy` arrays and their
/// ``DatasetDescription``, in one streaming pass, for data larger than memory (training then
/// maps the arrays rather than loading them).
///
/// ```swift
/// let big = try DatasetConversion.convert(csv: "big.csv", target: .name("label"), to: "big")
/// big.dataset.examples                 // m
/// let mnist = try DatasetConversion.convert(
///   images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", to: "mnist")
/// ```
///
/// | file | holds |
/// |---|---|
/// | `x.npy` | the inputs, (m, n) float32 (or float64), one example per row, the raw values |
/// | `y.npy` | the labels, (m,) float64: the target column's numbers, or class indices |
/// | `dataset.json` | the ``DatasetDescription``: names, classes, each feature's statistics |
///
/// A CSV file is read as ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``
/// reads it — the same dialect detection, target column, number rules, class encoding (sorted
/// labels) and error messages — but each row's features go straight to `x.npy` through a
/// 1 MiB buffer. Memory holds one 1 MiB chunk of the file, that buffer, the labels (8 bytes an
/// example) and the statistics (4 numbers a feature), whatever the file's size. IDX images are
/// mapped (or, gzip-compressed, decompressed into memory: MNIST's 47 MB) and written a few
/// rows at a time, as their raw values (0…255 for pixels: no scaling).
///
/// Nothing is half-written: the three files are renamed into place together once all are
/// complete, and a failure leaves no file behind (nor the folders it created).
public enum DatasetConversion {
  /// The inputs' file name in the output folder.
  public static let inputsFileName = "x.npy"
  /// The labels' file name in the output folder.
  public static let labelsFileName = "y.npy"
  /// The description's file name in the output folder.
  public static let descriptionFileName = "dataset.json"

  /// What a conversion wrote.
  public struct Summary: Sendable {
    /// The description written as `dataset.json`.
    public var dataset: DatasetDescription
    /// The folder holding the three files.
    public var folder: String
    /// The size of the three files together, in bytes.
    public var bytesWritten: Int
    /// The number of distinct labels (the number of classes, for class labels).
    public var distinctLabels: Int
  }

  /// Converts the CSV file at `path`, streaming it; the arguments are those of
  /// ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``.
  ///
  /// - Parameters:
  ///   - path: the CSV file (UTF-8 text), one example per row.
  ///   - target: the column holding the labels; every other column is a feature.
  ///   - delimiter: the character between cells, or nil to detect comma, semicolon or tab.
  ///   - hasHeader: whether the first row names the columns, or nil to detect it.
  ///   - classNames: the classes of a text label column, in the order of their indices; nil
  ///     to encode the labels in sorted order (or keep a numeric column's numbers).
  ///   - folder: where `x.npy`, `y.npy` and `dataset.json` go; created when missing.
  ///   - dtype: the inputs' element type, `.float32` (each value rounded to the nearest
  ///     `Float`) or `.float64` (exact). The statistics are of the values as read, in `Double`.
  ///   - overwrite: whether to replace the files a folder already holds.
  /// - Returns: the description written, and the bytes written.
  /// - Throws: as ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)`` for the file;
  ///   ``ConfigurationError`` (`outputFolder`) when `folder` already holds one of the files and
  ///   `overwrite` is false, or for `dtype`; ``FileFormatError`` naming an output file that
  ///   cannot be written (a folder that is not writable, a full disk). Nothing is left behind.
  public static func convert(
    csv path: String, target: TargetColumn = .last, delimiter: Character? = nil, hasHeader: Bool? = nil,
    classNames: [String]? = nil, to folder: String, dtype: NumPyDType = .float32, overwrite: Bool = false
  ) throws -> Summary {
    try convert(
      csv: path, target: target, delimiter: delimiter, hasHeader: hasHeader, classNames: classNames, to: folder,
      dtype: dtype, overwrite: overwrite, chunkSize: 1 << 20)
  }

  /// ``convert(csv:target:delimiter:hasHeader:classNames:to:dtype:overwrite:)`` reading
  /// `chunkSize` bytes at a time (tests make it small).
  static func convert(
    csv path: String, target: TargetColumn, delimiter: Character?, hasHeader: Bool?, classNames: [String]?,
    to folder: String, dtype: NumPyDType, overwrite: Bool, chunkSize: Int
  ) throws -> Summary {
    let output = try ConversionOutput(folder: folder, dtype: dtype, overwrite: overwrite)
    return try output.write {
      let (targets, dialect, inputs) = try CSVReader.stream(
        path: path, target: target, delimiter: delimiter, hasHeader: hasHeader, classNames: classNames,
        features: ConvertedInputs(path: output.inputsPath, dtype: dtype), chunkSize: chunkSize
      ) { (builder, dialect) throws(CSVFailure) in (try builder.takeTargets(), dialect, builder.features) }
      return ConversionOutput.Converted(
        source: [path], inputs: inputs, labels: targets.values,
        featureNames: dialect.hasHeader ? targets.featureNames : nil,
        targetName: dialect.hasHeader ? targets.targetName : nil, classNames: targets.classNames)
    }
  }

  /// Converts IDX images and their labels (MNIST's `train-images-idx3-ubyte` and
  /// `train-labels-idx1-ubyte`, plain or gzip-compressed): the images, (m, rows, columns),
  /// become x (m, rows · columns) of their raw values; the labels y (m,).
  ///
  /// - Parameters:
  ///   - images: an IDX file of m examples along its first axis.
  ///   - labels: an array file of m labels, shape (m,), (m, 1) or (1, m): IDX, `.npy`, plain
  ///     or gzip-compressed (see ``ArrayFile``).
  ///   - folder: where `x.npy`, `y.npy` and `dataset.json` go; created when missing.
  ///   - dtype: the inputs' element type, `.float32` or `.float64`.
  ///   - overwrite: whether to replace the files a folder already holds.
  /// - Returns: the description written, and the bytes written.
  /// - Throws: ``FileFormatError`` naming `images` or `labels` for a file that cannot be
  ///   read, images that are not IDX, labels of another count, or a value that is NaN or
  ///   infinite (naming the example); otherwise as
  ///   ``convert(csv:target:delimiter:hasHeader:classNames:to:dtype:overwrite:)``.
  public static func convert(
    images: String, labels: String, to folder: String, dtype: NumPyDType = .float32, overwrite: Bool = false
  ) throws -> Summary {
    let output = try ConversionOutput(folder: folder, dtype: dtype, overwrite: overwrite)
    return try output.write {
      let y = try ArrayFile.read(path: labels)
      do {
        try NumPyArray.checkLabelShape(y.shape)
      } catch let error as ShapeError {
        throw FileFormatError(path: labels, error.message)
      }
      if let k = y.scalars.firstIndex(where: { !$0.isFinite }) {
        throw FileFormatError(path: labels, "label \(k) (0-based) is \(y.scalars[k]), not a finite number")
      }
      var inputs = ConvertedInputs(path: output.inputsPath, dtype: dtype)
      try IDXFile.withUncompressed(path: images, gzipLimit: IDXFile.defaultGzipLimit, fileLimit: .max) {
        (bytes, place, mapped) throws(FileFormatError) in
        try writeRows(of: bytes, path: images, place: place, mapped: mapped, labels: (labels, y.count), into: &inputs)
      }
      return ConversionOutput.Converted(
        source: [images, labels], inputs: inputs, labels: y.scalars, featureNames: nil, targetName: nil,
        classNames: nil)
    }
  }

  /// Writes the examples of the IDX file in `bytes` to `inputs`, decoding a few rows at a time.
  private static func writeRows(
    of bytes: UnsafeRawBufferPointer, path: String, place: String, mapped: Bool, labels: (path: String, count: Int),
    into inputs: inout ConvertedInputs
  ) throws(FileFormatError) {
    let (shape, elementType, dataStart) = try IDXFile.layout(bytes, path: path, place: place)
    let n: Int
    let m: Int
    do {
      (n, m) = try NumPyArray.sampleLayout(shape)
    } catch {
      throw FileFormatError(path: path, place + error.message)
    }
    guard m > 0, n > 0 else {
      throw FileFormatError(path: path, place + "dimensions \(NumPyArray.describe(shape)): no examples to convert")
    }
    guard m == labels.count else {
      throw FileFormatError(
        path: labels.path, "holds \(labels.count) labels but \(path) holds \(m) examples (one label per example)")
    }
    do {
      try inputs.start(features: n)
    } catch let error as FileFormatError {
      throw error
    } catch {
      throw FileFormatError(path: inputs.path, "\(error)")
    }
    let rowBytes = n * elementType.itemSize
    // Blocks of about 4 MiB once decoded to Double.
    let rowsPerBlock = max(1, ElementDecoding.chunkBytes / (n * MemoryLayout<Double>.size))
    for first in stride(from: 0, to: m, by: rowsPerBlock) {
      let count = min(rowsPerBlock, m - first)
      let start = dataStart + first * rowBytes
      let block = ElementDecoding.decode(
        UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * rowBytes)]), count: count * n,
        dtype: elementType, byteOrder: .big, as: Double.self, mapped: mapped)
      try block.withUnsafeBufferPointer { (values) throws(FileFormatError) in
        for k in 0..<count {
          let x = UnsafeBufferPointer(rebasing: values[(k * n)..<((k + 1) * n)])
          do throws(FeatureStatistics.NonFiniteValue) {
            try inputs.statistics.add(x)
          } catch {
            let example = first + k
            let problem =
              "example \(example), feature \(error.feature) (0-based): \(error.value) is not a finite number"
            throw FileFormatError(path: path, place + problem + " (features must be finite)")
          }
          try inputs.writer?.append(row: x)
        }
      }
    }
  }
}
