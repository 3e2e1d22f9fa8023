import Backprop
import Foundation

/// What the page paints after each slice of training: J and accuracy on both sets, every unit's
/// A[l] over a grid of the input plane, W[l] for the edges, the output over the plane, warnings.
///
/// A heat map is n × n bytes, row by row from the top of the plane, each byte the value's place
/// between `low` (0) and `high` (255), base64-encoded.
public struct PlaygroundFrame: Sendable, Encodable {
  /// A train/test pair of numbers.
  public struct Pair: Sendable, Encodable {
    /// On the training set.
    public var train: Double
    /// On the test set.
    public var test: Double
  }

  /// One unit's values over the plane, quantised.
  public struct HeatMap: Sendable, Encodable {
    /// size × size bytes, base64.
    public var values: String
    /// The value of byte 0.
    public var low: Double
    /// The value of byte 255.
    public var high: Double
  }

  /// The output over the plane.
  public struct OutputMap: Sendable, Encodable {
    /// `classes` (softmax: the predicted class per cell), `probability` (sigmoid: p of class 1),
    /// `value` (identity: ŷ).
    public var kind: String
    /// The bytes: the class index, or the value between `low` and `high`.
    public var values: String
    /// softmax only: how sure the prediction is, from 1/K (0) to 1 (255).
    public var confidence: String?
    /// The value of byte 0.
    public var low: Double
    /// The value of byte 255.
    public var high: Double
  }

  /// Always "frame".
  public var type = "frame"
  /// Whether training is running.
  public var playing: Bool
  /// Mini-batch steps since the network was initialised.
  public var iteration: Int
  /// Epochs completed.
  public var epoch: Int
  /// Examples of the epoch in progress already trained on (0 at an epoch boundary).
  public var examplesIntoEpoch: Int
  /// m of a mini-batch.
  public var batch: Int
  /// m of the training set.
  public var m: Int
  /// J (with the L2 term) on each set, in inference mode.
  public var cost: Pair
  /// The fraction classified right on each set; nil for regression.
  public var accuracy: Pair?
  /// The mean squared error on each set; nil for classification.
  public var mse: Pair?
  /// The side of a unit's heat map.
  public var unitSize: Int
  /// `units[l][i]`: unit i's A[l] over the plane, l = 0 (the features) … L.
  public var units: [[HeatMap]]
  /// `weights[l-1][i][j]` = W[l][i, j].
  public var weights: [[[Double]]]
  /// The side of the output map.
  public var outputSize: Int
  /// The output over the plane.
  public var output: OutputMap
  /// Dead units, saturation and the training diagnostics, each a sentence.
  public var warnings: [String]
  /// The `backprop train` command for the epochs completed (set by the session).
  public var command: String?
}

/// The part of the input plane the page shows, and its grid.
public struct PlaygroundPlane: Sendable {
  /// x₁ from `extent[0]` to `extent[1]`, x₂ from `extent[2]` to `extent[3]`.
  public var extent: [Double]
  /// Cells per side.
  public var size: Int
  /// X of the grid's cells, (n[0], size²), row by row from the top.
  public var x: Matrix<Double>

  /// The plane around `points` (2, m) with a margin, and the features of its cells.
  /// - Parameters:
  ///   - points: every example's (x₁, x₂).
  ///   - data: the features to compute.
  ///   - size: cells per side.
  public init(around points: [Matrix<Double>], data: SyntheticData, size: Int = 40) {
    var low = [Double.infinity, .infinity]
    var high = [-Double.infinity, -.infinity]
    for set in points {
      for j in 0..<set.columns {
        for i in 0..<2 where set[i, j].isFinite {
          low[i] = min(low[i], set[i, j])
          high[i] = max(high[i], set[i, j])
        }
      }
    }
    for i in 0..<2 {
      if !(low[i] < high[i]) { (low[i], high[i]) = (-1, 1) }
      let margin = 0.1 * (high[i] - low[i])
      (low[i], high[i]) = (low[i] - margin, high[i] + margin)
    }
    extent = [low[0], high[0], low[1], high[1]]
    self.size = size
    var cells = Matrix<Double>(rows: 2, columns: size * size)
    for row in 0..<size {
      for column in 0..<size {
        let k = row * size + column
        cells[0, k] = low[0] + (Double(column) + 0.5) / Double(size) * (high[0] - low[0])
        cells[1, k] = high[1] - (Double(row) + 0.5) / Double(size) * (high[1] - low[1])
      }
    }
    x = data.featureRows(of: cells)
  }
}

