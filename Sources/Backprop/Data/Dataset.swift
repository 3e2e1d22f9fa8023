/// Examples and labels in the notes' layout, with what is known about them:
/// X (n[0], m) raw inputs, one example per column, and Y (rows, m).
///
/// Loaded from NumPy/IDX files (``arrays(inputs:labels:inputKey:labelKey:as:)``)
/// or a CSV table (``csv(path:target:classNames:)``), then split with
/// ``split(fraction:seed:stratify:)``. The inputs are kept in the precision
/// they were loaded in (``storage``): read for float32 training, a float32 file stays
/// one `Float` array from the file to the network, with no `Double` copy;
/// ``features(as:)`` hands it over without conversion, ``x`` as `Double`.
public struct Dataset: Sendable {
  /// The inputs X (features, m) in the precision they are kept in.
  public enum FeatureStorage: Sendable {
    /// Single precision, for float32 training.
    case float32(Matrix<Float>)
    /// Double precision: CSV tables, and arrays read for float64 training.
    case float64(Matrix<Double>)

    /// The number of features, n[0].
    public var rows: Int {
      switch self {
      case .float32(let x): x.rows
      case .float64(let x): x.rows
      }
    }

    /// The number of examples, m.
    public var columns: Int {
      switch self {
      case .float32(let x): x.columns
      case .float64(let x): x.columns
      }
    }

    /// The NumPy name of the precision: `"float32"` or `"float64"`.
    public var dtypeName: String {
      switch self {
      case .float32: Float.dtypeName
      case .float64: Double.dtypeName
      }
    }
  }

  /// Raw inputs X (features, m), in their own precision.
  public private(set) var storage: FeatureStorage
  /// Labels Y, (1, m) class indices or targets, or (k, m) for multi-output regression.
  public var y: Matrix<Double>
  /// The input columns' names, when the file has them.
  public var featureNames: [String]?
  /// The target column's name, when the file has it.
  public var targetName: String?
  /// Class index → name when the labels were strings.
  public var classNames: [String]?

  /// Raw inputs X, (features, m), as `Double`: the storage itself when it is float64, else a
  /// converted copy (exact). Setting it stores float64 inputs.
  public var x: Matrix<Double> {
    get { features(as: Double.self) }
    set { storage = .float64(newValue) }
  }

  /// X (features, m) as `S`: the storage itself, without a copy, when it is of that precision.
  public func features<S: MatrixScalar>(as _: S.Type = S.self) -> Matrix<S> {
    switch storage {
    case .float32(let x): x.converted(to: S.self)
    case .float64(let x): x.converted(to: S.self)
    }
  }

  /// The number of features per example, n[0].
  public var featureCount: Int { storage.rows }

  public init(
    x: Matrix<Double>, y: Matrix<Double>, featureNames: [String]? = nil, targetName: String? = nil,
    classNames: [String]? = nil
  ) throws(DataError) {
    try self.init(
      storage: .float64(x), y: y, featureNames: featureNames, targetName: targetName, classNames: classNames)
  }

  /// A set over inputs kept as they are given: float32 stays float32.
  ///
  /// - Throws: ``DataError`` when X and Y hold different numbers of examples.
  public init(
    storage: FeatureStorage, y: Matrix<Double>, featureNames: [String]? = nil, targetName: String? = nil,
    classNames: [String]? = nil
  ) throws(DataError) {
    guard storage.columns == y.columns else {
      throw DataError("\(y.columns) labels for \(storage.columns) examples; they must match one to one")
    }
    self.storage = storage
    self.y = y
    self.featureNames = featureNames
    self.targetName = targetName
    self.classNames = classNames
  }

  /// m, the number of examples.
  public var count: Int { storage.columns }

  /// Reads inputs and labels from array files, each chosen by content: .npy,
  /// .npz (with `inputKey`/`labelKey` naming the arrays), IDX, each plain or gzip;
  /// the inputs are kept as `Double`.
  ///
  /// See ``arrays(inputs:labels:inputKey:labelKey:as:)``.
  public static func arrays(
    inputs: String, labels: String, inputKey: String? = nil, labelKey: String? = nil
  ) throws -> Dataset {
    try arrays(inputs: inputs, labels: labels, inputKey: inputKey, labelKey: labelKey, as: Double.self)
  }

