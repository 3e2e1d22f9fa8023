/// The reading loop behind ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``
/// and ``DatasetConversion``: the first MiB settles the dialect, then the file streams
/// through a ``CSVTokenizer`` into a ``CSVTableBuilder`` one chunk at a time.
enum CSVReader {
  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Reads `path` into memory; `chunkSize` is the size of each read (tests make it tiny to
  /// split cells, quotes and line ends across chunks).
  ///
  /// - Throws: as ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``.
  static func read(
    path: String, target: TargetColumn, delimiter: Character?, hasHeader: Bool?, classNames: [String]?,
    chunkSize: Int = 1 << 20
  ) throws -> CSVDataset {
    try stream(
      path: path, target: target, delimiter: delimiter, hasHeader: hasHeader, classNames: classNames,
      features: ChunkedDoubles(), chunkSize: chunkSize
    ) { (builder, dialect) throws(CSVFailure) in try builder.dataset(dialect: dialect) }
  }

  /// Streams `path` through a ``CSVTableBuilder`` that hands the features to `features`, then
  /// lets `finish` take the result from the builder; one chunk of `chunkSize` bytes is held
  /// at a time (the first MiB, for the dialect).
  ///
  /// - Throws: as ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``, the
  ///   problems worded with `path`, the line and the column's name; what `features` throws as
  ///   ``CSVFailure/output(_:)`` as it is.
  static func stream<Features: CSVFeatureSink, R>(
    path: String, target: TargetColumn, delimiter: Character?, hasHeader: Bool?, classNames: [String]?,
    features: Features, chunkSize: Int = 1 << 20,
    finish: (inout CSVTableBuilder<Features>, CSVDialect) throws(CSVFailure) -> R
  ) throws -> R {
    let givenDelimiter = try delimiter.map { (character) throws(ConfigurationError) in
      try CSVDialect.byte(of: character)
    }
    if let classNames { try check(classNames: classNames) }
    let file = try FileChunks(path: path)
    let chunkSize = max(1, chunkSize)
    let headSize = CSVDialect.largeSampleSize
    var buffer = [UInt8](repeating: 0, count: max(chunkSize, headSize))

    return try buffer.withUnsafeMutableBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      let headCount = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<headSize]))
      let skip = bytes.prefix(headCount).starts(with: byteOrderMark) ? byteOrderMark.count : 0
      let head = UnsafeBufferPointer(rebasing: bytes[skip..<headCount])
      let (delimiterByte, header) = CSVDialect.detect(
        head: head, isWholeFile: headCount < headSize, delimiter: givenDelimiter, hasHeader: hasHeader)
      let dialect = CSVDialect(delimiter: Character(UnicodeScalar(delimiterByte)), hasHeader: header)

      var builder = CSVTableBuilder(
        path: path, hasHeader: header, target: target, delimiterName: CSVDialect.name(of: dialect.delimiter),
        delimiterDetected: givenDelimiter == nil, classNames: classNames, features: features)
      var tokenizer = CSVTokenizer(delimiter: delimiterByte)
      do {
        var start = 0
        while start < head.count {
          let end = min(head.count, start + chunkSize)
          try tokenizer.feed(UnsafeBufferPointer(rebasing: head[start..<end]), into: &builder)
          start = end
        }
        if headCount == headSize {
          while true {
            let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<chunkSize]))
            if count == 0 { break }
            try tokenizer.feed(UnsafeBufferPointer(rebasing: bytes[0..<count]), into: &builder)
          }
        }
        try tokenizer.finish(into: &builder)
        return try finish(&builder, dialect)
      } catch let failure as CSVFailure {
        throw failure.error(path: path, names: builder.names)
      }
    }
  }

  /// The names of the columns of `path` from its first record, and whether
  /// that record is a header (detected as ``read(path:target:delimiter:hasHeader:classNames:chunkSize:)``
  /// detects it). Without a header the columns are named "column 1", "column 2", ….
  /// Reads only as far as the end of the first record.
  ///
  /// - Throws: ``FileFormatError`` naming `path` for a missing or unreadable
  ///   file, an empty one, or a first record that is not UTF-8 or never ends.
  static func columns(path: String, delimiter: Character? = nil, hasHeader: Bool? = nil) throws -> (
    names: [String], hasHeader: Bool
  ) {
    let givenDelimiter = try delimiter.map { (character) throws(ConfigurationError) in
      try CSVDialect.byte(of: character)
    }
    let file = try FileChunks(path: path)
    let headSize = CSVDialect.largeSampleSize
    var buffer = [UInt8](repeating: 0, count: headSize)
    return try buffer.withUnsafeMutableBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      let headCount = try file.read(into: raw)
      let skip = bytes.prefix(headCount).starts(with: byteOrderMark) ? byteOrderMark.count : 0
      let head = UnsafeBufferPointer(rebasing: bytes[skip..<headCount])
      let (delimiterByte, header) = CSVDialect.detect(
        head: head, isWholeFile: headCount < headSize, delimiter: givenDelimiter, hasHeader: hasHeader)
      var sink = FirstRecord()
      var tokenizer = CSVTokenizer(delimiter: delimiterByte)
      do {
        try tokenizer.feed(head, into: &sink)
        if !sink.isComplete, headCount < headSize { try tokenizer.finish(into: &sink) }
      } catch let failure as CSVFailure {
        // A problem further down is the full read's to report.
        if !sink.isComplete { throw failure.error(path: path, names: []) }
      }
      guard sink.isComplete else {
        throw FileFormatError(
          path: path, sink.cells.isEmpty ? "no data rows: the file is empty" : "the first record is longer than 1 MiB")
      }
      guard header else { return ((1...sink.cells.count).map { "column \($0)" }, false) }
      var names = [String]()
      for (k, cell) in sink.cells.enumerated() {
        let text = cell.withUnsafeBufferPointer { UTF8Text.decode(UnsafeRawBufferPointer(CSVNumber.trimmed($0))) }
        guard let text else {
          throw FileFormatError(
            path: path, "line \(sink.line), column \(k + 1): invalid UTF-8 byte sequence (CSV files must be UTF-8 text)"
          )
        }
        names.append(text.isEmpty ? "column \(k + 1)" : text)
      }
      return (names, true)
    }
  }

  /// Keeps the first record's cells and ignores the rest.
  private struct FirstRecord: CSVRecordSink {
    var cells: [[UInt8]] = []
    var line = 1
    var isComplete = false

    mutating func cell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) {
      guard !isComplete else { return }
      if cells.isEmpty { self.line = line }
      cells.append(Array(bytes))
    }

    mutating func endRecord(line: Int, cells: Int) throws(CSVFailure) {
      isComplete = !self.cells.isEmpty
    }
  }

  /// Class names must be non-empty, distinct and non-empty strings.
  ///
  /// - Throws: ``ConfigurationError`` for `classNames` otherwise.
  private static func check(classNames: [String]) throws(ConfigurationError) {
    guard !classNames.isEmpty else {
      throw ConfigurationError(parameter: "classNames", "no class names given; pass nil to take them from the file")
    }
    if let empty = classNames.firstIndex(where: \.isEmpty) {
      throw ConfigurationError(parameter: "classNames", "class \(empty) has an empty name")
    }
    var seen = Set<String>()
    for name in classNames where !seen.insert(name).inserted {
      throw ConfigurationError(parameter: "classNames", "the class name \"\(name)\" appears more than once")
    }
  }
}
