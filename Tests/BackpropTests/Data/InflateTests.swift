import Foundation
import Testing

@testable import Backprop

/// Writes DEFLATE bit streams by hand: values least significant bit first,
/// Huffman codes most significant bit first (RFC 1951 §3.1.1).
struct BitWriter {
  var bytes: [UInt8] = []
  var bitCount = 0

  mutating func write(_ value: Int, bits: Int) {
    for k in 0..<bits {
      if bitCount % 8 == 0 { bytes.append(0) }
      if (value >> k) & 1 != 0 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
      bitCount += 1
    }
  }

  mutating func code(_ code: Int, length: Int) {
    for k in stride(from: length - 1, through: 0, by: -1) { write((code >> k) & 1, bits: 1) }
  }
}

extension NumPyIOTests {
  @Suite struct InflateTests {
    @Test func fixturesAreAllListed() {
      #expect(NumPyFixtures.expected.inflate.map(\.name) == ["stored", "fixed", "dynamic", "mixed"])
    }

    @Test(arguments: NumPyFixtures.expected.inflate)
    func inflatesZlibStreams(_ fixture: NumPyFixtures.InflateCase) throws {
      let compressed = try NumPyFixtures.bytes("inflate_\(fixture.name).deflate")
      let original = try NumPyFixtures.bytes("inflate_\(fixture.name).bin")
      #expect(original.count == fixture.size)
      let output = try Inflate.decompress(compressed, expectedSize: fixture.size)
      #expect(output == original)
      #expect(CRC32.checksum(output) == fixture.crc32)
      let (unbounded, consumed) = try compressed.withUnsafeBytes { try Inflate.decompress($0, limit: 1 << 20) }
      #expect(unbounded == original)
      #expect(consumed == compressed.count)
    }

    @Test func consumedStopsAtTheEndOfTheFinalBlock() throws {
      let compressed = try NumPyFixtures.bytes("inflate_fixed.deflate")
      let trailer: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4]
      let (output, consumed) = try (compressed + trailer).withUnsafeBytes { try Inflate.decompress($0, limit: 100) }
      #expect(output.count == 46)
      #expect(consumed == compressed.count)
    }

    @Test func storedBlocksByHand() throws {
      // A non-final stored block of 65535 bytes, an empty one, then a final 3-byte one.
      let big = (0..<65535).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      var stream: [UInt8] = [0x00, 0xFF, 0xFF, 0x00, 0x00] + big
      stream += [0x00, 0x00, 0x00, 0xFF, 0xFF]
      stream += [0x01, 0x03, 0x00, 0xFC, 0xFF, 7, 8, 9]
      #expect(try Inflate.decompress(stream, expectedSize: 65538) == big + [7, 8, 9])
      // An empty final stored block is an empty stream.
      #expect(try Inflate.decompress([0x01, 0x00, 0x00, 0xFF, 0xFF], expectedSize: 0) == [])
    }

    @Test func fixedBlockWithOverlappingMatch() throws {
      // "ab" then <length 6, distance 2> → "abababab".
      var w = BitWriter()
      w.write(1, bits: 1)
      w.write(1, bits: 2)
      w.code(0x30 + 0x61, length: 8)  // 'a': literals 0–143 are 00110000 + value
      w.code(0x30 + 0x62, length: 8)  // 'b'
      w.code(260 - 256, length: 7)  // length 6: symbol 260, codes 256–279 are 7 bits from 0
      w.code(1, length: 5)  // distance 2: symbol 1
      w.code(0, length: 7)  // end of block
      #expect(try Inflate.decompress(w.bytes, expectedSize: 8) == Array("abababab".utf8))
    }

    // MARK: Corrupt streams

    @Test func invalidBlockType() {
      let error = #expect(throws: InflateError.self) { try Inflate.decompress([0x07], expectedSize: 1) }
      #expect(error?.problem == "invalid block type 3")
    }

