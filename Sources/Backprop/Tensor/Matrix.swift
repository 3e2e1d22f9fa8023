/// A dense two-dimensional array in column-major order, with value semantics.
///
/// Storage is column-major (Fortran/BLAS order): element (i, j) lives at
/// `i + j * rows`. A batch of m examples with n features is an (n, m) matrix,
/// one example per column, as in the notes. Copies are cheap until one side
/// is mutated (copy-on-write, through the backing `Array`).
///
/// ```swift
/// var w = Matrix<Double>(rows: 2, columns: 3)       // zeros
/// w[1, 2] = 0.5
/// let x = Matrix<Double>(rowMajor: [[1, 2], [3, 4]]) // from rows, as NumPy prints
/// ```
public struct Matrix<Scalar: MatrixScalar>: Sendable, Hashable {
  /// The number of rows.
  public private(set) var rows: Int
  /// The number of columns (examples, for a batch).
  public private(set) var columns: Int
  /// The elements in column-major order.
  public var scalars: [Scalar] { storage }
  @usableFromInline internal var storage: [Scalar]

  /// A matrix of the given shape filled with `value` (zeros by default).
  public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A matrix of the given shape filled with `value` (zeros by default).
  public init(_ shape: Shape, repeating value: Scalar = 0) {
    self.init(rows: shape.rows, columns: shape.columns, repeating: value)
  }

  /// A matrix over `scalars` given in column-major order.
  ///
  /// - Throws: ``ShapeError`` when `scalars.count != rows * columns`.
  public init(rows: Int, columns: Int, columnMajor scalars: [Scalar]) throws(ShapeError) {
    guard rows >= 0, columns >= 0, scalars.count == rows * columns else {
      throw ShapeError(
        "Matrix(rows: \(rows), columns: \(columns)) needs \(max(0, rows * columns)) scalars, got \(scalars.count)")
    }
    self.rows = rows
    self.columns = columns
    self.storage = scalars
  }

  /// A matrix over `scalars` given in row-major (C, NumPy) order.
  ///
  /// - Throws: ``ShapeError`` when `scalars.count != rows * columns`.
  public init(rows: Int, columns: Int, rowMajor scalars: [Scalar]) throws(ShapeError) {
    guard rows >= 0, columns >= 0, scalars.count == rows * columns else {
      throw ShapeError(
        "Matrix(rows: \(rows), columns: \(columns)) needs \(max(0, rows * columns)) scalars, got \(scalars.count)")
    }
    self.init(rows: rows, columns: columns)
    for i in 0..<rows {
      for j in 0..<columns { self.storage[i + j * rows] = scalars[i * columns + j] }
    }
  }

