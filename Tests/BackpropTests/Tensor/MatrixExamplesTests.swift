import Testing

@testable import Backprop

/// X and Y from one example per row, the layout of CSV files, NumPy (m, n) arrays and `[[Float]]`.
@Suite struct MatrixExamplesTests {
  @Test func examplesBecomeColumns() throws {
    let x = try Matrix<Float>(examples: [[5.1, 3.5, 1.4], [7.0, 3.2, 4.7]])
    #expect(x.shape == Shape(3, 2))
    #expect(x[0, 1] == 7.0 && x[2, 0] == 1.4)
    #expect(x.examples == [[5.1, 3.5, 1.4], [7.0, 3.2, 4.7]])
    // The same values as a C-order (m, n) buffer.
    let flat = try Matrix<Float>(examples: 2, features: 3, rowMajor: [5.1, 3.5, 1.4, 7.0, 3.2, 4.7])
    #expect(flat == x)
    #expect(x == (try Matrix<Float>(rows: 2, columns: 3, rowMajor: [5.1, 3.5, 1.4, 7.0, 3.2, 4.7])).T)
  }

  @Test func badShapesAreNamed() throws {
    #expect(throws: ShapeError.self) { try Matrix<Double>(examples: [[1, 2], [3]]) }
    do {
      _ = try Matrix<Double>(examples: [[1, 2], [3, 4], [5]])
      Issue.record("no error")
    } catch {
      #expect(error.description.contains("example 2 has 1 features but example 0 has 2"))
    }
    #expect(throws: ShapeError.self) { try Matrix<Double>(examples: 2, features: 3, rowMajor: [1, 2, 3]) }
    #expect(try Matrix<Double>(examples: []).shape == Shape(0, 0))
  }

  @Test func labels() {
    let y = Matrix<Float>(labels: [0, 2, 1])
    #expect(y.shape == Shape(1, 3))
    #expect(y.scalars == [0, 2, 1])
  }
}
