import Foundation

/// The format of an array file, as its first bytes tell it: NumPy `.npy`,
/// NumPy `.npz`, or IDX (MNIST), each possibly gzip-compressed.
///
/// ```swift
/// let (x, format) = try ArrayFile.readWithFormat(path: "t10k-images-idx3-ubyte.gz")
/// print(format)   // gzip-compressed IDX
/// ```
public struct ArrayFileFormat: Sendable, Hashable, CustomStringConvertible {
  /// The container inside any gzip layer.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// A NumPy `.npy` file: starts with `\x93NUMPY`.
    case npy
    /// A NumPy `.npz` archive, a ZIP file: starts with `PK\x03\x04` (or `PK\x05\x06` when empty).
    case npz
    /// An IDX file (MNIST's format): starts with `00 00 <type> <dimensions>`.
    case idx
  }

  /// The container.
  public var kind: Kind
  /// Whether the container is wrapped in gzip (starts with `1f 8b`).
  public var isGzipped: Bool

  /// A format of the given kind, gzip-compressed or not.
  public init(_ kind: Kind, gzipped: Bool = false) {
    self.kind = kind
    self.isGzipped = gzipped
  }

  /// A plain `.npy` file.
  public static let npy = ArrayFileFormat(.npy)
  /// A plain `.npz` archive.
  public static let npz = ArrayFileFormat(.npz)
  /// A plain IDX file.
  public static let idx = ArrayFileFormat(.idx)

  /// The same container, gzip-compressed.
  public var gzipped: ArrayFileFormat { ArrayFileFormat(kind, gzipped: true) }

  /// The format in words: ".npy", ".npz", "IDX", or "gzip-compressed IDX".
  public var description: String {
    let name =
      switch kind {
      case .npy: ".npy"
      case .npz: ".npz"
      case .idx: "IDX"
      }
    return (isGzipped ? "gzip-compressed " : "") + name
  }
}

/// One entry point for every array file Backprop reads, choosing the format
/// by the file's content (its magic bytes), never by its extension.
///
/// | first bytes | read as |
/// |---|---|
/// | `93 4e 55 4d 50 59` (`\x93NUMPY`) | ``NPYFile`` |
/// | `50 4b 03 04` or `50 4b 05 06` (`PK`) | ``NPZArchive``, one array picked by `key` |
/// | `00 00 <type> <dimensions>` | ``IDXFile`` |
/// | `1f 8b` | gzip (RFC 1952), then the decompressed bytes by these same rules |
///
/// ```swift
/// let images = try ArrayFile.read(path: "mnist/t10k-images-idx3-ubyte.gz")   // (10000, 28, 28)
/// let X: Matrix<Float> = try images.samples()                                  // (784, 10000)
/// let W1 = try ArrayFile.read(path: "model.npz", key: "W1")
/// ```
public enum ArrayFile {
  /// Reads the array in the file at `path`, whatever its format.
  ///
  /// - Parameter path: the file to read: `.npy`, `.npz`, IDX, or any of these gzipped, told apart by
  ///   its first bytes (see the table above), not by its extension.
  /// - Parameter key: the array to take from a `.npz` archive (its entry name
  ///   without `.npy`). Without a key an archive must hold exactly one array.
  ///   A key given for any other format is an error.
  /// - Throws: ``FileFormatError`` naming `path`: an unreadable file, a
  ///   format it does not recognise (naming its first bytes and the formats
  ///   accepted), a key that does not fit, or whatever the format's reader
  ///   finds wrong.
  public static func read(path: String, key: String? = nil) throws(FileFormatError) -> NumPyArray {
    try readWithFormat(path: path, key: key).array
  }

  /// Reads the array in the file at `path`, with the format its content showed.
  ///
  /// - Throws: ``FileFormatError`` naming `path`, as ``read(path:key:)`` does.
  public static func readWithFormat(path: String, key: String? = nil) throws(FileFormatError) -> (
    array: NumPyArray, format: ArrayFileFormat
  ) {
    let (array, format) = try read(path: path, key: key, as: Double.self)
    return (array.numPyArray, format)
  }

