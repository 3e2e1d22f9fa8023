import Foundation
import Testing

@_spi(Fuzzing) @testable import Backprop

extension IDXTests {
  @Suite struct GzipTests {
    @Test func fixturesAreAllListed() {
      #expect(
        IDXFixtures.expected.gzip.map(\.file) == [
          "header_fields.gz", "two_members.idx.gz", "stored_padded.idx.gz", "empty_member.gz", "dynamic.bin.gz",
        ])
    }

    @Test(arguments: IDXFixtures.expected.gzip)
    func readsFixture(_ fixture: IDXFixtures.GzipCase) throws {
      let contents = try Gzip.read(path: IDXFixtures.path(fixture.file))
      #expect(contents.count == fixture.size)
      #expect(CRC32.checksum(contents) == fixture.crc32)
      if let original = fixture.content {
        #expect(contents == (try IDXFixtures.bytes(original)))
      }
      let inMemory = try Gzip.decompress(bytes: try IDXFixtures.bytes(fixture.file), name: "m.gz")
      #expect(inMemory == contents)
    }

    @Test func plainFixturesGunzipToTheirIDXFiles() throws {
      for name in ["u1_1d.idx", "i1_2d.idx", "i2_3d.idx", "i4_4d.idx", "f4_2d.idx", "f8_3d.idx"] {
        let data = try Data(contentsOf: URL(fileURLWithPath: IDXFixtures.path(name + ".gz")))
        #expect(try Gzip.decompress(data: data) == (try IDXFixtures.bytes(name)), "\(name)")
      }
    }

    @Test func concatenatedMembersJoin() throws {
      // Three members from two files, as `cat a.gz b.gz` makes.
      let joined = try IDXFixtures.bytes("u1_1d.idx.gz") + (try IDXFixtures.bytes("two_members.idx.gz"))
      let contents = try Gzip.decompress(bytes: joined)
      #expect(contents == (try IDXFixtures.bytes("u1_1d.idx")) + (try IDXFixtures.bytes("f8_3d.idx")))
      // Zero padding between members is skipped too.
      let padded = try IDXFixtures.bytes("u1_1d.idx.gz") + [0, 0, 0] + (try IDXFixtures.bytes("i1_2d.idx.gz"))
      #expect(
        try Gzip.decompress(bytes: padded) == (try IDXFixtures.bytes("u1_1d.idx"))
          + (try IDXFixtures.bytes("i1_2d.idx")))
    }

    @Test func storedBlocksOfEverySize() throws {
      for count in [0, 1, 65_535, 65_536, 140_000] {
        let contents = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        #expect(try Gzip.decompress(bytes: IDXFixtures.storedGzip(contents)) == contents, "\(count) bytes")
      }
    }

    @Test func limitBoundsTheOutput() throws {
      let path = IDXFixtures.path("dynamic.bin.gz")
      #expect(try Gzip.read(path: path, limit: 40_000).count == 40_000)
      let error = #expect(throws: FileFormatError.self) { try Gzip.read(path: path, limit: 39_999) }
      #expect(error?.path == path)
      #expect(error?.problem.contains("more than the limit of 39999 bytes") == true, "\(String(describing: error))")

      // The limit holds for all members together, not per member.
      let two = IDXFixtures.path("two_members.idx.gz")
      #expect(try Gzip.read(path: two, limit: 80).count == 80)
      let joint = #expect(throws: FileFormatError.self) { try Gzip.read(path: two, limit: 79) }
      #expect(joint?.problem.contains("member 2") == true, "\(String(describing: joint))")
      #expect(joint?.problem.contains("all members together") == true, "\(String(describing: joint))")
      #expect(throws: FileFormatError.self) { try Gzip.read(path: two, limit: -1) }
    }

    @Test(arguments: GzipHostile.cases)
    func rejectsHostileData(_ hostile: HostileCase) {
      let error = #expect(throws: FileFormatError.self) {
        try Gzip.decompress(bytes: hostile.bytes, name: hostile.name)
      }
      #expect(error?.path == hostile.name)
      #expect(error?.problem.contains(hostile.fragment) == true, "\(String(describing: error))")
    }

    @Test func hostileCasesAreAllBuilt() {
      #expect(GzipHostile.cases.count == 17)
      #expect(GzipHostile.cases.allSatisfy { !$0.name.isEmpty })
    }

    @Test func errorsNameTheFileOnDisk() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      var bytes = try IDXFixtures.bytes("images_u1_3d.idx.gz")
      bytes[bytes.count - 8] ^= 0xFF
      let path = folder.path("bad-crc.gz")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let error = #expect(throws: FileFormatError.self) { try Gzip.read(path: path) }
      #expect(error?.path == path)
      #expect(error?.description.hasPrefix(path + ": gzip member at byte 0: CRC-32 mismatch") == true)
      let missing = #expect(throws: FileFormatError.self) { try Gzip.read(path: folder.path("nothing.gz")) }
      #expect(missing?.problem == "no such file")
    }
  }
}

