import Foundation

/// `dataset.json`, written by ``DatasetConversion`` beside the arrays it describes: where they
/// are, their shape and type, the names of the columns and classes, and each feature's
/// statistics over the raw values — what training from memory-mapped arrays needs to
/// standardise or min-max scale its inputs without a pass over them first.
///
/// ```json
/// {
///   "format": "backprop-dataset", "version": 1, "source": ["iris.csv"],
///   "examples": 150, "features": 4, "inputs": "x.npy", "labels": "y.npy", "dtype": "float32",
///   "featureNames": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
///   "targetName": "species", "classNames": ["setosa", "versicolor", "virginica"],
///   "statistics": {"mean": [5.84, …], "standardDeviation": [0.83, …], "minimum": [4.3, …], "maximum": [7.9, …]}
/// }
/// ```
///
/// ```swift
/// let path = "iris/dataset.json"
/// let description = try DatasetDescription.read(path: path)
/// let x = DatasetDescription.resolve(description.inputs, besides: path)   // "iris/x.npy"
/// let preprocessing = try description.preprocessing(.standardize, divisor: 1)
/// ```
///
/// The inputs are (examples, features) in C order, one example per row, of ``dtype``; the
/// labels are float64 (examples,): the target column's numbers, or class indices into
/// ``classNames``. Keys whose value is unknown (``featureNames`` of IDX images) hold `null`.
public struct DatasetDescription: Sendable, Hashable, Codable {
  /// Each feature's statistics over the raw values (before any scaling), in feature order.
  public struct Statistics: Sendable, Hashable, Codable {
    public var mean: [Double]
    /// The population standard deviation (dividing by m, as ``Preprocessing/fit(_:to:divisor:)``).
    public var standardDeviation: [Double]
    public var minimum: [Double]
    public var maximum: [Double]

    /// Statistics from their lists, one value per feature in each.
    public init(mean: [Double], standardDeviation: [Double], minimum: [Double], maximum: [Double]) {
      self.mean = mean
      self.standardDeviation = standardDeviation
      self.minimum = minimum
      self.maximum = maximum
    }

    /// The statistics gathered while the data streamed past.
    public init(_ statistics: FeatureStatistics) {
      self.init(
        mean: statistics.mean, standardDeviation: statistics.standardDeviation, minimum: statistics.minimum,
        maximum: statistics.maximum)
    }
  }

  /// The value of `"format"`.
  public static let formatName = "backprop-dataset"
  /// The value of `"version"` this Backprop writes and reads.
  public static let currentVersion = 1

  /// Always ``formatName``.
  public var format = Self.formatName
  /// Always ``currentVersion`` when written.
  public var version = Self.currentVersion
  /// The input files, as given to the converter.
  public var source: [String]
  /// m, the number of examples (the inputs' rows, the labels' length).
  public var examples: Int
  /// n, the number of features (the inputs' columns).
  public var features: Int
  /// The inputs' `.npy` file, relative to this file's folder (see ``resolve(_:besides:)``).
  public var inputs: String
  /// The labels' `.npy` file, relative to this file's folder.
  public var labels: String
  /// The inputs' element type: `float32` or `float64`.
  public var dtype: NumPyDType
  /// The features' names (a CSV file's header), or nil when the source has none.
  public var featureNames: [String]?
  /// The target column's name, or nil when the source has none.
  public var targetName: String?
  /// The classes of a text label column, label k meaning `classNames[k]`; nil when the labels
  /// are the source's numbers.
  public var classNames: [String]?
  /// Each feature's mean, standard deviation, minimum and maximum.
  public var statistics: Statistics

  /// A description of arrays already written (``format`` and ``version`` are this Backprop's).
  public init(
    source: [String], examples: Int, features: Int, inputs: String, labels: String, dtype: NumPyDType,
    featureNames: [String]?, targetName: String?, classNames: [String]?, statistics: Statistics
  ) {
    self.source = source
    self.examples = examples
    self.features = features
    self.inputs = inputs
    self.labels = labels
    self.dtype = dtype
    self.featureNames = featureNames
    self.targetName = targetName
    self.classNames = classNames
    self.statistics = statistics
  }

  private enum CodingKeys: String, CodingKey {
    case format, version, source, examples, features, inputs, labels, dtype, featureNames, targetName, classNames,
      statistics
  }

  /// Encodes every key, an unknown value as `null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(format, forKey: .format)
    try container.encode(version, forKey: .version)
    try container.encode(source, forKey: .source)
    try container.encode(examples, forKey: .examples)
    try container.encode(features, forKey: .features)
    try container.encode(inputs, forKey: .inputs)
    try container.encode(labels, forKey: .labels)
    try container.encode(dtype, forKey: .dtype)
    try container.encode(featureNames, forKey: .featureNames)
    try container.encode(targetName, forKey: .targetName)
    try container.encode(classNames, forKey: .classNames)
    try container.encode(statistics, forKey: .statistics)
  }

  /// The description as JSON, indented, keys sorted.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// `file` (``inputs`` or ``labels``) as a path: relative to the folder of the description
  /// at `descriptionPath`, unless absolute.
  public static func resolve(_ file: String, besides descriptionPath: String) -> String {
    if file.hasPrefix("/") { return file }
    return URL(fileURLWithPath: descriptionPath).deletingLastPathComponent().appendingPathComponent(file).path
  }

  // MARK: Preprocessing

  /// The preprocessing ``Preprocessing/fit(_:to:divisor:)`` would fit on the inputs, from the
  /// statistics alone (equal up to rounding): x' = (x / divisor − offsetᵢ) / scaleᵢ with
  ///
  /// - `standardize`: offsetᵢ = meanᵢ / divisor, scaleᵢ = σᵢ / |divisor| (1 when 0);
  /// - `minMax`: offsetᵢ = minᵢ / divisor, scaleᵢ = (maxᵢ − minᵢ) / |divisor| (1 when
  ///   max = min), min and max trading places for a negative divisor.
  ///
  /// - Throws: ``ConfigurationError`` for a divisor that is 0 or not finite.
  public func preprocessing(_ method: Preprocessing.Method, divisor: Double) throws -> Preprocessing {
    guard divisor != 0, divisor.isFinite else {
      throw ConfigurationError(parameter: "divisor", "\(divisor): the divisor must be a finite non-zero number")
    }
    let s = statistics
    var offsets = [Double]()
    var scales = [Double]()
    switch method {
    case .none:
      break
    case .standardize:
      offsets = s.mean.map { $0 / divisor }
      scales = s.standardDeviation.map { sd in
        let scale = sd / abs(divisor)
        return scale > 0 ? scale : 1
      }
    case .minMax:
      for i in s.minimum.indices {
        let low = Swift.min(s.minimum[i] / divisor, s.maximum[i] / divisor)
        let high = Swift.max(s.minimum[i] / divisor, s.maximum[i] / divisor)
        offsets.append(low)
        scales.append(high > low ? high - low : 1)
      }
    }
    return try Preprocessing(method: method, divisor: divisor, offsets: offsets, scales: scales)
  }
}