  /// Reads inputs and labels from array files, each chosen by content: .npy,
  /// .npz (with `inputKey`/`labelKey` naming the arrays), IDX, each plain or gzip,
  /// with the inputs converted once, straight from the file, to `S` and kept so.
  ///
  /// A plain file is memory-mapped and converted page by page into the dataset's own
  /// array (a little-endian float32 `.npy` read as `Float` is a single copy).
  /// The inputs' first axis is the sample axis, the other axes are flattened in
  /// C order. Labels may be (m,), (m, 1), (1, m) — Y is (1, m) — or (m, K),
  /// K > 1 — Y is (K, m): K regression targets, K independent 0/1 labels, or
  /// one-hot classes, which ``fitted(to:file:)`` turns into class indices for a
  /// softmax output.
  /// - Throws: ``FileFormatError`` naming the file; ``DataError`` when the counts
  ///   differ or an input is NaN or infinite.
  public static func arrays<S: MatrixScalar>(
    inputs: String, labels: String, inputKey: String? = nil, labelKey: String? = nil, as _: S.Type
  ) throws -> Dataset {
    let storage: FeatureStorage
    if S.self == Float.self {
      storage = .float32(try samples(inputs, key: inputKey, as: Float.self))
    } else {
      storage = .float64(try samples(inputs, key: inputKey, as: Double.self))
    }
    let y = try Self.labels(path: labels, key: labelKey)
    guard y.columns == storage.columns else {
      throw DataError(
        "\(labels) holds \(y.columns) labels but \(inputs) holds \(storage.columns) examples; they must match one to one"
      )
    }
    switch storage {
    case .float32(let x): try checkFinite(x, file: inputs)
    case .float64(let x): try checkFinite(x, file: inputs)
    }
    try checkFinite(y, file: labels)
    return try Dataset(storage: storage, y: y)
  }

  /// Y from an array file (.npy, .npz with `key`, IDX; plain or gzip), as
  /// ``arrays(inputs:labels:inputKey:labelKey:as:)`` reads its labels: shaped (m,), (m, 1) or
  /// (1, m) → (1, m); (m, K) with K > 1 → (K, m). Every value is checked.
  /// - Throws: ``FileFormatError`` naming the file; ``DataError`` for a NaN or infinite label.
  public static func labels(path: String, key: String? = nil) throws -> Matrix<Double> {
    let labelArray = try ArrayFile.read(path: path, key: key, as: Double.self).array
    let y = try labelArray.labelColumns() ?? labelArray.labels(path: path)
    try checkFinite(y, file: path)
    return y
  }

  /// The inputs in `path` as (features, m) of `T`.
  private static func samples<T: MatrixScalar>(_ path: String, key: String?, as _: T.Type) throws -> Matrix<T> {
    try ArrayFile.read(path: path, key: key, as: T.self).array.samples(path: path)
  }

  /// Reads a CSV table: every column but the target is a feature.
  ///
  /// - Parameters:
  ///   - path: the CSV file, one row per example (read by ``CSVDataset``).
  ///   - target: the label column (the last by default); `.none` when every column is an input.
  ///   - classNames: an existing class mapping (a model's), so string labels are encoded the same way.
  /// - Throws: ``FileFormatError`` with `file:line:column` for bad cells.
  public static func csv(path: String, target: TargetColumn = .last, classNames: [String]? = nil) throws -> Dataset {
    let table = try CSVDataset.read(path: path, target: target, classNames: classNames)
    let y = target == .none ? Matrix<Double>(rows: 0, columns: table.count) : Matrix(rowMajor: [table.targets])
    return try Dataset(
      x: table.features, y: y, featureNames: table.featureNames, targetName: table.targetName,
      classNames: table.classNames)
  }

