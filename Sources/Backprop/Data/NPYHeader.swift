/// The header of a `.npy` file: the Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (209, 64, 64, 3), }`.
struct NPYHeader: Equatable {
  var dtype: NumPyDType
  var byteOrder: NumPyByteOrder
  var fortranOrder: Bool
  var shape: [Int]

  /// Parses the header text with a small parser for Python literals (strings,
  /// integers, True/False/None, tuples, lists, dicts), as NumPy's
  /// `ast.literal_eval` does, and checks it has exactly the three keys.
  ///
  /// - Throws: ``FileFormatError`` naming `path` (prefixed by `place`) and the problem.
  init(parsing text: String, path: String, place: String) throws(FileFormatError) {
    func fail(_ problem: String) -> FileFormatError { FileFormatError(path: path, place + problem) }
    let value: PythonLiteral
    do {
      value = try PythonLiteral.parse(text)
    } catch {
      throw fail("header: \(error.description) in \(Self.quoted(text))")
    }
    guard case .dict(let entries) = value else { throw fail("header is not a dict: \(Self.quoted(text))") }
    var descr: PythonLiteral?
    var fortran: PythonLiteral?
    var shape: PythonLiteral?
    var seen = Set<String>()
    for (key, item) in entries {
      if case .string(let name) = key, !seen.insert(name).inserted { throw fail("header has a duplicate key \(key)") }
      switch key {
      case .string("descr"): descr = item
      case .string("fortran_order"): fortran = item
      case .string("shape"): shape = item
      default: throw fail("header has an unexpected key \(key) (expected 'descr', 'fortran_order', 'shape')")
      }
    }
    guard let descr, let fortran, let shape else {
      throw fail("header lacks a key: expected 'descr', 'fortran_order' and 'shape' in \(Self.quoted(text))")
    }
    guard case .string(let descriptor) = descr else {
      throw fail("header: unsupported dtype \(descr) (structured and object arrays are not supported)")
    }
    (dtype, byteOrder) = try NumPyDType.parse(descriptor, in: path, place: place)
    guard case .bool(let isFortran) = fortran else {
      throw fail("header: fortran_order is \(fortran), not True or False")
    }
    fortranOrder = isFortran
    guard case .tuple(let dimensions) = shape else { throw fail("header: shape is \(shape), not a tuple") }
    var sizes = [Int]()
    for dimension in dimensions {
      guard case .int(let size) = dimension, size >= 0 else {
        throw fail("header: shape \(shape) has a dimension that is not a non-negative integer")
      }
      sizes.append(size)
    }
    self.shape = sizes
  }

  init(dtype: NumPyDType, byteOrder: NumPyByteOrder = .little, fortranOrder: Bool = false, shape: [Int]) {
    self.dtype = dtype
    self.byteOrder = byteOrder
    self.fortranOrder = fortranOrder
    self.shape = shape
  }

  /// The dict as NumPy writes it, keys sorted, with NumPy's spare spaces for
  /// growing the first axis, before padding: `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
  var text: String {
    var text =
      "{'descr': '\(dtype.descriptor(byteOrder))', 'fortran_order': \(fortranOrder ? "True" : "False"), "
      + "'shape': \(NumPyArray.describe(shape)), }"
    // NumPy leaves room for the growth axis to reach 21 digits.
    if let growth = fortranOrder ? shape.last : shape.first {
      text += String(repeating: " ", count: max(0, 21 - String(growth).count))
    }
    return text
  }

  /// The header as it starts a file: magic, version, length, and the dict padded with spaces and
  /// ended by `'\n'` so that the data starts on a multiple of 64, as NumPy pads it — and at byte
  /// `minimumSize` or later (a writer that rewrites the shape at the end reserves room for it).
  /// Version 1.0, or 2.0 only when 1.0's 2-byte length cannot hold the dict.
  func encoded(minimumSize: Int = 0) -> [UInt8] {
    var text = Array(self.text.utf8)
    var lengthSize = 2
    func padding() -> Int {
      // NumPy's rule: 64 − (unpadded mod 64) spaces, so 64 when already aligned.
      let unpadded = NPYFile.magic.count + 2 + lengthSize + text.count + 1
      var spaces = 64 - unpadded % 64
      while unpadded + spaces < minimumSize { spaces += 64 }
      return spaces
    }
    var spaces = padding()
    if text.count + 1 + spaces > 0xFFFF {
      lengthSize = 4
      spaces = padding()
    }
    text += [UInt8](repeating: 0x20, count: spaces) + [0x0A]
    var bytes = NPYFile.magic + [lengthSize == 2 ? 1 : 2, 0]
    for k in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * k))) }
    return bytes + text
  }

  private static func quoted(_ text: String) -> String {
    let trimmed = text.trimmed(" \n")
    let short = trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    return "\"\(short)\""
  }
}

extension String {
  fileprivate func trimmed(_ set: String) -> String {
    var s = Substring(self)
    while let c = s.first, set.contains(c) { s = s.dropFirst() }
    while let c = s.last, set.contains(c) { s = s.dropLast() }
    return String(s)
  }
}
