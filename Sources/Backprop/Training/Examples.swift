/// X for training or evaluation, (n[0], m) with one example per column: a matrix in memory, or a
/// memory-mapped `.npy` file read a batch at a time (``MappedExamples``), for sets larger than memory.
///
/// Training takes the same steps from either: each batch is gathered by example index after the
/// seeded shuffle, so a mapped file trains to the same network as the same examples loaded whole.
public enum Examples<Scalar: MatrixScalar>: Sendable {
  /// Examples held in memory.
  case matrix(Matrix<Scalar>)
  /// Examples read in place from a memory-mapped file.
  case mapped(MappedExamples<Scalar>)

  /// n[0], the features per example.
  public var featureCount: Int {
    switch self {
    case .matrix(let x): x.rows
    case .mapped(let x): x.featureCount
    }
  }

  /// m, the number of examples.
  public var count: Int {
    switch self {
    case .matrix(let x): x.columns
    case .mapped(let x): x.count
    }
  }

  /// The matrix, when the examples are held in memory.
  var inMemory: Matrix<Scalar>? {
    if case .matrix(let x) = self { x } else { nil }
  }

  /// Copies the examples at `indices` into the columns of `out`, which becomes (n[0], indices.count).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gather(_ indices: ArraySlice<Int>, into out: inout Matrix<Scalar>) {
    switch self {
    case .matrix(let x): Kernels.gatherColumns(x, indices, into: &out)
    case .mapped(let x): x.gather(indices, into: &out)
    }
  }

  /// Copies examples `range` into the columns of `out`, which becomes (n[0], range.count).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gather(_ range: Range<Int>, into out: inout Matrix<Scalar>) {
    switch self {
    case .matrix(let x):
      out.reshape(to: Shape(x.rows, range.count))
      x.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { destination in
          guard let from = source.baseAddress, let to = destination.baseAddress, !range.isEmpty else { return }
          to.update(from: from + range.lowerBound * x.rows, count: range.count * x.rows)
        }
      }
    case .mapped(let x): x.gather(range, into: &out)
    }
  }
}

/// A labelled set whose inputs may be held in memory or mapped from a file: X (``Examples``),
/// Y and optionally per-example weights (1, m), both in memory (they are small beside X).
public struct LabeledExamples<Scalar: MatrixScalar>: Sendable {
  public var x: Examples<Scalar>
  public var y: Matrix<Scalar>
  public var weights: Matrix<Scalar>?

  public init(x: Examples<Scalar>, y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil) {
    self.x = x
    self.y = y
    self.weights = weights
  }

  /// A set held in memory.
  public init(_ batch: LabeledBatch<Scalar>) {
    self.init(x: .matrix(batch.x), y: batch.y, weights: batch.weights)
  }
}
