/// Receives the cells and records a ``CSVTokenizer`` finds.
protocol CSVRecordSink {
  /// One cell's bytes, unquoted (`""` already turned into `"`), starting on
  /// physical line `line` (1-based), the `index`-th (0-based) of its record.
  mutating func cell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure)
  /// The end of a record that started on `line` and held `cells` cells.
  mutating func endRecord(line: Int, cells: Int) throws(CSVFailure)
}

/// A problem found while reading a CSV file, before it is worded with the
/// file's path and the column's name (see ``CSVFailure/error(path:names:)``).
enum CSVFailure: Error {
  /// A problem at a physical line (1-based) and, where known, a column (0-based).
  case at(line: Int, column: Int?, problem: String)
  /// A problem with the file as a whole (no data rows).
  case file(problem: String)
  /// A parameter that does not fit the file (the target column, the class names).
  case configuration(ConfigurationError)
  /// A problem writing what the records become (a converter's output file), thrown as it is.
  case output(FileFormatError)

  /// The error to throw: ``FileFormatError`` as "line L, column C (name): problem"
  /// with 1-based line and column, or the ``ConfigurationError`` or output error itself.
  func error(path: String, names: [String]) -> any Error {
    switch self {
    case .configuration(let error): return error
    case .output(let error): return error
    case .file(let problem): return FileFormatError(path: path, problem)
    case .at(let line, let column, let problem):
      guard let column else { return FileFormatError(path: path, "line \(line): \(problem)") }
      // The column's name, unless it is only the number again (a file without a header).
      let name = column < names.count && names[column] != "column \(column + 1)" ? " (\(names[column]))" : ""
      return FileFormatError(path: path, "line \(line), column \(column + 1)\(name): \(problem)")
    }
  }
}

/// Splits CSV bytes into cells and records as RFC 4180 describes, fed in
/// chunks of any size (a cell or a quoted newline may straddle two chunks).
///
/// - Records end at LF, CRLF or a lone CR; the last one needs no line end.
/// - A cell that starts with `"` is quoted: it runs to the next `"` not
///   doubled, and may hold the delimiter, `""` (one quote) and line ends.
///   After its closing quote only the delimiter or a line end may follow.
///   A `"` inside an unquoted cell is an ordinary character.
/// - Empty lines (no bytes at all between two line ends) are skipped.
/// - Lines are physical: a quoted line end advances the line count.
struct CSVTokenizer {
  private enum State {
    /// At the start of a cell (or of a record).
    case cellStart
    /// Inside an unquoted cell whose bytes so far are in `pending`.
    case unquoted
    /// Inside a quoted cell.
    case quoted
    /// Just after a `"` inside a quoted cell: a closing quote or half of `""`.
    case quotedQuote
    /// Just after a CR that ended a record: a following LF belongs to it.
    case afterCR
  }

  private static let quote = UInt8(ascii: "\"")
  private static let lf = UInt8(ascii: "\n")
  private static let cr = UInt8(ascii: "\r")

  /// The byte between cells.
  let delimiter: UInt8
  private var state = State.cellStart
  /// The physical line (1-based) of the next byte.
  private(set) var line = 1
  private var recordLine = 1
  private var cellLine = 1
  /// Cells finished in the current record.
  private(set) var cellsInRecord = 0
  /// The current cell's bytes, for quoted cells and cells split across chunks.
  private var pending: [UInt8] = []
  /// Whether the last byte in a quoted cell was a CR (a following LF is the same line end).
  private var crInQuotes = false

  init(delimiter: UInt8) {
    self.delimiter = delimiter
  }

