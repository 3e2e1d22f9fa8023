import Foundation

/// Reads a whole file into memory: a regular file by its size, a pipe or device
/// (`<(cat x.npy)`, `/dev/stdin`) as a stream of at most 1 GiB, both refused past a limit tied to
/// this machine's memory rather than read until memory runs out.
enum FileBytes {
  /// The most bytes read from a pipe or device, whose size is not known in advance: 1 GiB, or
  /// less when memory allows less.
  static var streamLimit: Int { min(1 << 30, MemoryLimit.current.usable) }

  /// The file's contents.
  ///
  /// - Parameter limit: the most bytes accepted (default: what memory allows, ``MemoryLimit``).
  /// - Throws: ``FileFormatError`` naming `path` when it is missing, a folder, unreadable (with
  ///   the system's reason), or larger than the limit.
  static func read(_ path: String, limit: Int = MemoryLimit.current.usable) throws(FileFormatError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FileFormatError(path: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw FileFormatError(path: path, "is a folder, not a file") }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
    }
    let isRegular = status.st_mode & S_IFMT == S_IFREG
    if isRegular, Int(status.st_size) > limit {
      throw FileFormatError(
        path: path,
        "is \(MemoryEstimate.format(Int(status.st_size))), more than the \(MemoryEstimate.format(limit)) "
          + "this machine's memory allows reading at once")
    }
    let cap = isRegular ? limit : min(limit, streamLimit)
    var data = Data()
    if isRegular { data.reserveCapacity(Int(status.st_size)) }
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let got = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, chunkSize) }
      if got < 0 {
        if errno == EINTR { continue }
        throw FileFormatError(path: path, "cannot read: \(String(cString: strerror(errno)))")
      }
      if got == 0 { return data }
      guard data.count + got <= cap else {
        throw FileFormatError(
          path: path,
          isRegular
            ? "grew past \(MemoryEstimate.format(cap)) while it was read"
            : "a \(Self.kind(status.st_mode)) that gave more than \(MemoryEstimate.format(cap)) without ending; "
              + "give a regular file, or a stream that ends")
      }
      data.append(contentsOf: chunk[0..<got])
    }
  }

  /// What a file that is not a regular one is, for messages.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: "pipe"
    case S_IFCHR: "character device"
    case S_IFBLK: "block device"
    case S_IFSOCK: "socket"
    default: "special file"
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
