import Foundation

/// The IDX format of the MNIST files (`t10k-images-idx3-ubyte` and friends),
/// plain or gzip-compressed, read as a ``NumPyArray``.
///
/// An IDX file is a 4-byte magic number — two zero bytes, a type byte and the
/// number of dimensions — then each dimension's size as a big-endian
/// `UInt32`, then the elements, big-endian, in C order:
///
/// | type byte | element | ``NumPyDType`` |
/// |---|---|---|
/// | `0x08` | unsigned byte | `uint8` |
/// | `0x09` | signed byte | `int8` |
/// | `0x0B` | 16-bit integer | `int16` |
/// | `0x0C` | 32-bit integer | `int32` |
/// | `0x0D` | 32-bit float | `float32` |
/// | `0x0E` | 64-bit float | `float64` |
///
/// The array's shape is the file's dimensions, so the rest of Backprop treats
/// it as it treats a `.npy` file:
///
/// ```swift
/// let images = try IDXFile.read(path: "t10k-images-idx3-ubyte.gz")   // (10000, 28, 28) uint8
/// let X: Matrix<Float> = try images.samples()                         // (784, 10000)
/// let labels = try IDXFile.read(path: "t10k-labels-idx1-ubyte.gz")   // (10000,) uint8
/// let Y: Matrix<Float> = try labels.labels()                          // (1, 10000)
/// ```
///
/// The data must fill the rest of the file exactly: a file shorter or longer
/// than its dimensions say is refused, naming both lengths.
public enum IDXFile {
  /// The most dimensions accepted.
  public static let maxDimensions = 8

  /// The element type of each IDX type byte.
  static let types: [(code: UInt8, dtype: NumPyDType)] = [
    (0x08, .uint8), (0x09, .int8), (0x0B, .int16), (0x0C, .int32), (0x0D, .float32), (0x0E, .float64),
  ]

  /// The element type of an IDX type byte, or nil for an unknown one.
  public static func dtype(typeCode: UInt8) -> NumPyDType? {
    types.first { $0.code == typeCode }?.dtype
  }

  /// The most a gzip-compressed IDX file may decompress to unless a caller says otherwise:
  /// 4 GiB, or less when this machine's memory allows less (``MemoryLimit``).
  public static let defaultGzipLimit = Gzip.defaultLimit

  /// Reads the IDX file at `path`, plain or gzip-compressed (told apart by
  /// content, not by the `.gz` extension).
  ///
  /// - Parameter path: the IDX file (e.g. MNIST's `train-images-idx3-ubyte`), memory-mapped
  ///   when plain, named in errors.
  /// - Parameter gzipLimit: the most bytes a gzip-compressed file may
  ///   decompress to.
  /// - Throws: ``FileFormatError`` naming `path` and the problem: a missing
  ///   file, corrupt gzip data, wrong magic, an unknown type byte, an
  ///   unsupported number of dimensions, or a data length that does not match
  ///   the dimensions.
  public static func read(path: String, gzipLimit: Int = defaultGzipLimit) throws(FileFormatError) -> NumPyArray {
    try withUncompressed(path: path, gzipLimit: gzipLimit) { (bytes, place, mapped) throws(FileFormatError) in
      try decode(bytes, path: path, place: place, as: Double.self, mapped: mapped).numPyArray
    }
  }

  /// Calls `body` with the IDX bytes of the file at `path`: the file itself, memory-mapped, when
  /// plain (`mapped` true), or its contents decompressed into memory when gzip-compressed, with
  /// the `place` errors put before a problem ("decompressed gzip data: ").
  ///
  /// - Parameter fileLimit: the largest file accepted (a plain file is mapped, not read, so a
  ///   reader that streams its elements may take any size).
  /// - Throws: ``FileFormatError`` naming `path` for a missing file or corrupt gzip data, or
  ///   `body`'s error.
  static func withUncompressed<R>(
    path: String, gzipLimit: Int, fileLimit: Int = MemoryLimit.current.usable,
    _ body: (UnsafeRawBufferPointer, _ place: String, _ mapped: Bool) throws(FileFormatError) -> R
  ) throws(FileFormatError) -> R {
    try FileBytes.withContents(path, limit: fileLimit) { (bytes, mapped) throws(FileFormatError) in
      guard Gzip.hasMagic(bytes) else { return try body(bytes, "", mapped) }
      let contents = try Gzip.decompress(bytes, path: path, limit: gzipLimit)
      return try FileBytes.withBytes(contents) { (inner) throws(FileFormatError) in
        try body(inner, "decompressed gzip data: ", false)
      }
    }
  }

