import Foundation
import Testing

@testable import Backprop

extension NumPyIOTests {
  @Suite struct NPZArchiveTests {
    @Test func fixturesAreAllListed() {
      #expect(NumPyFixtures.expected.npz.map(\.file) == ["savez.npz", "savez_compressed.npz", "zip64.npz"])
    }

    @Test(arguments: NumPyFixtures.expected.npz)
    func readsFixture(_ fixture: NumPyFixtures.NPZCase) throws {
      let ordered = try NPZArchive.readOrdered(path: NumPyFixtures.path(fixture.file))
      #expect(ordered.map(\.name) == fixture.arrays.map(\.name))
      let arrays = try NPZArchive.read(path: NumPyFixtures.path(fixture.file))
      #expect(arrays.count == fixture.arrays.count)
      for expected in fixture.arrays {
        let array = try #require(arrays[expected.name])
        #expect(array.shape == expected.shape, "\(expected.name)")
        #expect(array.dtype.rawValue == expected.dtype, "\(expected.name)")
        let values = try expected.values.map(NumPyFixtures.values) ?? NumPyFixtures.digits
        #expect(sameElements(array.scalars, values), "\(expected.name)")
      }
    }

    @Test func readsFromMemory() throws {
      let data = try Data(contentsOf: URL(fileURLWithPath: NumPyFixtures.path("savez_compressed.npz")))
      let arrays = try NPZArchive.readOrdered(data: data, name: "memory.npz")
      #expect(arrays.map(\.name) == ["W1", "digits", "b1", "mask"])
      #expect(arrays[1].array.scalars == NumPyFixtures.digits)
      let npy = try Data(contentsOf: URL(fileURLWithPath: NumPyFixtures.path("save_f8_2x3.npy")))
      #expect(try NPYFile.read(data: npy).matrix(as: Double.self) == Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]]))
    }

    @Test func compressedEntriesAreDeflated() throws {
      let bytes = try NumPyFixtures.bytes("savez_compressed.npz")
      try bytes.withUnsafeBytes { buffer in
        let archive = try ZIPArchive(bytes: buffer, path: "c.npz")
        #expect(archive.entries.allSatisfy { $0.method == 8 })
        #expect(archive.entries.map(\.name) == ["W1.npy", "digits.npy", "b1.npy", "mask.npy"])
      }
    }

    @Test func writesInInsertionOrderAndReadsBack() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let arrays: [(String, NumPyArray)] = [
        ("W2", NumPyArray(matrix: Matrix<Float>(rowMajor: [[1, 2], [3, 4]]))),
        ("b2", NumPyArray(matrix: Matrix<Double>(rowMajor: [[0.5], [-0.5]]))),
        ("A", try NumPyArray(shape: [2, 1, 2], dtype: .int16, scalars: [-1, 2, -3, 4])),
        ("ünïcode", try NumPyArray(shape: [], dtype: .float16, scalars: [1.5])),
      ]
      let path = folder.path("model.npz")
      try NPZArchive.write(arrays, to: path)
      let back = try NPZArchive.readOrdered(path: path)
      #expect(back.map(\.name) == arrays.map(\.0))
      for (read, written) in zip(back, arrays) { #expect(read.array == written.1) }
    }

    @Test func zip64RecordsRoundTrip() throws {
      let files: [(name: String, bytes: [UInt8])] = [
        ("a.npy", NPYFile.encode(Matrix<Double>(rowMajor: [[1, 2]]))),
        ("b.npy", NPYFile.encode(Matrix<Float>(rowMajor: [[3]]))),
      ]
      let bytes = ZIPArchive.encode(files, forceZIP64: true)
      let arrays = try bytes.withUnsafeBytes { try NPZArchive.decode($0, path: "z.npz") }
      #expect(arrays.map(\.name) == ["a", "b"])
      #expect(try arrays[1].array.matrix(as: Float.self) == Matrix(rowMajor: [[3]]))
    }

    @Test func rejectsDuplicateAndEmptyNames() {
      let a = NumPyArray(matrix: Matrix<Double>(rowMajor: [[1]]))
      let duplicate = #expect(throws: FileFormatError.self) {
        try NPZArchive.encode([("x", a), ("x", a)], path: "d.npz")
      }
      #expect(duplicate?.description == "d.npz: two arrays are named 'x'")
      #expect(throws: FileFormatError.self) { try NPZArchive.encode([("", a)]) }
    }

    // MARK: Corrupt archives

    /// Reads `bytes` as an .npz named "bad.npz", returning the error's problem.
    static func problem(_ bytes: [UInt8]) -> String? {
      do {
        _ = try bytes.withUnsafeBytes { try NPZArchive.decode($0, path: "bad.npz") }
        return nil
      } catch let error as FileFormatError {
        #expect(error.path == "bad.npz")
        return error.problem
      } catch {
        Issue.record("not a FileFormatError: \(error)")
        return "\(error)"
      }
    }

    /// Offsets of every occurrence of `signature` (little-endian) in `bytes`.
    static func offsets(of signature: UInt32, in bytes: [UInt8]) -> [Int] {
      let pattern = (0..<4).map { UInt8(truncatingIfNeeded: signature >> (8 * $0)) }
      return (0...(bytes.count - 4)).filter { Array(bytes[$0..<($0 + 4)]) == pattern }
    }

