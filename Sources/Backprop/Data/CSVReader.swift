/// The reading loop behind ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``:
/// the first MiB settles the dialect, then the file streams through a
/// ``CSVTokenizer`` into a ``CSVTableBuilder`` one chunk at a time.
enum CSVReader {
  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Reads `path`; `chunkSize` is the size of each read (tests make it tiny to
  /// split cells, quotes and line ends across chunks).
  ///
  /// - Throws: as ``CSVDataset/read(path:target:delimiter:hasHeader:classNames:)``.
  static func read(
    path: String, target: TargetColumn, delimiter: Character?, hasHeader: Bool?, classNames: [String]?,
    chunkSize: Int = 1 << 20
  ) throws -> CSVDataset {
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
        delimiterDetected: givenDelimiter == nil, classNames: classNames)
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
        return try builder.dataset(dialect: dialect)
      } catch let failure as CSVFailure {
        throw failure.error(path: path, names: builder.names)
      }
    }
  }

  /// Class names must be non-empty, distinct and non-empty strings.
  ///
  /// - Throws: ``ConfigurationError`` for `classNames` otherwise.
  private static func check(classNames: [String]) throws(ConfigurationError) {
    guard !classNames.isEmpty else {
      throw ConfigurationError(option: "classNames", "no class names given; pass nil to take them from the file")
    }
    if let empty = classNames.firstIndex(where: \.isEmpty) {
      throw ConfigurationError(option: "classNames", "class \(empty) has an empty name")
    }
    var seen = Set<String>()
    for name in classNames where !seen.insert(name).inserted {
      throw ConfigurationError(option: "classNames", "the class name \"\(name)\" appears more than once")
    }
  }
}
