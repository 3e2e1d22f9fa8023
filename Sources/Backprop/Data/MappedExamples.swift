import Foundation

/// Examples read from a `.npy` file where they lie, a batch at a time: the file is memory-mapped,
/// never copied whole, so a training set larger than memory trains as fast as the page cache
/// (or the disk) gives its pages.
///
/// The file's first axis is the example axis and the other axes are flattened in C order, as
/// ``Dataset/arrays(inputs:labels:inputKey:labelKey:as:)`` reads it: a C-order `(m, n)` array's
/// rows are X's columns, so example j is one contiguous run of bytes. A batch is gathered by
/// converting its examples' rows to `Scalar` and applying the fitted ``Preprocessing`` with the
/// same arithmetic as ``Preprocessing/apply(_:)``: a batch equals the same examples loaded whole
/// and prepared, bit for bit.
///
/// ```swift
/// let x = try MappedExamples<Float>(path: "big_x.npy")
/// let scaling = try x.fitPreprocessing(.standardize)            // one pass over the file
/// let prepared = try x.prepared(by: scaling)
/// var batch = Matrix<Float>(rows: 0, columns: 0)
/// prepared.gather([7, 3, 42], into: &batch)                      // (n, 3): examples 7, 3, 42
/// ```
///
/// A subset (``selecting(_:)``) is a list of positions, not a copy: a held-out split of a mapped
/// file stays mapped. The mapping lives as long as any copy of the value.
public struct MappedExamples<Scalar: MatrixScalar>: Sendable {
  let file: MappedFile
  /// Where the data start in the file, and the file's element type.
  let dataOffset: Int
  /// The element type in the file (any of NumPy's numeric types; converted as they are gathered).
  public let dtype: NumPyDType
  let byteOrder: NumPyByteOrder
  /// n[0], the values per example.
  public let featureCount: Int
  /// The examples in the file.
  let fileCount: Int
  /// The file's examples this set holds, in order (nil: all of them).
  private(set) var positions: [Int]?
  /// Applied to every example gathered.
  public private(set) var preprocessing: Preprocessing = .identity

  /// Maps the `.npy` file at `path`.
  ///
  /// - Throws: ``FileFormatError`` naming `path`: not a regular file, not a valid `.npy` file, data
  ///   shorter than its shape, a 0-d array, or a multi-dimensional array in Fortran order (whose
  ///   examples are not contiguous: save it in C order, `np.ascontiguousarray`).
  public init(path: String) throws(FileFormatError) {
    let file = try MappedFile(path: path)
    let (header, data, _) = try NPYFile.layout(file.bytes, path: path, place: "")
    guard !header.fortranOrder || header.shape.count < 2 else {
      throw FileFormatError(
        path: path,
        "is in Fortran order, so its examples are not contiguous and cannot be read in place: save it in C order "
          + "(np.save(path, np.ascontiguousarray(x)))")
    }
    let layout: (features: Int, m: Int)
    do { layout = try NumPyArray.sampleLayout(header.shape) } catch {
      throw FileFormatError(path: path, error.message)
    }
    guard layout.m > 0 else { throw FileFormatError(path: path, "holds no examples (shape \(header.shape))") }
    self.file = file
    dataOffset = data.baseAddress! - file.bytes.baseAddress!
    dtype = header.dtype
    byteOrder = header.byteOrder
    featureCount = layout.features
    fileCount = layout.m
    positions = nil
  }

  /// The file's path.
  public var path: String { file.path }

  /// m, the examples in this set.
  public var count: Int { positions?.count ?? fileCount }

  /// The bytes each example takes in the file.
  public var bytesPerExample: Int { featureCount * dtype.itemSize }

  /// The examples at `selected` (positions in this set, in the order given), still mapped.
  /// - Precondition: every position is in `0..<count`.
  public func selecting(_ selected: [Int]) -> MappedExamples {
    precondition(selected.allSatisfy { $0 >= 0 && $0 < count }, "MappedExamples.selecting: position out of range")
    var subset = self
    subset.positions = positions.map { all in selected.map { all[$0] } } ?? selected
    return subset
  }

  /// The same examples with `preprocessing` applied as they are gathered.
  /// - Throws: ``ShapeError`` when it was fitted on another number of features.
  public func prepared(by preprocessing: Preprocessing) throws(ShapeError) -> MappedExamples {
    guard preprocessing.method == .none || preprocessing.offsets.count == featureCount else {
      throw ShapeError(
        "\(path) has \(featureCount) features per example but the preprocessing was fitted on "
          + "\(preprocessing.offsets.count)")
    }
    var prepared = self
    prepared.preprocessing = preprocessing
    return prepared
  }

