/// The array conversions with the file's path (and the array's name) in their errors.
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
