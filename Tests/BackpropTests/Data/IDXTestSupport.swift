import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// The IDX, gzip and content-sniffing tests are nested in this suite, so
/// `swift test --filter IDX` runs them all.
@Suite("IDX, gzip and array files") enum IDXTests {}

/// The fixtures written by `Tests/Fixtures/idx/make_fixtures.py`.
enum IDXFixtures {
  static func path(_ name: String) -> String { Fixtures.path("idx/" + name) }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
  }

  /// An array: shape, NumPy dtype name, elements in C order as Python reprs.
  struct ArrayCase: Codable, Sendable {
    var shape: [Int]
    var dtype: String
    var values: [String]
  }

  /// An IDX file (plain or gzip-compressed) and the array it holds.
  struct IDXCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var shape: [Int]
    var dtype: String
    var values: [String]
    var testDescription: String { file }
  }

  /// A gzip file: its decompressed size and CRC-32, and the fixture it decompresses to (if any).
  struct GzipCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var size: Int
    var crc32: UInt32
    var members: Int
    var content: String?
    var testDescription: String { file }
  }

  /// A file whose content, not its name, gives its format.
  struct SniffCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var format: String
    var gzipped: Bool
    var shape: [Int]
    var dtype: String
    var values: [String]
    var testDescription: String { file }
  }

  /// An .npz archive (whatever its name) and its arrays, in order.
  struct NPZCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var keys: [String]
    var arrays: [ArrayCase]
    var testDescription: String { file }
  }

  /// Facts about the MNIST test set in ../shared/data/mnist, computed with Python.
  struct MNISTFacts: Codable, Sendable {
    var images: String
    var labels: String
    var shape: [Int]
    var first_labels: [Int]
    var label_counts: [Int]
    var first_image_pixel_sum: Int
    var last_image_pixel_sum: Int
    var pixel_sum: Int
    var first_image_center_row: [Int]
  }

  struct Expected: Codable, Sendable {
    var idx: [IDXCase]
    var gzip: [GzipCase]
    var sniff: [SniffCase]
    var npz: [NPZCase]
    var mnist: MNISTFacts?
  }

  /// expected.json, or an empty set when it cannot be read (the tests then fail on the count).
  static let expected: Expected = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("expected.json"))),
      let decoded = try? JSONDecoder().decode(Expected.self, from: data)
    else { return Expected(idx: [], gzip: [], sniff: [], npz: [], mnist: nil) }
    return decoded
  }()

  /// The MNIST files in the shared data folder, when both are there.
  static let mnist: (images: String, labels: String, facts: MNISTFacts)? = {
    guard let shared = Fixtures.sharedData, let facts = expected.mnist else { return nil }
    let images = shared.appendingPathComponent(facts.images).path
    let labels = shared.appendingPathComponent(facts.labels).path
    guard FileManager.default.fileExists(atPath: images), FileManager.default.fileExists(atPath: labels) else {
      return nil
    }
    return (images, labels, facts)
  }()

  /// A one-member gzip file holding `contents` in stored (uncompressed) deflate blocks.
  static func storedGzip(_ contents: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var start = 0
    repeat {
      let length = min(0xFFFF, contents.count - start)
      let isFinal = start + length == contents.count
      out.append(isFinal ? 1 : 0)
      out.append16(UInt16(length))
      out.append16(~UInt16(length))
      out += contents[start..<(start + length)]
      start += length
    } while start < contents.count
    out.append32(CRC32.checksum(contents))
    out.append32(UInt32(truncatingIfNeeded: contents.count))
    return out
  }

  /// An IDX header: 00 00 type rank, then the sizes big-endian.
  static func idxHeader(type: UInt8, _ sizes: [UInt32]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(truncatingIfNeeded: sizes.count)]
    for size in sizes { out += (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * (3 - $0))) } }
    return out
  }
}

/// A malformed file: its bytes, and a fragment its error message must contain.
struct HostileCase: CustomTestStringConvertible, Sendable {
  var name: String
  var bytes: [UInt8]
  var fragment: String
  var testDescription: String { name }
}