/// Malformed gzip data, each made from a fixture by one change.
enum GzipHostile {
  static let cases: [HostileCase] = {
    guard let good = try? IDXFixtures.bytes("images_u1_3d.idx.gz"),
      let fields = try? IDXFixtures.bytes("header_fields.gz"),
      let two = try? IDXFixtures.bytes("two_members.idx.gz")
    else { return [] }
    func changed(_ bytes: [UInt8], _ change: (inout [UInt8]) -> Void) -> [UInt8] {
      var copy = bytes
      change(&copy)
      return copy
    }
    let n = good.count
    let crcOffset = n - 8
    return [
      HostileCase(name: "empty.gz", bytes: [], fragment: "empty file"),
      HostileCase(name: "one-byte.gz", bytes: [0x1F], fragment: "not gzip data: starts with 1f"),
      HostileCase(name: "png.gz", bytes: [0x89, 0x50, 0x4E, 0x47], fragment: "starts with 89 50, expected 1f 8b"),
      HostileCase(name: "short-header.gz", bytes: Array(good.prefix(7)), fragment: "header at byte 0 needs 10 bytes"),
      HostileCase(name: "method.gz", bytes: changed(good) { $0[2] = 7 }, fragment: "compression method 7 at byte 2"),
      HostileCase(name: "reserved.gz", bytes: changed(good) { $0[3] |= 0x40 }, fragment: "reserved flag bits"),
      HostileCase(
        name: "bad-crc.gz", bytes: changed(good) { $0[crcOffset] ^= 1 },
        fragment: "CRC-32 mismatch (computed "),
      HostileCase(
        name: "bad-isize.gz", bytes: changed(good) { $0[n - 4] &+= 1 },
        fragment: "size mismatch: decompressed 40 bytes, but the trailer at byte \(n - 4) records 41"),
      HostileCase(
        name: "truncated-deflate.gz", bytes: Array(good.prefix(14)), fragment: "corrupt compressed data: deflate data"),
      HostileCase(
        name: "truncated-trailer.gz", bytes: Array(good.dropLast(3)), fragment: "8-byte trailer (CRC-32 and size)"),
      HostileCase(
        name: "garbage.gz", bytes: good + Array("junk".utf8),
        fragment: "unexpected bytes after member 1 (which ends at byte \(n)): byte \(n) starts with 6a 75 6e 6b"),
      HostileCase(
        name: "garbage-after-padding.gz", bytes: good + [0, 0, 0x2A],
        fragment: "byte \(n + 2) starts with 2a, expected another gzip member"),
      HostileCase(
        name: "block-type-3.gz", bytes: Array(good.prefix(10)) + [0x07, 0, 0, 0, 0, 0, 0, 0, 0],
        fragment: "invalid block type 3"),
      HostileCase(
        name: "header-crc.gz", bytes: changed(fields) { $0[40] ^= 0x20 },  // a letter of the comment
        fragment: "header CRC-16 mismatch"),
      HostileCase(
        name: "unterminated-name.gz", bytes: [0x1F, 0x8B, 8, 0x08, 0, 0, 0, 0, 0, 3] + Array("name".utf8),
        fragment: "the file name at byte 10 has no terminating zero byte"),
      HostileCase(
        name: "extra-too-long.gz", bytes: [0x1F, 0x8B, 8, 0x04, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 1, 2],
        fragment: "the extra field at byte 12 needs 65535 bytes but only 2 remain"),
      HostileCase(
        name: "truncated-second-member.gz", bytes: Array(two.dropLast(12)),
        fragment: "gzip member 2 at byte"),
    ]
  }()
}
