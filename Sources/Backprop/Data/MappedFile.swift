import Foundation

/// A whole regular file mapped read-only into memory for as long as the object lives: its pages
/// are read from disk (or the page cache) when first touched and belong to the page cache, not to
/// this process's own memory, so a file larger than RAM can be read anywhere, any number of times.
final class MappedFile: @unchecked Sendable {
  // @unchecked: the mapping is read-only and never changes while it exists.
  /// The path the file was opened by, for messages.
  let path: String
  /// The file's bytes.
  let bytes: UnsafeRawBufferPointer

  /// Maps the file at `path`.
  /// - Throws: ``FileFormatError`` naming `path`: missing, unreadable, not a regular file, empty,
  ///   or refused by `mmap` (with the system's reason).
  init(path: String) throws(FileFormatError) {
    let descriptor = try FileChunks.openForReading(path)
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw FileFormatError(
        path: path, "is a \(FileBytes.kind(status.st_mode)), not a regular file: only a file on disk can be mapped")
    }
    let size = Int(status.st_size)
    guard size > 0 else { throw FileFormatError(path: path, "empty file (0 bytes), expected a .npy file") }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
      throw FileFormatError(path: path, "cannot be memory-mapped: \(String(cString: strerror(errno)))")
    }
    self.path = path
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}