  /// The set with its labels as `output` takes them: for softmax, K label
  /// columns (one-hot rows) become class indices (1, m); for sigmoid and
  /// identity, K columns stay K labels (multi-label) or K targets.
  ///
  /// - Parameter output: the output layer the labels are for (``Output/softmax``, ``Output/sigmoid``
  ///   or ``Output/identity``).
  /// - Parameter file: the labels' file, for the messages.
  /// - Throws: ``DataError`` when a softmax's K columns are not one-hot rows;
  ///   ``ConfigurationError`` for `output` when text class labels meet an
  ///   identity output (which would regress on their codes 0…K−1).
  public func fitted(to output: Output, file: String) throws -> Dataset {
    if output == .identity, let classNames, !classNames.isEmpty {
      let shown = classNames.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ") + (classNames.count > 3 ? ", …" : "")
      let column = targetName.map { "column \"\($0)\" of \(file)" } ?? file
      throw ConfigurationError(
        parameter: "output",
        "identity regresses on numbers, but \(column) holds text labels (\(shown)); use softmax"
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
            + "row \(j) is not. Give class indices shaped (m,) instead, or use a sigmoid `output` for several labels "
            + "per example")
      }
      indices[0, j] = Double(hot[0])
    }
    var out = self
    out.y = indices
    return out
  }

  /// Divides every input by `divisor`, in place (the course's `x / 255.`).
  /// Float32 inputs are divided in Double and rounded back to Float.
  public mutating func divideInputs(by divisor: Double) {
    switch storage {
    case .float32(var x):
      storage = .float64(Matrix(rows: 0, columns: 0))  // x holds the only reference while it changes
      x.withUnsafeMutableBufferPointer { p in
        for k in p.indices { p[k] = Float(Double(p[k]) / divisor) }
      }
      storage = .float32(x)
    case .float64(var x):
      storage = .float64(Matrix(rows: 0, columns: 0))
      x.withUnsafeMutableBufferPointer { p in
        for k in p.indices { p[k] = p[k] / divisor }
      }
      storage = .float64(x)
    }
  }

  /// The examples at `indices`, in that order, in the inputs' own precision.
  public func subset(_ indices: [Int]) -> Dataset {
    var out = self
    switch storage {
    case .float32(let x): out.storage = .float32(Self.gather(x, indices))
    case .float64(let x): out.storage = .float64(Self.gather(x, indices))
    }
    out.y = Self.gather(y, indices)
    return out
  }

  /// Columns `indices` of `x`, in that order.
  private static func gather<T: MatrixScalar>(_ x: Matrix<T>, _ indices: [Int]) -> Matrix<T> {
    let rows = x.rows
    let elements = x.withUnsafeBufferPointer { source in
      [T](unsafeUninitializedCapacity: rows * indices.count) { buffer, initialized in
        for (column, index) in indices.enumerated() {
          precondition(index >= 0 && index < x.columns, "example \(index) out of range 0..<\(x.columns)")
          for i in 0..<rows { buffer[i + column * rows] = source[i + index * rows] }
        }
        initialized = rows * indices.count
      }
    }
    return Matrix(rows: rows, columns: indices.count, unchecked: elements)
  }

  /// Splits off a seeded random `fraction` of the examples: (the rest, the part split off).
  ///
  /// The examples are shuffled first (with ``DefaultGenerator`` seeded by `seed`),
  /// so a file sorted by class still gives representative parts. With
  /// `stratify`, each class (value of a one-row Y) is split in the same proportion.
  /// - Throws: ``ConfigurationError`` naming `fraction` when it is not in (0, 1)
  ///   or leaves either part empty.
  public func split(fraction: Double, seed: UInt64, stratify: Bool = false)
    throws(ConfigurationError) -> (rest: Dataset, heldOut: Dataset)
  {
    try split(fraction: fraction, seed: seed, stratify: stratify, parameter: "fraction")
  }

  /// ``split(fraction:seed:stratify:)``, its errors naming `parameter`.
  func split(fraction: Double, seed: UInt64, stratify: Bool, parameter: String)
    throws(ConfigurationError) -> (rest: Dataset, heldOut: Dataset)
  {
    guard fraction > 0, fraction < 1 else {
      throw ConfigurationError(parameter: parameter, "\(fraction) must be between 0 and 1 (e.g. 0.2 for 20%)")
    }
    var generator = DefaultGenerator(seed: seed)
    var groups: [[Int]]
    if stratify {
      guard y.rows == 1 else {
        throw ConfigurationError(
          parameter: "stratify", "needs one label per example (class indices), not \(y.rows) rows")
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
        parameter: parameter,
        "\(fraction) of \(count) examples leaves \(rest.count) to train on and \(heldOut.count) held out")
    }
    generator.shuffle(&rest)
    generator.shuffle(&heldOut)
    return (subset(rest), subset(heldOut))
  }

  /// The held-out sets a training run takes from its training set, the rule `backprop
  /// train` follows: first a test part of `test` (seeded by `seed + 1`, stratified by
  /// class when `stratify`), then a validation part of `validation` of what remains
  /// (`seed + 2`, stratified by class for a classification output with one label row,
  /// or when `stratify`). A nil fraction takes nothing.
  ///
  /// ```swift
  /// let sets = try Dataset.csv(path: "iris.csv").fitted(to: .softmax, file: "iris.csv")
  ///   .heldOut(validation: 0.2, test: 0.2, seed: 1, output: .softmax)
  /// ```
  /// - Parameters:
  ///   - validation: the fraction of the examples left after the test part to validate on, or nil.
  ///   - test: the fraction of the examples to test on, or nil.
  ///   - seed: the run's seed; the parts use `seed + 1` and `seed + 2`.
  ///   - output: the network's output (a classification output stratifies the validation part).
  ///   - stratify: stratify both parts by class.
  /// - Throws: ``ConfigurationError`` naming `validation` or `test` when that fraction is not in (0, 1)
  ///   or leaves a part empty.
  public func heldOut(
    validation: Double?, test: Double?, seed: UInt64, output: Output, stratify: Bool = false
  ) throws(ConfigurationError) -> (training: Dataset, validation: Dataset?, test: Dataset?) {
    var training = self
    var testPart: Dataset?
    if let test {
      let parts = try training.split(fraction: test, seed: seed &+ 1, stratify: stratify, parameter: "test")
      (training, testPart) = (parts.rest, parts.heldOut)
    }
    var validationPart: Dataset?
    if let validation {
      let byClass = (stratify || output.isClassification) && training.y.rows == 1
      let parts = try training.split(
        fraction: validation, seed: seed &+ 2, stratify: byClass, parameter: "validation")
      (training, validationPart) = (parts.rest, parts.heldOut)
    }
    return (training, validationPart, testPart)
  }

  /// The examples at positions `start..<end`, Python-slice style: a negative bound counts
  /// from the end, nil is the first (or past the last) example, bounds are clamped.
  /// - Parameters:
  ///   - start: the first position, or nil for 0.
  ///   - end: the position after the last, or nil for the count.
  /// - Throws: ``ConfigurationError`` when the range selects no example.
  public func examples(start: Int?, end: Int?) throws(ConfigurationError) -> Dataset {
    let m = count
    func resolve(_ value: Int?, _ fallback: Int) -> Int {
      guard let value else { return fallback }
      return Swift.min(Swift.max(value < 0 ? m + value : value, 0), m)
    }
    let (lower, upper) = (resolve(start, 0), resolve(end, m))
    guard lower < upper else {
      let range = "\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")"
      throw ConfigurationError(parameter: "examples", "\(range) selects no examples of the \(m) in the file")
    }
    return subset(Array(lower..<upper))
  }

  private static func checkFinite<T: MatrixScalar>(_ x: Matrix<T>, file: String) throws(DataError) {
    let index = x.withUnsafeBufferPointer { p in p.firstIndex { !$0.isFinite } }
    if let index {
      throw DataError(
        "\(file): example \(index / max(x.rows, 1)), feature \(index % max(x.rows, 1)) is \(x.scalars[index]); "
          + "inputs must be finite")
    }
  }
}
