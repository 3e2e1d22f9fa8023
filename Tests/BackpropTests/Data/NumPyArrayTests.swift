import Foundation
import Testing

@testable import Backprop

extension NumPyIOTests {
  @Suite struct NumPyArrayTests {
    @Test(arguments: NumPyFixtures.expected.samples)
    func samplesEqualReshapeTranspose(_ fixture: NumPyFixtures.SamplesCase) throws {
      let array = try NPYFile.read(path: NumPyFixtures.path(fixture.file))
      let x = try array.samples(as: Double.self)
      #expect(x.shape == Shape(fixture.rows, fixture.columns))
      // The expectation is NumPy's own x.reshape(m, -1).T, in row-major order.
      #expect(x.rowMajorScalars == (try NumPyFixtures.values(fixture.row_major)))
      let xf = try array.samples(as: Float.self)
      #expect(xf == x.converted(to: Float.self))
    }

    @Test func samplesOfA5x2x3ArrayIsA6x5Matrix() throws {
      let array = try NPYFile.read(path: NumPyFixtures.path("samples_u1_5x2x3.npy"))
      #expect(array.shape == [5, 2, 3] && array.dtype == .uint8)
      let x = try array.samples(as: Float.self)
      #expect(x.shape == Shape(6, 5))
      // Column j is example j: x[j] flattened, (3 * (6j + k)).
      for j in 0..<5 {
        for k in 0..<6 { #expect(x[k, j] == Float(3 * (6 * j + k))) }
      }
    }

    @Test func samplesOfOneDimensionalArrayIsOneRow() throws {
      let array = try NumPyArray(shape: [4], dtype: .int64, scalars: [1, 0, 0, 1])
      let x = try array.samples(as: Double.self)
      #expect(x.shape == Shape(1, 4))
      #expect(x.scalars == [1, 0, 0, 1])
    }

    @Test func samplesOfScalarThrows() throws {
      let scalar = try NPYFile.read(path: NumPyFixtures.path("scalar_0d.npy"))
      #expect(scalar.shape == [] && scalar.scalars == [3.5])
      let error = #expect(throws: ShapeError.self) { try scalar.samples(as: Float.self) }
      #expect(error?.message.contains("0-d") == true)
    }

    @Test func samplesOfEmptyArray() throws {
      let empty = try NPYFile.read(path: NumPyFixtures.path("empty_0x3.npy"))
      #expect(empty.shape == [0, 3] && empty.count == 0)
      #expect(try empty.samples(as: Double.self).shape == Shape(3, 0))
    }

    @Test func samplesOfEmptyArrayWithHugeFeatureAxesThrows() throws {
      let bytes = NPYFileTests.npy(
        header: "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 1099511627776, 1099511627776)}", data: [])
      let array = try NPYFile.read(bytes: bytes)
      #expect(array.count == 0)
      let error = #expect(throws: ShapeError.self) { try array.samples(as: Float.self) }
      #expect(error?.message.contains("too many features") == true)
      #expect(throws: ShapeError.self) { try array.matrix(as: Float.self) }
    }

    @Test(arguments: [[5], [5, 1], [1, 5]])
    func labelsAcceptTheThreeShapes(_ shape: [Int]) throws {
      let array = try NumPyArray(shape: shape, dtype: .int64, scalars: [1, 0, 1, 1, 0])
      let y = try array.labels(as: Float.self)
      #expect(y.shape == Shape(1, 5))
      #expect(y.scalars == [1, 0, 1, 1, 0])
    }

    @Test(arguments: [[2, 3], [5, 1, 1], [], [1, 5, 1]])
    func labelsRejectOtherShapes(_ shape: [Int]) throws {
      let array = try NumPyArray(shape: shape, dtype: .uint8, scalars: Array(repeating: 1, count: shape.reduce(1, *)))
      let error = #expect(throws: ShapeError.self) { try array.labels(as: Double.self) }
      #expect(error?.message.contains("got \(NumPyArray.describe(shape))") == true, "\(error?.message ?? "")")
    }

    @Test func matrixKeepsRowsAndColumns() throws {
      let w = try NumPyArray(shape: [2, 3], dtype: .float64, scalars: [1, 2, 3, 4, 5, 6])
      let m = try w.matrix(as: Double.self)
      #expect(m == Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]]))
      let b = try NumPyArray(shape: [3], dtype: .float32, scalars: [1, 2, 3])
      #expect(try b.matrix(as: Float.self) == Matrix(rowMajor: [[1], [2], [3]]))
      let cube = try NumPyArray(shape: [1, 1, 1], dtype: .float32, scalars: [1])
      let error = #expect(throws: ShapeError.self) { try cube.matrix(as: Float.self) }
      #expect(error?.message.contains("(1, 1, 1)") == true)
    }

    @Test func matrixRoundTripsThroughNumPyArray() throws {
      let m = Matrix<Float>(rowMajor: [[1, 2], [3, 4], [5, 6]])
      let array = NumPyArray(matrix: m)
      #expect(array.shape == [3, 2] && array.dtype == .float32)
      #expect(array.scalars == [1, 2, 3, 4, 5, 6])
      #expect(try array.matrix(as: Float.self) == m)
      #expect(NumPyArray(matrix: m.converted(to: Double.self)).dtype == .float64)
    }

    @Test func initChecksCountAndValues() {
      #expect(throws: ShapeError.self) { try NumPyArray(shape: [2, 2], dtype: .float64, scalars: [1, 2, 3]) }
      #expect(throws: ShapeError.self) { try NumPyArray(shape: [-1], dtype: .float64, scalars: []) }
      #expect(throws: ShapeError.self) { try NumPyArray(shape: [1 << 40, 1 << 40], dtype: .float64, scalars: []) }
      for (dtype, value) in [
        (NumPyDType.uint8, 256.0), (.uint8, -1), (.int8, 0.5), (.bool, 2), (.int16, .nan), (.uint64, -1),
        (.int32, .infinity),
      ] {
        let error = #expect(throws: DataError.self) { try NumPyArray(shape: [1], dtype: dtype, scalars: [value]) }
        #expect(error?.message.contains("does not fit \(dtype.rawValue)") == true)
      }
      #expect(throws: Never.self) {
        _ = try NumPyArray(shape: [3], dtype: .uint64, scalars: [0, 0x1p63, 0x1p64])
        _ = try NumPyArray(shape: [2], dtype: .int64, scalars: [-0x1p63, 0x1p63])
        _ = try NumPyArray(shape: [2], dtype: .float16, scalars: [.nan, 1e10])
      }
    }
  }

