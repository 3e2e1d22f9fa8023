import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// All safetensors tests are nested in this suite, so `swift test --filter Safetensors` runs them all.
@Suite("Safetensors") enum SafetensorsTests {}

/// The fixtures written by `Tests/Fixtures/safetensors/make_fixtures.py`.
enum SafetensorsFixtures {
  static func path(_ name: String) -> String { Fixtures.path("safetensors/" + name) }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
  }

  struct TensorCase: Codable, Sendable {
    var name: String
    var dtype: String
    var shape: [Int]
    var values: [String]
  }

  struct FileCase: Codable, CustomTestStringConvertible, Sendable {
    var file: String
    var metadata: [String: String]
    var tensors: [TensorCase]
    var testDescription: String { file }
  }

  struct Expected: Codable, Sendable {
    var safetensors_version: String
    var files: [FileCase]
  }

  /// expected.json, or an empty set when it cannot be read (the tests then fail on the count).
  static let expected: Expected = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("expected.json"))),
      let decoded = try? JSONDecoder().decode(Expected.self, from: data)
    else { return Expected(safetensors_version: "", files: []) }
    return decoded
  }()

  /// The fixture `name`'s expected content.
  static func expected(_ name: String) throws -> FileCase {
    try #require(expected.files.first { $0.file == name }, "\(name) is not in expected.json")
  }
}

/// python3 with the safetensors package (and NumPy), found once; the interop tests are skipped without it.
enum PythonSafetensors {
  static let isAvailable: Bool = (try? PythonNumPy.run(["-c", "import safetensors, numpy"]).status) == 0

  /// Runs check_python.py on `checks` (see that script) in one python3 process.
  static func check(_ checks: [[String: Any]], in folder: TemporaryFolder) throws -> (status: Int32, output: String) {
    let specPath = folder.path(UUID().uuidString + ".json")
    try JSONSerialization.data(withJSONObject: checks).write(to: URL(fileURLWithPath: specPath))
    return try PythonNumPy.run([SafetensorsFixtures.path("check_python.py"), specPath])
  }

  /// Whether the reference reader accepts each file, by check_python.py --verdicts.
  static func verdicts(_ paths: [String], in folder: TemporaryFolder) throws -> [Bool] {
    let listPath = folder.path(UUID().uuidString + ".json")
    try JSONSerialization.data(withJSONObject: paths).write(to: URL(fileURLWithPath: listPath))
    let result = try PythonNumPy.run([SafetensorsFixtures.path("check_python.py"), "--verdicts", listPath])
    try #require(result.status == 0, "\(result.output)")
    return result.output.split(separator: "\n").map { $0 == "accepted" }
  }
}

/// check_python.py's description of a tensor: its values as strings
/// (integers in decimal, floats as Python reprs).
func pythonSpec(_ tensor: SafetensorsTensor) throws -> [String: Any] {
  let values = try tensor.values()
  let isInteger = tensor.dtype.numpyDType?.isInteger ?? false
  let strings = values.enumerated().map { k, v -> String in
    if isInteger {
      // 64-bit integers beyond 2⁵³ come from their bytes, exactly.
      if tensor.dtype == .uint64 {
        return String(
          tensor.bytes.withUnsafeBytes {
            UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self))
          })
      }
      if tensor.dtype == .int64 {
        return String(
          tensor.bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: 8 * k, as: Int64.self)) })
      }
      return String(Int64(v))
    }
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return "\(v)"
  }
  return ["name": tensor.name, "dtype": tensor.dtype.rawValue, "shape": tensor.shape, "values": strings]
}

/// A check_python.py spec for `file` written at `path`.
func pythonSpec(_ file: SafetensorsFile, at path: String, sameBytes: Bool) throws -> [String: Any] {
  [
    "file": path, "metadata": file.metadata, "tensors": try file.tensors.map(pythonSpec),
    "same_bytes_as_reference": sameBytes,
  ]
}

/// A safetensors file with `header` (as given: no padding) and raw `data`.
func safetensorsBytes(header: String, data: [UInt8] = []) -> [UInt8] {
  safetensorsBytes(header: Array(header.utf8), data: data)
}

/// A safetensors file with `header` bytes and raw `data`.
func safetensorsBytes(header: [UInt8], data: [UInt8] = []) -> [UInt8] {
  let length = UInt64(header.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + header + data
}
