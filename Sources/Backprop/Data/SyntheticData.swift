import RealModule

/// A generated two-dimensional data set, seeded: the playground's data and `backprop train
/// --generate`'s, so that the command line trains on the very examples a page showed.
///
/// Each example is a point (x₁, x₂) of the plane; X holds the chosen ``Feature``s of it, one row
/// each (x₁, x₂, and crosses such as x₁² or sin x₁ as extra inputs), one example per column:
///
///     X = [f₁(x₁, x₂); f₂(x₁, x₂); …]   (n[0], m),   Y (1, m)
///
/// ```swift
/// let spiral = try SyntheticData(kind: .spiral, examples: 300, noise: 0.1, features: [.x1, .x2, .x1Squared])
/// let set = try spiral.dataset(seed: 7)           // X (3, 300), Y (1, 300) of 0/1 labels
/// ```
public struct SyntheticData: Sendable, Hashable {
  /// The shape of the data.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The notes' planar flower (``PlanarData/flower(examples:using:as:)``); σ = 0.2 + noise.
    case flower
    /// Two interleaved arms of one and a half turns each: r = t, θ = 3π·t + kπ + noise·randn for
    /// t from 0 to 1 and class k = 0, 1; x = (r·sin θ, r·cos θ).
    case spiral
    /// Class 0 inside the radius 0.5, class 1 on a ring from 0.7 to 1; each point moved by noise·randn.
    case circles
    /// Uniform points of [−1, 1]², half labelled 1 (where x₁·x₂ > 0), half 0; each point moved by noise·randn.
    case xor
    /// Two Gaussian clusters around (−0.5, −0.5) and (0.5, 0.5), spread 0.2 + noise.
    case gaussians
    /// Uniform points of [−1, 1]² with the real target y = sin(2x₁)·cos(2x₂) + noise·randn.
    case regression

