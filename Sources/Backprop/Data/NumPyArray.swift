/// An n-dimensional NumPy array as read from or written to a `.npy` file: its
/// shape, its element type, and its elements as `Double` in C (row-major) order.
///
/// Every supported type converts to `Double` exactly, except `int64` and
/// `uint64` values beyond ±2⁵³, which are rounded to the nearest `Double`
/// (so `Int64.max` reads as 2⁶³; writing it back saturates to `Int64.max`).
///
/// Data files keep one example per entry of the FIRST axis (NumPy's and the
/// course's convention); ``samples(as:)`` turns that into the notes' (n, m)
/// layout, one example per column.
///
/// ```swift
/// let x = try NPYFile.read(path: "train_x.npy")     // shape [209, 64, 64, 3], uint8
/// let X: Matrix<Float> = try x.samples()             // (12288, 209) = x.reshape(209, -1).T
/// ```
public struct NumPyArray: Sendable, Equatable {
  /// The size of each axis, outermost first; empty for a 0-d (scalar) array.
  public let shape: [Int]
  /// The element type in the file.
  public let dtype: NumPyDType
  /// The elements in C order (last axis fastest), `shape.reduce(1, *)` of them.
  public let scalars: [Double]

  /// The number of elements, the product of the shape.
  public var count: Int { scalars.count }

  /// An array of the given shape and type over `scalars` in C order.
  ///
  /// - Throws: ``ShapeError`` when a dimension is negative or `scalars.count`
  ///   is not the product of `shape`; ``DataError`` when an element does not fit
  ///   `dtype` (a fraction, NaN or out-of-range value for an integer type, or
  ///   anything but 0 and 1 for `bool`).
  public init(shape: [Int], dtype: NumPyDType, scalars: [Double]) throws {
    guard let count = Self.elementCount(shape) else {
      throw ShapeError("NumPy shape \(Self.describe(shape)) is negative or too large")
    }
    guard count == scalars.count else {
      throw ShapeError("NumPy shape \(Self.describe(shape)) needs \(count) elements, got \(scalars.count)")
    }
    if dtype.isInteger, let range = dtype.integerRange {
      if let k = scalars.firstIndex(where: { !($0 >= range.lowerBound && $0 <= range.upperBound && $0.rounded() == $0) }
      ) {
        throw DataError(
          "element \(k) of the \(dtype.rawValue) array is \(scalars[k]), which does not fit \(dtype.rawValue)")
      }
    }
    self.init(unchecked: shape, dtype: dtype, scalars: scalars)
  }

  /// A 2-D array of shape (rows, columns) holding `matrix`, of type float32 or float64.
  public init<S: MatrixScalar>(matrix: Matrix<S>) {
    let scalars: [Double]
    let dtype: NumPyDType
    // Concrete types, so the transpose is specialised; the bit casts are between identical types.
    if S.self == Double.self {
      (scalars, dtype) = (Self.rowMajorDoubles(unsafeBitCast(matrix, to: Matrix<Double>.self)), .float64)
    } else if S.self == Float.self {
      (scalars, dtype) = (Self.rowMajorDoubles(unsafeBitCast(matrix, to: Matrix<Float>.self)), .float32)
    } else {
      (scalars, dtype) = (Self.rowMajorDoubles(matrix), MemoryLayout<S>.size == 4 ? .float32 : .float64)
    }
    self.init(unchecked: [matrix.rows, matrix.columns], dtype: dtype, scalars: scalars)
  }

  /// The elements of `matrix` in row-major order, as `Double`.
  private static func rowMajorDoubles<T: MatrixScalar>(_ matrix: Matrix<T>) -> [Double] {
    let rows = matrix.rows
    let columns = matrix.columns
    return matrix.withUnsafeBufferPointer { source in
      [Double](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
        for i in 0..<rows {
          for j in 0..<columns { buffer[i * columns + j] = Double(source[i + j * rows]) }
        }
        initialized = rows * columns
      }
    }
  }

  /// An array whose invariants the caller has already checked.
  init(unchecked shape: [Int], dtype: NumPyDType, scalars: [Double]) {
    self.shape = shape
    self.dtype = dtype
    self.scalars = scalars
  }

