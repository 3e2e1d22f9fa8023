import Foundation
import Testing

@testable import Backprop

extension IDXTests {
  @Suite struct IDXFileTests {
    @Test func fixturesAreAllListed() {
      let names = ["u1_1d", "i1_2d", "i2_3d", "i4_4d", "f4_2d", "f8_3d", "images_u1_3d"]
      #expect(
        IDXFixtures.expected.idx.map(\.file)
          == names.flatMap { ["\($0).idx", "\($0).idx.gz"] }
          + ["header_fields.gz", "two_members.idx.gz", "stored_padded.idx.gz"])
      #expect(Set(IDXFixtures.expected.idx.map(\.dtype)) == ["uint8", "int8", "int16", "int32", "float32", "float64"])
      #expect(Set(IDXFixtures.expected.idx.map(\.shape.count)) == [1, 2, 3, 4])
    }

    @Test(arguments: IDXFixtures.expected.idx)
    func readsFixture(_ fixture: IDXFixtures.IDXCase) throws {
      let path = IDXFixtures.path(fixture.file)
      let array = try IDXFile.read(path: path)
      #expect(array.shape == fixture.shape)
      #expect(array.dtype.rawValue == fixture.dtype)
      #expect(sameElements(array.scalars, try NumPyFixtures.values(fixture.values)))
      // Arrays with NaN are not == themselves: compare shape, type and elements.
      for other in [try IDXFile.read(bytes: try IDXFixtures.bytes(fixture.file)), try ArrayFile.read(path: path)] {
        #expect(other.shape == array.shape && other.dtype == array.dtype && sameElements(other.scalars, array.scalars))
      }
    }

    @Test func typeBytes() {
      let known: [UInt8: NumPyDType] = [
        0x08: .uint8, 0x09: .int8, 0x0B: .int16, 0x0C: .int32, 0x0D: .float32, 0x0E: .float64,
      ]
      for code in UInt8.min...UInt8.max { #expect(IDXFile.dtype(typeCode: code) == known[code], "0x\(code)") }
    }

    @Test func imagesBecomeColumnsAndLabelsARow() throws {
      let images = try IDXFile.read(path: IDXFixtures.path("images_u1_3d.idx.gz"))  // (4, 3, 2)
      let X = try images.samples(as: Double.self)
      #expect(X.shape == Shape(6, 4))
      for j in 0..<4 {
        for i in 0..<6 { #expect(X[i, j] == images.scalars[j * 6 + i]) }
      }
      let labels = try IDXFile.read(path: IDXFixtures.path("u1_1d.idx"))
      #expect(try labels.labels(as: Float.self) == Matrix(rowMajor: [[0, 1, 127, 128, 254, 255]]))
    }

    @Test func encodeMatchesPythonByteForByte() throws {
      for name in ["u1_1d", "i1_2d", "i2_3d", "i4_4d", "f4_2d", "f8_3d", "images_u1_3d"] {
        let bytes = try IDXFixtures.bytes(name + ".idx")
        let array = try IDXFile.read(bytes: bytes)
        #expect(IDXFile.encode(array) == bytes, "\(name)")
      }
      #expect(IDXFile.encode(try NumPyArray(shape: [2], dtype: .int64, scalars: [1, 2])) == nil)
      #expect(IDXFile.encode(try NumPyArray(shape: [], dtype: .uint8, scalars: [1])) == nil)
    }

    @Test func emptyDimensionsNeedNoData() throws {
      let array = try IDXFile.read(bytes: IDXFixtures.idxHeader(type: 0x0D, [0, 28, 28]))
      #expect(array.shape == [0, 28, 28])
      #expect(array.dtype == .float32)
      #expect(array.scalars.isEmpty)
      #expect(try array.samples(as: Float.self).shape == Shape(784, 0))
    }

    @Test(arguments: IDXHostile.cases)
    func rejectsHostileFile(_ hostile: HostileCase) {
      let error = #expect(throws: FileFormatError.self) { try IDXFile.read(bytes: hostile.bytes, name: hostile.name) }
      #expect(error?.path == hostile.name)
      #expect(error?.problem.contains(hostile.fragment) == true, "\(String(describing: error))")
      // The same through the content-sniffing entry point.
      let viaArrayFile = #expect(throws: FileFormatError.self) {
        try ArrayFile.read(data: Data(hostile.bytes), name: hostile.name)
      }
      #expect(viaArrayFile?.path == hostile.name)
    }

    @Test func hostileCasesAreAllBuilt() {
      #expect(IDXHostile.cases.count == 14)
    }

    @Test func gzippedErrorsSayTheyAreInTheDecompressedData() {
      let truncated = IDXFixtures.idxHeader(type: 0x08, [10]) + [UInt8](repeating: 1, count: 9)
      let error = #expect(throws: FileFormatError.self) {
        try IDXFile.read(bytes: IDXFixtures.storedGzip(truncated), name: "t.idx.gz")
      }
      #expect(
        error?.description
          == "t.idx.gz: decompressed gzip data: data: dimensions (10,) of uint8 need 10 bytes but 9 follow the header"
          + " at byte 8 (truncated file or wrong dimensions)")
    }

    @Test func errorsNameTheFileOnDisk() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("t10k-images-idx3-ubyte")
      try Data(IDXFixtures.idxHeader(type: 0x08, [10_000, 28, 28]) + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
      let error = #expect(throws: FileFormatError.self) { try IDXFile.read(path: path) }
      #expect(
        error?.description
          == path + ": data: dimensions (10000, 28, 28) of uint8 need 7840000 bytes but 3 follow the header at byte 16"
          + " (truncated file or wrong dimensions)")
      let npy = #expect(throws: FileFormatError.self) { try IDXFile.read(path: IDXFixtures.path("npy_named.idx")) }
      #expect(npy?.problem.hasPrefix("not an IDX file: starts with 93 4e 55 4d") == true)
    }
  }
}

