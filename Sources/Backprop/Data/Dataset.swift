/// Examples and labels in the notes' layout, with what is known about them:
/// X (n[0], m) raw inputs, one example per column, and Y (rows, m).
///
/// Loaded from NumPy/IDX files (``arrays(inputs:labels:inputKey:labelKey:)``)
/// or a CSV table (``csv(path:target:classNames:)``), then split with
/// ``split(fraction:seed:stratify:)``. Kept in Double until training picks the scalar type.
public struct Dataset: Sendable {
  /// Raw inputs X, (features, m).
  public var x: Matrix<Double>
  /// Labels Y, (1, m) class indices or targets, or (k, m) for multi-output regression.
  public var y: Matrix<Double>
  /// The input columns' names, when the file has them.
  public var featureNames: [String]?
  /// The target column's name, when the file has it.
  public var targetName: String?
  /// Class index → name when the labels were strings.
  public var classNames: [String]?

  public init(
    x: Matrix<Double>, y: Matrix<Double>, featureNames: [String]? = nil, targetName: String? = nil,
    classNames: [String]? = nil
  ) throws(DataError) {
    guard x.columns == y.columns else {
      throw DataError("\(y.columns) labels for \(x.columns) examples; they must match one to one")
    }
    self.x = x
    self.y = y
    self.featureNames = featureNames
    self.targetName = targetName
    self.classNames = classNames
  }

  /// m, the number of examples.
  public var count: Int { x.columns }

  /// Reads inputs and labels from array files, each chosen by content: .npy,
  /// .npz (with `inputKey`/`labelKey` naming the arrays), IDX, each plain or gzip.
  ///
  /// The inputs' first axis is the sample axis, the other axes are flattened in
  /// C order. Labels may be (m,), (m, 1), (1, m) — Y is (1, m) — or (m, K),
  /// K > 1 — Y is (K, m): K regression targets, K independent 0/1 labels, or
  /// one-hot classes, which ``fitted(to:file:)`` turns into class indices for a
  /// softmax output.
  /// - Throws: ``FileFormatError`` naming the file; ``DataError`` when the counts
  ///   differ or an input is NaN or infinite.
  public static func arrays(
    inputs: String, labels: String, inputKey: String? = nil, labelKey: String? = nil
  ) throws -> Dataset {
    let x = try ArrayFile.read(path: inputs, key: inputKey).samples(as: Double.self, path: inputs)
    let labelArray = try ArrayFile.read(path: labels, key: labelKey)
    let y = try labelColumns(labelArray) ?? labelArray.labels(as: Double.self, path: labels)
    guard y.columns == x.columns else {
      throw DataError(
        "\(labels) holds \(y.columns) labels but \(inputs) holds \(x.columns) examples; they must match one to one")
    }
    try checkFinite(x, file: inputs)
    try checkFinite(y, file: labels)
    return try Dataset(x: x, y: y)
  }

  /// Reads a CSV table: every column but the target is a feature.
  ///
  /// - Parameters:
  ///   - target: the label column (the last by default); `.none` when every column is an input.
  ///   - classNames: an existing class mapping (a model's), so string labels are encoded the same way.
  /// - Throws: ``FileFormatError`` with `file:line:column` for bad cells.
  public static func csv(path: String, target: TargetColumn = .last, classNames: [String]? = nil) throws -> Dataset {
    let table = try CSVDataset.read(path: path, target: target, classNames: classNames)
    let y = target == .none ? Matrix(rows: 0, columns: table.count) : Matrix(rowMajor: [table.targets])
    return try Dataset(
      x: table.features, y: y, featureNames: table.featureNames, targetName: table.targetName, classNames: table.classNames)
  }

