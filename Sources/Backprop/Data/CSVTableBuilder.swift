/// Where a ``CSVTableBuilder`` puts the numbers of the feature cells, in file order.
protocol CSVFeatureSink {
  /// The first record has given the columns: each row holds `features` features.
  mutating func begin(features: Int) throws(CSVFailure)
  /// Feature `feature` (0-based, counting features only) of the row being read.
  mutating func append(_ value: Double, feature: Int)
  /// The row that started on physical line `line` is complete: every one of its features was
  /// appended, and it has as many cells as the first record.
  mutating func endRow(line: Int) throws(CSVFailure)
}

/// In memory: the features one after another, which is the (n, m) matrix's column-major order.
extension ChunkedDoubles: CSVFeatureSink {
  func begin(features: Int) {}

  @inline(__always)
  mutating func append(_ value: Double, feature: Int) { append(value) }

  func endRow(line: Int) {}
}

/// Builds a table from a CSV file's records as they stream past: the first
/// record gives the column count (and, with a header, the names); every later
/// cell is parsed on arrival, features handed to `features` (in memory for a
/// ``CSVDataset``, written out by ``DatasetConversion``), targets kept in
/// memory. Only the first record is kept as text.
struct CSVTableBuilder<Features: CSVFeatureSink>: CSVRecordSink {
  /// The most distinct labels a target column may hold as class labels (ids fit a `UInt16`).
  static var maxClasses: Int { 1 << 16 }

  let path: String
  let hasHeader: Bool
  let target: TargetColumn
  /// The delimiter's name and whether it was detected, for the one-column error.
  let delimiterName: String
  let delimiterDetected: Bool
  /// Class names given by the caller, and their indices.
  let givenClassNames: [String]?
  private let classIndex: [String: Int]?

  /// The names of all the columns, known once the first record ends.
  private(set) var names: [String] = []
  private var columnCount = 0
  private var targetIndex = 0
  private var firstLine = 1
  private var sawFirstRecord = false
  private var firstCells: [[UInt8]] = []
  private var firstCellLines: [Int] = []
  private var rows = 0

  /// Where the feature cells' numbers go.
  private(set) var features: Features
  private var numericTargets = ChunkedDoubles()
  /// Each row's target as an index into `labelTexts`, while the column may
  /// still turn out to hold class labels (at most `maxClasses` distinct texts).
  private var labelIDs: [UInt16] = []
  private var labelTable: [String: UInt16] = [:]
  private var labelTexts: [String] = []
  private var tracksLabels = true
  /// Whether a target cell was not a number, so the column holds class labels.
  private var isLabelColumn = false

  init(
    path: String, hasHeader: Bool, target: TargetColumn, delimiterName: String, delimiterDetected: Bool,
    classNames: [String]?, features: Features
  ) {
    self.features = features
    self.path = path
    self.hasHeader = hasHeader
    self.target = target
    self.delimiterName = delimiterName
    self.delimiterDetected = delimiterDetected
    self.givenClassNames = classNames
    self.classIndex = classNames.map { Dictionary(zip($0, $0.indices), uniquingKeysWith: { first, _ in first }) }
  }

  // MARK: Records