/// Malformed IDX files; none may trap or allocate what its header claims.
enum IDXHostile {
  static let cases: [HostileCase] = {
    let header = IDXFixtures.idxHeader
    let max = UInt32.max
    return [
      HostileCase(name: "empty.idx", bytes: [], fragment: "empty file"),
      HostileCase(name: "short-magic.idx", bytes: [0, 0, 8], fragment: "too short for the 4-byte IDX magic"),
      HostileCase(
        name: "magic.idx", bytes: [0, 1, 8, 1, 0, 0, 0, 0], fragment: "not an IDX file: starts with 00 01 08 01"),
      HostileCase(name: "type.idx", bytes: header(0x0A, [1]) + [0], fragment: "unknown IDX type byte 0x0a at byte 2"),
      HostileCase(name: "rank-0.idx", bytes: [0, 0, 8, 0], fragment: "byte 3: 0 dimensions; supported: 1 to 8"),
      HostileCase(
        name: "rank-9.idx", bytes: header(0x08, Array(repeating: 1, count: 9)) + [7], fragment: "9 dimensions"),
      HostileCase(
        name: "short-header.idx", bytes: Array(header(0x08, [2, 3, 4]).prefix(13)),
        fragment: "truncated: the header needs 16 bytes (4 + 4 × 3 dimension sizes) but the file has 13"),
      HostileCase(
        name: "short-data.idx", bytes: header(0x0B, [3, 2]) + [UInt8](repeating: 0, count: 11),
        fragment: "dimensions (3, 2) of int16 need 12 bytes but 11 follow the header at byte 12 (truncated"),
      HostileCase(
        name: "long-data.idx", bytes: header(0x0C, [2]) + [UInt8](repeating: 0, count: 9),
        fragment: "need 8 bytes but 9 follow the header at byte 8 (extra bytes at the end)"),
      HostileCase(
        name: "overflow.idx", bytes: header(0x08, [max, max, max, max]) + [1, 2, 3],
        fragment: "dimensions (4294967295, 4294967295, 4294967295, 4294967295) have more elements than can be addressed"
      ),
      HostileCase(
        name: "bytes-overflow.idx", bytes: header(0x0E, [0x8000_0000, 0x8000_0000]),
        fragment: "of float64 need more than \(Int.max) bytes but 0 follow"),
      HostileCase(
        name: "huge-claim.idx", bytes: header(0x08, [max, 0x7FFF_FFFF]) + [0, 0, 0, 0, 0, 0, 0, 0],
        fragment: "(4294967295, 2147483647) of uint8 need 9223372030412324865 bytes but 8 follow"),
      HostileCase(
        name: "mnist-header-only.idx", bytes: header(0x08, [60_000, 28, 28]),
        fragment: "need 47040000 bytes but 0 follow the header at byte 16"),
      HostileCase(
        name: "npy.idx", bytes: NPYFile.magic + [1, 0], fragment: "not an IDX file: starts with 93 4e 55 4d"),
    ]
  }()
}