  /// The set with its labels as `output` takes them: for softmax, K label
  /// columns (one-hot rows) become class indices (1, m); for sigmoid and
  /// identity, K columns stay K labels (multi-label) or K targets.
  ///
  /// - Parameter file: the labels' file, for the messages.
  /// - Throws: ``DataError`` when a softmax's K columns are not one-hot rows;
  ///   ``ConfigurationError`` for `--output` when text class labels meet an
  ///   identity output (which would regress on their codes 0…K−1).
  public func fitted(to output: Output, file: String) throws -> Dataset {
    if output == .identity, let classNames, !classNames.isEmpty {
      let shown = classNames.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ") + (classNames.count > 3 ? ", …" : "")
      let column = targetName.map { "column \"\($0)\" of \(file)" } ?? file
      throw ConfigurationError(
        option: "--output identity",
        "regresses on numbers, but \(column) holds text labels (\(shown)); use --output softmax"
          + (classNames.count == 2 ? " or sigmoid (two classes)" : " (or sigmoid for two classes)"))
    }
    guard output == .softmax, y.rows > 1 else { return self }
    let k = y.rows
    var indices = Matrix<Double>(rows: 1, columns: count)
    for j in 0..<count {
      var hot = [Int]()
      for i in 0..<k {
        let value = y[i, j]
        guard value == 0 || value == 1 else { hot = []; break }
        if value == 1 { hot.append(i) }
      }
      guard hot.count == 1 else {
        throw DataError(
          "\(file): labels shaped (\(count), \(k)) must be one-hot rows for a softmax output (a single 1 per row); "
            + "row \(j) is not. Give class indices shaped (m,) instead, or use --output sigmoid for several labels "
            + "per example")
      }
      indices[0, j] = Double(hot[0])
    }
    var out = self
    out.y = indices
    return out
  }

  /// Divides every input by `divisor`, in place (the course's `x / 255.`).
  public mutating func divideInputs(by divisor: Double) {
    x.withUnsafeMutableBufferPointer { p in
      for k in p.indices { p[k] = p[k] / divisor }
    }
  }

  /// The examples at `indices`, in that order.
  public func subset(_ indices: [Int]) -> Dataset {
    var xs = Matrix<Double>(rows: x.rows, columns: indices.count)
    var ys = Matrix<Double>(rows: y.rows, columns: indices.count)
    for (column, index) in indices.enumerated() {
      for i in 0..<x.rows { xs[i, column] = x[i, index] }
      for i in 0..<y.rows { ys[i, column] = y[i, index] }
    }
    var out = self
    out.x = xs
    out.y = ys
    return out
  }

  /// Splits off a seeded random `fraction` of the examples: (the rest, the part split off).
  ///
  /// The examples are shuffled first (with ``DefaultGenerator`` seeded by `seed`),
  /// so a file sorted by class still gives representative parts. With
  /// `stratify`, each class (value of a one-row Y) is split in the same proportion.
  /// - Throws: ``ConfigurationError`` naming `option` when the fraction is not in (0, 1)
  ///   or leaves either part empty.
  public func split(fraction: Double, seed: UInt64, stratify: Bool = false, option: String = "--validation-split")
    throws(ConfigurationError) -> (rest: Dataset, heldOut: Dataset)
  {
    guard fraction > 0, fraction < 1 else {
      throw ConfigurationError(option: option, "\(fraction) must be between 0 and 1 (e.g. 0.2 for 20%)")
    }
    var generator = DefaultGenerator(seed: seed)
    var groups: [[Int]]
    if stratify {
      guard y.rows == 1 else {
        throw ConfigurationError(option: "--stratify", "needs one label per example (class indices), not \(y.rows) rows")
      }
      var byClass = [Double: [Int]]()
      for j in 0..<count { byClass[y[0, j], default: []].append(j) }
      groups = byClass.keys.sorted().compactMap { byClass[$0] }
    } else {
      groups = [Array(0..<count)]
    }
    var rest = [Int]()
    var heldOut = [Int]()
    for var group in groups {
      generator.shuffle(&group)
      let taken = Int((Double(group.count) * fraction).rounded())
      heldOut += group.prefix(taken)
      rest += group.dropFirst(taken)
    }
    guard !rest.isEmpty, !heldOut.isEmpty else {
      throw ConfigurationError(
        option: option, "\(fraction) of \(count) examples leaves \(rest.count) to train on and \(heldOut.count) held out")
    }
    generator.shuffle(&rest)
    generator.shuffle(&heldOut)
    return (subset(rest), subset(heldOut))
  }

  /// Labels shaped (m, K), K > 1, as Y (K, m); nil for any other shape.
  private static func labelColumns(_ array: NumPyArray) -> Matrix<Double>? {
    guard array.shape.count == 2, array.shape[1] > 1, array.shape[0] > 1 else { return nil }
    let (m, k) = (array.shape[0], array.shape[1])
    var y = Matrix<Double>(rows: k, columns: m)
    for j in 0..<m {
      for i in 0..<k { y[i, j] = array.scalars[j * k + i] }
    }
    return y
  }

  private static func checkFinite(_ x: Matrix<Double>, file: String) throws(DataError) {
    if let index = x.scalars.firstIndex(where: { !$0.isFinite }) {
      throw DataError(
        "\(file): example \(index / max(x.rows, 1)), feature \(index % max(x.rows, 1)) is \(x.scalars[index]); "
          + "inputs must be finite")
    }
  }
}
