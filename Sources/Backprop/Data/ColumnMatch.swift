/// The columns a model was trained on, for reading a table it is to be used on:
/// the inputs in the model's order, the label column and the classes.
///
/// ```swift
/// let columns = ModelColumns(model)
/// let (set, match) = try Dataset.csv(path: "new-flowers.csv", for: columns)
/// print(match)   // "Matched 4 columns by name"
/// ```
public struct ModelColumns: Sendable, Hashable {
  /// n[0], the number of inputs the model takes.
  public var inputCount: Int
  /// The inputs' names in the model's order, nil when unknown (trained on
  /// arrays, or on a table without a header).
  public var featureNames: [String]?
  /// The label column's name, when known.
  public var targetName: String?
  /// Class index → name for text labels.
  public var classNames: [String]?

  /// `featureNames` that are only the numbered names a table without a header
  /// gets ("column 1", …) say nothing about the columns: they count as unknown.
  public init(inputCount: Int, featureNames: [String]? = nil, targetName: String? = nil, classNames: [String]? = nil) {
    self.inputCount = inputCount
    let numbered = featureNames?.allSatisfy { name in
      name.hasPrefix("column ") && Int(name.dropFirst("column ".count)) != nil
    }
    self.featureNames = numbered == false && featureNames?.count == inputCount ? featureNames : nil
    self.targetName = numbered == false ? targetName : nil
    self.classNames = classNames
  }

  /// The columns of `model`.
  public init<Scalar: MatrixScalar>(_ model: Model<Scalar>) {
    self.init(
      inputCount: model.network.layerSizes[0], featureNames: model.featureNames, targetName: model.targetName,
      classNames: model.classNames)
  }
}

/// How ``Dataset/csv(path:for:target:)`` matched a table's columns to a model's inputs.
public struct ColumnMatch: Sendable, Hashable, CustomStringConvertible {
  /// Whether the inputs were found by their names in the header (and put in
  /// the model's order) or taken in the file's order.
  public var byName: Bool
  /// Why the columns were taken by position, when they were.
  public var reason: String?
  /// The number of input columns.
  public var inputCount: Int
  /// The label column's name, nil when the table holds inputs only.
  public var labelColumn: String?

  /// "Matched 4 columns by name" or "Took 4 columns by position (the table has no header)",
  /// then the label column.
  public var description: String {
    let how =
      byName
      ? "Matched \(inputCount) input columns by name"
      : "Took \(inputCount) input columns by position (\(reason ?? "no names to match"))"
    return how + (labelColumn.map { "; labels from column \"\($0)\"" } ?? "; no label column")
  }
}

