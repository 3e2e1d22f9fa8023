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
    let file = try OpenFile(path, limit: limit)
    defer { close(file.descriptor) }
    return try readAll(file, path: path, limit: limit)
  }

  /// Calls `body` with the file's contents and whether they are memory-mapped: a non-empty regular
  /// file is mapped read-only and private (its pages are read from disk as they are touched, and
  /// ``dropPages(_:)`` may hand back pages already read); anything else (a pipe, a device), or a
  /// file that cannot be mapped, is read into memory as ``read(_:limit:)`` reads it.
  ///
  /// - Throws: ``FileFormatError`` naming `path`, as ``read(_:limit:)`` does, or `body`'s error.
  static func withContents<R>(
    _ path: String, limit: Int = MemoryLimit.current.usable,
    _ body: (UnsafeRawBufferPointer, _ mapped: Bool) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    let file = try OpenFile(path, limit: limit)
    defer { close(file.descriptor) }
    if file.isRegular, file.size > 0,
      let address = mmap(nil, file.size, PROT_READ, MAP_PRIVATE, file.descriptor, 0), address != MAP_FAILED
    {
      defer { munmap(address, file.size) }
      _ = madvise(address, file.size, MADV_SEQUENTIAL)
      return try body(UnsafeRawBufferPointer(start: address, count: file.size), true)
    }
    let data = try readAll(file, path: path, limit: limit)
    return try withBytes(data) { (bytes) throws(FileFormatError) in try body(bytes, false) }
  }

  /// Hands back to the system the whole pages of a read-only private file mapping that lie in
  /// `consumed`: they leave this process's resident memory, and are read from the file again should
  /// they be touched. Only for bytes inside a mapping made by ``withContents(_:limit:_:)``
  /// (on other memory it would discard data).
  static func dropPages(_ consumed: UnsafeRawBufferPointer) {
    guard let base = consumed.baseAddress, consumed.count > 0 else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + consumed.count) / page * page
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, MADV_DONTNEED)
  }

  /// An open file descriptor with what `fstat` says of it, checked against `limit`.
  private struct OpenFile {
    let descriptor: Int32
    let isRegular: Bool
    let size: Int
    let mode: mode_t

    init(_ path: String, limit: Int) throws(FileFormatError) {
      let descriptor = try FileChunks.openForReading(path)
      var status = stat()
      guard fstat(descriptor, &status) == 0 else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw FileFormatError(path: path, "cannot read: \(reason)")
      }
      let isRegular = status.st_mode & S_IFMT == S_IFREG
      if isRegular, Int(status.st_size) > limit {
        close(descriptor)
        throw FileFormatError(
          path: path,
          "is \(MemoryEstimate.format(Int(status.st_size))), more than the \(MemoryEstimate.format(limit)) "
            + "this machine's memory allows reading at once")
      }
      self.descriptor = descriptor
      self.isRegular = isRegular
      self.size = Int(status.st_size)
      self.mode = status.st_mode
    }
  }

  /// Reads `file` to its end, refusing more than `limit` bytes (a stream: ``streamLimit``).
  private static func readAll(_ file: OpenFile, path: String, limit: Int) throws(FileFormatError) -> Data {
    let isRegular = file.isRegular
    let cap = isRegular ? limit : min(limit, streamLimit)
    var data = Data()
    if isRegular { data.reserveCapacity(file.size) }
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let got = chunk.withUnsafeMutableBytes { Foundation.read(file.descriptor, $0.baseAddress, chunkSize) }
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
            : "a \(Self.kind(file.mode)) that gave more than \(MemoryEstimate.format(cap)) without ending; "
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
    if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }  // ASCII, the usual case
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
