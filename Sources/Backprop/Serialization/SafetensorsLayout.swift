/// The reference's rules for where tensors lie in the data section: each
/// one's offsets must fit its shape and type, and together, sorted by
/// offsets, they must tile the data section exactly.
enum SafetensorsLayout {
  /// Checks `entries` against a data section of `dataSize` bytes, returning
  /// their indices sorted by offsets (header order among equal offsets, which
  /// only empty tensors can share).
  ///
  /// - Throws: ``FileFormatError`` naming `path`, the tensor and the problem:
  ///   a shape too large to address or not a whole number of bytes, offsets
  ///   that end before they begin, a size that does not match the shape, an
  ///   overlap, a gap, a tensor past the end of the file (truncated), or bytes
  ///   after the last tensor.
  static func check(_ entries: [SafetensorsHeader.Entry], dataSize: Int, path: String) throws(FileFormatError)
    -> [Int]
  {
    func fail(_ entry: SafetensorsHeader.Entry, _ problem: String) -> FileFormatError {
      FileFormatError(path: path, "header at byte \(entry.offset): tensor '\(entry.name)': \(problem)")
    }
    let order = entries.indices.sorted { a, b in
      (entries[a].begin, entries[a].end, a) < (entries[b].begin, entries[b].end, b)
    }
    var next = 0  // where the next tensor must begin
    var previous: SafetensorsHeader.Entry?
    for index in order {
      let entry = entries[index]
      let offsets = "data_offsets [\(entry.begin), \(entry.end)]"
      guard entry.begin <= entry.end else { throw fail(entry, "\(offsets) end before they begin") }
      if entry.begin < next, let previous {
        throw fail(entry, "\(offsets) overlap tensor '\(previous.name)' [\(previous.begin), \(previous.end)]")
      }
      guard entry.begin == next else {
        let before = previous.map { " (after tensor '\($0.name)')" } ?? ""
        throw fail(entry, "\(offsets) leave bytes \(next)..<\(entry.begin) of the data section to no tensor\(before)")
      }
      guard entry.end <= dataSize else {
        throw fail(
          entry, "\(offsets) go past the end of the data section, which has \(dataSize) bytes (truncated file?)")
      }
      let shape = "shape \(entry.shape) of \(entry.dtype.rawValue)"
      guard let size = SafetensorsTensor.byteCount(dtype: entry.dtype, shape: entry.shape) else {
        throw fail(entry, "\(shape) has too many elements or is not a whole number of bytes")
      }
      guard entry.end - entry.begin == size else {
        throw fail(entry, "\(offsets) hold \(entry.end - entry.begin) bytes but \(shape) needs \(size)")
      }
      next = entry.end
      previous = entry
    }
    guard next == dataSize else {
      let last = previous.map { "after tensor '\($0.name)', " } ?? ""
      throw FileFormatError(
        path: path, "data section: \(last)bytes \(next)..<\(dataSize) belong to no tensor (extra bytes at the end)")
    }
    return order
  }
}
