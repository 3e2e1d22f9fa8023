/// One tensor of a safetensors file: its name, element type, shape, and its
/// bytes as stored (little-endian, C order: the last axis varies fastest).
///
/// ```swift
/// let w = try file.tensor(named: "W1")?.matrix(rows: 4, columns: 3) as Matrix<Float>?
/// let b = try SafetensorsTensor(name: "b1", dtype: .float32, shape: [4], values: [0, 0, 0, 0])
/// ```
public struct SafetensorsTensor: Sendable, Hashable {
  /// The tensor's key in the header.
  public let name: String
  /// The element type.
  public let dtype: SafetensorsDType
  /// The size of each axis, outermost first; empty for a 0-d (scalar) tensor.
  public let shape: [Int]
  /// The elements as stored: little-endian, C order, `byteCount(dtype:shape:)` of them.
  public let bytes: [UInt8]

  /// The number of elements, the product of the shape (1 for a 0-d tensor).
  public var count: Int {
    // Checked by every initialiser, so it does not overflow.
    shape.reduce(1, *)
  }

  /// A tensor over `bytes`, stored as they are.
  ///
  /// - Throws: ``ShapeError`` when a dimension is negative, the shape has more
  ///   elements than can be addressed or than a whole number of bytes holds
  ///   (an odd count of `F4`), or `bytes.count` is not what the shape needs.
  public init(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) throws(ShapeError) {
    guard let needed = Self.byteCount(dtype: dtype, shape: shape) else {
      throw ShapeError(
        "tensor '\(name)': shape \(shape) of \(dtype.rawValue) is negative, too large, "
          + "or not a whole number of bytes")
    }
    guard needed == bytes.count else {
      throw ShapeError(
        "tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(needed) bytes, got \(bytes.count)")
    }
    self.init(unchecked: name, dtype: dtype, shape: shape, bytes: bytes)
  }

  /// A tensor holding `values` (in C order) converted to `dtype`: floats
  /// rounded to the nearest (ties to even, ±∞ beyond the range).
  ///
  /// - Throws: ``ShapeError`` when `values.count` is not the product of
  ///   `shape`; ``DataError`` when `dtype` cannot be encoded (see
  ///   ``SafetensorsDType/isEncodable``) or a value does not fit an integer
  ///   type (a fraction, NaN, out of range, or anything but 0 and 1 for `BOOL`).
  public init(name: String, dtype: SafetensorsDType, shape: [Int], values: [Double]) throws {
    guard let count = NumPyArray.elementCount(shape) else {
      throw ShapeError("tensor '\(name)': shape \(shape) is negative or too large")
    }
    guard count == values.count else {
      throw ShapeError("tensor '\(name)': shape \(shape) needs \(count) values, got \(values.count)")
    }
    guard dtype.isEncodable else {
      throw DataError("tensor '\(name)': values cannot be encoded as \(dtype.rawValue); give its bytes instead")
    }
    var bytes = [UInt8](repeating: 0, count: count * (dtype.bitSize / 8))
    if let numpy = dtype.numpyDType {
      do {
        // Checks that integers fit, as for a .npy file.
        _ = try NumPyArray(shape: [count], dtype: numpy, scalars: values)
      } catch let error as DataError {
        throw DataError("tensor '\(name)': \(error.message)")
      }
      bytes.withUnsafeMutableBytes { NPYFile.encodeElements(values, dtype: numpy, into: $0) }
    } else {  // BF16, the only encodable type NumPy lacks
      bytes.withUnsafeMutableBytes { raw in
        for (k, value) in values.enumerated() {
          raw.storeBytes(of: BFloat16.bits(from: value).littleEndian, toByteOffset: 2 * k, as: UInt16.self)
        }
      }
    }
    self.init(unchecked: name, dtype: dtype, shape: shape, bytes: bytes)
  }