extension Dataset {
  /// Reads a CSV table for a trained model: its input columns matched by name
  /// when both the table and the model know the names, so a table with the
  /// columns in another order gives the same answers; by position otherwise.
  ///
  /// - With a header and named model inputs: every input must be in the header
  ///   (any order); the label column is the model's ``ModelColumns/targetName``
  ///   when the header has it, else `target` when given, else there is none
  ///   (inputs only). Any other column is an error, as is a name appearing twice.
  /// - Otherwise (no header, or a model trained without names): the columns are
  ///   taken in order; n[0] + 1 columns hold the labels in `target` (default the
  ///   last), n[0] columns are inputs only.
  ///
  /// - Parameters:
  ///   - path: the CSV table, one row per example; its first record tells whether it has a header.
  ///   - columns: what the model takes (``ModelColumns/init(_:)``).
  ///   - target: the label column as the user named it, nil when not given.
  /// - Returns: the set, its X in the model's input order, and how the columns were matched.
  /// - Throws: ``DataError`` naming the file and the missing and extra columns,
  ///   or a column count that fits neither layout; ``FileFormatError`` for bad
  ///   cells and labels the model does not know; ``ConfigurationError`` for a
  ///   `target` not in the table.
  public static func csv(path: String, for columns: ModelColumns, target: TargetColumn? = nil) throws -> (
    Dataset, ColumnMatch
  ) {
    let (names, hasHeader) = try CSVReader.columns(path: path)
    guard hasHeader, let wanted = columns.featureNames else {
      let reason = hasHeader ? "the model has no input names" : "the table has no header"
      return try byPosition(path: path, names: names, columns: columns, target: target, reason: reason)
    }
    let labelColumn: TargetColumn? =
      columns.targetName.flatMap { names.contains($0) ? .name($0) : nil } ?? target
    let labelIndex = try labelColumn?.resolve(in: names, file: path)
    var inputs = names
    if let labelIndex { inputs.remove(at: labelIndex) }
    let missing = wanted.filter { !inputs.contains($0) }
    let extra = inputs.filter { !wanted.contains($0) }
    if !missing.isEmpty || !extra.isEmpty {
      var problem =
        missing.isEmpty
        ? ""
        : "the model needs \(missing.count == 1 ? "column" : "columns") \(TargetColumn.list(missing)), "
          + "missing from the header"
      if !extra.isEmpty {
        problem +=
          (problem.isEmpty ? "the model does not take " : "; extra ")
          + "\(extra.count == 1 ? "column" : "columns") \(TargetColumn.list(extra))"
        if labelColumn == nil {
          problem +=
            " (the model's label column is \(columns.targetName.map { "\"\($0)\"" } ?? "unnamed"); "
            + "name it as the `target` if the label column is named otherwise)"
        }
      }
      throw DataError("\(path): \(problem)")
    }
    if let repeated = wanted.first(where: { name in inputs.filter { $0 == name }.count > 1 }) {
      throw DataError(
        "\(path): \(inputs.filter { $0 == repeated }.count) columns are named \"\(repeated)\"; "
          + "the model's inputs are matched by name, so each must appear once")
    }
    let table = try CSVDataset.read(
      path: path, target: labelIndex.map { .index($0) } ?? .none, hasHeader: true,
      classNames: labelIndex == nil ? nil : columns.classNames)
    try checkLabels(
      table.classNames, given: labelIndex == nil ? nil : columns.classNames, path: path, column: table.targetName)
    // Row i of X is the model's input i: the file's column named wanted[i].
    let order = wanted.map { name in table.featureNames.firstIndex(of: name) ?? 0 }
    var x = Matrix<Double>(rows: wanted.count, columns: table.count)
    for j in 0..<table.count {
      for (i, row) in order.enumerated() { x[i, j] = table.features[row, j] }
    }
    let y = labelIndex == nil ? Matrix(rows: 0, columns: table.count) : Matrix(rowMajor: [table.targets])
    let set = try Dataset(
      x: x, y: y, featureNames: wanted, targetName: labelIndex == nil ? nil : table.targetName,
      classNames: table.classNames)
    return (set, ColumnMatch(byName: true, reason: nil, inputCount: wanted.count, labelColumn: set.targetName))
  }

  /// Text labels where the model was trained on numbers would be encoded
  /// afresh (in sorted order), meaning other classes than the model's.
  ///
  /// - Throws: ``DataError`` naming the file, the column and the labels.
  private static func checkLabels(_ read: [String]?, given: [String]?, path: String, column: String) throws(DataError) {
    guard given == nil, let read else { return }
    let texts = read.filter { Double($0) == nil }
    throw DataError(
      "\(path), column \"\(column)\": holds text labels (\(TargetColumn.list(Array(texts.prefix(5))))"
        + "\(texts.count > 5 ? ", …" : "")), but the model was trained on numbers (class indices or targets)")
  }

  /// The columns in file order: n[0] + 1 of them with a label column, n[0] without.
  private static func byPosition(
    path: String, names: [String], columns: ModelColumns, target: TargetColumn?, reason: String
  ) throws -> (Dataset, ColumnMatch) {
    let n0 = columns.inputCount
    let set: Dataset
    switch names.count {
    case n0 + 1: set = try csv(path: path, target: target ?? .last, classNames: columns.classNames)
    case n0 where target == nil: set = try csv(path: path, target: .none)
    default:
      throw DataError(
        "\(path) has \(names.count) columns, but the model takes \(n0) inputs (plus the label column, if any)"
          + (target != nil && names.count == n0 ? "; with the label column as the `target` that leaves \(n0 - 1)" : ""))
    }
    if set.y.rows > 0 {
      try checkLabels(set.classNames, given: columns.classNames, path: path, column: set.targetName ?? "")
    }
    let label = set.y.rows > 0 ? set.targetName : nil
    return (set, ColumnMatch(byName: false, reason: reason, inputCount: set.x.rows, labelColumn: label))
  }
}
