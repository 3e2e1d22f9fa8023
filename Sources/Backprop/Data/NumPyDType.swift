/// The byte order of a NumPy element type, the first character of its descriptor.
public enum NumPyByteOrder: Sendable, Hashable {
  /// `<`, and `=` or `|` (native, not applicable) on little-endian machines.
  case little
  /// `>`.
  case big
}

/// A NumPy element type that Backprop reads and writes: booleans, signed and
/// unsigned integers of 1 to 8 bytes, and IEEE floats of 2, 4 and 8 bytes.
///
/// A descriptor such as `"<f8"` is a byte order (`<` little, `>` big,
/// `=` native, `|` not applicable), a kind (`b`, `i`, `u`, `f`) and a size in
/// bytes. The raw value is NumPy's name (`"float64"`).
///
/// ```swift
/// let (dtype, order) = try NumPyDType.parse(">i4", in: "x.npy")  // (.int32, .big)
/// dtype.descriptor(.little)                                         // "<i4"
/// ```
public enum NumPyDType: String, Sendable, Hashable, CaseIterable, Codable {
  /// `|b1`: one byte, 0 or 1 (any non-zero byte reads as 1).
  case bool
  /// `|i1`: signed 8-bit integer.
  case int8
  /// `|u1`: unsigned 8-bit integer (image pixels).
  case uint8
  /// `<i2`: signed 16-bit integer.
  case int16
  /// `<u2`: unsigned 16-bit integer.
  case uint16
  /// `<i4`: signed 32-bit integer.
  case int32
  /// `<u4`: unsigned 32-bit integer.
  case uint32
  /// `<i8`: signed 64-bit integer (NumPy's default integer; labels).
  case int64
  /// `<u8`: unsigned 64-bit integer.
  case uint64
  /// `<f2`: IEEE half precision, decoded exactly to `Double`.
  case float16
  /// `<f4`: IEEE single precision (`Float`).
  case float32
  /// `<f8`: IEEE double precision (`Double`).
  case float64

  /// The size of one element in bytes.
  public var itemSize: Int {
    switch self {
    case .bool, .int8, .uint8: 1
    case .int16, .uint16, .float16: 2
    case .int32, .uint32, .float32: 4
    case .int64, .uint64, .float64: 8
    }
  }

  /// The kind character: `b` boolean, `i` signed, `u` unsigned, `f` float.
  public var kind: Character {
    switch self {
    case .bool: "b"
    case .int8, .int16, .int32, .int64: "i"
    case .uint8, .uint16, .uint32, .uint64: "u"
    case .float16, .float32, .float64: "f"
    }
  }

  /// Whether the type holds integers (or booleans), rather than floats.
  public var isInteger: Bool { kind != "f" }

  /// The little-endian descriptor NumPy writes: `"<f8"`, or `"|u1"` for one-byte types.
  public var descriptor: String { descriptor(.little) }

  /// The descriptor in the given byte order (`"|"` for one-byte types).
  public func descriptor(_ order: NumPyByteOrder) -> String {
    let prefix = itemSize == 1 ? "|" : (order == .little ? "<" : ">")
    return "\(prefix)\(kind)\(itemSize)"
  }

  /// The type and byte order of a descriptor such as `"<f8"`, `">i2"`, `"|u1"`,
  /// `"<u1"`, `"=f4"` or `"b1"`; nil for anything else.
  public init?(descriptor: String) {
    guard let parsed = Self.parseDescriptor(descriptor) else { return nil }
    self = parsed.dtype
  }

  /// The type and byte order of a descriptor, for a file's header.
  ///
  /// - Throws: ``FileFormatError`` naming `path` and the descriptor when it is
  ///   not one of the supported types (complex, strings, records …).
  public static func parse(_ descriptor: String, in path: String) throws(FileFormatError) -> (
    dtype: NumPyDType, byteOrder: NumPyByteOrder
  ) {
    try parse(descriptor, in: path, place: "")
  }

  /// ``parse(_:in:)`` with `place` (e.g. "entry 'W1.npy': ") before the problem.
  static func parse(_ descriptor: String, in path: String, place: String) throws(FileFormatError) -> (
    dtype: NumPyDType, byteOrder: NumPyByteOrder
  ) {
    guard let parsed = parseDescriptor(descriptor) else {
      throw FileFormatError(
        path: path,
        place + "header: unsupported dtype '\(descriptor)' "
          + "(supported: bool, int8–int64, uint8–uint64, float16, float32, float64)")
    }
    return parsed
  }

  private static func parseDescriptor(_ text: String) -> (dtype: NumPyDType, byteOrder: NumPyByteOrder)? {
    var characters = Substring(text)
    var order = NumPyByteOrder.little  // "=" and "|" are native; Backprop runs on little-endian machines.
    if let first = characters.first, "<>=|".contains(first) {
      if first == ">" { order = .big }
      characters = characters.dropFirst()
    }
    let digits = characters.dropFirst()
    guard let kind = characters.first, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
      let size = Int(digits),
      let dtype = allCases.first(where: { $0.kind == kind && $0.itemSize == size })
    else { return nil }
    return (dtype, dtype.itemSize == 1 ? .little : order)
  }
}
