/// A canonical Huffman code for DEFLATE (RFC 1951 §3.2.2), built from code
/// lengths, with a lookup table for the common short codes.
///
/// Codes of up to ``fastBits`` bits are decoded with one table lookup on the
/// next bits of the stream (stored bit-reversed, as DEFLATE packs Huffman codes
/// starting from their most significant bit); longer codes fall back to the
/// canonical count-by-length walk.
struct HuffmanTable: Sendable {
  /// Bits looked up at once.
  static let fastBits = 10
  /// The longest code DEFLATE allows.
  static let maxBits = 15

  /// `counts[n]`: how many symbols have an n-bit code (`counts[0]`: unused symbols).
  private(set) var counts: [Int]
  /// The used symbols, ordered by code.
  private(set) var symbols: [UInt16]
  /// `fast[bits]`: `symbol << 4 | length` for a code of at most `fastBits`
  /// bits whose bit-reversed value is a prefix of `bits`; 0 where none.
  private(set) var fast: [UInt16]

  /// How a set of code lengths fills the code space.
  enum Fill: Equatable {
    /// Every code is used (or no symbol has a code at all).
    case complete
    /// Some codes are unused.
    case incomplete
    /// More codes than there is room for: not a prefix code.
    case oversubscribed
  }

  /// Whether the lengths make a complete, incomplete or oversubscribed code.
  private(set) var fill: Fill

  /// A table from per-symbol code lengths (0: symbol unused), each 0...15.
  ///
  /// An oversubscribed set gives a table with `fill == .oversubscribed`
  /// that must not be used; the caller decides which incomplete sets to accept.
  init(lengths: ArraySlice<UInt8>) {
    var counts = [Int](repeating: 0, count: Self.maxBits + 1)
    for length in lengths { counts[Int(length)] += 1 }
    self.counts = counts
    self.symbols = []
    self.fast = [UInt16](repeating: 0, count: 1 << Self.fastBits)
    let used = lengths.count - counts[0]
    if used == 0 {
      // No codes: complete, but any decode fails (puff's convention).
      self.fill = .complete
      return
    }
    var left = 1
    for length in 1...Self.maxBits {
      left <<= 1
      left -= counts[length]
      if left < 0 {
        self.fill = .oversubscribed
        return
      }
    }
    self.fill = left == 0 ? .complete : .incomplete

    // Offsets of each length's first symbol in `symbols`, and the first code of each length.
    var offsets = [Int](repeating: 0, count: Self.maxBits + 2)
    var nextCode = [Int](repeating: 0, count: Self.maxBits + 2)
    var code = 0
    for length in 1...Self.maxBits {
      offsets[length + 1] = offsets[length] + counts[length]
      nextCode[length] = code
      code = (code + counts[length]) << 1
    }
    var symbols = [UInt16](repeating: 0, count: used)
    for (symbol, length) in zip(0..., lengths) where length != 0 {
      let n = Int(length)
      symbols[offsets[n]] = UInt16(symbol)
      offsets[n] += 1
      let c = nextCode[n]
      nextCode[n] += 1
      if n <= Self.fastBits {
        var reversed = 0
        for bit in 0..<n where (c >> bit) & 1 != 0 { reversed |= 1 << (n - 1 - bit) }
        let entry = UInt16(symbol << 4 | n)
        var index = reversed
        while index < (1 << Self.fastBits) {
          fast[index] = entry
          index += 1 << n
        }
      }
    }
    self.symbols = symbols
  }

  /// The number of symbols with a code.
  var usedCount: Int { symbols.count }

  /// Decodes one symbol from the next bits of `bits` (least significant bit
  /// first), returning the symbol and its code length, or nil when the bits
  /// start no code of this table.
  @inline(__always)
  func decode(_ bits: UInt64) -> (symbol: Int, length: Int)? {
    let entry = fast[Int(bits & UInt64((1 << Self.fastBits) - 1))]
    if entry != 0 { return (Int(entry >> 4), Int(entry & 15)) }
    // Canonical walk: codes of each length are consecutive integers.
    var code = 0
    var first = 0
    var index = 0
    var rest = bits
    for length in 1...Self.maxBits {
      code |= Int(rest & 1)
      rest >>= 1
      let count = counts[length]
      if code - first < count { return (Int(symbols[index + code - first]), length) }
      index += count
      first = (first + count) << 1
      code <<= 1
    }
    return nil
  }
}
