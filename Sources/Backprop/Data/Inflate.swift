/// A DEFLATE stream that cannot be decoded: what is wrong and where.
struct InflateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, e.g. "distance 40 too far back (only 12 bytes written)".
  var problem: String
  /// The byte offset in the compressed input where decoding stopped.
  var offset: Int

  var description: String { "deflate data at byte \(offset): \(problem)" }
}

/// A DEFLATE decoder (RFC 1951): stored, fixed-Huffman and dynamic-Huffman
/// blocks, with bounded output and errors on every malformed stream.
///
/// Used for ZIP (`.npz`) entries and gzip members; it decodes raw DEFLATE,
/// without zlib or gzip framing.
///
/// ```swift
/// let bytes = try Inflate.decompress(compressed, expectedSize: 1_000)
/// ```
enum Inflate {
  /// Decompresses a raw DEFLATE stream that must produce exactly `expectedSize` bytes.
  ///
  /// Decoding stops with an error as soon as the output would pass
  /// `expectedSize`, so a hostile stream cannot make it allocate more.
  /// Input after the final block is ignored.
  ///
  /// - Throws: ``InflateError`` for a malformed or truncated stream, or one
  ///   whose output is not `expectedSize` bytes.
  static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws(InflateError) -> [UInt8] {
    guard expectedSize >= 0 else { throw InflateError(problem: "negative expected size \(expectedSize)", offset: 0) }
    var inflater = Inflater(input: input, initialCapacity: expectedSize, limit: expectedSize)
    defer { inflater.output.deallocate() }
    try inflater.run()
    guard inflater.output.count == expectedSize else {
      throw InflateError(
        problem: "stream ended after \(inflater.output.count) bytes, expected \(expectedSize)",
        offset: inflater.consumed)
    }
    return inflater.output.array()
  }

  /// Decompresses a raw DEFLATE stream that must produce exactly `expectedSize` bytes.
  ///
  /// - Throws: ``InflateError`` for a malformed or truncated stream, or one
  ///   whose output is not `expectedSize` bytes.
  static func decompress(_ input: [UInt8], expectedSize: Int) throws(InflateError) -> [UInt8] {
    try withBytes(input) { (buffer) throws(InflateError) in try decompress(buffer, expectedSize: expectedSize) }
  }

  /// Decompresses a raw DEFLATE stream of unknown output size, at most `limit` bytes.
  ///
  /// Returns the output and how many input bytes the stream used (up to the
  /// end of its final block, rounded up to a whole byte), so a caller can read
  /// a trailer (gzip's CRC and size) right after it.
  ///
  /// - Throws: ``InflateError`` for a malformed or truncated stream, or one
  ///   whose output would pass `limit` bytes.
  static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws(InflateError) -> (
    output: [UInt8], consumed: Int
  ) {
    guard limit >= 0 else { throw InflateError(problem: "negative output limit \(limit)", offset: 0) }
    let initial = min(limit, max(1 << 16, input.count.multipliedReportingOverflow(by: 4).partialValue))
    var inflater = Inflater(input: input, initialCapacity: initial, limit: limit)
    defer { inflater.output.deallocate() }
    try inflater.run()
    return (inflater.output.array(), inflater.consumed)
  }

  /// The first bytes of a raw DEFLATE stream, at most `count` (fewer when the stream is shorter,
  /// corrupt, or a back-reference would cross `count`): enough to read a header inside it before
  /// deciding whether the whole output is worth allocating.
  static func prefix(_ input: UnsafeRawBufferPointer, count: Int) -> [UInt8] {
    var inflater = Inflater(input: input, initialCapacity: max(0, count), limit: max(0, count))
    defer { inflater.output.deallocate() }
    do { try inflater.run() } catch {}
    return inflater.output.array()
  }

