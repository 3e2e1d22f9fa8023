import Backprop

/// The examples as the page draws them: the points of both sets with their labels, the plane's
/// extent and a small preview of every data set for its button.
public struct PlaygroundDataMessage: Sendable, Encodable {
  /// Some points with their labels.
  public struct Points: Sendable, Encodable {
    /// x₁ of each point.
    public var x1: [Double]
    /// x₂ of each point.
    public var x2: [Double]
    /// Its class or target.
    public var y: [Double]

    /// The points (2, m) with the first row of `y`.
    init(_ points: Matrix<Double>, _ y: Matrix<Double>) {
      x1 = (0..<points.columns).map { points[0, $0] }
      x2 = (0..<points.columns).map { points[1, $0] }
      self.y = (0..<y.columns).map { y[0, $0] }
    }
  }

  /// Always "data".
  public var type = "data"
  /// `classification` or `regression`.
  public var kind: String
  /// K, the classes (2), or nil for regression.
  public var classes: Int?
  /// [x₁ from, x₁ to, x₂ from, x₂ to].
  public var extent: [Double]
  /// The training examples.
  public var train: Points
  /// The test examples.
  public var test: Points
  /// The largest |y| (regression), for the colours.
  public var targetScale: Double
  /// Each data set's shape, its points scaled into [−1, 1]², by name.
  public var previews: [String: Points]

  /// The message for `run`'s examples on `plane`.
  /// - Parameters:
  ///   - run: the run whose examples to send.
  ///   - plane: the plane the page paints.
  public init(_ run: PlaygroundRun, plane: PlaygroundPlane) {
    let regression = run.configuration.data.kind.isRegression
    kind = regression ? "regression" : "classification"
    classes = regression ? nil : 2
    extent = plane.extent
    train = Points(run.trainingPoints, run.training.y)
    test = Points(run.testPoints, run.test.y)
    targetScale = max((train.y + test.y).map(abs).max() ?? 1, 1e-9)
    previews = Self.previews
  }

  /// 120 clean points of each data set, scaled into [−1, 1]².
  static let previews: [String: Points] = {
    var all = [String: Points]()
    for kind in SyntheticData.Kind.allCases {
      guard let data = try? SyntheticData(kind: kind, examples: 120, noise: 0) else { continue }
      var (points, y) = data.points(seed: 1)
      var largest = 1e-9
      for j in 0..<points.columns { largest = max(largest, abs(points[0, j]), abs(points[1, j])) }
      for j in 0..<points.columns {
        points[0, j] /= largest
        points[1, j] /= largest
      }
      all[kind.rawValue] = Points(points, y)
    }
    return all
  }()
}
