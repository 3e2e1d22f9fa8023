/// Examples and their labels read from files, in the notes' layout:
/// X (n[0], m) with one example per column, Y (rows, m).
public enum LabeledData {
  /// Reads inputs and labels from NumPy files and checks that they fit together.
  ///
  /// The inputs' first axis is the sample axis; the other axes are flattened
  /// in C order (`x.reshape(m, -1).T`). Labels may be (m,), (m, 1) or (1, m).
  ///
  /// - Parameters:
  ///   - scale: divide every input by this (255 for 8-bit pixels), as the course's `x / 255.`.
  /// - Throws: ``FileFormatError`` for an unreadable file, ``DataError`` when the label
  ///   count differs from the example count or an input is NaN or infinite.
  public static func load<Scalar: MatrixScalar>(
    inputs: String, labels: String, scale: Double? = nil, as _: Scalar.Type = Scalar.self
  ) throws -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    let xArray = try NPYFile.read(path: inputs)
    var x: Matrix<Scalar>
    if let scale {
      // Divide in Double, as NumPy does, then convert.
      var wide = try xArray.samples(as: Double.self, path: inputs)
      wide.withUnsafeMutableBufferPointer { p in
        for k in p.indices { p[k] = p[k] / scale }
      }
      x = wide.converted(to: Scalar.self)
    } else {
      x = try xArray.samples(as: Scalar.self, path: inputs)
    }
    let y = try NPYFile.read(path: labels).labels(as: Scalar.self, path: labels)
    guard y.columns == x.columns else {
      throw DataError(
        "\(labels) holds \(y.columns) labels but \(inputs) holds \(x.columns) examples; they must match one to one")
    }
    if let index = x.scalars.firstIndex(where: { !$0.isFinite }) {
      throw DataError(
        "\(inputs): example \(index / max(x.rows, 1)), feature \(index % max(x.rows, 1)) is \(x.scalars[index]); "
          + "inputs must be finite")
    }
    return (x, y)
  }
}

extension NumPyArray {
  /// ``samples(as:)`` with the file's path in the error.
  func samples<S: MatrixScalar>(as _: S.Type, path: String) throws(FileFormatError) -> Matrix<S> {
    do { return try samples(as: S.self) } catch { throw FileFormatError(path: path, error.message) }
  }

  /// ``labels(as:)`` with the file's path in the error.
  func labels<S: MatrixScalar>(as _: S.Type, path: String) throws(FileFormatError) -> Matrix<S> {
    do { return try labels(as: S.self) } catch { throw FileFormatError(path: path, error.message) }
  }

  /// ``matrix(as:)`` with the file's path and the array's name in the error.
  func matrix<S: MatrixScalar>(as _: S.Type, path: String, name: String) throws(FileFormatError) -> Matrix<S> {
    do { return try matrix(as: S.self) } catch { throw FileFormatError(path: path, "\(name): \(error.message)") }
  }
}
