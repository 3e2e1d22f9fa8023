/// The inputs' side of a ``DatasetConversion``: each example's features are written to the
/// `.npy` file as they arrive and taken into the running statistics; nothing else is kept.
struct ConvertedInputs {
  /// The `.npy` file to write.
  let path: String
  /// Its element type, float32 or float64.
  let dtype: NumPyDType
  /// The writer, once the number of features is known.
  private(set) var writer: NPYStreamWriter?
  /// The statistics of the examples written so far: an example goes into them first, and is
  /// written only when it is finite.
  var statistics = FeatureStatistics(features: 0)
  /// The row being read from a CSV file.
  private var row: [Double] = []

  init(path: String, dtype: NumPyDType) {
    self.path = path
    self.dtype = dtype
  }

  /// Starts the file for examples of `features` features.
  ///
  /// - Throws: ``FileFormatError`` naming ``path`` when its temporary file cannot be created.
  mutating func start(features: Int) throws {
    writer = try NPYStreamWriter(path: path, columns: features, dtype: dtype)
    statistics = FeatureStatistics(features: features)
    row = [Double](repeating: 0, count: features)
  }
}

extension ConvertedInputs: CSVFeatureSink {
  mutating func begin(features: Int) throws(CSVFailure) {
    do {
      try start(features: features)
    } catch let error as FileFormatError {
      throw .output(error)
    } catch let error as ConfigurationError {
      throw .configuration(error)
    } catch {
      throw .output(FileFormatError(path: path, "\(error)"))
    }
  }

  @inline(__always)
  mutating func append(_ value: Double, feature: Int) { row[feature] = value }

  mutating func endRow(line: Int) throws(CSVFailure) {
    do {
      try statistics.add(row)
    } catch {
      // The tokenizer's numbers are finite already; this guards the statistics all the same.
      throw .at(line: line, column: nil, problem: "feature \(error.feature + 1) is \(error.value), not a finite number")
    }
    do {
      try writer?.append(row: row)
    } catch {
      throw .output(error)
    }
  }
}
