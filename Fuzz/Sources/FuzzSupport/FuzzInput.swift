import Backprop
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One fuzzer input handed to a reader.
///
/// A reader may return or throw what it documents: a ``FileFormatError`` naming
/// the file it was given (and, for CSV, a ``ConfigurationError``). Anything else —
/// a trap, another error, an error naming another file — stops the fuzzer with
/// the input saved as a crash.
///
/// ```swift
/// @_cdecl("LLVMFuzzerTestOneInput")
/// public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
///   FuzzInput.run(data, size) { bytes, name in _ = try NPYFile.read(bytes: bytes, name: name) }
/// }
/// ```
public enum FuzzInput {
  /// The name readers that take bytes are given for the input.
  public static let name = "fuzz-input"

  /// Runs `read` on the input's bytes; returns 0, as libFuzzer expects.
  public static func run(
    _ data: UnsafePointer<UInt8>, _ size: Int, _ read: (_ bytes: [UInt8], _ name: String) throws -> Void
  ) -> Int32 {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    do { try read(bytes, name) } catch { check(error, path: name) }
    return 0
  }

  /// Writes the input to a file (the same one each time, per process) and runs
  /// `read` on its path, for the readers that only read files.
  /// - Parameter allowsConfigurationError: whether the reader documents a
  ///   ``ConfigurationError`` (CSV's target column, given by the caller, may not exist).
  public static func runFromFile(
    _ data: UnsafePointer<UInt8>, _ size: Int, suffix: String, allowsConfigurationError: Bool = false,
    _ read: (_ path: String) throws -> Void
  ) -> Int32 {
    let path = folder + "/input" + suffix
    // A plain write: FileManager's atomic one (a temporary file, then a rename)
    // made these targets wait on the disk.
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(descriptor >= 0, "cannot write the fuzzer's input to \(path)")
    var written = 0
    while written < size {
      let count = write(descriptor, data + written, size - written)
      precondition(count > 0, "cannot write the fuzzer's input to \(path)")
      written += count
    }
    close(descriptor)
    do { try read(path) } catch { check(error, path: path, allowsConfigurationError: allowsConfigurationError) }
    return 0
  }

  /// A folder of this process's own (libFuzzer's `-jobs` and `-fork` run several),
  /// in memory where the system has /dev/shm.
  private static let folder: String = {
    var isDirectory: ObjCBool = false
    let memory = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory) && isDirectory.boolValue
    let folder = (memory ? "/dev/shm" : NSTemporaryDirectory()) + "/backprop-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: FuzzInput.folder) }
    return folder
  }()

  /// Traps unless `error` is a ``FileFormatError`` naming `path` (or an allowed ``ConfigurationError``).
  static func check(_ error: any Error, path: String, allowsConfigurationError: Bool = false) {
    switch error {
    case let error as FileFormatError:
      precondition(error.path == path, "FileFormatError names '\(error.path)', not the file read ('\(path)'): \(error)")
    case is ConfigurationError where allowsConfigurationError:
      break
    default:
      preconditionFailure("undocumented error \(type(of: error)): \(error)")
    }
  }
}
