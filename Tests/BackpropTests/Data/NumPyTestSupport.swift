import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// All NumPy-format tests (.npy, .npz, DEFLATE, CRC-32, atomic writes) are
/// nested in this suite, so `swift test --filter NumPy` runs them all.
@Suite("NumPy I/O") enum NumPyIOTests {}

/// The fixtures written by `Tests/Fixtures/numpy/make_fixtures.py`.
enum NumPyFixtures {
  static func path(_ name: String) -> String { Fixtures.path("numpy/" + name) }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
  }

  struct NPYCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var shape: [Int]
    var dtype: String
    var descr: String
    var fortran_order: Bool
    var version: [Int]
    var values: [String]
    var testDescription: String { file }
  }

  struct SamplesCase: Codable, Sendable {
    var file: String
    var rows: Int
    var columns: Int
    var row_major: [String]
  }

  struct NPZArray: Codable, Sendable {
    var name: String
    var shape: [Int]
    var dtype: String
    var values: [String]?
  }

  struct NPZCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var arrays: [NPZArray]
    var testDescription: String { file }
  }

  struct InflateCase: Codable, CustomTestStringConvertible, Sendable {
    var name: String
    var size: Int
    var crc32: UInt32
    var testDescription: String { name }
  }

  struct Expected: Codable, Sendable {
    var npy: [NPYCase]
    var npz: [NPZCase]
    var inflate: [InflateCase]
    var samples: [SamplesCase]
  }

  /// expected.json, or an empty set when it cannot be read (the tests then fail on the count).
  static let expected: Expected = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("expected.json"))),
      let decoded = try? JSONDecoder().decode(Expected.self, from: data)
    else { return Expected(npy: [], npz: [], inflate: [], samples: []) }
    return decoded
  }()

  /// The digits array of savez_compressed.npz: ((i * 1103515245 + 12345) // 65536) % 16.
  static let digits: [Double] = (0..<8000).map { Double(((($0 * 1_103_515_245) + 12345) / 65536) % 16) }

  /// Parses expected values written as Python reprs ("nan", "-inf", "-0.0", "18446744073709551615").
  static func values(_ strings: [String]) throws -> [Double] {
    try strings.map { try #require(Double($0), "unparseable expected value \($0)") }
  }
}

/// Equal element for element, NaN matching NaN and the sign of zero mattering.
func sameElements(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count
    && zip(a, b).allSatisfy { x, y in
      (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
    }
}

/// The message of a thrown error, for checking what it names.
func message(of body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch {
    return String(describing: error)
  }
}

/// A scratch folder, removed by `remove()`.
struct TemporaryFolder {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "backprop-npy-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// python3 with NumPy, found once; the interop tests are skipped without it.
enum PythonNumPy {
  static let isAvailable: Bool = (try? run(["-c", "import numpy"]).status) == 0

  /// Runs `python3 arguments…`, returning its exit status and output (with standard error).
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try Subprocess.python(arguments)
    return (result.status, result.combined)
  }

  /// Runs check_numpy.py on each (file, spec) pair in one python3 process (see that script).
  static func check(_ checks: [(file: String, spec: [String: Any])], in folder: TemporaryFolder) throws -> (
    status: Int32, output: String
  ) {
    let specs = checks.map { $0.spec.merging(["file": $0.file]) { $1 } }
    let specPath = folder.path(UUID().uuidString + ".json")
    try JSONSerialization.data(withJSONObject: specs).write(to: URL(fileURLWithPath: specPath))
    return try run([NumPyFixtures.path("check_numpy.py"), specPath])
  }
}

/// The elements of `array` as check_numpy.py expects them: Python reprs of
/// floats, integers in decimal (saturated as the writer saturates them).
func pythonStrings(_ array: NumPyArray) -> [String] {
  array.scalars.map { v in
    switch array.dtype {
    case .int64: return v >= 0x1p63 ? String(Int64.max) : String(Int64(v))
    case .uint64: return v >= 0x1p64 ? String(UInt64.max) : String(UInt64(v))
    case .float16, .float32, .float64:
      if v.isNaN { return "nan" }
      if v.isInfinite { return v < 0 ? "-inf" : "inf" }
      return "\(v)"
    default: return String(Int64(v))
    }
  }
}

/// A check_numpy.py spec for one array.
func pythonSpec(_ array: NumPyArray) -> [String: Any] {
  ["shape": array.shape, "dtype": array.dtype.rawValue, "values": pythonStrings(array)]
}
