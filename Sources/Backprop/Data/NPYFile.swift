import Foundation

/// NumPy's `.npy` format: read (versions 1.0, 2.0 and 3.0, C or Fortran
/// order, little- or big-endian) and write (version 1.0, little-endian, C
/// order, data aligned to 64 bytes, byte for byte as `np.save` writes it).
///
/// ```swift
/// let x = try NPYFile.read(path: "train_x.npy")
/// try NPYFile.write(network.layers[0].weight, to: "W1.npy")   // W[1], as np.save writes it
/// ```
///
/// Bytes after the data are ignored, as `np.load` ignores them.
public enum NPYFile {
  /// The six bytes every `.npy` file starts with.
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

  // MARK: Reading

  /// Reads the `.npy` file at `path`.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and the problem: a missing or
  ///   unreadable file, wrong magic, an unsupported version or dtype, a
  ///   malformed header, or data shorter than the shape needs.
  public static func read(path: String) throws(FileFormatError) -> NumPyArray {
    try FileBytes.withContents(path) { (bytes, mapped) throws(FileFormatError) in
      try decode(bytes, path: path, place: "", as: Double.self, mapped: mapped).numPyArray
    }
  }

  /// Reads a `.npy` file held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name` and the problem.
  public static func read(data: Data, name: String = "<memory>") throws(FileFormatError) -> NumPyArray {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in try decode(bytes, path: name, place: "") }
  }

  /// Reads a `.npy` file held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name` and the problem.
  public static func read(bytes: [UInt8], name: String = "<memory>") throws(FileFormatError) -> NumPyArray {
    try FileBytes.withBytes(bytes) { (buffer) throws(FileFormatError) in try decode(buffer, path: name, place: "") }
  }

  /// The size of the whole `.npy` file (header and data) its header promises, read from its first
  /// bytes; nil when they do not hold a complete, valid header.
  static func promisedSize(_ bytes: UnsafeRawBufferPointer) -> Int? {
    guard bytes.count >= 10, Array(bytes.prefix(magic.count)) == magic else { return nil }
    let lengthSize: Int
    switch (bytes[6], bytes[7]) {
    case (1, 0): lengthSize = 2
    case (2, 0), (3, 0): lengthSize = 4
    default: return nil
    }
    guard bytes.count >= 8 + lengthSize else { return nil }
    var headerLength = 0
    for k in 0..<lengthSize { headerLength |= Int(bytes[8 + k]) << (8 * k) }
    let headerStart = 8 + lengthSize
    guard headerLength <= bytes.count - headerStart else { return nil }
    var scalars = String.UnicodeScalarView()
    for b in bytes[headerStart..<(headerStart + headerLength)] { scalars.append(UnicodeScalar(b)) }
    guard let header = try? NPYHeader(parsing: String(scalars), path: "", place: ""),
      let count = NumPyArray.elementCount(header.shape)
    else { return nil }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.dtype.itemSize)
    guard !overflow else { return nil }
    let (total, overflow2) = byteCount.addingReportingOverflow(headerStart + headerLength)
    return overflow2 ? nil : total
  }

  /// Decodes a whole `.npy` file; errors name `path`, with `place` (such as
  /// "entry 'W1.npy': ") before the problem.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String, place: String) throws(FileFormatError)
    -> NumPyArray
  {
    try decode(bytes, path: path, place: place, as: Double.self).numPyArray
  }

  /// The header of the `.npy` file at `path` and the number of bytes after it, read without
  /// reading the data (the file is mapped, not loaded: any size will do).
  ///
  /// - Throws: ``FileFormatError`` naming `path`, as ``read(path:)`` does for the header.
  static func readHeader(path: String) throws(FileFormatError) -> (header: NPYHeader, dataBytes: Int) {
    try FileBytes.withContents(path, limit: .max) { (bytes, _) throws(FileFormatError) in
      let (header, dataStart) = try parseHeader(bytes, path: path, place: "")
      return (header, bytes.count - dataStart)
    }
  }

  /// Checks the magic and version and parses the header of the `.npy` file in `bytes`.
  ///
  /// - Returns: the header, and the offset of the data.
  /// - Throws: ``FileFormatError`` naming `path` (`place` before the problem).
  static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String, place: String) throws(FileFormatError) -> (
    header: NPYHeader, dataStart: Int
  ) {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, place + problem) }
    let size = bytes.count
    guard size > 0 else { throw fail("empty file (0 bytes), expected a .npy file starting with \\x93NUMPY") }
    let prefix = Array(bytes.prefix(magic.count))
    guard prefix == magic else {
      let shown = prefix.map { b in (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + hex(b) }.joined()
      throw fail(
        size < magic.count && magic.starts(with: prefix)
          ? "truncated: \(size) bytes, too short for the .npy magic"
          : "not a .npy file: starts with \"\(shown)\", expected \\x93NUMPY")
    }
    guard size >= 8 else { throw fail("truncated: \(size) bytes, too short for the .npy version") }
    let major = bytes[6]
    let minor = bytes[7]
    let lengthSize: Int
    switch (major, minor) {
    case (1, 0): lengthSize = 2
    case (2, 0), (3, 0): lengthSize = 4
    default: throw fail("unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
    }
    guard size >= 8 + lengthSize else {
      throw fail("truncated: \(size) bytes, too short for the header length at byte 8")
    }
    var headerLength = 0
    for k in 0..<lengthSize { headerLength |= Int(bytes[8 + k]) << (8 * k) }
    let headerStart = 8 + lengthSize
    guard headerLength <= size - headerStart else {
      throw fail(
        "truncated: the header at byte \(headerStart) is \(headerLength) bytes but only \(size - headerStart) follow")
    }
    let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<(headerStart + headerLength)])
    let text: String
    if major == 3 {
      guard let utf8 = UTF8Text.decode(headerBytes) else {
        throw fail("header at byte \(headerStart) is not valid UTF-8")
      }
      text = utf8
    } else {
      // Latin-1: each byte is the Unicode scalar of the same value.
      var scalars = String.UnicodeScalarView()
      for b in headerBytes { scalars.append(UnicodeScalar(b)) }
      text = String(scalars)
    }
    let header = try NPYHeader(parsing: text, path: path, place: place)
    return (header, headerStart + headerLength)
  }

  /// The header of a whole `.npy` file in `bytes`, the bytes of its data (just what the shape
  /// needs) and its element count, each checked; errors as ``decode(_:path:place:)``.
  static func layout(
    _ bytes: UnsafeRawBufferPointer, path: String, place: String
  ) throws(FileFormatError) -> (header: NPYHeader, data: UnsafeRawBufferPointer, count: Int) {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, place + problem) }
    let (header, dataStart) = try parseHeader(bytes, path: path, place: place)
    let size = bytes.count
    let shapeText = NumPyArray.describe(header.shape)
    let descriptor = header.dtype.descriptor(header.byteOrder)
    guard let count = NumPyArray.elementCount(header.shape) else {
      throw fail("header: shape \(shapeText) has more elements than can be addressed")
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.dtype.itemSize)
    let available = size - dataStart
    guard !overflow, byteCount <= available else {
      let needed = overflow ? "more than \(Int.max)" : String(byteCount)
      throw fail(
        "data: shape \(shapeText) of '\(descriptor)' needs \(needed) bytes "
          + "but only \(available) follow the header at byte \(dataStart) (truncated file or wrong header)")
    }
    return (header, UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + byteCount)]), count)
  }

  /// Decodes a whole `.npy` file with its elements converted once, straight from `bytes`, to `T`:
  /// a little-endian C-order file of `T`'s own type is one copy. Errors as ``decode(_:path:place:)``.
  ///
  /// - Parameter mapped: `bytes` are a read-only file mapping whose pages may be dropped once read.
  static func decode<T: MatrixScalar>(
    _ bytes: UnsafeRawBufferPointer, path: String, place: String, as _: T.Type, mapped: Bool = false
  ) throws(FileFormatError) -> LoadedArray<T> {
    let (header, data, count) = try layout(bytes, path: path, place: place)
    var scalars = ElementDecoding.decode(
      data, count: count, dtype: header.dtype, byteOrder: header.byteOrder, as: T.self, mapped: mapped)
    if header.fortranOrder && header.shape.count > 1 {
      scalars = cOrder(fromFortran: scalars, shape: header.shape)
    }
    return LoadedArray(shape: header.shape, dtype: header.dtype, scalars: scalars)
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }

  /// The `count` elements in `data` as `Double`.
  static func decodeElements(_ data: UnsafeRawBufferPointer, count: Int, dtype: NumPyDType, byteOrder: NumPyByteOrder)
    -> [Double]
  {
    ElementDecoding.decode(data, count: count, dtype: dtype, byteOrder: byteOrder, as: Double.self)
  }

  /// Reorders elements stored in Fortran order (first axis fastest) into C order (last axis fastest).
  static func cOrder<Element>(fromFortran source: [Element], shape: [Int]) -> [Element] {
    let count = source.count
    guard count > 0 else { return source }
    var strides = [Int](repeating: 1, count: shape.count)  // Fortran strides, in elements
    for axis in shape.indices.dropFirst() { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      for c in 0..<count {
        buffer[c] = source[offset]
        var axis = shape.count - 1
        while axis >= 0 {
          index[axis] += 1
          offset += strides[axis]
          if index[axis] < shape[axis] { break }
          offset -= strides[axis] * shape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
      initialized = count
    }
  }

  // MARK: Writing

  /// The bytes of `array` as a `.npy` file: version 1.0 (2.0 only for a huge
  /// header), little-endian, C order, the data aligned to 64 bytes.
  public static func encode(_ array: NumPyArray) -> [UInt8] {
    var bytes = NPYHeader(dtype: array.dtype, shape: array.shape).encoded()
    let dataStart = bytes.count
    let itemSize = array.dtype.itemSize
    bytes += [UInt8](repeating: 0, count: array.count * itemSize)
    bytes.withUnsafeMutableBytes { raw in
      let data = UnsafeMutableRawBufferPointer(rebasing: raw[dataStart...])
      encodeElements(array.scalars, dtype: array.dtype, into: data)
    }
    return bytes
  }

  /// The bytes of `matrix` as a `.npy` file of shape (rows, columns), `<f4` or `<f8`.
  public static func encode<S: MatrixScalar>(_ matrix: Matrix<S>) -> [UInt8] {
    encode(NumPyArray(matrix: matrix))
  }

  /// Writes `array` to `path` as a `.npy` file, atomically (see ``AtomicFile``).
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be written.
  public static func write(_ array: NumPyArray, to path: String) throws(FileFormatError) {
    try AtomicFile.write(encode(array), to: path)
  }

  /// Writes `matrix` to `path` as a 2-D `.npy` file (rows, columns), atomically.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be written.
  public static func write<S: MatrixScalar>(_ matrix: Matrix<S>, to path: String) throws(FileFormatError) {
    try AtomicFile.write(encode(matrix), to: path)
  }

  /// Stores `scalars` little-endian as `dtype`; integers saturate at the type's bounds.
  static func encodeElements(_ scalars: [Double], dtype: NumPyDType, into data: UnsafeMutableRawBufferPointer) {
    func store<T: FixedWidthInteger>(_: T.Type, _ convert: (Double) -> T) {
      for (k, value) in scalars.enumerated() {
        data.storeBytes(of: convert(value).littleEndian, toByteOffset: k * MemoryLayout<T>.size, as: T.self)
      }
    }
    func integer<T: FixedWidthInteger>(_ value: Double) -> T {
      if value.isNaN { return 0 }
      if value >= Double(T.max) { return T.max }
      if value <= Double(T.min) { return T.min }
      return T(value.rounded(.toNearestOrEven))
    }
    switch dtype {
    case .bool: store(UInt8.self) { $0 != 0 ? 1 : 0 }
    case .uint8: store(UInt8.self, integer)
    case .int8: store(Int8.self, integer)
    case .uint16: store(UInt16.self, integer)
    case .int16: store(Int16.self, integer)
    case .uint32: store(UInt32.self, integer)
    case .int32: store(Int32.self, integer)
    case .uint64: store(UInt64.self, integer)
    case .int64: store(Int64.self, integer)
    case .float16: store(UInt16.self) { HalfFloat.bits(from: $0) }
    case .float32: store(UInt32.self) { Float($0).bitPattern }
    case .float64: store(UInt64.self) { $0.bitPattern }
    }
  }
}
