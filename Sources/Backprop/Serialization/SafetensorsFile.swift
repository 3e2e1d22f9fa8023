import Foundation

/// A safetensors file (Hugging Face's format, which PyTorch models are
/// shared in): named tensors and string metadata, read defensively and
/// written byte for byte as the reference `safetensors` package writes them.
///
/// The layout: 8 bytes, the little-endian length N of the header; N bytes of
/// UTF-8 JSON naming each tensor's `dtype`, `shape` and `data_offsets` (plus
/// an optional `__metadata__` object of strings), padded with spaces to a
/// multiple of 8; then the data section, each tensor's bytes little-endian in
/// C order, one after another.
///
/// ```swift
/// var file = SafetensorsFile(metadata: ["format": "pt"])
/// try file.add("fc1.weight", matrix: W1)                  // (rows, columns), F32 for Float
/// try file.add("fc1.bias", matrix: b1, shape: [b1.rows])  // a vector
/// try file.write(to: "model.safetensors")
///
/// let read = try SafetensorsFile.read(path: "model.safetensors")
/// let W: Matrix<Float> = try read.tensor(named: "fc1.weight")!.matrix(rows: 4, columns: 3)
/// ```
///
/// Reading checks everything the reference checks before using any of it:
/// see ``read(bytes:name:)``.
public struct SafetensorsFile: Sendable, Hashable {
  /// The largest header read or written, 100 MB, as the reference limits it.
  public static let maximumHeaderSize = 100_000_000

  /// The `__metadata__` strings (empty when the file has none).
  public var metadata: [String: String]
  /// The tensors: in the order of their data in the file when read, then in
  /// the order added.
  public private(set) var tensors: [SafetensorsTensor] = []
  /// The index in `tensors` of each name (names compared by their bytes, as the reference compares them).
  private var indices: [ExactName: Int] = [:]

  /// An empty file with the given metadata.
  public init(metadata: [String: String] = [:]) {
    self.metadata = metadata
  }

  /// The tensors' names, in the order of ``tensors``.
  public var names: [String] { tensors.map(\.name) }

  /// The tensor named `name`, or nil; names are compared by their UTF-8
  /// bytes, so a name in another Unicode normalization form is another name.
  public func tensor(named name: String) -> SafetensorsTensor? {
    indices[ExactName(name)].map { tensors[$0] }
  }

  // MARK: Building

  /// Adds `tensor`.
  ///
  /// - Throws: ``DataError`` when a tensor of that name is already there, or
  ///   the name is `__metadata__`, which the header reserves.
  public mutating func add(_ tensor: SafetensorsTensor) throws(DataError) {
    guard tensor.name != SafetensorsHeader.metadataKey else {
      throw DataError("a tensor cannot be named '\(SafetensorsHeader.metadataKey)': the header reserves it")
    }
    guard indices[ExactName(tensor.name)] == nil else {
      throw DataError("a tensor named '\(tensor.name)' is already in the file")
    }
    indices[ExactName(tensor.name)] = tensors.count
    tensors.append(tensor)
  }

  /// Adds `matrix` as `name`, row-major, `F32` for `Float` or `F64` for
  /// `Double`, of shape (rows, columns) or `shape` (e.g. `[rows]` for a bias).
  ///
  /// - Throws: ``ShapeError`` when `shape` does not hold the matrix's
  ///   elements; ``DataError`` for a name already there or reserved.
  public mutating func add<S: MatrixScalar>(_ name: String, matrix: Matrix<S>, shape: [Int]? = nil) throws {
    try add(SafetensorsTensor(name: name, matrix: matrix, shape: shape))
  }