    @Test func storedLengthMismatch() {
      let error = #expect(throws: InflateError.self) {
        try Inflate.decompress([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5], expectedSize: 5)
      }
      #expect(error?.problem == "stored block length 5 does not match its complement 0")
    }

    @Test func distanceTooFarBack() {
      var w = BitWriter()
      w.write(1, bits: 1)
      w.write(1, bits: 2)
      w.code(0x30 + 0x61, length: 8)
      w.code(257 - 256, length: 7)  // length 3
      w.code(2, length: 5)  // distance 3, but only 1 byte written
      w.code(0, length: 7)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 4) }
      #expect(error?.problem == "distance 3 too far back (only 1 bytes written)")
    }

    @Test func invalidFixedSymbols() {
      for (symbol, length, distance) in [(286, 8, false), (287, 8, false), (30, 5, true), (31, 5, true)] {
        var w = BitWriter()
        w.write(1, bits: 1)
        w.write(1, bits: 2)
        w.code(0x30 + 0x61, length: 8)
        if distance {
          w.code(1, length: 7)  // length 3
          w.code(symbol, length: length)
        } else {
          w.code(0xC0 + (symbol - 280), length: 8)  // 280–287 are 11000000 + (symbol − 280)
        }
        w.write(0, bits: 16)
        #expect(throws: InflateError.self, "\(symbol)") { try Inflate.decompress(w.bytes, expectedSize: 10) }
      }
    }

    /// A dynamic block header: HLIT, HDIST, HCLEN and the code-length code lengths in the RFC's order.
    static func dynamicHeader(_ w: inout BitWriter, literals: Int, distances: Int, codeLengths: [Int: Int]) {
      w.write(1, bits: 1)
      w.write(2, bits: 2)
      w.write(literals - 257, bits: 5)
      w.write(distances - 1, bits: 5)
      let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
      let count = max(4, (order.lastIndex { codeLengths[$0] != nil } ?? 0) + 1)
      w.write(count - 4, bits: 4)
      for symbol in order[..<count] { w.write(codeLengths[symbol] ?? 0, bits: 3) }
    }

    @Test func oversubscribedCodeLengthCode() {
      var w = BitWriter()
      Self.dynamicHeader(&w, literals: 257, distances: 1, codeLengths: [0: 1, 1: 1, 2: 1])
      w.write(0, bits: 32)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "invalid code-length code (oversubscribed)")
    }

    @Test func incompleteLiteralCode() {
      // Code-length code: symbol 2 → "0", symbol 18 → "1".
      var w = BitWriter()
      Self.dynamicHeader(&w, literals: 257, distances: 1, codeLengths: [2: 1, 18: 1])
      w.code(0, length: 1)  // literal 0: length 2
      w.code(1, length: 1)
      w.write(127, bits: 7)  // 138 zeros
      w.code(1, length: 1)
      w.write(106, bits: 7)  // 117 zeros: symbols 1…255
      w.code(0, length: 1)  // 256: length 2
      w.code(0, length: 1)  // distance 0: length 2
      w.write(0, bits: 16)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "incomplete literal/length code lengths")
    }

    @Test func missingEndOfBlockCode() {
      var w = BitWriter()
      Self.dynamicHeader(&w, literals: 257, distances: 1, codeLengths: [2: 1, 18: 1])
      w.code(0, length: 1)
      w.code(1, length: 1)
      w.write(127, bits: 7)
      w.code(1, length: 1)
      w.write(107, bits: 7)  // 118 zeros: symbols 1…256
      w.code(0, length: 1)
      w.write(0, bits: 16)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "no end-of-block code")
    }

    @Test func repeatWithoutPreviousLength() {
      var w = BitWriter()
      Self.dynamicHeader(&w, literals: 257, distances: 1, codeLengths: [16: 1, 18: 1])
      w.code(0, length: 1)  // 16 first
      w.write(0, bits: 16)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "repeat of the previous code length with no previous length")
    }

    @Test func lengthsRepeatingPastTheEnd() {
      var w = BitWriter()
      Self.dynamicHeader(&w, literals: 257, distances: 1, codeLengths: [2: 1, 18: 1])
      w.code(1, length: 1)
      w.write(127, bits: 7)
      w.code(1, length: 1)
      w.write(127, bits: 7)
      w.write(0, bits: 16)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "code lengths repeat past the 258 codes")
    }

    @Test func tooManyCodes() {
      var w = BitWriter()
      w.write(1, bits: 1)
      w.write(2, bits: 2)
      w.write(30, bits: 5)  // 287 literal/length codes
      w.write(0, bits: 24)
      let error = #expect(throws: InflateError.self) { try Inflate.decompress(w.bytes, expectedSize: 1) }
      #expect(error?.problem == "287 literal/length codes (at most 286)")
    }

    @Test func outputSizeIsEnforced() throws {
      let compressed = try NumPyFixtures.bytes("inflate_dynamic.deflate")
      let over = #expect(throws: InflateError.self) { try Inflate.decompress(compressed, expectedSize: 33_999) }
      #expect(over?.problem == "output passes the expected 33999 bytes")
      let under = #expect(throws: InflateError.self) { try Inflate.decompress(compressed, expectedSize: 34_001) }
      #expect(under?.problem == "stream ended after 34000 bytes, expected 34001")
      let limited = #expect(throws: InflateError.self) {
        try compressed.withUnsafeBytes { _ = try Inflate.decompress($0, limit: 1000) }
      }
      #expect(limited?.problem == "output passes the expected 1000 bytes")
    }

    @Test func everyTruncationThrows() throws {
      for name in ["stored", "fixed", "mixed"] {
        let compressed = try NumPyFixtures.bytes("inflate_\(name).deflate")
        let size = try NumPyFixtures.bytes("inflate_\(name).bin").count
        for cut in 0..<compressed.count {
          let error = #expect(throws: InflateError.self, "\(name) cut at \(cut)") {
            try Inflate.decompress(Array(compressed[..<cut]), expectedSize: size)
          }
          #expect(
            error?.problem.hasPrefix("truncated") == true || error?.problem.hasPrefix("stream ended") == true,
            "\(name) cut at \(cut): \(error?.problem ?? "")")
        }
      }
    }

    @Test func corruptedStreamsThrowOrMismatchButNeverCrash() throws {
      let compressed = try NumPyFixtures.bytes("inflate_dynamic.deflate")
      let original = try NumPyFixtures.bytes("inflate_dynamic.bin")
      var state: UInt64 = 0x9E37_79B9_7F4A_7C15
      var failures = 0
      for _ in 0..<300 {
        var corrupt = compressed
        for _ in 0..<3 {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          let position = Int(state >> 33) % corrupt.count
          corrupt[position] ^= UInt8(truncatingIfNeeded: state >> 17) | 1
        }
        do {
          let output = try Inflate.decompress(corrupt, expectedSize: original.count)
          if output != original { failures += 1 }
        } catch {
          failures += 1
        }
      }
      #expect(failures > 250)
    }
  }

  @Suite struct CRC32Tests {
    @Test func knownValues() {
      #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
      #expect(CRC32.checksum([]) == 0)
      #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func updateContinues() {
      let bytes = Array("hello, world".utf8)
      let whole = CRC32.checksum(bytes)
      let split = bytes.withUnsafeBytes { b in
        CRC32.update(
          CRC32.update(0, UnsafeRawBufferPointer(rebasing: b[..<5])), UnsafeRawBufferPointer(rebasing: b[5...]))
      }
      #expect(split == whole)
    }
  }
}