    static func put32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
      for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
    }

    @Test func emptyAndNonZIPFiles() {
      #expect(Self.problem([]) == "empty file (0 bytes), expected a ZIP archive")
      #expect(
        Self.problem(Array(repeating: 0x41, count: 10)) == "not a ZIP archive: 10 bytes, too short for the end record")
      #expect(
        Self.problem(Array(repeating: 0x41, count: 100)) == "not a ZIP archive: no end-of-central-directory record")
    }

    @Test func badCRC() throws {
      var bytes = try NumPyFixtures.bytes("savez.npz")
      let data = try #require(Self.offsets(of: 0x4D55_4E93, in: bytes).first)  // "\x93NUM" of the first .npy
      bytes[data + 130] ^= 0x01  // inside W1's data
      let problem = Self.problem(bytes)
      #expect(problem?.hasPrefix("entry 'W1.npy': CRC-32 mismatch") == true, "\(problem ?? "no error")")
    }

    @Test func truncatedArchive() throws {
      let bytes = try NumPyFixtures.bytes("savez.npz")
      let directory = try #require(Self.offsets(of: ZIPArchive.centralHeaderSignature, in: bytes).first)
      #expect(
        Self.problem(Array(bytes[..<(directory + 30)])) == "truncated ZIP archive: no end-of-central-directory record")
      // Every truncation fails cleanly.
      for cut in 0..<bytes.count { #expect(Self.problem(Array(bytes[..<cut])) != nil, "cut at \(cut)") }
    }

    @Test func truncatedCentralDirectory() throws {
      var bytes = try NumPyFixtures.bytes("savez.npz")
      let end = try #require(Self.offsets(of: ZIPArchive.endSignature, in: bytes).last)
      // Claim 5 entries where there are 4 …
      bytes[end + 8] = 5
      bytes[end + 10] = 5
      #expect(Self.problem(bytes) == "end record claims 5 entries, more than a 214-byte central directory holds")
      // … or damage the last entry's record …
      let last = try #require(Self.offsets(of: ZIPArchive.centralHeaderSignature, in: bytes).last)
      var damaged = bytes
      damaged[end + 8] = 4
      damaged[end + 10] = 4
      damaged[last] = 0
      #expect(
        Self.problem(damaged)
          == "central directory entry 3 at byte \(last) is missing or corrupt (truncated central directory)")
      // … or a directory running into the end record.
      bytes[end + 8] = 4
      bytes[end + 10] = 4
      bytes[end + 12] &+= 10
      let overrun = Self.problem(bytes)
      #expect(overrun?.hasPrefix("central directory at byte") == true, "\(overrun ?? "no error")")
    }

    @Test func offsetsBeyondTheFile() throws {
      let original = try NumPyFixtures.bytes("savez.npz")
      let entry = try #require(Self.offsets(of: ZIPArchive.centralHeaderSignature, in: original).first)
      var bytes = original
      Self.put32(0x7FFF_0000, at: entry + 42, in: &bytes)  // local header offset
      #expect(
        Self.problem(bytes) == "entry 'W1.npy': local header offset 2147418112 is beyond the end of the 1072-byte file")
      bytes = original
      Self.put32(0x7FFF_0000, at: entry + 20, in: &bytes)  // compressed size
      let size = Self.problem(bytes)
      #expect(
        size?.hasPrefix("entry 'W1.npy': data at byte") == true && size?.contains("runs past the end") == true,
        "\(size ?? "")")
      bytes = original
      let end = try #require(Self.offsets(of: ZIPArchive.endSignature, in: bytes).last)
      Self.put32(0x7FFF_0000, at: end + 16, in: &bytes)  // central directory offset
      #expect(Self.problem(bytes)?.contains("runs past the end record") == true)
    }

    @Test func uncompressedSizeThatDeflateCannotReach() throws {
      var bytes = try NumPyFixtures.bytes("savez_compressed.npz")
      let entry = try #require(Self.offsets(of: ZIPArchive.centralHeaderSignature, in: bytes).first)
      Self.put32(0xFFFF_FFF0, at: entry + 24, in: &bytes)
      let problem = Self.problem(bytes)
      #expect(
        problem?.contains("bytes uncompressed from") == true
          && problem?.contains("more than deflate can produce") == true, "\(problem ?? "")")
    }

    @Test func corruptDeflateStream() throws {
      let original = try NumPyFixtures.bytes("savez_compressed.npz")
      let local = try #require(Self.offsets(of: ZIPArchive.localHeaderSignature, in: original).first)
      let dataStart =
        local + 30 + Int(original[local + 26]) + Int(original[local + 28]) + Int(original[local + 29]) << 8
      var bytes = original
      bytes[dataStart] |= 0b110  // block type 3
      let problem = Self.problem(bytes)
      #expect(
        problem?.hasPrefix("entry 'W1.npy': corrupt compressed data: deflate data at byte") == true, "\(problem ?? "")")
      #expect(problem?.hasSuffix("invalid block type 3") == true)
      // Random damage to the compressed entries: an error every time (CRC or deflate), never a crash.
      var state: UInt64 = 12345
      for _ in 0..<200 {
        bytes = original
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let position = dataStart + Int(state >> 33) % 800
        bytes[position] ^= UInt8(truncatingIfNeeded: state >> 20) | 1
        _ = Self.problem(bytes)
      }
    }

    @Test func corruptArrayInsideArchiveNamesTheEntry() throws {
      let bad = Array("not an npy file".utf8)
      let bytes = ZIPArchive.encode([("x.npy", bad)])
      #expect(Self.problem(bytes) == "entry 'x.npy': not a .npy file: starts with \"not an\", expected \\x93NUMPY")
    }

    @Test func missingFile() {
      let error = #expect(throws: FileFormatError.self) { try NPZArchive.read(path: "/nonexistent/m.npz") }
      #expect(error?.description == "/nonexistent/m.npz: no such file")
    }
  }
}