  private static func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(InflateError) -> R
  ) throws(InflateError) -> R {
    let result: Result<R, InflateError> = bytes.withUnsafeBytes { buffer in
      do throws(InflateError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  // MARK: Tables (RFC 1951 §3.2.5)

  static let lengthBase: [Int] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  static let lengthExtra: [Int] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  static let distanceBase: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
    6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra: [Int] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]
  /// The order in which code-length code lengths are sent (§3.2.7).
  static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  /// The fixed literal/length code (§3.2.6).
  static let fixedLiterals = HuffmanTable(
    lengths: ArraySlice(
      [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112) + [UInt8](repeating: 7, count: 24)
        + [UInt8](repeating: 8, count: 8)))
  /// The fixed distance code: 30 five-bit codes (codes 30 and 31 are invalid).
  static let fixedDistances = HuffmanTable(lengths: ArraySlice([UInt8](repeating: 5, count: 30)))
}

/// A growable output buffer with a hard size limit.
private struct OutputBuffer {
  var base: UnsafeMutablePointer<UInt8>
  var capacity: Int
  var count = 0
  let limit: Int

  init(capacity: Int, limit: Int) {
    self.capacity = max(1, capacity)
    self.base = .allocate(capacity: self.capacity)
    self.limit = limit
  }

  func deallocate() { base.deallocate() }

  func array() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// Makes room for `extra` more bytes, or returns false when that passes the limit.
  @inline(__always)
  mutating func reserve(_ extra: Int) -> Bool {
    let needed = count + extra
    if needed <= capacity { return true }
    if needed > limit { return false }
    let newCapacity = min(limit, max(needed, capacity * 2))
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
    return true
  }
}

/// The decoder's state: the input, the bit buffer and the output.
private struct Inflater {
  let input: UnsafeRawBufferPointer
  /// The next input byte to load into the bit buffer.
  var position = 0
  /// Loaded bits, the next bit of the stream in bit 0.
  var bitBuffer: UInt64 = 0
  var bitCount = 0
  var output: OutputBuffer

  init(input: UnsafeRawBufferPointer, initialCapacity: Int, limit: Int) {
    self.input = input
    self.output = OutputBuffer(capacity: initialCapacity, limit: limit)
  }

  /// Input bytes used so far (bits loaded but not used are given back).
  var consumed: Int { position - bitCount / 8 }

  func error(_ problem: String) -> InflateError { InflateError(problem: problem, offset: consumed) }

  @inline(__always)
  mutating func refill() {
    while bitCount <= 56, position < input.count {
      bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
      position += 1
      bitCount += 8
    }
  }

  /// The next `n` bits (n ≤ 32) as an integer, first bit least significant.
  @inline(__always)
  mutating func bits(_ n: Int) throws(InflateError) -> Int {
    if bitCount < n {
      refill()
      if bitCount < n { throw error("truncated: the data ends inside a block") }
    }
    let value = Int(bitBuffer & ((1 << UInt64(n)) &- 1))
    bitBuffer >>= UInt64(n)
    bitCount -= n
    return value
  }

  @inline(__always)
  mutating func decode(_ table: HuffmanTable) throws(InflateError) -> Int {
    if bitCount < HuffmanTable.maxBits { refill() }
    guard let decoded = table.decode(bitBuffer) else {
      if bitCount < HuffmanTable.maxBits { throw error("truncated: the data ends inside a block") }
      throw error("invalid Huffman code")
    }
    if decoded.length > bitCount { throw error("truncated: the data ends inside a Huffman code") }
    bitBuffer >>= UInt64(decoded.length)
    bitCount -= decoded.length
    return decoded.symbol
  }

  mutating func run() throws(InflateError) {
    var isFinal = false
    while !isFinal {
      isFinal = try bits(1) == 1
      switch try bits(2) {
      case 0: try storedBlock()
      case 1: try codes(literals: Inflate.fixedLiterals, distances: Inflate.fixedDistances)
      case 2: try dynamicBlock()
      default: throw error("invalid block type 3")
      }
    }
  }

  mutating func storedBlock() throws(InflateError) {
    // Skip to a byte boundary, then give back whole bytes still in the bit buffer.
    bitBuffer = 0
    position -= bitCount / 8
    bitCount = 0
    guard input.count - position >= 4 else { throw error("truncated: the data ends in a stored block's header") }
    let length = Int(input[position]) | Int(input[position + 1]) << 8
    let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
    guard length == ~complement & 0xFFFF else {
      throw error("stored block length \(length) does not match its complement \(complement)")
    }
    position += 4
    guard input.count - position >= length else {
      throw error("truncated: stored block of \(length) bytes has only \(input.count - position) left")
    }
    guard output.reserve(length) else { throw error("output passes the expected \(output.limit) bytes") }
    if length > 0, let source = input.baseAddress {
      (output.base + output.count).update(
        from: source.advanced(by: position).assumingMemoryBound(to: UInt8.self), count: length)
    }
    output.count += length
    position += length
  }

  mutating func dynamicBlock() throws(InflateError) {
    let literalCount = try bits(5) + 257
    let distanceCount = try bits(5) + 1
    let codeLengthCount = try bits(4) + 4
    guard literalCount <= 286 else { throw error("\(literalCount) literal/length codes (at most 286)") }
    guard distanceCount <= 30 else { throw error("\(distanceCount) distance codes (at most 30)") }

    var lengths = [UInt8](repeating: 0, count: 19)
    for i in 0..<codeLengthCount { lengths[Inflate.codeLengthOrder[i]] = UInt8(try bits(3)) }
    let codeLengthTable = HuffmanTable(lengths: lengths[...])
    guard codeLengthTable.fill == .complete, codeLengthTable.usedCount > 0 else {
      throw error("invalid code-length code (\(codeLengthTable.fill))")
    }

    let total = literalCount + distanceCount
    lengths = [UInt8](repeating: 0, count: total)
    var index = 0
    while index < total {
      let symbol = try decode(codeLengthTable)
      if symbol < 16 {
        lengths[index] = UInt8(symbol)
        index += 1
        continue
      }
      var value: UInt8 = 0
      let repeatCount: Int
      switch symbol {
      case 16:
        guard index > 0 else { throw error("repeat of the previous code length with no previous length") }
        value = lengths[index - 1]
        repeatCount = 3 + (try bits(2))
      case 17: repeatCount = 3 + (try bits(3))
      default: repeatCount = 11 + (try bits(7))
      }
      guard index + repeatCount <= total else {
        throw error("code lengths repeat past the \(total) codes")
      }
      for k in index..<(index + repeatCount) { lengths[k] = value }
      index += repeatCount
    }
    guard lengths[256] != 0 else { throw error("no end-of-block code") }

    let literals = HuffmanTable(lengths: lengths[0..<literalCount])
    try check(literals, count: literalCount, name: "literal/length")
    let distances = HuffmanTable(lengths: lengths[literalCount...])
    try check(distances, count: distanceCount, name: "distance")
    try codes(literals: literals, distances: distances)
  }

  /// Accepts complete codes, and an incomplete code only when it is a single one-bit code (as zlib does).
  func check(_ table: HuffmanTable, count: Int, name: String) throws(InflateError) {
    switch table.fill {
    case .complete: return
    case .oversubscribed: throw error("oversubscribed \(name) code lengths")
    case .incomplete:
      guard table.counts[0] + table.counts[1] == count else {
        throw error("incomplete \(name) code lengths")
      }
    }
  }

  mutating func codes(literals: HuffmanTable, distances: HuffmanTable) throws(InflateError) {
    while true {
      let symbol = try decode(literals)
      if symbol < 256 {
        guard output.reserve(1) else { throw error("output passes the expected \(output.limit) bytes") }
        output.base[output.count] = UInt8(truncatingIfNeeded: symbol)
        output.count += 1
        continue
      }
      if symbol == 256 { return }
      let lengthSymbol = symbol - 257
      guard lengthSymbol < 29 else { throw error("invalid length symbol \(symbol)") }
      let length = Inflate.lengthBase[lengthSymbol] + (try bits(Inflate.lengthExtra[lengthSymbol]))
      let distanceSymbol = try decode(distances)
      guard distanceSymbol < 30 else { throw error("invalid distance symbol \(distanceSymbol)") }
      let distance = Inflate.distanceBase[distanceSymbol] + (try bits(Inflate.distanceExtra[distanceSymbol]))
      guard distance <= output.count else {
        throw error("distance \(distance) too far back (only \(output.count) bytes written)")
      }
      guard output.reserve(length) else { throw error("output passes the expected \(output.limit) bytes") }
      let destination = output.base + output.count
      let source = destination - distance
      if distance >= length {
        destination.update(from: source, count: length)
      } else {
        for k in 0..<length { destination[k] = source[k] }
      }
      output.count += length
    }
  }
}