  mutating func cell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) {
    guard sawFirstRecord else {
      firstCells.append(Array(bytes))
      firstCellLines.append(line)
      return
    }
    guard index < columnCount else { return }  // a ragged row, reported at its end
    if index == targetIndex {
      try targetCell(bytes, line: line, index: index)
    } else {
      try featureCell(bytes, line: line, index: index)
    }
  }

  mutating func endRecord(line: Int, cells: Int) throws(CSVFailure) {
    guard sawFirstRecord else {
      try firstRecord(line: line, cells: cells)
      return
    }
    guard cells == columnCount else {
      throw .at(
        line: line, column: nil,
        problem: "expected \(columnCount) columns, as on line \(firstLine), found \(cells)")
    }
    try endRow(line: line)
  }

  private mutating func endRow(line: Int) throws(CSVFailure) {
    try features.endRow(line: line)
    rows += 1
  }

  /// Takes the column count and names from the first record, finds the target,
  /// and reads the record as data when there is no header.
  private mutating func firstRecord(line: Int, cells: Int) throws(CSVFailure) {
    sawFirstRecord = true
    firstLine = line
    columnCount = cells
    guard cells > 1 || target == .none else {
      let missing =
        delimiterDetected ? "no comma, semicolon or tab separates its cells" : "no \(delimiterName) separates its cells"
      throw .at(
        line: line, column: nil,
        problem: "only one column (\(missing)); a data set needs at least one feature column and a target column")
    }
    if hasHeader {
      names = []
      for (k, bytes) in firstCells.enumerated() {
        let name = try text(bytes, line: firstCellLines[k], index: k)
        names.append(name.isEmpty ? "column \(k + 1)" : name)
      }
    } else {
      names = (1...cells).map { "column \($0)" }
    }
    do {
      targetIndex = try target.resolve(in: names, file: path)
    } catch {
      throw .configuration(error)
    }
    try features.begin(features: targetIndex < names.count ? names.count - 1 : names.count)
    let record = firstCells
    let lines = firstCellLines
    firstCells = []
    firstCellLines = []
    if !hasHeader {
      for (k, bytes) in record.enumerated() {
        try bytes.withUnsafeBufferPointer { (cell) throws(CSVFailure) in try self.cell(cell, line: lines[k], index: k) }
      }
      try endRow(line: line)
    }
  }

  // MARK: Cells

  @inline(__always)
  private mutating func featureCell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) {
    switch CSVNumber.parse(bytes) {
    case .finite(let value):
      features.append(value, feature: index < targetIndex ? index : index - 1)
    case .empty:
      throw .at(line: line, column: index, problem: "empty cell (feature cells must hold numbers)")
    case .nonFinite:
      throw .at(
        line: line, column: index,
        problem: "\(Self.quoted(bytes)) is not a finite number (features must be finite)")
    case .notANumber:
      guard UTF8Text.decode(UnsafeRawBufferPointer(bytes)) != nil else {
        throw Self.invalidUTF8(line: line, index: index)
      }
      throw .at(
        line: line, column: index, problem: "\(Self.quoted(bytes)) is not a number (feature cells must hold numbers)")
    }
  }

  private mutating func targetCell(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) {
    if let classIndex {
      let label = try text(bytes, line: line, index: index)
      guard !label.isEmpty else { throw .at(line: line, column: index, problem: "empty cell (no label)") }
      guard let k = classIndex[label] else {
        throw .at(
          line: line, column: index,
          problem: "unknown class \(Self.quoted(bytes)); the model knows \(givenClassNames?.count ?? 0) classes: "
            + TargetColumn.list(givenClassNames ?? []))
      }
      numericTargets.append(Double(k))
      return
    }
    switch CSVNumber.parse(bytes) {
    case .finite(let value):
      if !isLabelColumn { numericTargets.append(value) }
    case .empty:
      throw .at(line: line, column: index, problem: "empty cell (no target)")
    case .nonFinite:
      throw .at(
        line: line, column: index,
        problem: "\(Self.quoted(bytes)) is not a finite number (targets must be finite numbers or class labels)")
    case .notANumber:
      if !isLabelColumn {
        guard tracksLabels else {
          throw .at(
            line: line, column: index,
            problem: "\(Self.quoted(bytes)) is not a number, but the rows above hold more than "
              + "\(Self.maxClasses) distinct numbers in this column, too many to be class labels")
        }
        isLabelColumn = true
        numericTargets = ChunkedDoubles()
      }
    }
    guard tracksLabels else { return }
    let label = try text(bytes, line: line, index: index)
    if let id = labelTable[label] {
      labelIDs.append(id)
      return
    }
    guard labelTexts.count < Self.maxClasses else {
      if isLabelColumn {
        throw .at(
          line: line, column: index,
          problem: "more than \(Self.maxClasses) distinct labels in this column, too many classes "
            + "(is it the right target column?)")
      }
      // Plainly numbers (regression targets): stop keeping the texts.
      tracksLabels = false
      labelIDs = []
      labelTable = [:]
      labelTexts = []
      return
    }
    let id = UInt16(labelTexts.count)
    labelTable[label] = id
    labelTexts.append(label)
    labelIDs.append(id)
  }

  // MARK: Result

  /// What a table holds besides its features.
  struct Targets {
    /// One per row (none without a target column): the column's numbers, or class indices into `classNames`.
    var values: [Double]
    /// The classes of a text label column (sorted, or as given); nil for numbers.
    var classNames: [String]?
    /// Every column's name but the target's, in file order.
    var featureNames: [String]
    var targetName: String
    /// The target column's 0-based index among all the columns.
    var targetIndex: Int
  }

  /// The targets read, with text labels encoded as class indices; the numbers move out of the
  /// builder, and its label tracking is freed.
  ///
  /// - Throws: ``CSVFailure`` when the file holds no data rows.
  mutating func takeTargets() throws(CSVFailure) -> Targets {
    guard sawFirstRecord else { throw .file(problem: "no data rows: the file is empty") }
    guard rows > 0 else { throw .file(problem: "no data rows: the file holds only the header on line \(firstLine)") }
    let targets: [Double]
    let classNames: [String]?
    if let givenClassNames {
      (targets, classNames) = (numericTargets.takeAll(), givenClassNames)
    } else if isLabelColumn {
      // Class indices in sorted order (by code point, as NumPy's unique and scikit-learn's LabelEncoder).
      let order = labelTexts.indices.sorted { labelTexts[$0].utf8.lexicographicallyPrecedes(labelTexts[$1].utf8) }
      var rank = [Double](repeating: 0, count: order.count)
      for (position, id) in order.enumerated() { rank[id] = Double(position) }
      (targets, classNames) = (labelIDs.map { rank[Int($0)] }, order.map { labelTexts[$0] })
    } else {
      (targets, classNames) = (numericTargets.takeAll(), nil)
    }
    labelIDs = []
    labelTable = [:]
    var featureNames = names
    let targetName = targetIndex < featureNames.count ? featureNames.remove(at: targetIndex) : ""
    return Targets(
      values: targets, classNames: classNames, featureNames: featureNames, targetName: targetName,
      targetIndex: targetIndex)
  }
}