  /// A matrix from nested rows, as NumPy prints one: `[[1, 2], [3, 4]]`.
  ///
  /// All rows must have the same length (a precondition: this is meant for literals).
  public init(rowMajor rowArrays: [[Scalar]]) {
    let columns = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == columns }, "All rows must have the same length")
    self.init(rows: rowArrays.count, columns: columns)
    for (i, row) in rowArrays.enumerated() {
      for (j, value) in row.enumerated() { storage[i + j * rows] = value }
    }
  }

  /// `(rows, columns)`.
  public var shape: Shape { Shape(rows, columns) }

  /// The number of elements.
  public var count: Int { scalars.count }

  /// The element in row `i`, column `j`.
  @inlinable
  public subscript(i: Int, j: Int) -> Scalar {
    get {
      precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index (\(i), \(j)) out of range \(shape)")
      return storage[i + j * rows]
    }
    set {
      precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index (\(i), \(j)) out of range \(shape)")
      storage[i + j * rows] = newValue
    }
  }

  /// The elements in row-major (C, NumPy) order.
  public var rowMajorScalars: [Scalar] {
    var out = [Scalar]()
    out.reserveCapacity(count)
    for i in 0..<rows {
      for j in 0..<columns { out.append(scalars[i + j * rows]) }
    }
    return out
  }

  /// Aᵀ, as a new matrix.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for j in 0..<columns {
      for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
    }
    return t
  }

  /// Columns `range` (examples, for a batch) as a new matrix.
  public func columns(_ range: Range<Int>) -> Matrix {
    precondition(range.lowerBound >= 0 && range.upperBound <= columns, "Column range out of bounds")
    var out = Matrix(rows: rows, columns: range.count)
    out.storage.replaceSubrange(0..<out.count, with: storage[(range.lowerBound * rows)..<(range.upperBound * rows)])
    return out
  }

  /// Changes the shape in place, keeping capacity; new elements are zero.
  ///
  /// Used by workspaces that reuse one buffer for batches of different sizes.
  /// Specialised for Float and Double: the generic `append(contentsOf:)` of a
  /// caller in another module allocated once per element.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public mutating func reshape(to shape: Shape) {
    if shape.count != storage.count {
      if shape.count <= storage.capacity {
        // Within the capacity (an epoch's last, smaller batch, then full ones again) nothing is allocated.
        storage.removeAll(keepingCapacity: true)
        storage.append(contentsOf: repeatElement(0, count: shape.count))
      } else {
        // A new buffer: zeroed in one pass (appending zeros one by one cost a fresh matrix more).
        storage = Array(repeating: 0, count: shape.count)
      }
    }
    rows = shape.rows
    columns = shape.columns
  }

  /// Converts every element to another scalar type; the same type gives the matrix itself (no copy).
  ///
  /// Float ↔ Double run as concrete loops whoever calls this (a caller in another module sees only
  /// the generic entry point, where `Other(_:)` would be a dynamic conversion per element).
  public func converted<Other: MatrixScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
    // The bit casts are between identical types.
    if Scalar.self == Other.self { return unsafeBitCast(self, to: Matrix<Other>.self) }
    if Scalar.self == Float.self, Other.self == Double.self {
      return unsafeBitCast(
        unsafeBitCast(self, to: Matrix<Float>.self).convertedElements { Double($0) }, to: Matrix<Other>.self)
    }
    if Scalar.self == Double.self, Other.self == Float.self {
      return unsafeBitCast(
        unsafeBitCast(self, to: Matrix<Double>.self).convertedElements { Float($0) }, to: Matrix<Other>.self)
    }
    return convertedElements { Other($0) }
  }

  /// The matrix with `convert` applied to every element.
  private func convertedElements<Other: MatrixScalar>(_ convert: (Scalar) -> Other) -> Matrix<Other> {
    let count = storage.count
    let elements = storage.withUnsafeBufferPointer { source in
      [Other](unsafeUninitializedCapacity: count) { buffer, initialized in
        for k in 0..<count { buffer[k] = convert(source[k]) }
        initialized = count
      }
    }
    return Matrix<Other>(rows: rows, columns: columns, unchecked: elements)
  }

  /// A matrix over column-major `elements`, whose count the caller has checked.
  init(rows: Int, columns: Int, unchecked elements: [Scalar]) {
    self.rows = rows
    self.columns = columns
    self.storage = elements
  }

  /// Calls `body` with the column-major elements.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
    try storage.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with the column-major elements, mutable.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeMutableBufferPointer(body)
  }

  /// Whether every element is finite (no NaN, no ±∞).
  public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

extension Matrix: CustomStringConvertible {
  /// Prints like NumPy: rows of numbers in brackets, with the shape.
  public var description: String {
    let maxRows = 6
    var lines = [String]()
    for i in 0..<min(rows, maxRows) {
      let shown = (0..<min(columns, 8)).map { "\(self[i, $0])" }.joined(separator: ", ")
      lines.append("[" + shown + (columns > 8 ? ", …" : "") + "]")
    }
    if rows > maxRows { lines.append("…") }
    return "Matrix\(shape) [" + lines.joined(separator: ",\n ") + "]"
  }
}