  /// Reads the examples in the file at `path` as an (n, m) matrix of `S`, one example per column
  /// (NumPy's `x.reshape(m, -1).T`), converted once straight from the file: no `Double` copy for
  /// `Float`, and a plain file is memory-mapped rather than read into memory first.
  ///
  /// - Throws: ``FileFormatError`` naming `path`, as ``read(path:key:)`` does, or for a 0-d array.
  public static func readSamples<S: MatrixScalar>(path: String, key: String? = nil, as _: S.Type = S.self)
    throws(FileFormatError) -> Matrix<S>
  {
    try read(path: path, key: key, as: S.self).array.samples(path: path)
  }

  /// Reads the array in the file at `path` with its elements converted once to `T`, straight from
  /// the file: a plain file is memory-mapped (``FileBytes/withContents(_:limit:_:)``) and its pages
  /// handed back as they are converted, so a float32 `.npy` read as `Float` costs one copy of the
  /// data and no `Double` array. Errors as ``read(path:key:)``.
  static func read<T: MatrixScalar>(path: String, key: String? = nil, as _: T.Type) throws(FileFormatError) -> (
    array: LoadedArray<T>, format: ArrayFileFormat
  ) {
    try FileBytes.withContents(path) { (bytes, mapped) throws(FileFormatError) in
      try decode(bytes, path: path, key: key, gzipLimit: Gzip.defaultLimit, as: T.self, mapped: mapped)
    }
  }