extension PlaygroundRun {
  /// The frame for the network now.
  /// - Parameters:
  ///   - plane: the grid to paint.
  ///   - playing: whether training is running.
  /// - Throws: what the forward pass throws.
  public func frame(over plane: PlaygroundPlane, playing: Bool) throws -> PlaygroundFrame {
    let l2 = configuration.settings.l2
    let trainPass = try network.forward(training.x, training: false)
    let testPass = try network.forward(test.x, training: false)
    let cost = PlaygroundFrame.Pair(
      train: try network.cost(trainPass, labels: training.y, l2: l2),
      test: try network.cost(testPass, labels: test.y, l2: l2))
    var accuracy: PlaygroundFrame.Pair?
    var mse: PlaygroundFrame.Pair?
    if network.output.isClassification {
      accuracy = .init(
        train: try network.accuracy(.matrix(training.x), labels: training.y),
        test: try network.accuracy(.matrix(test.x), labels: test.y))
    } else {
      mse = .init(
        train: try network.meanSquaredError(.matrix(training.x), labels: training.y),
        test: try network.meanSquaredError(.matrix(test.x), labels: test.y))
    }
    let gridPass = try network.forward(plane.x, training: false)
    var units = [(0..<plane.x.rows).map { Self.heatMap(plane.x, row: $0) }]
    for cache in gridPass.caches { units.append((0..<cache.a.rows).map { Self.heatMap(cache.a, row: $0) }) }
    let weights = network.layers.map { layer in
      (0..<layer.weight.rows).map { i in (0..<layer.weight.columns).map { j in layer.weight[i, j] } }
    }
    return PlaygroundFrame(
      playing: playing, iteration: iterations, epoch: epochsCompleted, examplesIntoEpoch: examplesIntoEpoch,
      batch: batchExamples, m: training.x.columns, cost: cost, accuracy: accuracy, mse: mse, unitSize: plane.size,
      units: units, weights: weights, outputSize: plane.size, output: outputMap(gridPass.output),
      warnings: warnings(trainPass))
  }

  /// A[L] over the plane as the page paints it.
  func outputMap(_ a: Matrix<Double>) -> PlaygroundFrame.OutputMap {
    switch network.output {
    case .softmax:
      let k = a.rows
      var classes = [UInt8](repeating: 0, count: a.columns)
      var sure = [UInt8](repeating: 0, count: a.columns)
      for j in 0..<a.columns {
        var best = 0
        for i in 1..<k where a[i, j] > a[best, j] { best = i }
        classes[j] = UInt8(best)
        let chance = 1 / Double(k)
        sure[j] = Self.byte((a[best, j] - chance) / (1 - chance))
      }
      return .init(
        kind: "classes", values: Data(classes).base64EncodedString(),
        confidence: Data(sure).base64EncodedString(), low: 0, high: Double(k - 1))
    case .sigmoid:
      let bytes = (0..<a.columns).map { Self.byte(a[0, $0]) }
      return .init(kind: "probability", values: Data(bytes).base64EncodedString(), low: 0, high: 1)
    default:
      let map = Self.heatMap(a, row: 0)
      return .init(kind: "value", values: map.values, low: map.low, high: map.high)
    }
  }

  /// Row `row` of `a` as bytes between its least and greatest value.
  static func heatMap(_ a: Matrix<Double>, row: Int) -> PlaygroundFrame.HeatMap {
    var low = Double.infinity
    var high = -Double.infinity
    for j in 0..<a.columns where a[row, j].isFinite {
      low = min(low, a[row, j])
      high = max(high, a[row, j])
    }
    if !(low <= high) { (low, high) = (0, 0) }
    let span = high - low
    let bytes = (0..<a.columns).map { j in span > 0 ? byte((a[row, j] - low) / span) : 0 }
    return .init(values: Data(bytes).base64EncodedString(), low: low, high: high)
  }

  /// t in [0, 1] as 0…255 (NaN as 0).
  static func byte(_ t: Double) -> UInt8 {
    guard t.isFinite else { return 0 }
    return UInt8((min(max(t, 0), 1) * 255).rounded())
  }

  /// What the current A[l] over the training set and the history say: dead ReLU units,
  /// saturated units, and the diagnostics' findings after the last epoch.
  func warnings(_ pass: Network<Double>.ForwardPass) -> [String] {
    var found = [String]()
    for (index, cache) in pass.caches.dropLast().enumerated() {
      let l = index + 1
      let a = cache.a
      let units = a.rows
      var dead = 0
      var saturated = 0
      let g = network.layers[index].activation
      for i in 0..<units {
        var zeros = 0
        var flat = 0
        for j in 0..<a.columns {
          let value = a[i, j]
          if value == 0 { zeros += 1 }
          switch g {
          case .tanh: if abs(value) > 0.99 { flat += 1 }
          case .sigmoid: if value < 0.01 || value > 0.99 { flat += 1 }
          default: break
          }
        }
        if g == .relu && zeros == a.columns { dead += 1 }
        if flat >= a.columns * 9 / 10 && a.columns > 0 { saturated += 1 }
      }
      if dead > 0 {
        found.append(
          "dead ReLU: \(dead) of \(units) units of layer \(l) output 0 for every training example (their dW is 0); "
            + "lower α, or try leaky-relu or the he initializer")
      }
      if saturated > 0 {
        found.append(
          "saturation: \(saturated) of \(units) \(g) units of layer \(l) sit on the flat part of g for 90% of "
            + "the examples (g′ ≈ 0, little gradient flows back); lower α or use smaller initial W")
      }
    }
    let skipped: Set<String> = ["dead_relus"]
    for finding in TrainingDiagnostics.findings(history) where !skipped.contains(finding.kind) {
      found.append(finding.message)
    }
    return found
  }
}
