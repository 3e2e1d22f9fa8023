import Backprop
import Testing

@Suite struct MatrixTests {
  @Test func columnMajorLayout() throws {
    let m = Matrix<Double>(rowMajor: [[1, 2, 3], [4, 5, 6]])
    #expect(m.shape == Shape(2, 3))
    #expect(m.scalars == [1, 4, 2, 5, 3, 6])
    #expect(m.rowMajorScalars == [1, 2, 3, 4, 5, 6])
    #expect(m.transposed.shape == Shape(3, 2))
    #expect(m.transposed[2, 1] == 6)
  }

  @Test func wrongScalarCountThrows() {
    #expect(throws: ShapeError.self) { try Matrix<Float>(rows: 2, columns: 2, columnMajor: [1, 2, 3]) }
  }
}
