import Foundation

/// Reads a file front to back in chunks, without holding more than one chunk.
struct FileChunks: ~Copyable {
  /// The file's path as given, for errors.
  let path: String
  private let descriptor: Int32

  /// Opens `path` for reading.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it is missing, a folder or unreadable.
  init(path: String) throws(FileFormatError) {
    self.path = path
    self.descriptor = try Self.openForReading(path)
  }

  /// A read-only descriptor for `path`, which the caller closes.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it is missing, a folder or unreadable.
  static func openForReading(_ path: String) throws(FileFormatError) -> Int32 {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FileFormatError(path: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw FileFormatError(path: path, "is a folder, not a file") }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
    }
    return descriptor
  }

  deinit { close(descriptor) }

  /// Fills `buffer` from the file, reading until it is full or the file ends.
  ///
  /// - Returns: the number of bytes read; fewer than `buffer.count` only at the end of the file.
  /// - Throws: ``FileFormatError`` naming the file when a read fails.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var filled = 0
    while filled < buffer.count {
      let got = Foundation.read(descriptor, base + filled, buffer.count - filled)
      if got < 0 {
        if errno == EINTR { continue }
        throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
      }
      if got == 0 { break }
      filled += got
    }
    return filled
  }
}
