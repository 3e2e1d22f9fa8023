import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension SafetensorsTests {
  /// Files written by the reference package, read back.
  @Suite struct SafetensorsReadTests {
    @Test func fixturesAreAllListed() {
      #expect(SafetensorsFixtures.expected.files.count == 6)
    }

    @Test(arguments: SafetensorsFixtures.expected.files)
    func readsFixture(_ fixture: SafetensorsFixtures.FileCase) throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path(fixture.file))
      #expect(file.metadata == fixture.metadata)
      // In the order of their data, byte for byte the same names.
      #expect(file.names.map { Array($0.utf8) } == fixture.tensors.map { Array($0.name.utf8) })
      for expected in fixture.tensors {
        let tensor = try #require(file.tensor(named: expected.name))
        #expect(tensor.dtype.rawValue == expected.dtype, "\(expected.name)")
        #expect(tensor.shape == expected.shape, "\(expected.name)")
        #expect(tensor.count == expected.values.count, "\(expected.name)")
        let values = try tensor.values()
        let wanted = try NumPyFixtures.values(expected.values)
        #expect(sameElements(values, wanted), "\(expected.name): \(values) != \(wanted)")
      }
    }

    @Test(arguments: SafetensorsFixtures.expected.files)
    func reencodesFixturesByteForByte(_ fixture: SafetensorsFixtures.FileCase) throws {
      let bytes = try SafetensorsFixtures.bytes(fixture.file)
      let file = try SafetensorsFile.read(bytes: bytes, name: fixture.file)
      #expect(file.encode() == bytes)
      // In whatever order the tensors are added.
      var reversed = SafetensorsFile(metadata: file.metadata)
      for tensor in file.tensors.reversed() { try reversed.add(tensor) }
      #expect(reversed.encode() == bytes)
    }

    @Test func readsFromData() throws {
      let data = try Data(contentsOf: URL(fileURLWithPath: SafetensorsFixtures.path("model.safetensors")))
      let file = try SafetensorsFile.read(data: data, name: "model")
      #expect(file.names == ["fc2.bias", "fc2.weight", "fc1.bias", "fc1.weight"])
    }

    @Test func weightsBecomeColumnMajorMatrices() throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path("model.safetensors"))
      let fixture = try SafetensorsFixtures.expected("model.safetensors")
      func rowMajor(_ name: String) throws -> [Double] {
        try NumPyFixtures.values(try #require(fixture.tensors.first { $0.name == name }).values)
      }
      let w1Tensor = try #require(file.tensor(named: "fc1.weight"))
      let w1: Matrix<Float> = try w1Tensor.matrix(rows: 3, columns: 4)
      let w1Values = try rowMajor("fc1.weight")
      for i in 0..<3 {
        for j in 0..<4 { #expect(Double(w1[i, j]) == w1Values[i * 4 + j]) }
      }
      #expect(w1 == (try Matrix(rows: 3, columns: 4, rowMajor: w1Values.map { Float($0) })))
      // A bias vector (3,) is a (3, 1) column; [3, 1] is accepted too.
      let b1: Matrix<Double> = try #require(file.tensor(named: "fc1.bias")).matrix(rows: 3, columns: 1)
      #expect(b1.scalars == (try rowMajor("fc1.bias")))
      let w2: Matrix<Double> = try #require(file.tensor(named: "fc2.weight")).matrix(rows: 1, columns: 3)
      #expect(w2.scalars == (try rowMajor("fc2.weight")))
      // F64 read as Float rounds.
      let w2f = try #require(file.tensor(named: "fc2.weight")).matrix(rows: 1, columns: 3, as: Float.self)
      #expect(w2f.scalars == [1.5, -2, 0.75])
    }

    @Test func matrixOfTheWrongShapeNamesBothShapes() throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path("model.safetensors"))
      let w1 = try #require(file.tensor(named: "fc1.weight"))
      #expect(
        message { _ = try w1.matrix(rows: 4, columns: 3, as: Float.self) }
          == "tensor 'fc1.weight' has shape [3, 4], expected [4, 3]")
      #expect(
        message { _ = try w1.matrix(rows: 12, columns: 1, as: Float.self) }
          == "tensor 'fc1.weight' has shape [3, 4], expected [12, 1] or [12]")
      let b1 = try #require(file.tensor(named: "fc1.bias"))
      #expect(throws: ShapeError.self) { try b1.matrix(rows: 1, columns: 3, as: Double.self) }
      #expect((try b1.matrix(rows: 3, columns: 1, as: Double.self)).shape == Shape(3, 1))
    }

    @Test func integerTensorsBecomeMatricesToo() throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path("dtypes.safetensors"))
      let i8: Matrix<Double> = try #require(file.tensor(named: "i8")).matrix(rows: 3, columns: 2)
      #expect(i8 == Matrix(rowMajor: [[-128, -1], [0, 1], [126, 127]]))
      let raw = try SafetensorsFile.read(path: SafetensorsFixtures.path("bf16_f8.safetensors"))
      let bf16: Matrix<Float> = try #require(raw.tensor(named: "bf16")).matrix(rows: 4, columns: 4)
      #expect(bf16[0, 2] == 1 && bf16[0, 3] == -1 && bf16[2, 2] == .infinity)
    }

    @Test func zeroDimensionalAndEmptyTensors() throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path("dtypes.safetensors"))
      let scalar = try #require(file.tensor(named: "scalar"))
      #expect(scalar.shape == [] && scalar.count == 1)
      #expect(try scalar.values() == [42.5])
      let empty = try #require(file.tensor(named: "empty"))
      #expect(empty.shape == [0, 3] && empty.count == 0 && empty.bytes.isEmpty)
      let m: Matrix<Float> = try empty.matrix(rows: 0, columns: 3)
      #expect(m.count == 0)
    }

    @Test func emptyFiles() throws {
      let empty = try SafetensorsFile.read(path: SafetensorsFixtures.path("empty.safetensors"))
      #expect(empty.tensors.isEmpty && empty.metadata.isEmpty)
      #expect(empty.encode() == Array("\u{8}\0\0\0\0\0\0\0{}      ".utf8))
      let metadataOnly = try SafetensorsFile.read(path: SafetensorsFixtures.path("metadata_only.safetensors"))
      #expect(metadataOnly.tensors.isEmpty && metadataOnly.metadata == ["format": "pt"])
    }

    @Test func lookupIsByExactName() throws {
      let file = try SafetensorsFile.read(path: SafetensorsFixtures.path("names.safetensors"))
      #expect(file.tensor(named: "\u{e9}") != nil)
      #expect(file.tensor(named: "e\u{301}") == nil)  // canonically equivalent, but other bytes
      #expect(file.tensor(named: "") != nil)
      #expect(file.tensor(named: "q\"\\/\n\t\u{1}") != nil)
      #expect(file.tensor(named: "missing") == nil)
    }

    @Test func undecodableTypesKeepTheirBytes() throws {
      // C64 and F4 as the reference writes them: read as raw bytes, values refused.
      let c64 = safetensorsBytes(
        header: #"{"z":{"dtype":"C64","shape":[1],"data_offsets":[0,8]},"#
          + #""f":{"dtype":"F4","shape":[4],"data_offsets":[8,10]}}"#,
        data: Array(0..<10))
      let file = try SafetensorsFile.read(bytes: c64)
      let z = try #require(file.tensor(named: "z"))
      #expect(z.dtype == .complex64 && z.bytes == Array(0..<8))
      let error = #expect(throws: DataError.self) { try z.values() }
      #expect(error?.message == "tensor 'z': C64 values cannot be decoded; read its bytes instead")
      let f = try #require(file.tensor(named: "f"))
      #expect(f.dtype == .float4 && f.bytes == [8, 9] && f.count == 4)
      #expect(throws: DataError.self) { try f.matrix(rows: 4, columns: 1, as: Float.self) }
      #expect(try SafetensorsFile.read(bytes: file.encode()) == file)
    }

    @Test func decodesEveryEightBitFloat() throws {
      // Spot checks beside the fixture's 256 patterns of each.
      #expect(Float8.e4m3(0x7E) == 448 && Float8.e4m3(0x01) == 0x1p-9 && Float8.e4m3(0x08) == 0x1p-6)
      #expect(Float8.e4m3(0x7F).isNaN && Float8.e4m3(0xFF).isNaN && Float8.e4m3(0x80).sign == .minus)
      #expect(Float8.e5m2(0x7C) == .infinity && Float8.e5m2(0x7B) == 57344 && Float8.e5m2(0x7D).isNaN)
      #expect(Float8.e8m0(0) == 0x1p-127 && Float8.e8m0(127) == 1 && Float8.e8m0(254) == 0x1p127)
      #expect(Float8.e8m0(255).isNaN)
    }
  }
}
