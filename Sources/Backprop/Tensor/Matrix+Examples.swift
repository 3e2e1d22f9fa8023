/// Building X and Y from data laid out as most files and Swift code hold it:
/// one example per row (a CSV's records, a NumPy (m, n) array, `[[Float]]`), where
/// the notes put one example per column, X of shape (n[0], m).
extension Matrix {
  /// X, (n, m), from m examples of n features each, one example per inner array.
  ///
  /// ```swift
  /// let x = try Matrix<Float>(examples: [[5.1, 3.5, 1.4, 0.2], [7.0, 3.2, 4.7, 1.4]])   // (4, 2)
  /// ```
  /// - Parameter examples: the examples; every one has the same number of features.
  /// - Throws: ``ShapeError`` naming the first example whose length differs from the first's.
  public init(examples: [[Scalar]]) throws(ShapeError) {
    let features = examples.first?.count ?? 0
    if let bad = examples.firstIndex(where: { $0.count != features }) {
      throw ShapeError("example \(bad) has \(examples[bad].count) features but example 0 has \(features)")
    }
    self.init(rows: features, columns: examples.count)
    withUnsafeMutableBufferPointer { x in
      for (j, example) in examples.enumerated() {
        for (i, value) in example.enumerated() { x[i + j * features] = value }
      }
    }
  }

  /// X, (n, m), from m examples of n features stored example after example
  /// (row-major (m, n): a C-order NumPy array's buffer, a CSV read record by record).
  /// In memory that is exactly the column-major (n, m) X, so nothing is reordered.
  ///
  /// - Parameters:
  ///   - examples: m.
  ///   - features: n.
  ///   - scalars: the m·n values, the first example's n features first.
  /// - Throws: ``ShapeError`` when there are not m·n values.
  public init(examples: Int, features: Int, rowMajor scalars: [Scalar]) throws(ShapeError) {
    try self.init(rows: features, columns: examples, columnMajor: scalars)
  }

  /// Y, (1, m), from one class index (or value) per example.
  ///
  /// ```swift
  /// let y = Matrix<Float>(labels: [0, 2, 1])   // (1, 3)
  /// ```
  /// - Parameter labels: the labels, example by example.
  public init(labels: [Scalar]) {
    self.init(rows: 1, columns: labels.count)
    withUnsafeMutableBufferPointer { y in
      for (j, label) in labels.enumerated() { y[j] = label }
    }
  }

  /// The examples, one array per example (column): the inverse of ``init(examples:)``.
  public var examples: [[Scalar]] {
    (0..<columns).map { j in Array(scalars[(j * rows)..<((j + 1) * rows)]) }
  }
}
