import BackpropTestSupport
import Testing

extension RandomTests {
  /// The test-support SHA-256 against `hashlib.sha256` (FIPS 180-4 vectors and padding edges).
  @Suite struct FixtureDigest {
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
  }
}
