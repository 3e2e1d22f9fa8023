import BackpropTestSupport
import Foundation

/// `Tests/Fixtures/random/numpy_legacy.json`, written by `make_fixtures.py` from NumPy's
/// legacy `RandomState`. Doubles are hex floats (`float.hex()`), long arrays SHA-256 digests.
struct NumPyFixture: Decodable {
  struct SeedRecord: Decodable {
    var seed: UInt32
    var keySHA256: String
    var keyHead: [UInt32]
    var keyTail: [UInt32]
    var position: Int
    var uint32: [UInt32]
    var uint64: [String]
    var uniformHead: [String]
    var uniformSHA256: String
    var gaussianHead: [String]
    var gaussianLast: String
    var gaussianSHA256: String
    var permutations1to50: [[Int]]
    var largePermutations: [LargePermutation]
    var randint: [RandintCall]
    var interleaved: [Call]
  }

  struct LargePermutation: Decodable {
    var n: Int
    var head: [Int]
    var sha256: String
  }

  struct RandintCall: Decodable {
    var low: Int
    var high: Int
    var value: Int
  }

  /// One call in an interleaved sequence: `randn`, `rand` (with `value`) or `permutation5`.
  struct Call: Decodable {
    var op: String
    var value: String?
    var permutation: [Int]?
  }

  struct ArraySeedRecord: Decodable {
    var words: [UInt32]
    var keySHA256: String
    var keyHead: [UInt32]
    var keyTail: [UInt32]
    var position: Int
    var uint32: [UInt32]
  }

  struct Deep: Decodable {
    var seed: UInt32
    var layerDims: [Int]
    var weightSHA256: [String]
    var w1Row0Head: [String]
    var w4: [String]
  }

  struct Shallow: Decodable {
    var seed: UInt32
    var layerDims: [Int]
    var w1: [String]
    var w2: [String]
  }

  struct Course: Decodable {
    var deep: Deep
    var shallow: Shallow
  }

  var numpyVersion: String
  var seeds: [SeedRecord]
  var arraySeeds: [ArraySeedRecord]
  var course: Course

  struct Malformed: Error, CustomStringConvertible {
    var description: String
  }

  /// Reads and decodes the fixture.
  static func load() throws -> NumPyFixture {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("random/numpy_legacy.json")))
    return try JSONDecoder().decode(NumPyFixture.self, from: data)
  }

  /// The seed record for `seed`.
  func record(seed: UInt32) throws -> SeedRecord {
    guard let record = seeds.first(where: { $0.seed == seed }) else {
      throw Malformed(description: "numpy_legacy.json has no record for seed \(seed)")
    }
    return record
  }

  /// Parses Python `float.hex()` strings (`0x1.8p+1`, `-0x0.0p+0`).
  static func doubles(_ hex: [String]) throws -> [Double] {
    try hex.map { text in
      guard let value = Double(text) else { throw Malformed(description: "not a hex float: \(text)") }
      return value
    }
  }
}
