import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension NumPyIOTests {
  @Suite struct NPYFileTests {
    @Test func fixturesAreAllListed() {
      // 12 dtypes (9 in two byte orders), 3 Fortran, 2 versions, 4 shapes.
      #expect(NumPyFixtures.expected.npy.count == 30)
    }

    @Test(arguments: NumPyFixtures.expected.npy)
    func readsFixture(_ fixture: NumPyFixtures.NPYCase) throws {
      let array = try NPYFile.read(path: NumPyFixtures.path(fixture.file))
      #expect(array.shape == fixture.shape)
      #expect(array.dtype.rawValue == fixture.dtype)
      let expected = try NumPyFixtures.values(fixture.values)
      #expect(sameElements(array.scalars, expected), "\(array.scalars) != \(expected)")
      // The header's descriptor parses to the same type, in the file's byte order.
      let (dtype, order) = try NumPyDType.parse(fixture.descr, in: fixture.file)
      #expect(dtype == array.dtype)
      #expect(dtype.descriptor(order) == fixture.descr)
    }

    @Test(arguments: NumPyFixtures.expected.npy.filter { $0.version == [1, 0] && !$0.fortran_order })
    func reencodesLittleEndianFixturesByteForByte(_ fixture: NumPyFixtures.NPYCase) throws {
      // np.save output for little-endian (or one-byte) C-order arrays is exactly what NPYFile writes.
      // (Not the 64-bit integer fixtures: their values beyond 2^53 do not survive Double.)
      guard !fixture.descr.hasPrefix(">"), !["int64", "uint64"].contains(fixture.dtype) else { return }
      let bytes = try NumPyFixtures.bytes(fixture.file)
      let array = try NPYFile.read(bytes: bytes, name: fixture.file)
      #expect(NPYFile.encode(array) == bytes)
    }

    @Test func encodesMatricesAsNumPySavesThem() throws {
      let double = Matrix<Double>(rowMajor: [[1, 2, 3], [4, 5, 6]])
      #expect(NPYFile.encode(double) == (try NumPyFixtures.bytes("save_f8_2x3.npy")))
      let float = Matrix<Float>(rowMajor: [[0.5, -1], [2.25, 1e-3], [-0.0, 7]])
      #expect(NPYFile.encode(float) == (try NumPyFixtures.bytes("save_f4_3x2.npy")))
    }

    @Test func headerIsPaddedTo64BytesAndEndsWithNewline() throws {
      for shape in [[], [1], [3, 4], [123_456_789_012, 0], Array(repeating: 1, count: 30)] {
        let count = shape.reduce(1, *)
        let array = try NumPyArray(shape: shape, dtype: .int16, scalars: Array(repeating: 7, count: count))
        let bytes = NPYFile.encode(array)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == 0x0A)
        #expect(try NPYFile.read(bytes: bytes) == array)
      }
    }

    @Test func roundTripsEveryDTypeThroughAFile() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      for fixture in NumPyFixtures.expected.npy {
        let array = try NPYFile.read(path: NumPyFixtures.path(fixture.file))
        let path = folder.path("copy.npy")
        try NPYFile.write(array, to: path)
        let back = try NPYFile.read(path: path)
        #expect(back.shape == array.shape && back.dtype == array.dtype, "\(fixture.file)")
        #expect(sameElements(back.scalars, array.scalars), "\(fixture.file)")
      }
    }

    @Test func roundTripsMatrices() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let w = Matrix<Float>(rowMajor: [[0.1, -0.2, 0.3], [1e-7, 3e38, -0.0]])
      try NPYFile.write(w, to: folder.path("W1.npy"))
      let array = try NPYFile.read(path: folder.path("W1.npy"))
      #expect(array.dtype == .float32 && array.shape == [2, 3])
      #expect(try array.matrix(as: Float.self) == w)
      let b = Matrix<Double>(rowMajor: [[0.5], [-1.25]])
      try NPYFile.write(b, to: folder.path("b1.npy"))
      #expect(try NPYFile.read(path: folder.path("b1.npy")).matrix(as: Double.self) == b)
    }

    @Test func readsVersion3UTF8Header() throws {
      let header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'ü': 1}"
      // An extra key is refused, but the UTF-8 decodes and the error names it.
      let bytes = Self.npy(header: header, version: 3, data: [1, 0, 2, 0])
      let problem = message { _ = try NPYFile.read(bytes: bytes, name: "u.npy") }
      #expect(problem?.contains("'ü'") == true, "\(problem ?? "no error")")
    }

    @Test func toleratesTrailingBytesAsNumPyDoes() throws {
      var bytes = try NumPyFixtures.bytes("dtype_f8_le.npy")
      let array = try NPYFile.read(bytes: bytes)
      bytes += Array("garbage!".utf8)
      let padded = try NPYFile.read(bytes: bytes)
      #expect(padded.shape == array.shape && sameElements(padded.scalars, array.scalars))
    }

    @Test func parsesHeadersWrittenDifferently() throws {
      // Key order, spacing, trailing commas, Python 2 longs, double quotes, <u1 and = prefixes.
      let data: [UInt8] = [1, 2, 3, 4, 5, 6]
      let headers = [
        "{'shape':(2,3),'fortran_order':False,'descr':'|u1'}",
        "{ \"descr\" : \"<u1\" ,\n 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }",
        "{'descr': 'u1', 'fortran_order': False, 'shape': (2L, 3L), }",
        "{'descr': '=u1', 'fortran_order': False, 'shape': (2, 3)}\t\r\n",
      ]
      for header in headers {
        let array = try NPYFile.read(bytes: Self.npy(header: header, data: data), name: header)
        #expect(array.shape == [2, 3] && array.dtype == .uint8, "\(header)")
        #expect(array.scalars == [1, 2, 3, 4, 5, 6])
      }
      let fortran = try NPYFile.read(
        bytes: Self.npy(header: "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3)}", data: data))
      #expect(fortran.scalars == [1, 3, 5, 2, 4, 6])
      let scalar = try NPYFile.read(
        bytes: Self.npy(
          header: "{'descr': '>f8', 'fortran_order': True, 'shape': ()}",
          data: [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18]))
      #expect(scalar.shape == [] && scalar.scalars == [Double.pi])
    }

    // MARK: Bad input

    @Test func emptyFile() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("empty.npy")
      #expect(FileManager.default.createFile(atPath: path, contents: Data()))
      let error = try #require(throws: FileFormatError.self) { try NPYFile.read(path: path) }
      #expect(error.path == path)
      #expect(error.problem.contains("empty file"))
    }

    @Test func missingFile() {
      let error = #expect(throws: FileFormatError.self) { try NPYFile.read(path: "/nonexistent/x.npy") }
      #expect(error?.description == "/nonexistent/x.npy: no such file")
    }

    @Test func truncatedHeaderAndData() throws {
      let bytes = try NumPyFixtures.bytes("dtype_f8_le.npy")  // 128-byte header, 72 bytes of data
      for cut in [3, 7, 9, 20, 127] {
        let error = #expect(throws: FileFormatError.self) {
          try NPYFile.read(bytes: Array(bytes[..<cut]), name: "cut.npy")
        }
        #expect(error?.path == "cut.npy")
        #expect(error?.problem.contains("truncated") == true, "\(cut): \(error?.problem ?? "")")
      }
      let error = #expect(throws: FileFormatError.self) {
        try NPYFile.read(bytes: Array(bytes.dropLast(3)), name: "short.npy")
      }
      #expect(
        error?.problem == "data: shape (3, 3) of '<f8' needs 72 bytes but only 69 follow the header at byte 128"
          + " (truncated file or wrong header)")
    }

    @Test func wrongMagicAndVersion() throws {
      var bytes = try NumPyFixtures.bytes("dtype_f8_le.npy")
      bytes[1] = UInt8(ascii: "X")
      let magic = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "m.npy") }
      #expect(magic?.problem.contains("not a .npy file") == true)
      let text = #expect(throws: FileFormatError.self) {
        try NPYFile.read(bytes: Array("x,y\n1,2\n".utf8), name: "t.npy")
      }
      #expect(text?.problem == "not a .npy file: starts with \"x,y\\x0a1,\", expected \\x93NUMPY")
      bytes[1] = UInt8(ascii: "N")
      bytes[6] = 4
      let version = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "v.npy") }
      #expect(version?.problem == "unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)")
    }

    @Test func unsupportedDType() {
      let bytes = Self.npy(
        header: "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", data: Array(repeating: 0, count: 8))
      let error = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "c.npy") }
      #expect(error?.path == "c.npy")
      #expect(error?.problem.hasPrefix("header: unsupported dtype '<c8'") == true)
      let structured = Self.npy(header: "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", data: [])
      let record = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: structured, name: "r.npy") }
      #expect(record?.problem.contains("unsupported dtype [('a', '<f8')]") == true)
    }

    @Test func shapeThatLiesAboutTheData() {
      let bytes = Self.npy(
        header: "{'descr': '<f8', 'fortran_order': False, 'shape': (100,)}", data: Array(repeating: 0, count: 48))
      let error = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "lie.npy") }
      #expect(
        error?.description.hasPrefix("lie.npy: data: shape (100,) of '<f8' needs 800 bytes but only 48 follow") == true)
    }

    @Test func hugeShapesDoNotAllocate() {
      for (shape, expected) in [
        (
          "(4611686018427387904, 4611686018427387904)",
          "header: shape (4611686018427387904, 4611686018427387904) has more elements than can be addressed"
        ),
        ("(1099511627776,)", "data: shape (1099511627776,) of '<f8' needs 8796093022208 bytes but only 16 follow"),
        ("(2305843009213693952,)", "data: shape (2305843009213693952,) of '<f8' needs more than"),
        ("(99999999999999999999,)", "header: integer too large"),
      ] {
        let bytes = Self.npy(
          header: "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape)}", data: Array(repeating: 0, count: 16))
        let error = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "huge.npy") }
        #expect(error?.problem.hasPrefix(expected) == true, "\(error?.problem ?? "no error")")
      }
    }

    @Test(arguments: [
      ("", "expected a value, found end of text"),
      ("[1, 2]", "header is not a dict"),
      ("{'descr': '<f8', 'fortran_order': False}", "header lacks a key"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 0}", "unexpected key 'extra'"),
      ("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", "fortran_order is 0, not True or False"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': [1]}", "shape is [1], not a tuple"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1, -2)}", "not a non-negative integer"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 'a')}", "not a non-negative integer"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,)}", "floating-point numbers are not supported"),
      ("{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}', found 'f'"),
      ("{'descr' '<f8'}", "expected ':' after the key 'descr'"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}', found end of text"),
      ("{'descr': '<f8' 'fortran_order': False}", "expected ',' or '}'"),
      ("{'descr': '<f8', 'fortran_order': Falsey, 'shape': (1,)}", "unexpected 'F'"),
      ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x", "unexpected 'x' after the value"),
      ("{'descr': 'f8', 'fortran_order': False, 'shape': (1,), 'descr': '<f4'}", "duplicate key 'descr'"),
      ("{'a': " + String(repeating: "(", count: 100) + "}", "nesting deeper than 32"),
      ("{'descr': 'abc", "unterminated string"),
    ])
    func malformedHeader(_ header: String, _ expected: String) {
      let bytes = Self.npy(header: header, data: Array(repeating: 0, count: 8))
      let error = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "bad.npy") }
      #expect(error?.path == "bad.npy")
      #expect(error?.problem.contains(expected) == true, "\(error?.problem ?? "no error")")
    }

    @Test func invalidUTF8InVersion3Header() {
      var bytes = Self.npy(
        header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", version: 3,
        data: Array(repeating: 0, count: 8))
      bytes[14] = 0xFF
      let error = #expect(throws: FileFormatError.self) { try NPYFile.read(bytes: bytes, name: "utf.npy") }
      #expect(error?.problem == "header at byte 12 is not valid UTF-8")
    }

    @Test func everyTruncationOfEveryFixtureThrows() throws {
      for fixture in NumPyFixtures.expected.npy where fixture.values.count > 0 {
        let bytes = try NumPyFixtures.bytes(fixture.file)
        let headerEnd =
          bytes.count - fixture.values.count * (try #require(NumPyDType(rawValue: fixture.dtype))).itemSize
        for cut in stride(from: 0, to: bytes.count, by: 1) where cut < headerEnd || cut % 7 == 0 {
          #expect(throws: FileFormatError.self, "\(fixture.file) cut at \(cut)") {
            try NPYFile.read(bytes: Array(bytes[..<cut]), name: fixture.file)
          }
        }
      }
    }

    /// A .npy file with `header` (padded as NumPy pads) and raw `data`.
    static func npy(header: String, version: UInt8 = 1, data: [UInt8]) -> [UInt8] {
      var text = Array(header.utf8)
      let lengthSize = version == 1 ? 2 : 4
      text += [UInt8](repeating: 0x20, count: 63 - (8 + lengthSize + text.count) % 64) + [0x0A]
      var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
      for k in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * k))) }
      return bytes + text + data
    }
  }
}
