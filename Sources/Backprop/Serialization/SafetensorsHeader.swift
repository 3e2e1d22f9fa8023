/// The JSON header of a safetensors file, parsed and checked entry by entry:
///
/// ```json
/// {"__metadata__": {"format": "pt"},
///  "W1": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48]}, …}
/// ```
///
/// Checked as the reference (`safetensors` 0.8, serde) checks it, and a little
/// more strictly: the top level must be an object; each tensor an object with
/// a known `dtype` string, a `shape` array of non-negative integers (at most
/// ``maximumRank`` of them) and `data_offsets`, an array of exactly two
/// non-negative integers; `__metadata__` null or an object of strings.
/// Unknown fields in a tensor entry are skipped, as the reference skips them.
/// Stricter than the reference: a key repeated anywhere is an error (the
/// reference keeps the last tensor or metadata value of a name), and a tensor
/// entry written as an array `[dtype, shape, offsets]` (which serde accepts)
/// is refused.
struct SafetensorsHeader {
  /// One tensor's entry, as written.
  struct Entry {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    /// `data_offsets`: the tensor's bytes are `begin..<end` of the data section.
    var begin: Int
    var end: Int
    /// The file offset of the entry's key, for messages.
    var offset: Int
  }

  /// The key of the metadata object.
  static let metadataKey = "__metadata__"
  /// The most dimensions a tensor may have (NumPy's limit, 64).
  static let maximumRank = 64

  /// The tensors in header order.
  var entries: [Entry] = []
  /// `__metadata__`, empty when absent or null.
  var metadata: [String: String] = [:]

  /// Parses `bytes`, the header, which starts at byte `base` of the file.
  ///
  /// - Throws: ``JSONScanner/Failure`` at the offending byte.
  static func parse(_ bytes: UnsafeRawBufferPointer, base: Int) throws(JSONScanner.Failure) -> SafetensorsHeader {
    var scanner = JSONScanner(bytes, base: base)
    var header = SafetensorsHeader()
    guard scanner.peekKind() == .object else {
      throw scanner.failure("the header must be a JSON object, found \(scanner.describeNext())")
    }
    try scanner.beginObject()
    var names = Set<ExactName>()
    var sawMetadata = false
    var first = true
    while let (key, keyOffset) = try scanner.nextKey(first: &first) {
      if key == metadataKey {
        guard !sawMetadata else { throw scanner.failure("'\(metadataKey)' appears twice", at: keyOffset) }
        sawMetadata = true
        header.metadata = try parseMetadata(&scanner)
      } else {
        guard names.insert(ExactName(key)).inserted else {
          throw scanner.failure("tensor '\(key)' appears twice", at: keyOffset)
        }
        header.entries.append(try parseEntry(named: key, at: keyOffset, &scanner))
      }
    }
    guard scanner.isAtEnd() else {
      throw scanner.failure("unexpected \(scanner.describeNext()) after the header's object (only spaces may follow)")
    }
    return header
  }

  /// `__metadata__`: null, or an object whose values are strings.
  private static func parseMetadata(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> [String: String] {
    if scanner.consumeNull() { return [:] }
    guard scanner.peekKind() == .object else {
      throw scanner.failure("'\(metadataKey)' must be an object of strings, found \(scanner.describeNext())")
    }
    try scanner.beginObject()
    var metadata = [String: String]()
    var first = true
    while let (key, keyOffset) = try scanner.nextKey(first: &first) {
      guard scanner.peekKind() == .string else {
        throw scanner.failure(
          "'\(metadataKey)' value of '\(key)' must be a string, found \(scanner.describeNext())")
      }
      let value = try scanner.string()
      // A `[String: String]` holds one of two keys that differ only in Unicode normalization.
      guard metadata.updateValue(value, forKey: key) == nil else {
        throw scanner.failure("'\(metadataKey)' key '\(key)' appears twice (as Swift compares strings)", at: keyOffset)
      }
    }
    return metadata
  }

  /// One tensor's entry: `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`.
  private static func parseEntry(named name: String, at keyOffset: Int, _ scanner: inout JSONScanner)
    throws(JSONScanner.Failure) -> Entry
  {
    let place = "tensor '\(name)'"
    guard scanner.peekKind() == .object else {
      throw scanner.failure(
        "\(place) must be an object with dtype, shape and data_offsets, found \(scanner.describeNext())")
    }
    try scanner.beginObject()
    var dtype: SafetensorsDType?
    var shape: [Int]?
    var offsets: [Int]?
    var seen = Set<String>()
    var first = true
    while let (field, fieldOffset) = try scanner.nextKey(first: &first) {
      guard seen.insert(field).inserted else {
        throw scanner.failure("\(place): field '\(field)' appears twice", at: fieldOffset)
      }
      switch field {
      case "dtype":
        guard scanner.peekKind() == .string else {
          throw scanner.failure("\(place): dtype must be a string, found \(scanner.describeNext())")
        }
        let valueOffset = scanner.offset
        let text = try scanner.string()
        guard let known = SafetensorsDType(rawValue: text) else {
          throw scanner.failure(
            "\(place): unknown dtype '\(text)' (known: \(SafetensorsDType.names))", at: valueOffset)
        }
        dtype = known
      case "shape":
        shape = try integers(&scanner, "\(place): shape", count: nil)
      case "data_offsets":
        offsets = try integers(&scanner, "\(place): data_offsets", count: 2)
      default:
        try scanner.skipValue(depth: 2)
      }
    }
    guard let dtype, let shape, let offsets else {
      let missing = [("dtype", dtype == nil), ("shape", shape == nil), ("data_offsets", offsets == nil)]
        .filter(\.1).map(\.0).joined(separator: ", ")
      throw scanner.failure("\(place) is missing \(missing)", at: keyOffset)
    }
    return Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1], offset: keyOffset)
  }

  /// An array of non-negative integers that fit `Int`: exactly `count` of
  /// them, or at most ``maximumRank`` when `count` is nil.
  private static func integers(_ scanner: inout JSONScanner, _ what: String, count: Int?)
    throws(JSONScanner.Failure) -> [Int]
  {
    let expected = count.map { "an array of \($0) non-negative integers" } ?? "an array of non-negative integers"
    let start = scanner.offset
    guard scanner.peekKind() == .array else {
      throw scanner.failure("\(what) must be \(expected), found \(scanner.describeNext())")
    }
    try scanner.beginArray()
    var values = [Int]()
    var first = true
    while try scanner.nextElement(first: &first) {
      guard values.count < (count ?? maximumRank) else {
        throw scanner.failure(
          count == nil
            ? "\(what) has more than \(maximumRank) dimensions"
            : "\(what) must be \(expected), found more", at: start)
      }
      let valueOffset = scanner.offset
      guard scanner.peekKind() == .number else {
        throw scanner.failure("\(what) must be \(expected), found \(scanner.describeNext())")
      }
      switch try scanner.number() {
      case .unsigned(let value) where value <= UInt64(Int.max):
        values.append(Int(value))
      case .unsigned(let value):
        throw scanner.failure("\(what): \(value) is too large", at: valueOffset)
      case .other(let text):
        throw scanner.failure("\(what) must be \(expected), found \(text)", at: valueOffset)
      }
    }
    if let count, values.count != count {
      throw scanner.failure("\(what) must be \(expected), found \(values.count)", at: start)
    }
    return values
  }
}
