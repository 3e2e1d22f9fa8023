import Foundation

/// Reads a whole file into memory.
enum FileBytes {
  /// The file's contents.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be read.
  static func read(_ path: String) throws(FileFormatError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FileFormatError(path: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw FileFormatError(path: path, "is a folder, not a file") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw FileFormatError(path: path, "cannot read: \((error as NSError).localizedDescription)")
    }
  }
}

extension FileBytes {
  /// Calls `body` with the bytes of `data`, keeping `body`'s typed error.
  static func withBytes<R>(
    _ data: Data, _ body: (UnsafeRawBufferPointer) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    let result: Result<R, FileFormatError> = data.withUnsafeBytes { buffer in
      do throws(FileFormatError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Calls `body` with the bytes of `bytes`, keeping `body`'s typed error.
  static func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    let result: Result<R, FileFormatError> = bytes.withUnsafeBytes { buffer in
      do throws(FileFormatError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }
}

/// Strict UTF-8 decoding (`String(validating:)` needs macOS 15).
enum UTF8Text {
  /// The text of `bytes`, or nil when they are not valid UTF-8.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var scalars = String.UnicodeScalarView()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): scalars.append(scalar)
      case .emptyInput: return String(scalars)
      case .error: return nil
      }
    }
  }
}