  @Suite struct NumPyDTypeTests {
    @Test func parsesEveryDescriptor() throws {
      let cases: [(String, NumPyDType, NumPyByteOrder)] = [
        ("|b1", .bool, .little), ("b1", .bool, .little), ("|u1", .uint8, .little), ("<u1", .uint8, .little),
        (">u1", .uint8, .little), ("|i1", .int8, .little), ("<i2", .int16, .little), (">i2", .int16, .big),
        ("<u2", .uint16, .little), (">i4", .int32, .big), ("=u4", .uint32, .little), ("<i8", .int64, .little),
        (">u8", .uint64, .big), ("<f2", .float16, .little), (">f4", .float32, .big), ("<f8", .float64, .little),
        ("|f8", .float64, .little),
      ]
      for (text, dtype, order) in cases {
        let parsed = try NumPyDType.parse(text, in: "t")
        #expect(parsed.dtype == dtype && parsed.byteOrder == order, "\(text)")
        #expect(NumPyDType(descriptor: text) == dtype)
      }
    }

    @Test func printsDescriptors() {
      #expect(NumPyDType.float64.descriptor == "<f8")
      #expect(NumPyDType.float32.descriptor(.big) == ">f4")
      #expect(NumPyDType.uint8.descriptor(.big) == "|u1")
      #expect(NumPyDType.bool.descriptor == "|b1")
      #expect(NumPyDType.float16.descriptor == "<f2")
      for dtype in NumPyDType.allCases {
        #expect(NumPyDType(descriptor: dtype.descriptor) == dtype)
        #expect(NumPyDType(descriptor: dtype.descriptor(.big)) == dtype)
      }
      #expect(NumPyDType.float32.descriptor == Float.numpyDescriptor)
      #expect(NumPyDType.float64.rawValue == Double.dtypeName)
    }

    @Test(arguments: ["<c8", "<f16", "|S5", "<U3", "O", "", "<", "<f", "<f+8", "<f 8", "V8", "<M8", "<i3"])
    func rejectsOthers(_ text: String) {
      #expect(NumPyDType(descriptor: text) == nil)
      let error = #expect(throws: FileFormatError.self) { try NumPyDType.parse(text, in: "x.npy") }
      #expect(error?.description.hasPrefix("x.npy: header: unsupported dtype '\(text)'") == true)
    }

    @Test func halfFloatConversions() {
      let cases: [(UInt16, Double)] = [
        (0x0000, 0), (0x8000, -0.0), (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24),
        (0x03FF, 1023 * 0x1p-24), (0x0400, 0x1p-14), (0x7C00, .infinity), (0xFC00, -.infinity),
        (0x3555, 0.333251953125),
      ]
      for (bits, value) in cases {
        let decoded = HalfFloat.double(fromBits: bits)
        #expect(decoded == value && decoded.sign == value.sign, "\(bits)")
        #expect(HalfFloat.bits(from: value) == bits, "\(value)")
      }
      #expect(HalfFloat.double(fromBits: 0x7E00).isNaN)
      #expect(HalfFloat.bits(from: .nan) & 0x7C00 == 0x7C00)
      // Rounding: ties to even, overflow to infinity, underflow to zero.
      #expect(HalfFloat.bits(from: 65519) == 0x7BFF)
      #expect(HalfFloat.bits(from: 65520) == 0x7C00)
      #expect(HalfFloat.bits(from: 1 + 0x1p-11) == 0x3C00)  // tie, to even
      #expect(HalfFloat.bits(from: 1 + 3 * 0x1p-11) == 0x3C02)  // tie, to even (up)
      #expect(HalfFloat.bits(from: 0x1p-25) == 0x0000)  // tie, to even (zero)
      #expect(HalfFloat.bits(from: 0x1p-25 * 1.5) == 0x0001)
      #expect(HalfFloat.bits(from: 0x1p-14 - 0x1p-26) == 0x0400)  // rounds up into the normals
      #expect(HalfFloat.bits(from: 0.1) == 0x2E66)
      // Every half value survives a round trip.
      for bits in UInt16.min...UInt16.max where (bits & 0x7C00) != 0x7C00 || (bits & 0x3FF) == 0 {
        #expect(HalfFloat.bits(from: HalfFloat.double(fromBits: bits)) == bits)
      }
    }
  }
}
