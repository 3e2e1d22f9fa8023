import Foundation

extension DatasetDescription {
  /// Reads `dataset.json` and checks it against itself and against the arrays it names.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and the key for JSON that is not a
  ///   description (a missing key, a value of the wrong type), another format or version, a
  ///   count of 0, a list whose length is not the number of features, a statistic that is not
  ///   finite (or a negative standard deviation, a minimum above its maximum), or arrays whose
  ///   shape or type are not those written here; naming an array's path when it is missing,
  ///   not a `.npy` file, or shorter than its shape.
  public static func read(path: String) throws(FileFormatError) -> DatasetDescription {
    let data = try FileBytes.read(path)
    let description: DatasetDescription
    do {
      let decoder = JSONDecoder()
      // The format and version first: another version may have other keys.
      let stamp = try decoder.decode(Stamp.self, from: data)
      guard stamp.format == formatName else {
        throw FileFormatError(
          path: path,
          "key 'format': \(stamp.format.map { "\"\($0)\"" } ?? "missing"), expected \"\(formatName)\" "
            + "(a description written by `backprop convert`)")
      }
      guard stamp.version == currentVersion else {
        throw FileFormatError(
          path: path,
          "key 'version': \(stamp.version.map(String.init) ?? "missing"); this Backprop reads version "
            + "\(currentVersion) (convert the data again with this version)")
      }
      description = try decoder.decode(DatasetDescription.self, from: data)
    } catch let error as FileFormatError {
      throw error
    } catch let error as DecodingError {
      throw FileFormatError(path: path, describe(error))
    } catch {
      throw FileFormatError(path: path, "is not a dataset description: \(error)")
    }
    try description.check(path: path)
    return description
  }

  /// The keys that say what the rest of the file is.
  private struct Stamp: Decodable {
    var format: String?
    var version: Int?
  }

  /// A decoding error as "key 'statistics.mean[2]': what is wrong".
  private static func describe(_ error: DecodingError) -> String {
    func key(_ path: [any CodingKey]) -> String {
      var text = ""
      for key in path {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += (text.isEmpty ? "" : ".") + key.stringValue
        }
      }
      return text
    }
    switch error {
    case .keyNotFound(let missing, let context):
      return "key '\(key(context.codingPath + [missing]))' is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      guard !context.codingPath.isEmpty else {
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        return "is not a dataset description: \(context.debugDescription)\(underlying)"
      }
      return "key '\(key(context.codingPath))': \(context.debugDescription)"
    @unknown default:
      return "is not a dataset description: \(error)"
    }
  }

  /// Checks the counts and numbers, then the arrays' headers.
  private func check(path: String) throws(FileFormatError) {
    func fail(_ key: String, _ problem: String) -> FileFormatError {
      FileFormatError(path: path, "key '\(key)': \(problem)")
    }
    guard examples > 0 else { throw fail("examples", "\(examples); a data set holds at least one example") }
    guard features > 0 else { throw fail("features", "\(features); an example has at least one feature") }
    guard dtype == .float32 || dtype == .float64 else {
      throw fail("dtype", "\"\(dtype.rawValue)\"; the inputs are \"float32\" or \"float64\"")
    }
    if let featureNames, featureNames.count != features {
      throw fail("featureNames", "\(featureNames.count) names for \(features) features")
    }
    if let classNames {
      guard !classNames.isEmpty else { throw fail("classNames", "an empty list; null when there are no classes") }
      guard Set(classNames).count == classNames.count else { throw fail("classNames", "a name appears twice") }
    }
    let lists = [
      ("mean", statistics.mean), ("standardDeviation", statistics.standardDeviation),
      ("minimum", statistics.minimum), ("maximum", statistics.maximum),
    ]
    for (name, values) in lists {
      guard values.count == features else {
        throw fail("statistics.\(name)", "\(values.count) values for \(features) features")
      }
      if let i = values.firstIndex(where: { !$0.isFinite }) {
        throw fail("statistics.\(name)[\(i)]", "\(values[i]) is not a finite number")
      }
    }
    if let i = statistics.standardDeviation.firstIndex(where: { $0 < 0 }) {
      throw fail("statistics.standardDeviation[\(i)]", "\(statistics.standardDeviation[i]) is negative")
    }
    if let i = statistics.minimum.indices.first(where: { statistics.minimum[$0] > statistics.maximum[$0] }) {
      throw fail(
        "statistics.minimum[\(i)]", "\(statistics.minimum[i]) is above the maximum \(statistics.maximum[i])")
    }
    try checkArray(inputs, key: "inputs", shape: [examples, features], dtype: dtype, path: path)
    try checkArray(labels, key: "labels", shape: [examples], dtype: nil, path: path)
  }

  /// Checks that the `.npy` file `file` (named by `key`) holds an array of `shape` (and of
  /// `dtype`, when given), in C order.
  private func checkArray(
    _ file: String, key: String, shape: [Int], dtype: NumPyDType?, path: String
  ) throws(FileFormatError) {
    func fail(_ key: String, _ problem: String) -> FileFormatError {
      FileFormatError(path: path, "key '\(key)': \(problem)")
    }
    let arrayPath = Self.resolve(file, besides: path)
    let (header, dataBytes) = try NPYFile.readHeader(path: arrayPath)
    let found = header.shape
    let shown = NumPyArray.describe(found)
    guard found.count == shape.count else {
      throw fail(key, "\(file) has shape \(shown), expected \(NumPyArray.describe(shape))")
    }
    if found[0] != shape[0] {
      throw fail("examples", "\(examples), but \(file) holds \(found[0]) (shape \(shown))")
    }
    if shape.count == 2, found[1] != shape[1] {
      throw fail("features", "\(features), but \(file) has \(found[1]) columns (shape \(shown))")
    }
    if let dtype, header.dtype != dtype {
      throw fail("dtype", "\"\(dtype.rawValue)\", but \(file) holds \(header.dtype.rawValue)")
    }
    if header.fortranOrder, shape.count > 1 {
      throw fail(key, "\(file) is in Fortran order; the arrays are in C order (one example per row)")
    }
    let (needed, overflow) = (NumPyArray.elementCount(shape) ?? .max).multipliedReportingOverflow(
      by: header.dtype.itemSize)
    guard !overflow, dataBytes >= needed else {
      throw FileFormatError(
        path: arrayPath,
        "truncated: shape \(shown) needs \(overflow ? "more than \(Int.max)" : String(needed)) bytes of data but "
          + "\(dataBytes) follow the header")
    }
  }
}
