import Foundation

/// A gzip (RFC 1952) reader: the `.gz` files that `gzip` and Python's `gzip`
/// module write, such as MNIST's `t10k-images-idx3-ubyte.gz`.
///
/// Every member's header is checked (magic `1f 8b`, method 8 = deflate,
/// reserved flags clear; the optional extra field, file name, comment and
/// header CRC are skipped or checked), its deflate body decoded, and its
/// trailer's CRC-32 and size (ISIZE) compared with what was decoded. Several
/// members one after another (as `gzip -c a b` or `cat a.gz b.gz` makes)
/// decompress to their contents joined; zero bytes after the last member are
/// ignored, as `gzip` and Python ignore them.
///
/// The decompressed size is bounded by `limit` (default
/// ``defaultLimit``): decoding stops with an error as soon as the output
/// would pass it, whatever the trailers claim (ISIZE is only the size
/// modulo 2³²).
///
/// ```swift
/// let bytes = try Gzip.read(path: "t10k-labels-idx1-ubyte.gz")   // 10,008 bytes
/// ```
@_spi(Fuzzing) public enum Gzip {
  /// The two bytes every gzip member starts with.
  static let magic: [UInt8] = [0x1F, 0x8B]

  /// The largest decompressed size accepted unless a caller says otherwise: 4 GiB, or less
  /// when this machine's memory allows less (``MemoryLimit``).
  public static let defaultLimit = min(Int(clamping: UInt64(1) << 32), MemoryLimit.current.usable)

  // Header flags (RFC 1952 §2.3.1).
  static let textFlag: UInt8 = 0x01
  static let headerCRCFlag: UInt8 = 0x02
  static let extraFlag: UInt8 = 0x04
  static let nameFlag: UInt8 = 0x08
  static let commentFlag: UInt8 = 0x10