  /// Tokenizes the next chunk of the file.
  ///
  /// - Throws: ``CSVFailure`` for a character after a closing quote, or
  ///   whatever `sink` throws.
  mutating func feed<Sink: CSVRecordSink>(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink)
    throws(CSVFailure)
  {
    guard let base = bytes.baseAddress else { return }
    let count = bytes.count
    let delimiter = self.delimiter
    var i = 0
    while i < count {
      switch state {
      case .afterCR:
        state = .cellStart
        if base[i] == Self.lf { i += 1 }

      case .cellStart:
        let byte = base[i]
        cellLine = line
        if byte == Self.quote {
          pending.removeAll(keepingCapacity: true)
          crInQuotes = false
          state = .quoted
          i += 1
        } else if byte == delimiter {
          try emit(UnsafeBufferPointer(start: base + i, count: 0), into: &sink)
          i += 1
        } else if byte == Self.lf || byte == Self.cr {
          if cellsInRecord > 0 {
            try emit(UnsafeBufferPointer(start: base + i, count: 0), into: &sink)
          }
          try endLine(byte, into: &sink)
          i += 1
        } else {
          // An unquoted cell: its bytes are used in place unless the chunk ends first.
          var j = i + 1
          while j < count {
            let c = base[j]
            if c == delimiter || c == Self.lf || c == Self.cr { break }
            j += 1
          }
          if j == count {
            pending.removeAll(keepingCapacity: true)
            pending.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
            state = .unquoted
          } else {
            try emit(UnsafeBufferPointer(start: base + i, count: j - i), into: &sink)
            try terminate(base[j], into: &sink)
          }
          i = j + 1
        }

      case .unquoted:
        var j = i
        while j < count {
          let c = base[j]
          if c == delimiter || c == Self.lf || c == Self.cr { break }
          j += 1
        }
        pending.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
        if j < count {
          try emitPending(into: &sink)
          try terminate(base[j], into: &sink)
        }
        i = j + 1

      case .quoted:
        var j = i
        while j < count {
          let c = base[j]
          if c == Self.quote || c == Self.lf || c == Self.cr { break }
          j += 1
        }
        if j > i {
          pending.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
          crInQuotes = false
        }
        if j < count {
          let c = base[j]
          if c == Self.quote {
            state = .quotedQuote
          } else {
            pending.append(c)
            if c == Self.cr || !crInQuotes { line += 1 }
            crInQuotes = c == Self.cr
          }
        }
        i = j + 1

      case .quotedQuote:
        let c = base[i]
        if c == Self.quote {
          pending.append(c)
          state = .quoted
          crInQuotes = false
        } else if c == delimiter || c == Self.lf || c == Self.cr {
          try emitPending(into: &sink)
          try terminate(c, into: &sink)
        } else {
          throw .at(
            line: line, column: cellsInRecord,
            problem: "unexpected \(Self.describe(c)) after the closing quote of a quoted cell "
              + "(a quoted cell must be followed by the delimiter or a line end; write \"\" for a quote inside it)")
        }
        i += 1
      }
    }
    // A cell that never ends (a binary file, /dev/zero) is refused before it fills memory.
    if pending.count > Self.maximumCellBytes {
      throw .at(
        line: cellLine, column: cellsInRecord,
        problem: "a cell longer than \(Self.maximumCellBytes / (1 << 20)) MiB (is this a CSV file?)")
    }
  }

  /// The longest cell accepted: far beyond any number or label, short of a memory problem.
  static let maximumCellBytes = 16 << 20

  /// Ends the input: finishes a last record that has no line end.
  ///
  /// - Throws: ``CSVFailure`` for a quoted cell still open, or whatever `sink` throws.
  mutating func finish<Sink: CSVRecordSink>(into sink: inout Sink) throws(CSVFailure) {
    switch state {
    case .cellStart:
      if cellsInRecord > 0 {  // a delimiter just before the end: one more, empty, cell
        try emit(UnsafeBufferPointer(start: nil, count: 0), into: &sink)
        try finishRecord(into: &sink)
      }
    case .afterCR:
      break
    case .unquoted, .quotedQuote:
      try emitPending(into: &sink)
      try finishRecord(into: &sink)
    case .quoted:
      throw .at(
        line: cellLine, column: cellsInRecord,
        problem: "unterminated quoted cell: the quote that opens it is never closed before the end of the file")
    }
    state = .cellStart
  }

  /// Passes one cell to `sink`.
  @inline(__always)
  private mutating func emit<Sink: CSVRecordSink>(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink)
    throws(CSVFailure)
  {
    try sink.cell(bytes, line: cellLine, index: cellsInRecord)
    cellsInRecord += 1
  }

  /// Passes the cell held in `pending` to `sink`.
  private mutating func emitPending<Sink: CSVRecordSink>(into sink: inout Sink) throws(CSVFailure) {
    let line = cellLine
    let index = cellsInRecord
    try pending.withUnsafeBufferPointer { (bytes) throws(CSVFailure) in
      try sink.cell(bytes, line: line, index: index)
    }
    cellsInRecord += 1
  }

  /// Handles the delimiter or line end that ends a cell.
  @inline(__always)
  private mutating func terminate<Sink: CSVRecordSink>(_ byte: UInt8, into sink: inout Sink) throws(CSVFailure) {
    if byte == delimiter {
      state = .cellStart
    } else {
      try endLine(byte, into: &sink)
    }
  }

  /// A line end outside quotes: ends the record, if one is under way.
  private mutating func endLine<Sink: CSVRecordSink>(_ byte: UInt8, into sink: inout Sink) throws(CSVFailure) {
    if cellsInRecord > 0 { try finishRecord(into: &sink) }
    line += 1
    recordLine = line
    state = byte == Self.cr ? .afterCR : .cellStart
  }

  private mutating func finishRecord<Sink: CSVRecordSink>(into sink: inout Sink) throws(CSVFailure) {
    let cells = cellsInRecord
    cellsInRecord = 0
    try sink.endRecord(line: recordLine, cells: cells)
  }

  /// A byte as an error message shows it: 'x' when printable ASCII, else its hex value.
  static func describe(_ byte: UInt8) -> String {
    (0x20..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
  }
}
