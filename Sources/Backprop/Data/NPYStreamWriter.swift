import Foundation

/// Writes a 2-D `.npy` array of shape (m, n), C order, `<f4` or `<f8`, one row at a time,
/// when the number of rows m is known only at the end: the data never has to fit in memory.
///
/// ```swift
/// let writer = try NPYStreamWriter(path: "x.npy", columns: 3)   // float32
/// try writer.append(row: [1, 2, 3])
/// try writer.append(row: [4, 5, 6])
/// try writer.finish()                                          // x.npy: (2, 3), as np.load reads it
/// ```
///
/// The file is a version 1.0 `.npy` file whose header takes a fixed ``headerSize`` bytes
/// (a multiple of 64, so the data is aligned as NumPy aligns it): written first with m = 0, then
/// rewritten in place with the final m, the dict's spaces taking up the shape's digits. Rows go
/// through a 1 MiB buffer into a temporary file beside `path`, which ``finish()`` renames over
/// `path` once every byte is on the disk. A failed write, or a writer released without
/// ``finish()``, removes the temporary file and leaves any file at `path` as it was.
public final class NPYStreamWriter {
  /// The destination, as given.
  public let path: String
  /// n, the length of every row.
  public let columns: Int
  /// `float32` or `float64`.
  public let dtype: NumPyDType
  /// m, the rows appended so far.
  public private(set) var rows = 0

  /// The size of the header: the data starts at this byte.
  public static let headerSize = 128

  /// The size of the file once finished: the header and the rows appended so far.
  public var byteCount: Int { Self.headerSize + rows * columns * dtype.itemSize }

  private let temporaryPath: String
  /// The temporary file, open for writing; -1 once it is closed.
  private var descriptor: Int32
  private let buffer: UnsafeMutableRawBufferPointer
  private var buffered = 0

  /// Creates the temporary file beside `path` and writes the header of an empty array.
  ///
  /// - Parameters:
  ///   - path: where the finished file goes; its folder must exist and be writable.
  ///   - columns: n, the length of every row (0 or more).
  ///   - dtype: `.float32` (each value rounded to the nearest `Float`) or `.float64`.
  /// - Throws: ``ConfigurationError`` for `dtype` other than float32 or float64, or negative
  ///   `columns`; ``FileFormatError`` naming `path` when the temporary file cannot be created.
  public init(path: String, columns: Int, dtype: NumPyDType = .float32) throws {
    guard dtype == .float32 || dtype == .float64 else {
      throw ConfigurationError(parameter: "dtype", "\(dtype.rawValue): a streamed array is float32 or float64")
    }
    guard columns >= 0 else {
      throw ConfigurationError(parameter: "columns", "\(columns): a row cannot have a negative length")
    }
    self.path = path
    self.columns = columns
    self.dtype = dtype
    (descriptor, temporaryPath) = try AtomicFile.createTemporary(for: path)
    buffer = .allocate(byteCount: max(1 << 20, Self.headerSize, columns * dtype.itemSize), alignment: 64)
    buffered = Self.store(header(rows: 0), in: buffer)
  }

  deinit {
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
    buffer.deallocate()
  }

  /// The header for `rows` rows, exactly ``headerSize`` bytes.
  private func header(rows: Int) -> [UInt8] {
    let bytes = NPYHeader(dtype: dtype, shape: [rows, columns]).encoded(minimumSize: Self.headerSize)
    // Holds for any 2-D shape: the dict's longest text (two 19-digit sizes) ends before byte 128.
    precondition(bytes.count == Self.headerSize, "a 2-D .npy header is \(bytes.count) bytes, not \(Self.headerSize)")
    return bytes
  }

  private static func store(_ bytes: [UInt8], in buffer: UnsafeMutableRawBufferPointer) -> Int {
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    return bytes.count
  }

  /// Appends one row of ``columns`` values, stored as ``dtype`` (little-endian).
  ///
  /// - Throws: ``FileFormatError`` naming `path` when a write fails (a full disk); the writer is
  ///   then unusable and its temporary file removed.
  public func append(row: some Collection<Double>) throws(FileFormatError) {
    precondition(descriptor >= 0, "append after finish")
    precondition(row.count == columns, "a row of \(row.count) values for an array of \(columns) columns")
    let rowBytes = columns * dtype.itemSize
    if buffered + rowBytes > buffer.count { try flush() }
    var offset = buffered
    if dtype == .float32 {
      for value in row {
        buffer.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
        offset += 4
      }
    } else {
      for value in row {
        buffer.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
      }
    }
    buffered = offset
    rows += 1
  }

  /// Writes the buffered bytes to the temporary file.
  private func flush() throws(FileFormatError) {
    if let code = AtomicFile.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]), to: descriptor) {
      throw fail(code)
    }
    buffered = 0
  }

  /// Closes and removes the temporary file, and describes the failure `code` (an `errno`).
  private func fail(_ code: Int32) -> FileFormatError {
    close(descriptor)
    descriptor = -1
    unlink(temporaryPath)
    return FileFormatError(path: path, "cannot write: \(String(cString: strerror(code)))")
  }

  /// Writes the rest of the rows, rewrites the header with the final m, flushes the file to the
  /// disk and renames it over `path`.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when a write or the rename fails; the temporary
  ///   file is removed and any file at `path` left as it was.
  public func finish() throws(FileFormatError) {
    try AtomicFile.commit(complete(), to: path)
  }

  /// Writes the rest of the rows and the final header and closes the temporary file, for the
  /// caller to rename (``AtomicFile/commit(_:to:)``) or remove: the writer no longer owns it.
  ///
  /// - Returns: the temporary file's path.
  /// - Throws: ``FileFormatError`` naming `path` when a write fails; the temporary file is removed.
  func complete() throws(FileFormatError) -> String {
    precondition(descriptor >= 0, "finish called twice")
    try flush()
    let header = header(rows: rows)
    let written = header.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    if written != header.count { throw fail(written < 0 ? errno : EIO) }
    if fsync(descriptor) != 0 { throw fail(errno) }
    let closed = close(descriptor)
    descriptor = -1
    if closed != 0 {
      let code = errno
      unlink(temporaryPath)
      throw FileFormatError(path: path, "cannot write: \(String(cString: strerror(code)))")
    }
    return temporaryPath
  }
}
