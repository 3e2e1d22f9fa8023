import Backprop
import Foundation

extension TrainingReport {
  /// The page's file name in a report's folder.
  public static let pageFileName = "index.html"
  /// The JSON's file name in a report's folder, what `read(directory:)` reads.
  public static let jsonFileName = "run.json"

  /// Checks, before long work, that `directory` can take a report: a writable
  /// folder, or a name that does not exist yet in a writable folder.
  /// - Throws: `FileFormatError` naming `directory` and what is wrong.
  public static func checkWritable(directory: String) throws(FileFormatError) {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw FileFormatError(path: directory, "is a file; a report needs a folder") }
      guard manager.isWritableFile(atPath: directory) else {
        throw FileFormatError(path: directory, "cannot write the report: the folder is not writable")
      }
      return
    }
    let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
    guard manager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw FileFormatError(path: directory, "cannot create the report's folder: \(parent) does not exist")
    }
    guard manager.isWritableFile(atPath: parent) else {
      throw FileFormatError(path: directory, "cannot create the report's folder: \(parent) is not writable")
    }
  }

  /// Writes the report into `directory` (created when missing, not its
  /// parents): each chart's `.svg`, `run.json`, then `index.html`. Everything
  /// is rendered, and every destination checked, before the first write, and
  /// each file is written atomically, so a failure never leaves a half-written file.
  /// - Returns: the paths written, `index.html` last.
  /// - Throws: `FileFormatError` naming the folder or file that cannot be written.
  @discardableResult
  public func write(to directory: String) throws -> [String] {
    let files = try renderedFiles()
    try Self.checkWritable(directory: directory)
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
      } catch {
        throw FileFormatError(path: directory, "cannot create the report's folder: \(error.localizedDescription)")
      }
    }
    let paths = files.map { URL(fileURLWithPath: directory).appendingPathComponent($0.name).path }
    for path in paths { try AtomicFile.checkWritable(path) }
    for (path, file) in zip(paths, files) { try AtomicFile.write(Data(file.text.utf8), to: path) }
    return paths
  }

  /// The report's files by name, in writing order: the charts, `run.json`, `index.html`.
  public func renderedFiles() throws -> [(name: String, text: String)] {
    charts().map { ($0.fileName, $0.fileText) } + [(Self.jsonFileName, try json()), (Self.pageFileName, html())]
  }

  /// Reads the `run.json` of a report's folder (or that file itself).
  /// - Throws: `FileFormatError` naming the folder or the file: missing, unreadable,
  ///   not JSON, or not a report.
  public static func read(directory: String) throws(FileFormatError) -> TrainingReport {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw FileFormatError(path: directory, "no such folder")
    }
    let path =
      isDirectory.boolValue ? URL(fileURLWithPath: directory).appendingPathComponent(jsonFileName).path : directory
    guard FileManager.default.fileExists(atPath: path) else {
      throw FileFormatError(
        path: path, "no such file: \(directory) is not a folder written by `backprop train --report`")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FileFormatError(path: path, "cannot read the file")
    }
    return try decode(data, path: path)
  }
}