  /// The decompressed contents of the gzip file at `path`.
  ///
  /// - Parameter path: the gzip file, read into memory whole and named in errors.
  /// - Parameter limit: the most bytes the whole file may decompress to.
  /// - Throws: ``FileFormatError`` naming `path`, the problem and its byte
  ///   offset: a missing file, a bad header, corrupt or truncated deflate
  ///   data, a CRC-32 or size mismatch, unexpected bytes after a member, or
  ///   output beyond `limit`.
  public static func read(path: String, limit: Int = defaultLimit) throws(FileFormatError) -> [UInt8] {
    let data = try FileBytes.read(path)
    return try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in
      try decompress(bytes, path: path, limit: limit)
    }
  }

  /// The decompressed contents of gzip data held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, as ``read(path:limit:)`` does.
  public static func decompress(data: Data, name: String = "<memory>", limit: Int = defaultLimit)
    throws(FileFormatError) -> [UInt8]
  {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in
      try decompress(bytes, path: name, limit: limit)
    }
  }

  /// The decompressed contents of gzip data held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, as ``read(path:limit:)`` does.
  public static func decompress(bytes: [UInt8], name: String = "<memory>", limit: Int = defaultLimit)
    throws(FileFormatError) -> [UInt8]
  {
    try FileBytes.withBytes(bytes) { (buffer) throws(FileFormatError) in
      try decompress(buffer, path: name, limit: limit)
    }
  }

  /// Whether `bytes` start with the gzip magic `1f 8b`.
  static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
  }

  /// Decompresses every member in `bytes`; errors name `path`.
  static func decompress(_ bytes: UnsafeRawBufferPointer, path: String, limit: Int) throws(FileFormatError)
    -> [UInt8]
  {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, "gzip: " + problem) }
    guard limit >= 0 else { throw fail("negative size limit \(limit)") }
    let size = bytes.count
    guard size > 0 else { throw fail("empty file (0 bytes), expected gzip data starting with 1f 8b") }
    var output = [UInt8]()
    var start = 0
    var member = 1
    while true {
      let (contents, end) = try decodeMember(
        bytes, at: start, number: member, path: path, limit: limit - output.count, totalLimit: limit)
      if output.isEmpty { output = contents } else { output += contents }
      // Zero bytes after a member are padding (tape blocks); anything else must be another member.
      var next = end
      while next < size, bytes[next] == 0 { next += 1 }
      if next == size { return output }
      guard hasMagic(UnsafeRawBufferPointer(rebasing: bytes[next...])) else {
        let shown = hexBytes(UnsafeRawBufferPointer(rebasing: bytes[next..<min(size, next + 8)]))
        throw fail(
          "unexpected bytes after member \(member) (which ends at byte \(end)): byte \(next) starts with \(shown),"
            + " expected another gzip member (1f 8b) or the end of the file")
      }
      start = next
      member += 1
    }
  }

  /// Decodes the member starting at byte `start`: its contents, and where it ends.
  private static func decodeMember(
    _ bytes: UnsafeRawBufferPointer, at start: Int, number: Int, path: String, limit: Int, totalLimit: Int
  ) throws(FileFormatError) -> (contents: [UInt8], end: Int) {
    let which = number == 1 ? "member at byte \(start)" : "member \(number) at byte \(start)"
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, "gzip \(which): " + problem) }
    let size = bytes.count
    func need(_ count: Int, at offset: Int, for what: String) throws(FileFormatError) {
      guard offset <= size, count <= size - offset else {
        throw fail(
          "truncated: the \(what) at byte \(offset) needs \(count) bytes but only \(max(0, size - offset)) remain")
      }
    }

    // The fixed 10-byte header: ID1 ID2 CM FLG MTIME(4) XFL OS.
    let available = min(2, size - start)
    guard available == 2, bytes[start] == magic[0], bytes[start + 1] == magic[1] else {
      let shown = hexBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<min(size, start + 2)]))
      throw fail("not gzip data: starts with \(shown), expected 1f 8b")
    }
    try need(10, at: start, for: "header")
    let method = bytes[start + 2]
    guard method == 8 else {
      throw fail("unsupported compression method \(method) at byte \(start + 2) (only 8, deflate)")
    }
    let flags = bytes[start + 3]
    guard flags & 0xE0 == 0 else {
      throw fail("reserved flag bits set in the flags byte 0x\(hex(flags)) at byte \(start + 3)")
    }
    var offset = start + 10
    if flags & extraFlag != 0 {
      try need(2, at: offset, for: "extra field length")
      let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
      try need(length, at: offset + 2, for: "extra field")
      offset += 2 + length
    }
    for (flag, what) in [(nameFlag, "file name"), (commentFlag, "comment")] where flags & flag != 0 {
      guard let zero = bytes[offset...].firstIndex(of: 0) else {
        throw fail("truncated: the \(what) at byte \(offset) has no terminating zero byte")
      }
      offset = zero + 1
    }
    if flags & headerCRCFlag != 0 {
      try need(2, at: offset, for: "header CRC-16")
      let recorded = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
      let computed = UInt16(truncatingIfNeeded: CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<offset])))
      guard recorded == computed else {
        throw fail(
          "header CRC-16 mismatch at byte \(offset) (computed 0x\(hex16(computed)), recorded 0x\(hex16(recorded)))")
      }
      offset += 2
    }

    // The deflate body, then the trailer: CRC-32 and ISIZE, both little-endian.
    let bodyStart = offset
    let contents: [UInt8]
    let consumed: Int
    do {
      (contents, consumed) = try Inflate.decompress(UnsafeRawBufferPointer(rebasing: bytes[bodyStart...]), limit: limit)
    } catch {
      let at = bodyStart + error.offset
      if error.problem.hasPrefix("output passes") {
        throw fail(
          "deflate data at byte \(at): decompresses to more than the limit of \(totalLimit) bytes"
            + (number > 1 ? " (all members together)" : ""))
      }
      throw fail("corrupt compressed data: deflate data at byte \(at): \(error.problem)")
    }
    let trailer = bodyStart + consumed
    guard size - trailer >= 8 else {
      throw fail(
        "truncated: the 8-byte trailer (CRC-32 and size) at byte \(trailer) has only \(size - trailer) bytes")
    }
    let reader = ByteReader(bytes)
    let recordedCRC = reader.u32(trailer)
    let recordedSize = reader.u32(trailer + 4)
    let crc = contents.withUnsafeBytes { CRC32.checksum($0) }
    guard crc == recordedCRC else {
      throw fail(
        "CRC-32 mismatch (computed \(ZIPArchive.hex(crc)), recorded \(ZIPArchive.hex(recordedCRC)) at byte"
          + " \(trailer)): corrupt data")
    }
    guard UInt32(truncatingIfNeeded: contents.count) == recordedSize else {
      throw fail(
        "size mismatch: decompressed \(contents.count) bytes, but the trailer at byte \(trailer + 4) records"
          + " \(recordedSize) (mod 2³²)")
    }
    return (contents, trailer + 8)
  }

  /// Bytes as spaced lowercase hex, e.g. `89 50 4e 47`, or "nothing" when empty.
  static func hexBytes(_ bytes: UnsafeRawBufferPointer) -> String {
    bytes.isEmpty ? "nothing (end of file)" : bytes.map(hex).joined(separator: " ")
  }

  static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }

  private static func hex16(_ value: UInt16) -> String {
    hex(UInt8(value >> 8)) + hex(UInt8(value & 0xFF))
  }
}
