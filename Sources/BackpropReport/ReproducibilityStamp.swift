import Backprop
import Foundation

/// What it takes to reproduce a run: the seed, the data files' SHA-256, the
/// Backprop version and build, the matrix-product backend of each precision,
/// the threads, the CPU, the date and the command line.
///
/// ```swift
/// let stamp = try ReproducibilityStamp.current(
///   seed: 1, dataFiles: [("--data", "digits.csv")], command: CommandLine.arguments)
/// stamp.dataFiles[0].sha256        // as `sha256sum digits.csv` prints it
/// ```
public struct ReproducibilityStamp: Sendable, Hashable, Codable {
  /// A data file the run read.
  public struct DataFile: Sendable, Hashable, Codable {
    /// The option that named it (`--data`, `--x`, `--test-y` …).
    public var role: String
    /// The path as given.
    public var path: String
    /// Its size.
    public var bytes: Int
    /// Its SHA-256, 64 hex digits.
    public var sha256: String

    /// A file read as `role`, of `bytes` bytes and digest `sha256`.
    public init(role: String, path: String, bytes: Int, sha256: String) {
      self.role = role
      self.path = path
      self.bytes = bytes
      self.sha256 = sha256
    }
  }

  /// The random seed (initial parameters, shuffling, splits, dropout masks), when there was one.
  public var seed: UInt64?
  /// The files the examples came from.
  public var dataFiles: [DataFile]
  /// `backpropVersion`.
  public var version: String
  /// `debug` or `release`: how the library was compiled.
  public var buildConfiguration: String
  /// The matrix-product backend per precision (`float32`, `float64`): the system BLAS
  /// by name, or the built-in kernel and its micro-kernel.
  public var backends: [String: String]
  /// Why these backends (`Kernels/BackendChoice/reason`).
  public var backendReason: String
  /// `Kernels/threadCount`.
  public var threads: Int
  /// The CPU's model name, when the system reports it.
  public var cpu: String?
  /// When the run ended, ISO 8601 in UTC.
  public var date: String
  /// The command line, when known.
  public var command: [String]?

  /// A stamp from its values (`current(seed:dataFiles:command:date:)` gathers this process's).
  public init(
    seed: UInt64?, dataFiles: [DataFile], version: String, buildConfiguration: String, backends: [String: String],
    backendReason: String, threads: Int, cpu: String?, date: String, command: [String]?
  ) {
    self.seed = seed
    self.dataFiles = dataFiles
    self.version = version
    self.buildConfiguration = buildConfiguration
    self.backends = backends
    self.backendReason = backendReason
    self.threads = threads
    self.cpu = cpu
    self.date = date
    self.command = command
  }

  /// This process's stamp, hashing each data file (read in chunks).
  /// - Parameters:
  ///   - seed: the run's seed.
  ///   - dataFiles: (option, path) of each file read.
  ///   - command: the command line.
  ///   - date: the date to record.
  /// - Throws: `FileFormatError` naming a data file that cannot be read.
  public static func current(
    seed: UInt64?, dataFiles: [(role: String, path: String)], command: [String]?, date: Date = Date()
  ) throws(FileFormatError) -> ReproducibilityStamp {
    var files = [DataFile]()
    for (role, path) in dataFiles {
      let sha256 = try SHA256.hexDigest(ofFile: path)
      let bytes = (try? URL(fileURLWithPath: path).resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
      files.append(DataFile(role: role, path: path, bytes: bytes, sha256: sha256))
    }
    let choice = Kernels.backendChoice
    func describe(_ backend: Kernels.Backend) -> String {
      guard backend == .systemBLAS, let blas = SystemBLAS.current else {
        return "built-in kernel (\(Kernels.microKernelName))"
      }
      guard let version = blas.version else { return "system BLAS: \(blas.name)" }
      return "system BLAS: " + (version.hasPrefix(blas.name) ? version : "\(blas.name) \(version)")
    }
    #if DEBUG
      let configuration = "debug"
    #else
      let configuration = "release"
    #endif
    return ReproducibilityStamp(
      seed: seed, dataFiles: files, version: backpropVersion, buildConfiguration: configuration,
      backends: ["float32": describe(choice.float), "float64": describe(choice.double)], backendReason: choice.reason,
      threads: Kernels.threadCount, cpu: CPUFeatures.modelName, date: date.ISO8601Format(), command: command)
  }
}