  /// Fits `method` on these examples (raw, before any preprocessing of this value), streaming
  /// through the file in order: the same numbers as ``Preprocessing/fit(_:to:divisor:)`` on the same
  /// examples loaded as `Scalar`. Every value is checked on the way.
  /// - Throws: ``DataError`` naming the file, example and feature of a NaN or infinite value;
  ///   ``ConfigurationError`` for a zero divisor.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func fitPreprocessing(_ method: Preprocessing.Method, divisor: Double = 1) throws -> Preprocessing {
    try checkFinite()
    var raw = self
    raw.preprocessing = .identity
    let chunk = max(1, (4 << 20) / max(featureCount * MemoryLayout<Scalar>.size, 1))
    var buffer = Matrix<Scalar>(rows: 0, columns: 0)
    return try Preprocessing.fit(method, features: featureCount, examples: count, divisor: divisor) { body in
      var start = 0
      while start < count {
        let end = min(count, start + chunk)
        raw.gather(start..<end, into: &buffer)
        buffer.withUnsafeBufferPointer { body($0) }
        start = end
      }
    }
  }

  /// Checks that every value of these examples is finite, one pass through the file.
  /// - Throws: ``DataError`` naming the file, the example (its row in the file) and the feature.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func checkFinite() throws(DataError) {
    let chunk = max(1, (4 << 20) / max(featureCount * MemoryLayout<Scalar>.size, 1))
    var raw = self
    raw.preprocessing = .identity
    var buffer = Matrix<Scalar>(rows: 0, columns: 0)
    var start = 0
    while start < count {
      let end = min(count, start + chunk)
      raw.gather(start..<end, into: &buffer)
      let bad: Int? = buffer.withUnsafeBufferPointer { p in
        // One vectorisable sum first; the place only when it is not finite.
        var sum = Scalar(0)
        for k in 0..<p.count { sum += p[k] * 0 }
        return sum.isNaN ? p.firstIndex(where: { !$0.isFinite }) : nil
      }
      if let bad {
        let example = start + bad / featureCount
        let row = positions?[example] ?? example
        throw DataError(
          "\(path): example \(row) (row \(row) of the file), feature \(bad % featureCount) is \(buffer.scalars[bad]); "
            + "inputs must be finite numbers")
      }
      start = end
    }
  }

  /// Copies the examples at `selected` (positions in this set) into `out`, one per column, converted
  /// to `Scalar` and prepared; `out` becomes (n[0], selected.count). Large batches are copied by the
  /// worker threads in parallel.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gather(_ selected: ArraySlice<Int>, into out: inout Matrix<Scalar>) {
    gather(count: selected.count, into: &out) { selected[selected.startIndex + $0] }
  }

  /// Copies examples `range` (positions in this set) into `out`, as ``gather(_:into:)-(ArraySlice<Int>,_)``.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gather(_ range: Range<Int>, into out: inout Matrix<Scalar>) {
    gather(count: range.count, into: &out) { range.lowerBound + $0 }
  }

  /// Copies the `count` examples at `position(k)`, k = 0…count−1, into the columns of `out`.
  private func gather(count selectedCount: Int, into out: inout Matrix<Scalar>, position: (Int) -> Int) {
    let n = featureCount
    out.reshape(to: Shape(n, selectedCount))
    guard n > 0, selectedCount > 0 else { return }
    let rowBytes = bytesPerExample
    let data = UnsafeRawBufferPointer(rebasing: file.bytes[dataOffset..<(dataOffset + fileCount * rowBytes)])
    let positions = positions
    let available = count
    let (dtype, byteOrder, preprocessing) = (dtype, byteOrder, preprocessing)
    out.withUnsafeMutableBufferPointer { destination in
      Kernels.forEachRange(count: selectedCount, cost: n) { range in
        for k in range {
          let p = position(k)
          precondition(p >= 0 && p < available, "MappedExamples.gather: example \(p) of \(available)")
          let row = positions?[p] ?? p
          let column = UnsafeMutableBufferPointer(rebasing: destination[(k * n)..<((k + 1) * n)])
          ElementDecoding.decode(
            UnsafeRawBufferPointer(rebasing: data[(row * rowBytes)..<((row + 1) * rowBytes)]), dtype: dtype,
            byteOrder: byteOrder, into: column)
        }
        preprocessing.apply(
          inPlace: UnsafeMutableBufferPointer(rebasing: destination[(range.lowerBound * n)..<(range.upperBound * n)]),
          rows: n)
      }
    }
  }
}
