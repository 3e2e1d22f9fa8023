/// An array read straight into the precision it is used in: its shape, the file's element type,
/// and its elements converted once to `T`, in C order — the typed counterpart of ``NumPyArray``
/// (whose elements are always `Double`), so that a float32 file trained in `Float` never passes
/// through a `Double` copy.
struct LoadedArray<T: MatrixScalar> {
  /// The size of each axis, outermost first.
  var shape: [Int]
  /// The element type in the file.
  var dtype: NumPyDType
  /// The elements in C order, as `T`.
  var scalars: [T]

  /// The examples as an (n, m) matrix, one per column (NumPy's `x.reshape(m, -1).T`): the C-order
  /// elements are already that matrix's column-major storage, so nothing is copied.
  ///
  /// - Throws: ``FileFormatError`` naming `path` for a 0-d array.
  func samples(path: String) throws(FileFormatError) -> Matrix<T> {
    do {
      let (features, m) = try NumPyArray.sampleLayout(shape)
      return try Matrix(rows: features, columns: m, columnMajor: scalars)
    } catch { throw FileFormatError(path: path, error.message) }
  }

  /// Labels as a (1, m) matrix, from an array of shape (m,), (m, 1) or (1, m); nothing is copied.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and the shape for any other shape.
  func labels(path: String) throws(FileFormatError) -> Matrix<T> {
    do {
      try NumPyArray.checkLabelShape(shape)
      return try Matrix(rows: 1, columns: scalars.count, columnMajor: scalars)
    } catch { throw FileFormatError(path: path, error.message) }
  }

  /// Labels shaped (m, K), K > 1 and m > 1, as Y (K, m); nil for any other shape.
  func labelColumns() -> Matrix<T>? {
    guard shape.count == 2, shape[1] > 1, shape[0] > 1 else { return nil }
    // (m, K) in C order is (K, m) in column-major order: example j's K labels are column j.
    return try? Matrix(rows: shape[1], columns: shape[0], columnMajor: scalars)
  }
}

extension LoadedArray where T == Double {
  /// The same array as a ``NumPyArray`` (whose elements are `Double`), without a copy.
  var numPyArray: NumPyArray { NumPyArray(unchecked: shape, dtype: dtype, scalars: scalars) }
}

/// Turns the raw elements of a file (NumPy or IDX) into `Float` or `Double`, in one pass from the
/// file's bytes to the destination array.
enum ElementDecoding {
  /// The bytes of source data converted per chunk; after each chunk a mapped file's pages are
  /// handed back, so that the file's pages and the converted array are not both resident.
  static let chunkBytes = 4 << 20

  /// The `count` elements of type `dtype` in `data` as `T`.
  ///
  /// Every type converts as it does through `Double` (exactly, but for 64-bit integers beyond
  /// ±2⁵³), then to `T`. A little-endian float file of `T`'s own width is copied as it is.
  /// - Parameter mapped: `data` lies in a read-only file mapping (``FileBytes/withContents(_:limit:_:)``),
  ///   whose pages may be dropped once converted.
  static func decode<T: MatrixScalar>(
    _ data: UnsafeRawBufferPointer, count: Int, dtype: NumPyDType, byteOrder: NumPyByteOrder, as _: T.Type,
    mapped: Bool = false
  ) -> [T] {
    // Concrete conversions; the bit casts are between identical types.
    if T.self == Double.self {
      let doubles = decode(data, count: count, dtype: dtype, byteOrder: byteOrder, mapped: mapped) {
        (value: Double) in
        value
      } fromFloat: {
        Double($0)
      }
      return unsafeBitCast(doubles, to: [T].self)
    }
    if T.self == Float.self {
      let floats = decode(data, count: count, dtype: dtype, byteOrder: byteOrder, mapped: mapped) {
        (value: Double) in
        Float(value)
      } fromFloat: {
        $0
      }
      return unsafeBitCast(floats, to: [T].self)
    }
    return decode(data, count: count, dtype: dtype, byteOrder: byteOrder, as: Double.self, mapped: mapped).map { T($0) }
  }

