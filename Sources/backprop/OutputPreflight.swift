import ArgumentParser
import Backprop
import BackpropReport
import Foundation

/// Every file and folder a training run will write, checked before training
/// starts, so that a finished run is never lost to a path that cannot be
/// written: the right extension, an existing writable folder, not a folder
/// where a file goes (nor a file where a folder goes).
struct OutputPreflight {
  /// What an option writes.
  enum Kind {
    /// A file replaced atomically, ending in one of the extensions (lowercase, with the dot).
    case file(extensions: [String], description: String)
    /// A file appended to as training goes.
    case appendedFile
    /// A folder, created when missing.
    case folder
  }

  /// An option's output.
  struct Output {
    var option: String
    var path: String
    var kind: Kind
  }

  var outputs: [Output] = []

  mutating func add(_ option: String, _ path: String?, _ kind: Kind) {
    if let path { outputs.append(Output(option: option, path: path, kind: kind)) }
  }

  /// Checks every output; the first problem is thrown as a ``ConfigurationError`` naming its option.
  func check() throws {
    for output in outputs {
      do {
        try Self.check(output)
      } catch let error as FileFormatError {
        throw ConfigurationError(parameter: output.option, error.description)
      }
    }
  }

  private static func check(_ output: Output) throws {
    let path = output.path
    switch output.kind {
    case .file(let extensions, let description):
      guard extensions.contains(where: { path.lowercased().hasSuffix($0) }) else {
        throw ConfigurationError(
          parameter: output.option,
          "\(path): the file must end in " + extensions.joined(separator: " or ") + " (\(description))")
      }
      try AtomicFile.checkWritable(path)
    case .appendedFile:
      try AtomicFile.checkWritable(path)
      if FileManager.default.fileExists(atPath: path) && !FileManager.default.isWritableFile(atPath: path) {
        throw FileFormatError(path: path, "cannot write: the file is not writable")
      }
    case .folder:
      try TrainingReport.checkWritable(directory: path)
    }
  }
}

extension OutputPreflight {
  /// The check of a command that writes one file (`export --out`, `import --out`): the folder
  /// is writable, and an existing file is replaced only with `--overwrite`.
  /// - Throws: ``FileFormatError`` naming `path`.
  static func checkReplaceable(_ path: String, overwrite: Bool) throws {
    try AtomicFile.checkWritable(path)
    if !overwrite, FileManager.default.fileExists(atPath: path) {
      throw FileFormatError(path: path, "exists already; give --overwrite to replace it")
    }
  }
}
