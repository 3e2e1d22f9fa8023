import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension SafetensorsTests {
  /// Files built and written by Backprop, read back by Backprop.
  @Suite struct SafetensorsWriteTests {
    /// One tensor of every encodable type, with awkward values.
    static func everyType() throws -> SafetensorsFile {
      var file = SafetensorsFile(metadata: ["format": "pt", "b": "é \"q\" \\ \n\u{1}", "": ""])
      try file.add("bool", dtype: .bool, shape: [2, 2], values: [1, 0, 0, 1])
      try file.add("u8", dtype: .uint8, shape: [3], values: [0, 128, 255])
      try file.add("i8", dtype: .int8, shape: [3], values: [-128, 0, 127])
      try file.add("u16", dtype: .uint16, shape: [2], values: [0, 65535])
      try file.add("i16", dtype: .int16, shape: [2], values: [-32768, 32767])
      try file.add("u32", dtype: .uint32, shape: [2], values: [0, 4_294_967_295])
      try file.add("i32", dtype: .int32, shape: [1, 2], values: [-2_147_483_648, 2_147_483_647])
      try file.add("u64", dtype: .uint64, shape: [2], values: [0, 0x1p53])
      try file.add("i64", dtype: .int64, shape: [2], values: [-0x1p63, 0x1p53])
      try file.add("f16", dtype: .float16, shape: [4], values: [1, -0.0, 65504, .infinity])
      try file.add("bf16", dtype: .bfloat16, shape: [2, 2], values: [1, -2.5, 0x1p-133, .nan])
      try file.add("f32", dtype: .float32, shape: [], values: [0.1])
      try file.add("f64", dtype: .float64, shape: [2, 1, 2], values: [.pi, -.infinity, .leastNonzeroMagnitude, -0.0])
      try file.add("empty", dtype: .float64, shape: [0, 4], values: [])
      return file
    }

    @Test func roundTripsEveryTypeThroughAFile() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let file = try Self.everyType()
      let path = folder.path("all.safetensors")
      try file.write(to: path)
      let read = try SafetensorsFile.read(path: path)
      #expect(read.metadata == file.metadata)
      #expect(Set(read.names) == Set(file.names))
      for tensor in file.tensors {
        let back = try #require(read.tensor(named: tensor.name))
        #expect(back == tensor)
        #expect(sameElements(try back.values(), try tensor.values()), "\(tensor.name)")
      }
      #expect(read.encode() == file.encode())
      // No temporary file is left beside it.
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["all.safetensors"])
    }

    @Test func valuesAreConvertedToTheType() throws {
      let file = try Self.everyType()
      #expect(try file.tensor(named: "f32")?.values() == [Double(Float(0.1))])
      #expect(try file.tensor(named: "f16")?.values() == [1, -0.0, 65504, .infinity])
      let bf16 = try #require(file.tensor(named: "bf16")).values()
      #expect(bf16[0] == 1 && bf16[1] == -2.5 && bf16[2] == 0x1p-133 && bf16[3].isNaN)
      #expect(try file.tensor(named: "u64")?.values() == [0, 0x1p53])
    }

    @Test func roundTripsMatrices() throws {
      let w = Matrix<Float>(rowMajor: [[0.1, -0.2, 0.3], [4, 5, 6e-8]])
      let b = Matrix<Double>(rowMajor: [[0.5], [-0.25]])
      var file = SafetensorsFile()
      try file.add("W", matrix: w)
      try file.add("b", matrix: b, shape: [2])
      try file.add("bT", matrix: b.transposed)
      let read = try SafetensorsFile.read(bytes: file.encode())
      let wTensor = try #require(read.tensor(named: "W"))
      #expect(wTensor.dtype == .float32 && wTensor.shape == [2, 3])
      // Stored row-major, as PyTorch stores a (out, in) weight.
      #expect(try wTensor.values() == w.rowMajorScalars.map(Double.init))
      #expect(try wTensor.matrix(rows: 2, columns: 3) == w)
      let bTensor = try #require(read.tensor(named: "b"))
      #expect(bTensor.dtype == .float64 && bTensor.shape == [2])
      #expect(try bTensor.matrix(rows: 2, columns: 1) == b)
      #expect(try read.tensor(named: "bT")?.matrix(rows: 1, columns: 2) == b.transposed)
    }

    @Test func layoutIsTheReferenceWritersLayout() throws {
      var file = SafetensorsFile()
      try file.add("z", dtype: .uint8, shape: [1], values: [1])
      try file.add("a", dtype: .uint8, shape: [1], values: [2])
      try file.add("m", dtype: .float64, shape: [1], values: [3])
      try file.add("b", dtype: .bfloat16, shape: [1], values: [4])
      try file.add("h", dtype: .float16, shape: [1], values: [5])
      try file.add("B", dtype: .bool, shape: [1], values: [1])
      try file.add("u", dtype: .uint64, shape: [1], values: [6])
      // Widest type first (U64 > F64 > BF16 > F16 > U8 > BOOL in the reference's order), then by name.
      let text = String(decoding: file.encode()[8...], as: UTF8.self)
      let order = ["\"u\"", "\"m\"", "\"b\"", "\"h\"", "\"a\"", "\"z\"", "\"B\""].compactMap {
        text.range(of: $0)?.lowerBound
      }
      #expect(order.count == 7 && order == order.sorted())
      #expect(text.hasPrefix(#"{"u":{"dtype":"U64","shape":[1],"data_offsets":[0,8]},"m":{"dtype":"F64""#))
    }

    @Test func headerIsPaddedWithSpacesToEightBytes() throws {
      for length in 0..<12 {
        var file = SafetensorsFile()
        try file.add(String(repeating: "x", count: length), dtype: .uint8, shape: [1], values: [7])
        let bytes = file.encode()
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 1 && bytes.last == 7)
        let header = bytes[8..<(8 + headerLength)]
        let end = try #require(header.lastIndex(of: UInt8(ascii: "}")))
        #expect(header[(end + 1)...].allSatisfy { $0 == 0x20 } && header.endIndex - end <= 8)
      }
    }

    @Test func metadataKeysAreSortedAndEscapedAsSerdeEscapes() throws {
      var file = SafetensorsFile(metadata: ["b": "2", "a": "\u{8}\u{c}\n\r\t\u{1f}\u{7f}/é😀", "é": "", "Z": "x"])
      #expect(file.metadata.count == 4)
      let text = String(decoding: file.encode()[8...], as: UTF8.self)
      let expected = #"{"__metadata__":{"Z":"x","a":"\b\f\n\r\t\u001f"# + "\u{7f}/é😀\",\"b\":\"2\",\"é\":\"\"}}"
      #expect(text.hasPrefix(expected))
      file.metadata = [:]
      #expect(String(decoding: file.encode()[8...], as: UTF8.self) == "{}      ")
    }

    @Test func addingRefusesDuplicateAndReservedNames() throws {
      var file = SafetensorsFile()
      try file.add("W1", dtype: .float32, shape: [1], values: [1])
      #expect(
        message { try file.add("W1", dtype: .float32, shape: [1], values: [2]) }
          == "a tensor named 'W1' is already in the file")
      #expect(
        message { try file.add("__metadata__", matrix: Matrix<Float>(rows: 1, columns: 1)) }
          == "a tensor cannot be named '__metadata__': the header reserves it")
      // Names are told apart by their bytes, as the reference tells them apart.
      try file.add("\u{e9}", dtype: .uint8, shape: [], values: [1])
      try file.add("e\u{301}", dtype: .uint8, shape: [], values: [2])
      let read = try SafetensorsFile.read(bytes: file.encode())
      #expect(try read.tensor(named: "\u{e9}")?.values() == [1])
      #expect(try read.tensor(named: "e\u{301}")?.values() == [2])
      #expect(file.tensors.count == 3)
    }

    @Test func removesTensors() throws {
      var file = SafetensorsFile()
      for name in ["a", "b", "c"] { try file.add(name, dtype: .int8, shape: [1], values: [1]) }
      #expect(file.removeTensor(named: "b")?.name == "b")
      #expect(file.removeTensor(named: "b") == nil)
      #expect(file.names == ["a", "c"] && file.tensor(named: "c")?.name == "c")
      try file.add("b", dtype: .int8, shape: [1], values: [2])
      #expect(file.names == ["a", "c", "b"] && file.tensor(named: "b")?.bytes == [2])
    }

    @Test(arguments: [
      (
        SafetensorsDType.int8, [Double](arrayLiteral: 128),
        "element 0 of the int8 array is 128.0, which does not fit int8"
      ),
      (.uint8, [0.5], "element 0 of the uint8 array is 0.5"),
      (.bool, [2], "element 0 of the bool array is 2.0"),
      (.int32, [.nan], "element 0 of the int32 array is nan"),
      (.uint64, [-1], "element 0 of the uint64 array is -1.0"),
      (.float8E4M3, [1], "values cannot be encoded as F8_E4M3; give its bytes instead"),
      (.complex64, [1], "values cannot be encoded as C64"),
    ])
    func valuesThatDoNotFitTheType(_ dtype: SafetensorsDType, _ values: [Double], _ expected: String) {
      let error = #expect(throws: DataError.self) {
        _ = try SafetensorsTensor(name: "t", dtype: dtype, shape: [1], values: values)
      }
      #expect(error?.message.hasPrefix("tensor 't': " + expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func shapesThatDoNotFit() throws {
      #expect(
        message { _ = try SafetensorsTensor(name: "t", dtype: .float32, shape: [2, 2], values: [1, 2, 3]) }
          == "tensor 't': shape [2, 2] needs 4 values, got 3")
      #expect(
        message { _ = try SafetensorsTensor(name: "t", dtype: .float32, shape: [-1], values: []) }
          == "tensor 't': shape [-1] is negative or too large")
      #expect(
        message { _ = try SafetensorsTensor(name: "t", dtype: .float32, shape: [1 << 62, 1 << 62], values: []) }
          == "tensor 't': shape [4611686018427387904, 4611686018427387904] is negative or too large")
      #expect(
        message { _ = try SafetensorsTensor(name: "W", matrix: Matrix<Float>(rows: 2, columns: 3), shape: [5]) }
          == "tensor 'W': shape [5] does not hold the 2×3 matrix's 6 elements")
      #expect(
        message { _ = try SafetensorsTensor(name: "r", dtype: .float32, shape: [2], bytes: [0, 0, 0]) }
          == "tensor 'r': shape [2] of F32 needs 8 bytes, got 3")
      #expect(
        message { _ = try SafetensorsTensor(name: "r", dtype: .float4, shape: [3], bytes: [0, 0]) }
          == "tensor 'r': shape [3] of F4 is negative, too large, or not a whole number of bytes")
      let packed = try SafetensorsTensor(name: "p", dtype: .float4, shape: [2, 2], bytes: [0x21, 0x43])
      #expect(packed.count == 4)
    }

    @Test func brainFloatsRoundToNearestEven() {
      // Every Float: the bfloat16 nearest to it is the one its bits round to.
      var generator = DefaultGenerator(seed: 7)
      for _ in 0..<20000 {
        let bits = UInt32(truncatingIfNeeded: generator.next())
        let value = Float(bitPattern: bits)
        guard !value.isNaN else { continue }
        let rounded = UInt16(truncatingIfNeeded: (UInt64(bits) + 0x7FFF + UInt64((bits >> 16) & 1)) >> 16)
        #expect(BFloat16.bits(from: Double(value)) == rounded, "\(value)")
      }
      #expect(BFloat16.bits(from: 1 + 0x1p-8) == 0x3F80)  // a tie, to even
      #expect(BFloat16.bits(from: 1 + 0x1p-8 + 0x1p-30) == 0x3F81)  // just above the tie: rounded once
      #expect(BFloat16.bits(from: 0x1p-134) == 0)  // half the smallest subnormal, to even
      #expect(BFloat16.bits(from: 0x1.8p-134) == 1)
      #expect(BFloat16.bits(from: (2 - 0x1p-8) * 0x1p127) == 0x7F80)  // halfway to 2¹²⁸: ∞
      #expect(BFloat16.bits(from: (2 - 0x1p-7) * 0x1p127) == 0x7F7F)
      #expect(BFloat16.bits(from: -.infinity) == 0xFF80 && BFloat16.bits(from: .nan) == 0x7FC0)
      #expect(BFloat16.bits(from: -0.0) == 0x8000)
    }

    @Test func writeFailuresNameThePath() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("missing/model.safetensors")
      let error = #expect(throws: FileFormatError.self) { try SafetensorsFile().write(to: path) }
      #expect(error?.path == path)
      let missing = #expect(throws: FileFormatError.self) { try SafetensorsFile.read(path: path) }
      #expect(missing?.problem == "no such file")
    }
  }
}