  /// Reads an array file held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, as ``read(path:key:)`` does.
  public static func read(data: Data, name: String = "<memory>", key: String? = nil) throws(FileFormatError)
    -> NumPyArray
  {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in
      try decode(bytes, path: name, key: key, gzipLimit: Gzip.defaultLimit, as: Double.self).array.numPyArray
    }
  }

  /// The container `bytes` start with, or nil when they start like none of them
  /// (gzip is a wrapper, not a container: it is checked first, by its magic `1f 8b`).
  ///
  /// A file that starts like a format but is too short for all of its magic
  /// still counts as that format, so that its reader reports the truncation.
  static func kind(of bytes: UnsafeRawBufferPointer) -> ArrayFileFormat.Kind? {
    let prefix = Array(bytes.prefix(NPYFile.magic.count))
    if prefix.first == NPYFile.magic[0], NPYFile.magic.starts(with: prefix) { return .npy }
    if prefix.count >= 4, prefix[0] == 0x50, prefix[1] == 0x4B,
      (prefix[2] == 3 && prefix[3] == 4) || (prefix[2] == 5 && prefix[3] == 6)
    {
      return .npz
    }
    if IDXFile.hasMagic(bytes) { return .idx }
    return nil
  }

  /// Decodes a whole array file; errors name `path`.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String, key: String?, gzipLimit: Int)
    throws(FileFormatError) -> (array: NumPyArray, format: ArrayFileFormat)
  {
    let (array, format) = try decode(bytes, path: path, key: key, gzipLimit: gzipLimit, as: Double.self)
    return (array.numPyArray, format)
  }

  /// Decodes a whole array file into elements of type `T`; errors name `path`.
  ///
  /// - Parameter mapped: `bytes` are a read-only file mapping whose pages may be dropped once read.
  static func decode<T: MatrixScalar>(
    _ bytes: UnsafeRawBufferPointer, path: String, key: String?, gzipLimit: Int, as _: T.Type, mapped: Bool = false
  ) throws(FileFormatError) -> (array: LoadedArray<T>, format: ArrayFileFormat) {
    guard Gzip.hasMagic(bytes) else {
      let kind = try sniff(bytes, path: path, place: "")
      return (try decode(bytes, as: kind, path: path, key: key, gzipped: false, mapped: mapped), ArrayFileFormat(kind))
    }
    let contents = try Gzip.decompress(bytes, path: path, limit: gzipLimit)
    return try FileBytes.withBytes(contents) { (inner) throws(FileFormatError) in
      let place = "decompressed gzip data: "
      guard !Gzip.hasMagic(inner) else {
        throw FileFormatError(
          path: path, place + "gzip data again (compressed twice); decompress the outer layer first")
      }
      let kind = try sniff(inner, path: path, place: place)
      do throws(FileFormatError) {
        return (
          try decode(inner, as: kind, path: path, key: key, gzipped: true, mapped: false) as LoadedArray<T>,
          ArrayFileFormat(kind, gzipped: true)
        )
      } catch {
        throw FileFormatError(path: error.path, place + error.problem)
      }
    }
  }

  /// The kind of `bytes`, or an error naming their first bytes and the formats accepted.
  private static func sniff(_ bytes: UnsafeRawBufferPointer, path: String, place: String) throws(FileFormatError)
    -> ArrayFileFormat.Kind
  {
    if let kind = kind(of: bytes) { return kind }
    guard !bytes.isEmpty else {
      throw FileFormatError(path: path, place + "empty file (0 bytes), expected an array file (" + accepted + ")")
    }
    let first = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 8)])
    let text = String(first.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
    throw FileFormatError(
      path: path,
      place + "unrecognized file format: starts with \(Gzip.hexBytes(first)) (\"\(text)\"); expected " + accepted)
  }

  /// The formats accepted, with their magic bytes, for error messages.
  static let accepted =
    "a NumPy .npy file (93 4e 55 4d 50 59, \"\\x93NUMPY\"), a NumPy .npz archive (50 4b 03 04, \"PK\"),"
    + " an IDX file (00 00 <type> <dimensions>), or any of these gzip-compressed (1f 8b)"

  private static func decode<T: MatrixScalar>(
    _ bytes: UnsafeRawBufferPointer, as kind: ArrayFileFormat.Kind, path: String, key: String?, gzipped: Bool,
    mapped: Bool
  ) throws(FileFormatError) -> LoadedArray<T> {
    switch kind {
    case .npz:
      return try selectFromNPZ(bytes, path: path, key: key, mapped: mapped)
    case .npy, .idx:
      if let key {
        throw FileFormatError(
          path: path,
          "a key ('\(key)') picks an array inside a .npz archive, but this is "
            + (gzipped ? "gzip-compressed data holding " : "")
            + (kind == .npy ? "a .npy file" : "an IDX file")
            + ", a single array; leave the key out (`key`)")
      }
      return kind == .npy
        ? try NPYFile.decode(bytes, path: path, place: "", as: T.self, mapped: mapped)
        : try IDXFile.decode(bytes, path: path, place: "", as: T.self, mapped: mapped)
    }
  }

  /// The array `key` picks from the `.npz` archive in `bytes`; without a key, its only array.
  /// Only that entry is decompressed and decoded.
  private static func selectFromNPZ<T: MatrixScalar>(
    _ bytes: UnsafeRawBufferPointer, path: String, key: String?, mapped: Bool
  ) throws(FileFormatError) -> LoadedArray<T> {
    let archive = try ZIPArchive(bytes: bytes, path: path)
    let entries = archive.entries.filter { $0.name.hasSuffix(".npy") }
    let keys = entries.map { String($0.name.dropLast(4)) }
    var seen = Set<String>()
    for (entry, name) in zip(entries, keys) where !seen.insert(name).inserted {
      throw FileFormatError(path: path, "entry '\(entry.name)' appears twice in the archive")
    }
    let index: Int
    if let key {
      let bare = key.hasSuffix(".npy") ? String(key.dropLast(4)) : key
      guard let found = keys.firstIndex(of: key) ?? keys.firstIndex(of: bare) else {
        throw FileFormatError(
          path: path,
          keys.isEmpty
            ? "no array '\(key)': the .npz archive holds no arrays"
            : "no array '\(key)' in the .npz archive; its arrays: \(list(keys))")
      }
      index = found
    } else {
      switch keys.count {
      case 0: throw FileFormatError(path: path, "the .npz archive holds no arrays")
      case 1: index = 0
      default:
        throw FileFormatError(
          path: path,
          "the .npz archive holds \(keys.count) arrays (\(list(keys))); say which (`key`)")
      }
    }
    let entry = entries[index]
    // A stored entry's contents are the archive's own (mapped) bytes; a deflated one's are inflated into memory.
    let inPlace = mapped && entry.method == 0
    return try archive.withContents(of: entry, in: bytes) { (contents) throws(FileFormatError) in
      try NPYFile.decode(contents, path: path, place: "entry '\(entry.name)': ", as: T.self, mapped: inPlace)
    }
  }

  /// Names quoted and joined, the first 20 of them: `'W1', 'b1'`.
  private static func list(_ keys: [String]) -> String {
    let shown = keys.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
    return keys.count > 20 ? shown + " and \(keys.count - 20) more" : shown
  }
}
