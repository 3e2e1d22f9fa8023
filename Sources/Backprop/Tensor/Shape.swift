/// The shape of a ``Matrix``: `(rows, columns)`, printed as NumPy prints it.
///
/// In the notes' layout W[l] has shape (n[l], n[l-1]), b[l] (n[l], 1), and a
/// batch A[l] (n[l], m) with one example per column.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
  public var rows: Int
  public var columns: Int

  public init(_ rows: Int, _ columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// The number of elements, `rows × columns`.
  public var count: Int { rows * columns }

  /// The shape with rows and columns swapped.
  public var transposed: Shape { Shape(columns, rows) }

  public var description: String { "(\(rows), \(columns))" }
}