  /// A tensor holding `matrix` in row-major (C) order, as `F32` for `Float` or
  /// `F64` for `Double`, of shape `shape`: (rows, columns) by default, or e.g.
  /// `[rows]` for a bias vector.
  ///
  /// - Throws: ``ShapeError`` when `shape` does not have `matrix.count` elements.
  public init<S: MatrixScalar>(name: String, matrix: Matrix<S>, shape: [Int]? = nil) throws(ShapeError) {
    let shape = shape ?? [matrix.rows, matrix.columns]
    guard NumPyArray.elementCount(shape) == matrix.count else {
      throw ShapeError(
        "tensor '\(name)': shape \(shape) does not hold the \(matrix.rows)×\(matrix.columns) matrix's "
          + "\(matrix.count) elements")
    }
    let array = NumPyArray(matrix: matrix)  // row-major, float32 or float64
    var bytes = [UInt8](repeating: 0, count: array.count * array.dtype.itemSize)
    bytes.withUnsafeMutableBytes { NPYFile.encodeElements(array.scalars, dtype: array.dtype, into: $0) }
    self.init(unchecked: name, dtype: SafetensorsDType(array.dtype), shape: shape, bytes: bytes)
  }

  /// A tensor whose invariants the caller has checked.
  init(unchecked name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// The bytes a tensor of `shape` and `dtype` takes, or nil when a dimension
  /// is negative, the size overflows, or it is not a whole number of bytes.
  public static func byteCount(dtype: SafetensorsDType, shape: [Int]) -> Int? {
    guard let count = NumPyArray.elementCount(shape) else { return nil }
    let (bits, overflow) = count.multipliedReportingOverflow(by: dtype.bitSize)
    guard !overflow, bits % 8 == 0 else { return nil }
    return bits / 8
  }

  // MARK: Values

  /// The elements in C order as `Double`: exact for every type except
  /// 64-bit integers beyond ±2⁵³, which round to the nearest `Double`.
  /// `BOOL` gives 0 and 1.
  ///
  /// - Throws: ``DataError`` for the types without real values to decode:
  ///   `C64` and the packed `F4`, `F6_E2M3`, `F6_E3M2` (see ``SafetensorsDType/isDecodable``).
  public func values() throws(DataError) -> [Double] {
    let count = count
    if let numpy = dtype.numpyDType {
      return bytes.withUnsafeBytes { NPYFile.decodeElements($0, count: count, dtype: numpy, byteOrder: .little) }
    }
    func decode<T: FixedWidthInteger>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
      bytes.withUnsafeBytes { raw in
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
          for k in 0..<count {
            buffer[k] = convert(
              T(littleEndian: raw.loadUnaligned(fromByteOffset: k * MemoryLayout<T>.size, as: T.self)))
          }
          initialized = count
        }
      }
    }
    switch dtype {
    case .bfloat16: return decode(UInt16.self, BFloat16.double(fromBits:))
    case .float8E5M2: return decode(UInt8.self, Float8.e5m2)
    case .float8E4M3: return decode(UInt8.self, Float8.e4m3)
    case .float8E8M0: return decode(UInt8.self, Float8.e8m0)
    default:
      throw DataError("tensor '\(name)': \(dtype.rawValue) values cannot be decoded; read its bytes instead")
    }
  }

  /// The tensor as a (rows, columns) matrix: a row-major (rows, columns)
  /// tensor, as PyTorch stores a weight, becomes the same matrix in
  /// column-major storage; a 1-D (rows,) tensor, such as a bias, becomes a
  /// (rows, 1) column. Elements are converted to `S` (rounded for `Float`).
  ///
  /// - Throws: ``ShapeError`` naming both shapes when the tensor's shape is
  ///   neither `[rows, columns]` nor, when `columns` is 1, `[rows]`;
  ///   ``DataError`` when its type cannot be decoded.
  public func matrix<S: MatrixScalar>(rows: Int, columns: Int, as _: S.Type = S.self) throws -> Matrix<S> {
    let fits = shape == [rows, columns] || (columns == 1 && shape == [rows])
    guard fits else {
      let expected = columns == 1 ? "[\(rows), 1] or [\(rows)]" : "[\(rows), \(columns)]"
      throw ShapeError("tensor '\(name)' has shape \(shape), expected \(expected)")
    }
    let values = try values()
    let scalars: [S]
    if S.self == Double.self {
      scalars = unsafeBitCast(values, to: [S].self)
    } else if S.self == Float.self {
      scalars = unsafeBitCast(values.map { Float($0) }, to: [S].self)
    } else {
      scalars = values.map { S($0) }
    }
    return try Matrix(rows: rows, columns: columns, rowMajor: scalars)
  }
}