    /// Whether the labels are real targets (an identity output) rather than classes 0 and 1.
    public var isRegression: Bool { self == .regression }
  }

  /// An input row of X computed from the point (x₁, x₂): TensorFlow Playground's feature crosses.
  public enum Feature: String, Sendable, Hashable, CaseIterable {
    /// x₁.
    case x1 = "x1"
    /// x₂.
    case x2 = "x2"
    /// x₁².
    case x1Squared = "x1^2"
    /// x₂².
    case x2Squared = "x2^2"
    /// x₁·x₂.
    case x1TimesX2 = "x1*x2"
    /// sin x₁.
    case sinX1 = "sin(x1)"
    /// sin x₂.
    case sinX2 = "sin(x2)"

    /// The feature's value at the point (x₁, x₂).
    public func value(x1: Double, x2: Double) -> Double {
      switch self {
      case .x1: x1
      case .x2: x2
      case .x1Squared: x1 * x1
      case .x2Squared: x2 * x2
      case .x1TimesX2: x1 * x2
      case .sinX1: Double.sin(x1)
      case .sinX2: Double.sin(x2)
      }
    }
  }

  /// The shape.
  public var kind: Kind
  /// m, the number of examples (even: the two classes get half each).
  public var examples: Int
  /// How far the points (or the targets) stray from the clean shape, 0…1.
  public var noise: Double
  /// The rows of X, in order.
  public var features: [Feature]

  /// The largest number of examples a generated set may hold.
  public static let maximumExamples = 100_000

  /// - Parameters:
  ///   - kind: the shape.
  ///   - examples: m, even, from 4 to ``maximumExamples``.
  ///   - noise: 0…1.
  ///   - features: the rows of X, at least one, each once.
  /// - Throws: ``ConfigurationError`` naming `examples`, `noise` or `features`.
  public init(kind: Kind, examples: Int, noise: Double, features: [Feature] = [.x1, .x2]) throws(ConfigurationError) {
    guard examples >= 4, examples <= Self.maximumExamples, examples % 2 == 0 else {
      throw ConfigurationError(
        parameter: "examples", "\(examples): give an even number of examples from 4 to \(Self.maximumExamples)")
    }
    guard noise.isFinite, noise >= 0, noise <= 1 else {
      throw ConfigurationError(parameter: "noise", "\(noise): give a number from 0 to 1")
    }
    guard !features.isEmpty else {
      throw ConfigurationError(parameter: "features", "give at least one input feature (x1, x2, …)")
    }
    guard Set(features).count == features.count else {
      throw ConfigurationError(
        parameter: "features", "\(features.map(\.rawValue).joined(separator: ",")) names a feature twice")
    }
    self.kind = kind
    self.examples = examples
    self.noise = noise
    self.features = features
  }

  /// The features named as on the command line: `x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)`.
  /// - Throws: ``ConfigurationError`` naming `features` and the unknown name.
  public static func features(parsing text: String) throws(ConfigurationError) -> [Feature] {
    var features = [Feature]()
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = part.filter { !$0.isWhitespace }
      guard let feature = Feature(rawValue: name) else {
        throw ConfigurationError(
          parameter: "features",
          "'\(name)' is not a feature; choose from \(Feature.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      features.append(feature)
    }
    return features
  }

  /// The points (x₁, x₂) and their labels, before the features are taken.
  /// - Parameter seed: the run's seed: a ``DefaultGenerator`` seeded with `seed + 3` draws every
  ///   point, so that one seed can start the data, the held-out parts (``Dataset/heldOut(validation:test:seed:output:stratify:)``
  ///   takes `seed + 1` and `seed + 2`) and the initial W[l] without two of them sharing a stream.
  /// - Returns: P (2, m) and Y (1, m): classes 0/1, or real targets for ``Kind/regression``.
  public func points(seed: UInt64) -> (points: Matrix<Double>, y: Matrix<Double>) {
    var generator = DefaultGenerator(seed: seed &+ 3)
    let half = examples / 2
    switch kind {
    case .flower:
      let set = PlanarData.flower(examples: examples, noise: 0.2 + noise, using: &generator, as: Double.self)
      return (set.x, set.y)
    case .spiral:
      return generate(using: &generator) { generator, column in
        let label = column < half ? 0.0 : 1.0
        let t = Double(column % half) / Double(max(half - 1, 1))
        let angle = 3 * Double.pi * t + label * Double.pi + noise * generator.nextGaussian()
        return (t * Double.sin(angle), t * Double.cos(angle), label)
      }
    case .circles:
      return generate(using: &generator) { generator, column in
        let label = column < half ? 0.0 : 1.0
        let radius = label == 0 ? 0.5 * generator.nextUniform() : 0.7 + 0.3 * generator.nextUniform()
        let angle = 2 * Double.pi * generator.nextUniform()
        let x1 = radius * Double.sin(angle) + noise * generator.nextGaussian()
        let x2 = radius * Double.cos(angle) + noise * generator.nextGaussian()
        return (x1, x2, label)
      }
    case .xor:
      return generate(using: &generator) { generator, column in
        // Half each: class 1 in the quadrants where x₁ and x₂ share a sign, class 0 in the others.
        let label = column < half ? 0.0 : 1.0
        let sign = generator.nextUniform() < 0.5 ? -1.0 : 1.0
        let x1 = sign * generator.nextUniform()
        let x2 = (label == 1 ? sign : -sign) * generator.nextUniform()
        return (x1 + noise * generator.nextGaussian(), x2 + noise * generator.nextGaussian(), label)
      }
    case .gaussians:
      return generate(using: &generator) { generator, column in
        let label = column < half ? 0.0 : 1.0
        let centre = label == 0 ? -0.5 : 0.5
        let spread = 0.2 + noise
        return (centre + spread * generator.nextGaussian(), centre + spread * generator.nextGaussian(), label)
      }
    case .regression:
      return generate(using: &generator) { generator, _ in
        let x1 = 2 * generator.nextUniform() - 1
        let x2 = 2 * generator.nextUniform() - 1
        return (x1, x2, Self.regressionTarget(x1: x1, x2: x2) + noise * generator.nextGaussian())
      }
    }
  }

  /// The regression set's noiseless target: y = sin(2x₁)·cos(2x₂).
  public static func regressionTarget(x1: Double, x2: Double) -> Double {
    Double.sin(2 * x1) * Double.cos(2 * x2)
  }

  /// The examples as a ``Dataset``: X (n[0], m) of the features, Y (1, m), the features' names
  /// as its column names. See ``points(seed:)`` for `seed`.
  /// - Throws: nothing in practice (``DataError`` if X and Y disagreed).
  public func dataset(seed: UInt64) throws -> Dataset {
    let (points, y) = points(seed: seed)
    return try Dataset(
      x: featureRows(of: points), y: y, featureNames: features.map(\.rawValue),
      targetName: kind.isRegression ? "y" : "class")
  }

  /// X (n[0], m): each feature of each point of P (2, m).
  public func featureRows(of points: Matrix<Double>) -> Matrix<Double> {
    var x = Matrix<Double>(rows: features.count, columns: points.columns)
    for j in 0..<points.columns {
      let x1 = points[0, j]
      let x2 = points[1, j]
      for (row, feature) in features.enumerated() { x[row, j] = feature.value(x1: x1, x2: x2) }
    }
    return x
  }

  /// m points from `draw(generator, column)`, drawn column by column.
  private func generate(
    using generator: inout DefaultGenerator,
    _ draw: (inout DefaultGenerator, Int) -> (Double, Double, Double)
  ) -> (points: Matrix<Double>, y: Matrix<Double>) {
    var points = Matrix<Double>(rows: 2, columns: examples)
    var y = Matrix<Double>(rows: 1, columns: examples)
    for column in 0..<examples {
      let (x1, x2, label) = draw(&generator, column)
      points[0, column] = x1
      points[1, column] = x2
      y[0, column] = label
    }
    return (points, y)
  }
}
