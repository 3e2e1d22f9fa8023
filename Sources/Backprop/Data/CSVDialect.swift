/// How a CSV file is written: the character between cells and whether the
/// first row names the columns.
///
/// ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)`` detects
/// both from the first 64 KiB of the file unless told:
///
/// - **Delimiter**: comma, semicolon or tab, whichever splits every sampled
///   record (quoted cells respected) into the same number of columns, more
///   than one; when several do, the one giving the most columns (then comma
///   before semicolon before tab).
/// - **Header**: the first row is a header when one of its cells is not a
///   number while the cells below it, in that column, all are (empty cells
///   aside). A first row of numbers is never a header. A file of one row is
///   a header only when none of its cells is a number.
public struct CSVDialect: Sendable, Hashable, CustomStringConvertible {
  /// The character between cells: `","`, `";"`, `"\t"` or another ASCII character.
  public var delimiter: Character
  /// Whether the first row holds the column names.
  public var hasHeader: Bool

  /// A dialect with the given delimiter and header flag.
  public init(delimiter: Character = ",", hasHeader: Bool = true) {
    self.delimiter = delimiter
    self.hasHeader = hasHeader
  }

  /// E.g. "comma-separated, with a header row".
  public var description: String {
    "\(Self.name(of: delimiter))-separated, \(hasHeader ? "with a header row" : "no header row")"
  }

  /// The delimiters detection chooses from, in order of preference.
  static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

  /// Sample sizes: the first 64 KiB, or up to 1 MiB when that holds fewer than two records.
  static let sampleSize = 64 << 10
  static let largeSampleSize = 1 << 20

  /// "comma", "semicolon", "tab" or the character quoted.
  static func name(of delimiter: Character) -> String {
    switch delimiter {
    case ",": return "comma"
    case ";": return "semicolon"
    case "\t": return "tab"
    default: return "'\(delimiter)'"
    }
  }

  /// The byte of a delimiter given as a parameter.
  ///
  /// - Throws: ``ConfigurationError`` for anything but one ASCII character other
  ///   than a quote or a line end.
  static func byte(of delimiter: Character) throws(ConfigurationError) -> UInt8 {
    guard delimiter.unicodeScalars.count == 1, let byte = delimiter.asciiValue,
      byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r")
    else {
      throw ConfigurationError(
        parameter: "delimiter",
        "\(delimiter.debugDescription) cannot separate cells: the delimiter must be one ASCII character "
          + "other than a quote or a line end (such as ',', ';' or a tab)")
    }
    return byte
  }

  /// Detects what `delimiter` and `hasHeader` leave open (nil) from `head`, the
  /// first bytes of the file (after any byte-order mark); `isWholeFile` when
  /// `head` is the entire file.
  static func detect(
    head: UnsafeBufferPointer<UInt8>, isWholeFile: Bool, delimiter: UInt8?, hasHeader: Bool?
  ) -> (delimiter: UInt8, hasHeader: Bool) {
    var size = min(head.count, sampleSize)
    while true {
      let sample = UnsafeBufferPointer(rebasing: head[0..<size])
      let whole = isWholeFile && size == head.count
      let chosen: SampleRecords
      if let delimiter {
        chosen = SampleRecords(sample, delimiter: delimiter, isWholeFile: whole)
      } else {
        chosen = bestDelimiter(candidates.map { SampleRecords(sample, delimiter: $0, isWholeFile: whole) })
      }
      if chosen.records.count < 2, size < head.count, size < largeSampleSize {
        size = min(head.count, largeSampleSize)
        continue
      }
      return (chosen.delimiter, hasHeader ?? chosen.firstRowIsHeader)
    }
  }

  /// The candidate whose records all have the same number of columns, more
  /// than one (the most columns wins); failing that, the one whose first row
  /// has most company.
  private static func bestDelimiter(_ samples: [SampleRecords]) -> SampleRecords {
    var best: SampleRecords?
    for sample in samples where sample.isConsistent {
      if best == nil || sample.columns > (best?.columns ?? 0) { best = sample }
    }
    if let best { return best }
    // Nothing consistent (a ragged row or a bad quote in the sample, or one
    // overlong row): pick the likeliest so that reading reports the problem.
    var fallback = samples[0]
    var bestScore = (0, 0)
    for sample in samples where sample.columns > 1 {
      let score = (sample.records.filter { $0.count == sample.columns }.count, sample.columns)
      if score > bestScore {
        bestScore = score
        fallback = sample
      }
    }
    return fallback
  }
}

/// The records of a sample as one delimiter splits them.
private struct SampleRecords: CSVRecordSink {
  let delimiter: UInt8
  /// The complete records' cells.
  private(set) var records: [[[UInt8]]] = []
  /// The cells of a record cut off by the end of the sample.
  private var current: [[UInt8]] = []
  /// Whether the tokenizer failed (a character after a closing quote, an unterminated quote).
  private var failed = false

  init(_ sample: UnsafeBufferPointer<UInt8>, delimiter: UInt8, isWholeFile: Bool) {
    self.delimiter = delimiter
    var tokenizer = CSVTokenizer(delimiter: delimiter)
    do {
      try tokenizer.feed(sample, into: &self)
      if isWholeFile { try tokenizer.finish(into: &self) }
    } catch {
      failed = true
    }
  }

  mutating func cell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) {
    current.append(Array(bytes))
  }

  mutating func endRecord(line: Int, cells: Int) throws(CSVFailure) {
    records.append(current)
    current = []
  }

  /// The first row's cells: the first complete record, or the partial one.
  private var firstRow: [[UInt8]] { records.first ?? current }

  /// The number of columns in the first row.
  var columns: Int { firstRow.count }

  /// Whether every record has the same number of columns, more than one.
  var isConsistent: Bool {
    !failed && !records.isEmpty && columns > 1 && records.allSatisfy { $0.count == columns }
  }

  /// Whether the first row looks like column names (see ``CSVDialect``).
  var firstRowIsHeader: Bool {
    func isNumber(_ cell: [UInt8]) -> Bool { cell.withUnsafeBufferPointer { CSVNumber.isNumberLike($0) } }
    func isEmpty(_ cell: [UInt8]) -> Bool { cell.withUnsafeBufferPointer { CSVNumber.trimmed($0).isEmpty } }
    let first = firstRow
    let below = records.dropFirst()
    guard !below.isEmpty else { return !first.isEmpty && !first.contains(where: isNumber) }
    for (column, name) in first.enumerated() where !isEmpty(name) && !isNumber(name) {
      let cells = below.compactMap { column < $0.count ? $0[column] : nil }.filter { !isEmpty($0) }
      if !cells.isEmpty && cells.allSatisfy(isNumber) { return true }
    }
    return false
  }
}
