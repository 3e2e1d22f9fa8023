import Foundation

/// Writes files all at once: the bytes go to a temporary file in the same
/// folder, which is then renamed over the destination, so a reader never sees
/// a half-written file and a failed write leaves the old file (if any) intact.
///
/// ```swift
/// try AtomicFile.write(bytes, to: "model/W1.npy")
/// ```
public enum AtomicFile {
  /// Writes `data` to `path`, replacing any file there only once every byte is written.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when the folder is missing or
  ///   not writable, the disk is full, or the rename fails; the temporary file
  ///   is removed.
  public static func write(_ data: Data, to path: String) throws(FileFormatError) {
    try commit(writeTemporary(data, for: path), to: path)
  }

  /// Creates an empty temporary file beside `path` (`.NAME.UUID.tmp` in the same folder, so
  /// that renaming it over `path` is atomic), open for writing.
  ///
  /// - Returns: the open descriptor, which the caller closes, and the temporary file's path.
  /// - Throws: ``FileFormatError`` naming `path` when the folder is missing or not writable.
  static func createTemporary(for path: String) throws(FileFormatError) -> (descriptor: Int32, path: String) {
    let destination = URL(fileURLWithPath: path)
    let temporary = destination.deletingLastPathComponent().appendingPathComponent(
      ".\(destination.lastPathComponent).\(UUID().uuidString).tmp", isDirectory: false)
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw FileFormatError(path: path, "cannot write: \(String(cString: strerror(errno)))")
    }
    return (descriptor, temporary.path)
  }

  /// Writes every byte of `bytes` at the descriptor's position, retrying short and interrupted writes.
  ///
  /// - Returns: nil, or the `errno` of the write that failed.
  static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
    var offset = 0
    while offset < bytes.count, let base = bytes.baseAddress {
      let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }

  /// Writes `data` to a new temporary file beside `path` and flushes it to the disk, ready for
  /// ``commit(_:to:)``.
  ///
  /// - Returns: the temporary file's path.
  /// - Throws: ``FileFormatError`` naming `path` when the folder is missing or not writable, or
  ///   the disk is full; the temporary file is removed.
  static func writeTemporary(_ data: Data, for path: String) throws(FileFormatError) -> String {
    let (descriptor, temporary) = try createTemporary(for: path)
    // Write every byte, flush it to the disk (fsync), and only then rename.
    let failure = data.withUnsafeBytes { writeAll($0, to: descriptor) } ?? (fsync(descriptor) == 0 ? nil : errno)
    let closed = close(descriptor)
    if let code = failure ?? (closed == 0 ? nil : errno) {
      unlink(temporary)
      throw FileFormatError(path: path, "cannot write: \(String(cString: strerror(code)))")
    }
    return temporary
  }

  /// Renames the complete `temporary` file over `path` and makes the rename durable.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when the rename fails; `temporary` is then removed.
  static func commit(_ temporary: String, to path: String) throws(FileFormatError) {
    if rename(temporary, path) != 0 {
      let code = errno
      unlink(temporary)
      throw FileFormatError(path: path, "cannot replace the file: \(String(cString: strerror(code)))")
    }
    // Make the rename itself durable: fsync the folder's entry table.
    let folderDescriptor = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// Writes `bytes` to `path`, replacing any file there only once every byte is written.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when the write or the rename fails.
  public static func write(_ bytes: [UInt8], to path: String) throws(FileFormatError) {
    try write(Data(bytes), to: path)
  }

  /// Checks, before long work, that `path` can be written: its folder exists
  /// and is writable, and `path` is not itself a folder.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and what is wrong.
  public static func checkWritable(_ path: String) throws(FileFormatError) {
    let destination = URL(fileURLWithPath: path)
    let folder = destination.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw FileFormatError(path: path, "cannot write: the folder \(folder) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
      throw FileFormatError(path: path, "cannot write: the folder \(folder) is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw FileFormatError(path: path, "cannot write: it is a folder")
    }
  }
}
