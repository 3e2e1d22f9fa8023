import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// SHA-256 against `hashlib.sha256` (FIPS 180-4 vectors and padding edges), whole and streamed.
@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
    (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    (String(repeating: "a", count: 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
  ])
  func knownDigests(message: String, digest: String) {
    #expect(SHA256.hexDigest(of: Array(message.utf8)) == digest)
  }

  @Test func littleEndianArrays() {
    // hashlib.sha256(struct.pack('<2d', 1.0, -2.5)) and struct.pack('<3q', 0, -1, 7)
    #expect(
      SHA256.hexDigest(littleEndian: [1.0, -2.5])
        == "f138ae8a7b9a72de60b736f59d2474dd5b2357f5817f0dfa3309f5da5e629d87")
    #expect(
      SHA256.hexDigest(littleEndian: [0, -1, 7] as [Int])
        == "b36c829a185f4ddca0bff6662dcb285fada10f362b3a16d7f8d659900352e7b1")
  }

  /// Chunks of every size give the one-shot digest: 1,000,000 × "a" is FIPS 180-4's long vector.
  @Test(arguments: [7, 63, 64, 65, 1000, 1 << 20])
  func streamedInChunks(chunk: Int) {
    let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    var hash = SHA256()
    for start in stride(from: 0, to: message.count, by: chunk) {
      hash.update(Array(message[start..<min(start + chunk, message.count)]))
    }
    #expect(hash.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func fileDigestMatchesSha256sum() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("abc".utf8).write(to: url)
    #expect(
      try SHA256.hexDigest(ofFile: url.path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(throws: FileFormatError.self) { try SHA256.hexDigest(ofFile: url.path + ".missing") }
  }
}