  /// The examples as an (n, m) matrix, one example per column: the first axis
  /// is the sample axis m, the other axes are flattened in C order into n
  /// features. This equals NumPy's `x.reshape(m, -1).T`; a 1-D array (m,)
  /// gives (1, m).
  ///
  /// - Throws: ``ShapeError`` for a 0-d array, which has no sample axis.
  public func samples<S: MatrixScalar>(as _: S.Type = S.self) throws(ShapeError) -> Matrix<S> {
    let (features, m) = try Self.sampleLayout(shape)
    // Column j of (features, m) is example j's features: column-major storage is C order.
    return try Matrix(rows: features, columns: m, columnMajor: converted())
  }

  /// (features, m) for an array of `shape` read as examples along its first axis.
  ///
  /// - Throws: ``ShapeError`` for a 0-d array, or too many features to address.
  static func sampleLayout(_ shape: [Int]) throws(ShapeError) -> (features: Int, m: Int) {
    guard let m = shape.first else {
      throw ShapeError("samples: a 0-d NumPy array has no sample axis (expected shape (m, …))")
    }
    // The feature count can overflow only when m is 0, e.g. shape (0, 2⁴⁰, 2⁴⁰).
    guard let features = elementCount(Array(shape.dropFirst())) else {
      throw ShapeError("samples: NumPy shape \(describe(shape)) has too many features per example")
    }
    return (features, m)
  }

  /// Labels as a (1, m) matrix, from an array of shape (m,), (m, 1) or (1, m).
  ///
  /// - Throws: ``ShapeError`` naming the shape for any other shape.
  public func labels<S: MatrixScalar>(as _: S.Type = S.self) throws(ShapeError) -> Matrix<S> {
    try Self.checkLabelShape(shape)
    return try Matrix(rows: 1, columns: count, columnMajor: converted())
  }

  /// Checks that `shape` is (m,), (m, 1) or (1, m).
  static func checkLabelShape(_ shape: [Int]) throws(ShapeError) {
    let isLabelShape =
      shape.count == 1 || (shape.count == 2 && (shape[0] == 1 || shape[1] == 1))
    guard isLabelShape else {
      throw ShapeError("labels must have shape (m,), (m, 1) or (1, m); got \(describe(shape))")
    }
  }

  /// A 2-D array (rows, columns) as the same matrix, e.g. W[l] of shape
  /// (n[l], n[l-1]); a 1-D array (n,) gives an (n, 1) column, e.g. b[l].
  ///
  /// - Throws: ``ShapeError`` naming the shape for arrays of other ranks.
  public func matrix<S: MatrixScalar>(as _: S.Type = S.self) throws(ShapeError) -> Matrix<S> {
    switch shape.count {
    case 1: return try Matrix(rows: shape[0], columns: 1, columnMajor: converted())
    case 2: return try Matrix(rows: shape[0], columns: shape[1], rowMajor: converted())
    default: throw ShapeError("expected a 1-D or 2-D NumPy array for a matrix; got shape \(Self.describe(shape))")
    }
  }

  private func converted<S: MatrixScalar>() -> [S] {
    // Concrete conversions: where this is not specialised, the generic `S(_:)`
    // and `as? [S]` cost an element-by-element dynamic cast. The bit casts are
    // between identical types.
    if S.self == Double.self { return unsafeBitCast(scalars, to: [S].self) }
    if S.self == Float.self { return unsafeBitCast(scalars.map { Float($0) }, to: [S].self) }
    return scalars.map { S($0) }
  }

  /// The number of elements of `shape`, or nil when a dimension is negative or the product overflows.
  static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }

  /// A shape as Python prints a tuple: `(3,)`, `(2, 3)`, `()`.
  static func describe(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}

extension NumPyDType {
  /// The values an integer type holds, as `Double` (nil for floats).
  var integerRange: ClosedRange<Double>? {
    switch self {
    case .bool: 0...1
    case .int8: -128...127
    case .uint8: 0...255
    case .int16: -32768...32767
    case .uint16: 0...65535
    case .int32: -2_147_483_648...2_147_483_647
    case .uint32: 0...4_294_967_295
    // Int64.max and UInt64.max round up to 2⁶³ and 2⁶⁴ as Double; writing saturates them back.
    case .int64: -0x1p63...0x1p63
    case .uint64: 0...0x1p64
    case .float16, .float32, .float64: nil
    }
  }
}
