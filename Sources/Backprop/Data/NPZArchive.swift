import Foundation

/// NumPy's `.npz` format: a ZIP archive of `NAME.npy` entries, as written by
/// `np.savez` (stored) and `np.savez_compressed` (deflated).
///
/// ```swift
/// let parameters = try NPZArchive.read(path: "model.npz")   // ["W1": …, "b1": …]
/// try NPZArchive.write([("W1", NumPyArray(matrix: w1)), ("b1", NumPyArray(matrix: b1))], to: "model.npz")
/// ```
public enum NPZArchive {
  /// The arrays in the `.npz` file at `path`, keyed by entry name without `.npy`.
  ///
  /// Entries whose names do not end in `.npy` are skipped.
  ///
  /// - Throws: ``FileFormatError`` naming `path` (and the entry) when the
  ///   archive or an array in it is corrupt, unsupported or truncated.
  public static func read(path: String) throws(FileFormatError) -> [String: NumPyArray] {
    Dictionary(try readOrdered(path: path).map { ($0.name, $0.array) }, uniquingKeysWith: { _, last in last })
  }

  /// The arrays in the `.npz` file at `path`, in archive order, named without `.npy`.
  ///
  /// - Throws: ``FileFormatError`` naming `path` (and the entry) when the
  ///   archive or an array in it is corrupt, unsupported or truncated.
  public static func readOrdered(path: String) throws(FileFormatError) -> [(name: String, array: NumPyArray)] {
    try FileBytes.withContents(path) { (bytes, _) throws(FileFormatError) in try decode(bytes, path: path) }
  }

  /// The arrays in a `.npz` file held in memory, in archive order; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name` (and the entry) when the archive is unreadable.
  public static func readOrdered(data: Data, name: String = "<memory>") throws(FileFormatError) -> [(
    name: String, array: NumPyArray
  )] {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in try decode(bytes, path: name) }
  }

  static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(FileFormatError) -> [(
    name: String, array: NumPyArray
  )] {
    let archive = try ZIPArchive(bytes: bytes, path: path)
    var arrays = [(name: String, array: NumPyArray)]()
    var seen = Set<String>()
    for entry in archive.entries where entry.name.hasSuffix(".npy") {
      let key = String(entry.name.dropLast(4))
      guard seen.insert(key).inserted else {
        throw FileFormatError(path: path, "entry '\(entry.name)' appears twice in the archive")
      }
      let array = try archive.withContents(of: entry, in: bytes, promisedSize: NPYFile.promisedSize) {
        (contents) throws(FileFormatError) in
        try NPYFile.decode(contents, path: path, place: "entry '\(entry.name)': ")
      }
      arrays.append((key, array))
    }
    return arrays
  }

  /// The bytes of a `.npz` file holding `arrays` as stored `NAME.npy` entries, in the given order.
  ///
  /// - Throws: ``FileFormatError`` (naming `path`) when a name is empty, repeated or too long.
  public static func encode(_ arrays: [(String, NumPyArray)], path: String = "<memory>") throws(FileFormatError)
    -> [UInt8]
  {
    var seen = Set<String>()
    for (name, _) in arrays {
      guard !name.isEmpty else { throw FileFormatError(path: path, "an array has an empty name") }
      guard name.utf8.count <= 0xFFFF - 4 else {
        throw FileFormatError(path: path, "an array name of \(name.utf8.count) bytes is too long for ZIP")
      }
      guard seen.insert(name).inserted else { throw FileFormatError(path: path, "two arrays are named '\(name)'") }
    }
    return ZIPArchive.encode(arrays.map { (name: $0.0 + ".npy", bytes: NPYFile.encode($0.1)) })
  }

  /// Writes `arrays` to `path` as a `.npz` file of stored entries, in the given order, atomically.
  ///
  /// - Throws: ``FileFormatError`` naming `path` when a name is empty,
  ///   repeated or too long, or the file cannot be written.
  public static func write(_ arrays: [(String, NumPyArray)], to path: String) throws(FileFormatError) {
    try AtomicFile.write(encode(arrays, path: path), to: path)
  }
}
