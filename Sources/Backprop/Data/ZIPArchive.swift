/// A ZIP archive held in memory: the central directory is parsed up front,
/// entries are extracted on demand (stored or deflated), and every offset
/// and size is checked against the file before it is used. Also writes
/// archives of stored entries.
///
/// Covers what NumPy's `.npz` files use, including the ZIP64 end records and
/// the ZIP64 extended-information extra field that Python's `zipfile` writes
/// for large (or, in `np.savez`, all) entries. Multi-disk archives and
/// encryption are refused.
struct ZIPArchive {
  /// One file in the archive, from its central directory record.
  struct Entry {
    var name: String
    var flags: UInt16
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
  }

  /// The file's path, for errors.
  let path: String
  /// The entries in central-directory order.
  let entries: [Entry]

  // MARK: Signatures
  static let localHeaderSignature: UInt32 = 0x0403_4B50
  static let centralHeaderSignature: UInt32 = 0x0201_4B50
  static let endSignature: UInt32 = 0x0605_4B50
  static let zip64EndSignature: UInt32 = 0x0606_4B50
  static let zip64LocatorSignature: UInt32 = 0x0706_4B50

  /// Parses the end records and the central directory of the archive in `bytes`.
  ///
  /// - Throws: ``FileFormatError`` naming `path`, the structure and its offset
  ///   when anything is missing, inconsistent, or points outside the file.
  init(bytes: UnsafeRawBufferPointer, path: String) throws(FileFormatError) {
    self.path = path
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, problem) }
    let size = bytes.count
    guard size > 0 else { throw fail("empty file (0 bytes), expected a ZIP archive") }
    guard size >= 22 else { throw fail("not a ZIP archive: \(size) bytes, too short for the end record") }
    let reader = ByteReader(bytes)

    // The end-of-central-directory record: the last signature whose comment fits in the file.
    var end: Int?
    var candidate = size - 22
    let lowest = max(0, size - 22 - 0xFFFF)
    while candidate >= lowest {
      if reader.u32(candidate) == Self.endSignature, candidate + 22 + Int(reader.u16(candidate + 20)) <= size {
        end = candidate
        break
      }
      candidate -= 1
    }
    guard let end else {
      throw fail(
        reader.u32(0) == Self.localHeaderSignature
          ? "truncated ZIP archive: no end-of-central-directory record"
          : "not a ZIP archive: no end-of-central-directory record")
    }
    var diskNumber = Int(reader.u16(end + 4))
    var directoryDisk = Int(reader.u16(end + 6))
    var entryCount = Int(reader.u16(end + 10))
    var directorySize = Int(reader.u32(end + 12))
    var directoryOffset = Int(reader.u32(end + 16))

    // ZIP64: a locator right before the end record points to the ZIP64 end record.
    if end >= 20, reader.u32(end - 20) == Self.zip64LocatorSignature {
      let locator = end - 20
      let recordOffset = reader.u64(locator + 8)
      guard locator >= 56, recordOffset <= UInt64(locator - 56) else {
        throw fail("ZIP64 end record offset \(recordOffset) (from the locator at byte \(locator)) is outside the file")
      }
      let record = Int(recordOffset)
      guard reader.u32(record) == Self.zip64EndSignature else {
        throw fail("no ZIP64 end record at byte \(record), where the locator at byte \(locator) points")
      }
      diskNumber = Int(reader.u32(record + 16))
      directoryDisk = Int(reader.u32(record + 20))
      guard let count = Int(exactly: reader.u64(record + 32)), let dirSize = Int(exactly: reader.u64(record + 40)),
        let dirOffset = Int(exactly: reader.u64(record + 48))
      else { throw fail("ZIP64 end record at byte \(record) has sizes beyond any file") }
      entryCount = count
      directorySize = dirSize
      directoryOffset = dirOffset
    }
    guard diskNumber == 0, directoryDisk == 0 else {
      throw fail("multi-disk ZIP archives are not supported (disk \(diskNumber), directory on disk \(directoryDisk))")
    }
    let directoryEnd = directoryOffset.addingReportingOverflow(directorySize)
    guard !directoryEnd.overflow, directoryEnd.partialValue <= end else {
      throw fail(
        "central directory at byte \(directoryOffset) of \(directorySize) bytes runs past the end record at byte \(end)"
          + " (truncated or corrupt archive)")
    }
    guard entryCount <= directorySize / 46 else {
      throw fail("end record claims \(entryCount) entries, more than a \(directorySize)-byte central directory holds")
    }

    var entries = [Entry]()
    entries.reserveCapacity(entryCount)
    var offset = directoryOffset
    let limit = directoryEnd.partialValue
    for index in 0..<entryCount {
      guard limit - offset >= 46, reader.u32(offset) == Self.centralHeaderSignature else {
        throw fail(
          "central directory entry \(index) at byte \(offset) is missing or corrupt (truncated central directory)")
      }
      let flags = reader.u16(offset + 8)
      let method = reader.u16(offset + 10)
      let crc = reader.u32(offset + 16)
      let compressed32 = reader.u32(offset + 20)
      let uncompressed32 = reader.u32(offset + 24)
      let nameLength = Int(reader.u16(offset + 28))
      let extraLength = Int(reader.u16(offset + 30))
      let commentLength = Int(reader.u16(offset + 32))
      let diskStart = reader.u16(offset + 34)
      let local32 = reader.u32(offset + 42)
      let recordLength = 46 + nameLength + extraLength + commentLength
      guard limit - offset >= recordLength else {
        throw fail("central directory entry \(index) at byte \(offset) runs past the end of the central directory")
      }
      let name = Self.decodeName(
        UnsafeRawBufferPointer(rebasing: bytes[(offset + 46)..<(offset + 46 + nameLength)]))
      var compressedSize = Int(compressed32)
      var uncompressedSize = Int(uncompressed32)
      var localOffset = Int(local32)

      // The ZIP64 extra field holds, in this order, each value whose 32-bit field is 0xFFFFFFFF.
      var extra = offset + 46 + nameLength
      let extraEnd = extra + extraLength
      var sawZIP64 = false
      while extraEnd - extra >= 4 {
        let id = reader.u16(extra)
        let length = Int(reader.u16(extra + 2))
        guard extraEnd - extra - 4 >= length else {
          throw fail("entry '\(name)': extra field at byte \(extra) runs past its record")
        }
        if id == 0x0001 {
          sawZIP64 = true
          var field = extra + 4
          let fieldEnd = field + length
          func next(_ what: String) throws(FileFormatError) -> Int {
            guard fieldEnd - field >= 8 else {
              throw fail("entry '\(name)': ZIP64 extra field at byte \(extra) lacks the \(what)")
            }
            defer { field += 8 }
            guard let value = Int(exactly: reader.u64(field)) else {
              throw fail("entry '\(name)': ZIP64 \(what) \(reader.u64(field)) is beyond any file")
            }
            return value
          }
          if uncompressed32 == 0xFFFF_FFFF { uncompressedSize = try next("uncompressed size") }
          if compressed32 == 0xFFFF_FFFF { compressedSize = try next("compressed size") }
          if local32 == 0xFFFF_FFFF { localOffset = try next("local header offset") }
        }
        extra += 4 + length
      }
      if !sawZIP64, uncompressed32 == 0xFFFF_FFFF || compressed32 == 0xFFFF_FFFF || local32 == 0xFFFF_FFFF {
        throw fail("entry '\(name)': sizes or offset marked ZIP64 but there is no ZIP64 extra field")
      }
      guard diskStart == 0 || diskStart == 0xFFFF else {
        throw fail("entry '\(name)' starts on disk \(diskStart); multi-disk archives are not supported")
      }
      entries.append(
        Entry(
          name: name, flags: flags, method: method, crc32: crc, compressedSize: compressedSize,
          uncompressedSize: uncompressedSize, localHeaderOffset: localOffset))
      offset += recordLength
    }
    self.entries = entries
  }

  /// A name as UTF-8 (flag bit 11 says so, but names that happen to be valid
  /// UTF-8 are read as such too), else as Latin-1.
  private static func decodeName(_ bytes: UnsafeRawBufferPointer) -> String {
    if let text = UTF8Text.decode(bytes) { return text }
    var scalars = String.UnicodeScalarView()
    for b in bytes { scalars.append(UnicodeScalar(b)) }
    return String(scalars)
  }

  /// Calls `body` with the uncompressed contents of `entry`, after checking its CRC-32.
  ///
  /// - Throws: ``FileFormatError`` naming the entry when its local header or
  ///   data lies outside the file, its method is unsupported, the deflate data
  ///   is corrupt, or the CRC-32 does not match.
  func withContents<R>(
    of entry: Entry, in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    try withContents(of: entry, in: bytes, promisedSize: { _ in nil }, body)
  }

  /// Calls `body` with the uncompressed contents of `entry`, after checking that their declared
  /// size is what `promisedSize` (given the entry's first 64 KiB) says it should be, and that it
  /// fits in memory (``MemoryLimit``), before inflating anything more.
  ///
  /// - Throws: ``FileFormatError`` naming the entry, as above, or when the declared size is
  ///   larger than promised or than memory allows.
  func withContents<R>(
    of entry: Entry, in bytes: UnsafeRawBufferPointer, promisedSize: (UnsafeRawBufferPointer) -> Int?,
    _ body: (UnsafeRawBufferPointer) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, "entry '\(entry.name)': " + problem) }
    let size = bytes.count
    let reader = ByteReader(bytes)
    guard entry.flags & 1 == 0 else { throw fail("encrypted entries are not supported") }
    let local = entry.localHeaderOffset
    guard size >= 30, local <= size - 30 else {
      throw fail("local header offset \(local) is beyond the end of the \(size)-byte file")
    }
    guard reader.u32(local) == Self.localHeaderSignature else {
      throw fail("no local header at byte \(local) (corrupt archive)")
    }
    let nameLength = Int(reader.u16(local + 26))
    let extraLength = Int(reader.u16(local + 28))
    let dataStart = local + 30 + nameLength + extraLength
    guard dataStart <= size, entry.compressedSize <= size - dataStart else {
      throw fail(
        "data at byte \(dataStart) of \(entry.compressedSize) bytes runs past the end of the \(size)-byte file")
    }
    let localName = Self.decodeName(
      UnsafeRawBufferPointer(rebasing: bytes[(local + 30)..<(local + 30 + nameLength)]))
    guard localName == entry.name else {
      throw fail("the local header at byte \(local) names '\(localName)' instead")
    }
    let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + entry.compressedSize)])
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.uncompressedSize else {
        throw fail("stored entry has \(entry.compressedSize) bytes but declares \(entry.uncompressedSize) uncompressed")
      }
      try checkCRC(data, entry: entry)
      return try body(data)
    case 8:
      // DEFLATE cannot expand by more than about 1032:1; a larger claim is a lie, not a buffer to allocate.
      // (compressedSize is at most the file's size, so the product cannot overflow.)
      guard entry.uncompressedSize <= entry.compressedSize * 1032 + 1024 else {
        throw fail(
          "declares \(entry.uncompressedSize) bytes uncompressed from \(entry.compressedSize) compressed,"
            + " more than deflate can produce")
      }
      let ceiling = MemoryLimit.current.usable
      guard entry.uncompressedSize <= ceiling else {
        throw fail(
          "declares \(entry.uncompressedSize) bytes uncompressed, more than the \(ceiling) bytes "
            + "(\(MemoryEstimate.format(ceiling))) this machine's memory allows")
      }
      let head = Inflate.prefix(data, count: min(entry.uncompressedSize, 1 << 16))
      if let promised = head.withUnsafeBytes(promisedSize), entry.uncompressedSize > promised {
        throw fail(
          "declares \(entry.uncompressedSize) bytes uncompressed but its header promises \(promised); "
            + "refusing to inflate it (a corrupt or hostile archive)")
      }
      let output: [UInt8]
      do {
        output = try Inflate.decompress(data, expectedSize: entry.uncompressedSize)
      } catch {
        throw fail("corrupt compressed data: deflate data at byte \(dataStart + error.offset): \(error.problem)")
      }
      return try FileBytes.withBytes(output) { (buffer) throws(FileFormatError) in
        try checkCRC(buffer, entry: entry)
        return try body(buffer)
      }
    default:
      throw fail("unsupported compression method \(entry.method) (supported: 0 stored, 8 deflated)")
    }
  }

  private func checkCRC(_ data: UnsafeRawBufferPointer, entry: Entry) throws(FileFormatError) {
    let crc = CRC32.checksum(data)
    guard crc == entry.crc32 else {
      throw FileFormatError(
        path: path,
        "entry '\(entry.name)': CRC-32 mismatch (computed \(Self.hex(crc)), "
          + "recorded \(Self.hex(entry.crc32))): corrupt data")
    }
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }

  // MARK: Writing

  /// An archive of stored (uncompressed) entries, in the given order, with
  /// CRC-32s, local headers, the central directory and the end record; ZIP64
  /// records are added where sizes or offsets need them (or always, with `forceZIP64`).
  ///
  /// Names must be at most 65,535 bytes of UTF-8 (``NPZArchive`` checks this).
  static func encode(_ files: [(name: String, bytes: [UInt8])], forceZIP64: Bool = false) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(files.reduce(22) { $0 + $1.bytes.count + 2 * ($1.name.utf8.count + 80) })
    var directory = [UInt8]()
    let dosTime: UInt16 = 0
    let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1  // 1980-01-01, as np.savez writes
    for file in files {
      let name = Array(file.name.utf8)
      let size = file.bytes.count
      let offset = out.count
      let crc = CRC32.checksum(file.bytes)
      let sizeIs64 = forceZIP64 || size >= 0xFFFF_FFFF
      let offsetIs64 = forceZIP64 || offset >= 0xFFFF_FFFF
      let version: UInt16 = sizeIs64 || offsetIs64 ? 45 : 20
      let flags: UInt16 = name.allSatisfy { $0 < 0x80 } ? 0 : 0x800

      out.append32(localHeaderSignature)
      out.append16(version)
      out.append16(flags)
      out.append16(0)  // stored
      out.append16(dosTime)
      out.append16(dosDate)
      out.append32(crc)
      out.append32(sizeIs64 ? 0xFFFF_FFFF : UInt32(size))
      out.append32(sizeIs64 ? 0xFFFF_FFFF : UInt32(size))
      out.append16(UInt16(clamping: name.count))
      out.append16(sizeIs64 ? 20 : 0)
      out += name
      if sizeIs64 {
        out.append16(0x0001)
        out.append16(16)
        out.append64(UInt64(size))
        out.append64(UInt64(size))
      }
      out += file.bytes

      var extra = [UInt8]()
      if sizeIs64 || offsetIs64 {
        extra.append16(0x0001)
        extra.append16(UInt16((sizeIs64 ? 16 : 0) + (offsetIs64 ? 8 : 0)))
        if sizeIs64 {
          extra.append64(UInt64(size))
          extra.append64(UInt64(size))
        }
        if offsetIs64 { extra.append64(UInt64(offset)) }
      }
      directory.append32(centralHeaderSignature)
      directory.append16(3 << 8 | version)  // made by Unix
      directory.append16(version)
      directory.append16(flags)
      directory.append16(0)
      directory.append16(dosTime)
      directory.append16(dosDate)
      directory.append32(crc)
      directory.append32(sizeIs64 ? 0xFFFF_FFFF : UInt32(size))
      directory.append32(sizeIs64 ? 0xFFFF_FFFF : UInt32(size))
      directory.append16(UInt16(clamping: name.count))
      directory.append16(UInt16(extra.count))
      directory.append16(0)  // comment
      directory.append16(0)  // disk
      directory.append16(0)  // internal attributes
      directory.append32(0o100644 << 16)  // a regular file, rw-r--r--
      directory.append32(offsetIs64 ? 0xFFFF_FFFF : UInt32(offset))
      directory += name
      directory += extra
    }
    let directoryOffset = out.count
    out += directory
    let count = files.count
    let needs64 = forceZIP64 || count >= 0xFFFF || directory.count >= 0xFFFF_FFFF || directoryOffset >= 0xFFFF_FFFF
    if needs64 {
      let record = out.count
      out.append32(zip64EndSignature)
      out.append64(44)  // size of the rest of the record
      out.append16(3 << 8 | 45)
      out.append16(45)
      out.append32(0)
      out.append32(0)
      out.append64(UInt64(count))
      out.append64(UInt64(count))
      out.append64(UInt64(directory.count))
      out.append64(UInt64(directoryOffset))
      out.append32(zip64LocatorSignature)
      out.append32(0)
      out.append64(UInt64(record))
      out.append32(1)
    }
    out.append32(endSignature)
    out.append16(0)
    out.append16(0)
    out.append16(needs64 ? 0xFFFF : UInt16(count))
    out.append16(needs64 ? 0xFFFF : UInt16(count))
    out.append32(needs64 ? 0xFFFF_FFFF : UInt32(directory.count))
    out.append32(needs64 ? 0xFFFF_FFFF : UInt32(directoryOffset))
    out.append16(0)
    return out
  }
}

/// Little-endian reads at offsets the caller has already bounds-checked.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  func u16(_ offset: Int) -> UInt16 {
    UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }
  func u32(_ offset: Int) -> UInt32 {
    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }
  func u64(_ offset: Int) -> UInt64 {
    UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }
}

extension [UInt8] {
  mutating func append16(_ value: UInt16) { append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8)]) }
  mutating func append32(_ value: UInt32) {
    for k in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
  }
  mutating func append64(_ value: UInt64) {
    for k in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
  }
}