  /// Reads an IDX file held in memory, plain or gzip-compressed; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, as ``read(path:gzipLimit:)`` does.
  public static func read(data: Data, name: String = "<memory>", gzipLimit: Int = defaultGzipLimit)
    throws(FileFormatError) -> NumPyArray
  {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in
      try decodeMaybeCompressed(bytes, path: name, gzipLimit: gzipLimit)
    }
  }

  /// Reads an IDX file held in memory, plain or gzip-compressed; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, as ``read(path:gzipLimit:)`` does.
  public static func read(bytes: [UInt8], name: String = "<memory>", gzipLimit: Int = defaultGzipLimit)
    throws(FileFormatError) -> NumPyArray
  {
    try FileBytes.withBytes(bytes) { (buffer) throws(FileFormatError) in
      try decodeMaybeCompressed(buffer, path: name, gzipLimit: gzipLimit)
    }
  }

  /// The bytes of `array` as an IDX file; nil when its type has no IDX code
  /// (bool, uint16–uint64, int64, float16) or it has 0 or more than
  /// ``maxDimensions`` dimensions, or a dimension beyond `UInt32`.
  static func encode(_ array: NumPyArray) -> [UInt8]? {
    guard let code = types.first(where: { $0.dtype == array.dtype })?.code,
      (1...maxDimensions).contains(array.shape.count),
      array.shape.allSatisfy({ UInt32(exactly: $0) != nil })
    else { return nil }
    var bytes: [UInt8] = [0, 0, code, UInt8(array.shape.count)]
    for dimension in array.shape { bytes += bigEndianBytes(UInt32(dimension)) }
    let dataStart = bytes.count
    bytes += [UInt8](repeating: 0, count: array.count * array.dtype.itemSize)
    bytes.withUnsafeMutableBytes { raw in
      let data = UnsafeMutableRawBufferPointer(rebasing: raw[dataStart...])
      NPYFile.encodeElements(array.scalars, dtype: array.dtype, into: data)
      // encodeElements writes little-endian; IDX is big-endian.
      let size = array.dtype.itemSize
      if size > 1 {
        for start in stride(from: 0, to: data.count, by: size) {
          data[start..<(start + size)].reverse()
        }
      }
    }
    return bytes
  }

  private static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * (3 - $0))) }
  }

  /// Whether `bytes` start like an IDX file: two zero bytes.
  static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 2 && bytes[0] == 0 && bytes[1] == 0
  }

  /// Decodes `bytes`, gunzipping first when they start with `1f 8b`.
  static func decodeMaybeCompressed(_ bytes: UnsafeRawBufferPointer, path: String, gzipLimit: Int)
    throws(FileFormatError) -> NumPyArray
  {
    guard Gzip.hasMagic(bytes) else { return try decode(bytes, path: path, place: "") }
    let contents = try Gzip.decompress(bytes, path: path, limit: gzipLimit)
    return try FileBytes.withBytes(contents) { (inner) throws(FileFormatError) in
      try decode(inner, path: path, place: "decompressed gzip data: ")
    }
  }

  /// Decodes a whole (uncompressed) IDX file; errors name `path`, with
  /// `place` (such as "decompressed gzip data: ") before the problem.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String, place: String) throws(FileFormatError)
    -> NumPyArray
  {
    try decode(bytes, path: path, place: place, as: Double.self).numPyArray
  }

  /// Checks an (uncompressed) IDX file's header against its length, without reading the
  /// elements; errors as ``decode(_:path:place:)``.
  ///
  /// - Returns: the dimensions, the element type, and the offset of the first element; the
  ///   elements fill the rest of `bytes` exactly.
  static func layout(_ bytes: UnsafeRawBufferPointer, path: String, place: String) throws(FileFormatError) -> (
    shape: [Int], dtype: NumPyDType, dataStart: Int
  ) {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, place + problem) }
    let size = bytes.count
    guard size > 0 else { throw fail("empty file (0 bytes), expected an IDX file starting with 00 00") }
    guard size >= 4 else {
      throw fail("truncated: \(size) bytes, too short for the 4-byte IDX magic (00 00 type dimensions)")
    }
    guard bytes[0] == 0, bytes[1] == 0 else {
      throw fail(
        "not an IDX file: starts with \(Gzip.hexBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<4]))),"
          + " expected 00 00 <type> <dimensions>")
    }
    let code = bytes[2]
    guard let dtype = dtype(typeCode: code) else {
      throw fail(
        "unknown IDX type byte 0x\(Gzip.hex(code)) at byte 2 (known: "
          + types.map { "0x\(Gzip.hex($0.code)) \($0.dtype.rawValue)" }.joined(separator: ", ") + ")")
    }
    let rank = Int(bytes[3])
    guard (1...maxDimensions).contains(rank) else {
      throw fail("byte 3: \(rank) dimensions; supported: 1 to \(maxDimensions)")
    }
    let headerSize = 4 + 4 * rank
    guard size >= headerSize else {
      throw fail(
        "truncated: the header needs \(headerSize) bytes (4 + 4 × \(rank) dimension sizes) but the file has \(size)")
    }
    let shape = (0..<rank).map { axis in
      Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 + 4 * axis, as: UInt32.self)))
    }
    let shapeText = NumPyArray.describe(shape)
    let available = size - headerSize
    guard let count = NumPyArray.elementCount(shape) else {
      throw fail(
        "dimensions \(shapeText) have more elements than can be addressed (the product overflows);"
          + " the data is \(available) bytes")
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
    guard !overflow, byteCount == available else {
      let needed = overflow ? "more than \(Int.max)" : String(byteCount)
      let verdict = overflow || byteCount > available ? "truncated file or wrong dimensions" : "extra bytes at the end"
      throw fail(
        "data: dimensions \(shapeText) of \(dtype.rawValue) need \(needed) bytes but \(available) follow the header"
          + " at byte \(headerSize) (\(verdict))")
    }
    return (shape, dtype, headerSize)
  }

  /// Decodes a whole (uncompressed) IDX file with its elements converted once, straight from
  /// `bytes`, to `T`; errors as ``decode(_:path:place:)``.
  ///
  /// - Parameter mapped: `bytes` are a read-only file mapping whose pages may be dropped once read.
  static func decode<T: MatrixScalar>(
    _ bytes: UnsafeRawBufferPointer, path: String, place: String, as _: T.Type, mapped: Bool = false
  ) throws(FileFormatError) -> LoadedArray<T> {
    let (shape, dtype, headerSize) = try layout(bytes, path: path, place: place)
    let data = UnsafeRawBufferPointer(rebasing: bytes[headerSize...])
    let count = data.count / dtype.itemSize
    let scalars = ElementDecoding.decode(data, count: count, dtype: dtype, byteOrder: .big, as: T.self, mapped: mapped)
    return LoadedArray(shape: shape, dtype: dtype, scalars: scalars)
  }
}