  /// Adds `values` (in C order) as `name`, converted to `dtype`.
  ///
  /// - Throws: as ``SafetensorsTensor/init(name:dtype:shape:values:)`` throws,
  ///   and ``DataError`` for a name already there or reserved.
  public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], values: [Double]) throws {
    try add(SafetensorsTensor(name: name, dtype: dtype, shape: shape, values: values))
  }

  /// Removes the tensor named `name`, returning it (nil when there is none).
  @discardableResult
  public mutating func removeTensor(named name: String) -> SafetensorsTensor? {
    guard let index = indices.removeValue(forKey: ExactName(name)) else { return nil }
    let removed = tensors.remove(at: index)
    for k in index..<tensors.count { indices[ExactName(tensors[k].name)] = k }
    return removed
  }

  // MARK: Reading

  /// Reads the safetensors file at `path`.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and the problem (see ``read(bytes:name:)``).
  public static func read(path: String) throws(FileFormatError) -> SafetensorsFile {
    let data = try FileBytes.read(path)
    return try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in try decode(bytes, path: path) }
  }

  /// Reads a safetensors file held in memory; `name` stands for the path in errors.
  ///
  /// - Throws: ``FileFormatError`` naming `name` and the problem (see ``read(bytes:name:)``).
  public static func read(data: Data, name: String = "<memory>") throws(FileFormatError) -> SafetensorsFile {
    try FileBytes.withBytes(data) { (bytes) throws(FileFormatError) in try decode(bytes, path: name) }
  }

  /// Reads a safetensors file held in memory; `name` stands for the path in errors.
  ///
  /// Nothing is allocated by a number from the file before it is checked
  /// against the file's size, and every rule of the reference reader holds:
  /// - the file has at least 8 bytes; the header length N is at most
  ///   ``maximumHeaderSize`` and at most the bytes after the first 8;
  /// - the header is valid UTF-8 and strict JSON (nested at most 128 deep),
  ///   only spaces after it: an object whose keys are tensor names and an
  ///   optional `__metadata__` (null, or an object of strings); each tensor
  ///   an object with a known `dtype`, a `shape` of at most 64 non-negative
  ///   integers and `data_offsets`, two non-negative integers (other fields
  ///   are skipped, as the reference skips them);
  /// - no key appears twice, at any level (stricter than the reference, which
  ///   keeps the last of repeated tensor names or metadata keys);
  /// - each tensor's `data_offsets` [begin, end] has begin ≤ end, and
  ///   end − begin is the size of its shape and type (a whole number of bytes);
  /// - sorted by offsets, the tensors cover the data section exactly, from its
  ///   first byte to the last byte of the file: no overlap, no gap, nothing
  ///   after the last one.
  ///
  /// - Throws: ``FileFormatError`` naming `name`, the byte offset and the problem.
  public static func read(bytes: [UInt8], name: String = "<memory>") throws(FileFormatError) -> SafetensorsFile {
    try FileBytes.withBytes(bytes) { (buffer) throws(FileFormatError) in try decode(buffer, path: name) }
  }

  /// Decodes a whole file; errors name `path`.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(FileFormatError) -> SafetensorsFile {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, problem) }
    let size = bytes.count
    guard size >= 8 else {
      throw fail("truncated: \(size) bytes, too short for the 8-byte header length of a safetensors file")
    }
    var length: UInt64 = 0
    for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
    guard length <= UInt64(maximumHeaderSize) else {
      throw fail(
        "header length \(length) at byte 0 exceeds the \(maximumHeaderSize)-byte limit (not a safetensors file?)")
    }
    let headerLength = Int(length)
    guard headerLength <= size - 8 else {
      throw fail("truncated: the header at byte 8 is \(headerLength) bytes but only \(size - 8) follow")
    }
    let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
    if let bad = firstInvalidUTF8(headerBytes) {
      throw fail("header at byte \(8 + bad): not valid UTF-8")
    }
    let header: SafetensorsHeader
    do throws(JSONScanner.Failure) {
      header = try SafetensorsHeader.parse(headerBytes, base: 8)
    } catch {
      throw fail("header at byte \(error.offset): \(error.message)")
    }
    let dataStart = 8 + headerLength
    let layout = try SafetensorsLayout.check(header.entries, dataSize: size - dataStart, path: path)
    var file = SafetensorsFile(metadata: header.metadata)
    for index in layout {
      let entry = header.entries[index]
      let data = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
      // Unique names, checked sizes: `add` cannot fail.
      file.indices[ExactName(entry.name)] = file.tensors.count
      file.tensors.append(SafetensorsTensor(unchecked: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: data))
    }
    return file
  }

  /// The index of the first byte that is not part of valid UTF-8, or nil.
  private static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
    var iterator = CountingIterator(base: bytes.makeIterator())
    var decoder = UTF8()
    var scalarStart = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: scalarStart = iterator.count
      case .emptyInput: return nil
      case .error: return scalarStart
      }
    }
  }

  /// An iterator that counts the bytes it has given.
  private struct CountingIterator: IteratorProtocol {
    var base: UnsafeRawBufferPointer.Iterator
    var count = 0
    mutating func next() -> UInt8? {
      guard let byte = base.next() else { return nil }
      count += 1
      return byte
    }
  }

  // MARK: Writing

  /// The bytes of the file, as the reference writer lays them out: tensors
  /// sorted by type, widest first (in ``SafetensorsDType``'s order reversed),
  /// then by name (bytewise UTF-8); the header compact JSON with
  /// `__metadata__` first (omitted when empty; its keys sorted, where the
  /// reference's order is arbitrary), escaped as serde_json escapes, and
  /// padded with spaces to a multiple of 8 bytes.
  ///
  /// Identical to what `safetensors.numpy.save_file` writes for the same
  /// tensors when the metadata has at most one key.
  public func encode() -> [UInt8] {
    let ordered = tensors.sorted { a, b in
      a.dtype != b.dtype ? a.dtype > b.dtype : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
    var header = "{"
    var separator = ""
    if !metadata.isEmpty {
      let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      header += JSONText.quoted(SafetensorsHeader.metadataKey) + ":{"
      header += keys.map { JSONText.quoted($0) + ":" + JSONText.quoted(metadata[$0] ?? "") }.joined(separator: ",")
      header += "}"
      separator = ","
    }
    var offset = 0
    for tensor in ordered {
      let end = offset + tensor.bytes.count
      header +=
        separator + JSONText.quoted(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":["
        + tensor.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}"
      separator = ","
      offset = end
    }
    header += "}"
    var headerBytes = Array(header.utf8)
    headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
    var bytes = [UInt8]()
    bytes.reserveCapacity(8 + headerBytes.count + offset)
    let length = UInt64(headerBytes.count)
    for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(k)))) }
    bytes += headerBytes
    for tensor in ordered { bytes += tensor.bytes }
    return bytes
  }

  /// Writes the file to `path` (see ``encode()``), atomically (see ``AtomicFile``).
  ///
  /// - Throws: ``FileFormatError`` naming `path` when it cannot be written, or
  ///   when the header would exceed ``maximumHeaderSize``, which no reader accepts.
  public func write(to path: String) throws(FileFormatError) {
    let bytes = encode()
    var length = 0
    for k in 0..<8 { length |= Int(bytes[k]) << (8 * k) }
    guard length <= Self.maximumHeaderSize else {
      throw FileFormatError(
        path: path, "cannot write: the header would be \(length) bytes, over the \(Self.maximumHeaderSize)-byte limit")
    }
    try AtomicFile.write(bytes, to: path)
  }
}