  /// The `out.count` elements of type `dtype` at the start of `data` converted into `out`, as
  /// ``decode(_:count:dtype:byteOrder:as:mapped:)`` converts them (a memory-mapped file's rows,
  /// one batch at a time).
  static func decode<T: MatrixScalar>(
    _ data: UnsafeRawBufferPointer, dtype: NumPyDType, byteOrder: NumPyByteOrder,
    into out: UnsafeMutableBufferPointer<T>
  ) {
    let itemSize = dtype.itemSize
    let big = byteOrder == .big && itemSize > 1
    precondition(data.count >= out.count * itemSize, "decode: \(data.count) bytes for \(out.count) elements")
    if !dtype.isInteger && itemSize == MemoryLayout<T>.size && !big, let source = data.baseAddress,
      let destination = out.baseAddress
    {
      UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: out.count * itemSize)
    } else if T.self == Float.self {
      convert(
        data, 0..<out.count, into: out, dtype: dtype, big: big, fromDouble: { T(Float($0)) }, fromFloat: { T($0) })
    } else {
      convert(data, 0..<out.count, into: out, dtype: dtype, big: big, fromDouble: { T($0) }, fromFloat: { T($0) })
    }
  }

  private static func decode<T: MatrixScalar>(
    _ data: UnsafeRawBufferPointer, count: Int, dtype: NumPyDType, byteOrder: NumPyByteOrder, mapped: Bool,
    fromDouble: (Double) -> T, fromFloat: (Float) -> T
  ) -> [T] {
    let itemSize = dtype.itemSize
    let big = byteOrder == .big && itemSize > 1
    let copies = !dtype.isInteger && itemSize == MemoryLayout<T>.size && !big
    let chunk = max(1, chunkBytes / itemSize)
    return [T](unsafeUninitializedCapacity: count) { out, initialized in
      var start = 0
      while start < count {
        let end = min(count, start + chunk)
        if copies, let source = data.baseAddress, let destination = out.baseAddress {
          UnsafeMutableRawPointer(destination + start)
            .copyMemory(from: source + start * itemSize, byteCount: (end - start) * itemSize)
        } else {
          convert(data, start..<end, into: out, dtype: dtype, big: big, fromDouble: fromDouble, fromFloat: fromFloat)
        }
        if mapped { FileBytes.dropPages(UnsafeRawBufferPointer(rebasing: data[(start * itemSize)..<(end * itemSize)])) }
        start = end
      }
      initialized = count
    }
  }

  private static func convert<T: MatrixScalar>(
    _ data: UnsafeRawBufferPointer, _ range: Range<Int>, into out: UnsafeMutableBufferPointer<T>, dtype: NumPyDType,
    big: Bool, fromDouble: (Double) -> T, fromFloat: (Float) -> T
  ) {
    func load<Raw: FixedWidthInteger>(_: Raw.Type, _ convert: (Raw) -> T) {
      for k in range {
        let raw = data.loadUnaligned(fromByteOffset: k * MemoryLayout<Raw>.size, as: Raw.self)
        out[k] = convert(big ? Raw(bigEndian: raw) : Raw(littleEndian: raw))
      }
    }
    switch dtype {
    case .bool: load(UInt8.self) { $0 != 0 ? 1 : 0 }
    case .uint8: load(UInt8.self) { fromDouble(Double($0)) }
    case .int8: load(Int8.self) { fromDouble(Double($0)) }
    case .uint16: load(UInt16.self) { fromDouble(Double($0)) }
    case .int16: load(Int16.self) { fromDouble(Double($0)) }
    case .uint32: load(UInt32.self) { fromDouble(Double($0)) }
    case .int32: load(Int32.self) { fromDouble(Double($0)) }
    case .uint64: load(UInt64.self) { fromDouble(Double($0)) }
    case .int64: load(Int64.self) { fromDouble(Double($0)) }
    case .float16: load(UInt16.self) { fromDouble(HalfFloat.double(fromBits: $0)) }
    case .float32: load(UInt32.self) { fromFloat(Float(bitPattern: $0)) }
    case .float64: load(UInt64.self) { fromDouble(Double(bitPattern: $0)) }
    }
  }
}