extension CSVTableBuilder where Features == ChunkedDoubles {
  /// The data set read; the numbers move out of the builder into it (no copy
  /// of the features is ever held beside them).
  ///
  /// - Throws: ``CSVFailure`` when the file holds no data rows.
  mutating func dataset(dialect: CSVDialect) throws(CSVFailure) -> CSVDataset {
    // The label tracking is freed before the features are joined.
    let targets = try takeTargets()
    let matrix: Matrix<Double>
    do {
      matrix = try Matrix(
        rows: targets.featureNames.count, columns: rows, columnMajor: features.takeAll())
    } catch {
      throw .file(problem: "internal error: \(error.message)")
    }
    return CSVDataset(
      features: matrix, targets: targets.values, featureNames: targets.featureNames, targetName: targets.targetName,
      targetIndex: targets.targetIndex, classNames: targets.classNames, dialect: dialect)
  }
}

extension CSVTableBuilder {
  // MARK: Text

  /// A cell's text, trimmed of spaces and tabs.
  ///
  /// - Throws: ``CSVFailure`` when the bytes are not UTF-8.
  private func text(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, index: Int) throws(CSVFailure) -> String {
    guard let text = UTF8Text.decode(UnsafeRawBufferPointer(CSVNumber.trimmed(bytes))) else {
      throw Self.invalidUTF8(line: line, index: index)
    }
    return text
  }

  private func text(_ bytes: [UInt8], line: Int, index: Int) throws(CSVFailure) -> String {
    try bytes.withUnsafeBufferPointer { (buffer) throws(CSVFailure) in try text(buffer, line: line, index: index) }
  }

  private static func invalidUTF8(line: Int, index: Int) -> CSVFailure {
    .at(line: line, column: index, problem: "invalid UTF-8 byte sequence (CSV files must be UTF-8 text)")
  }

  /// The cell's text in quotes, cut to 40 characters, for messages.
  static func quoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let text = String(decoding: CSVNumber.trimmed(bytes), as: UTF8.self)
    let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
    return "\"\(shown)\""
  }
}
