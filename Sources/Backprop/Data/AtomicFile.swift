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
    let destination = URL(fileURLWithPath: path)
    let folder = destination.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(
      ".\(destination.lastPathComponent).\(UUID().uuidString).tmp", isDirectory: false)
    // Write every byte, flush it to the disk (fsync), and only then rename.
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw FileFormatError(path: path, "cannot write: \(String(cString: strerror(errno)))")
    }
    let failure: Int32? = data.withUnsafeBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count, let base = buffer.baseAddress {
        let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return fsync(descriptor) == 0 ? nil : errno
    }
    let closed = close(descriptor)
    if let code = failure ?? (closed == 0 ? nil : errno) {
      unlink(temporary.path)
      throw FileFormatError(path: path, "cannot write: \(String(cString: strerror(code)))")
    }
    if rename(temporary.path, destination.path) != 0 {
      let code = errno
      try? FileManager.default.removeItem(at: temporary)
      throw FileFormatError(path: path, "cannot replace the file: \(String(cString: strerror(code)))")
    }
    // Make the rename itself durable: fsync the folder's entry table.
    let folderDescriptor = open(folder.path, O_RDONLY)
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
