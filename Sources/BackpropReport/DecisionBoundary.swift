import Backprop

/// A classifier's predictions over a grid covering its two inputs, with the
/// labelled points: what the course's `plot_decision_boundary` draws for the
/// planar data (a filled contour of the prediction, the points on top).
///
/// ```swift
/// let boundary = try DecisionBoundary(model: model, x: rawX, labels: y, setName: "training")
/// let svg = DecisionBoundaryPlot(boundary, title: "Decision boundary").svg(id: "boundary")
/// ```
///
/// The grid is stored compactly for `run.json`: each row (top, the largest
/// second input, first) is a string with a character per cell.
public struct DecisionBoundary: Sendable, Hashable, Codable {
  /// The first input's range (the horizontal axis), the points' range widened by the padding (10 % by
  /// default) each side: its start …
  public var xMin: Double
  /// … and its end.
  public var xMax: Double
  /// The second input's range (the vertical axis): its start …
  public var yMin: Double
  /// … and its end.
  public var yMax: Double
  /// Cells per grid row.
  public var columns: Int
  /// Grid rows.
  public var rows: Int
  /// Per grid row, top to bottom, a character per cell, left to right: the predicted class as a base-36 digit.
  public var classes: [String]
  /// The same layout: ⌊10·p⌋ (at most 9), p the predicted class's probability.
  public var confidence: [String]
  /// K, the number of classes (2 for a sigmoid output).
  public var classCount: Int
  /// A name per class.
  public var classNames: [String]
  /// The two inputs' names.
  public var featureNames: [String]
  /// The plotted examples' first inputs (at most `maximumPoints`, evenly spread through the set).
  public var pointsX: [Double]
  /// Their second inputs.
  public var pointsY: [Double]
  /// Their true classes.
  public var pointClasses: [Int]
  /// Which set the points are from ("training").
  public var setName: String

  /// Whether a model can have its decision boundary drawn: two inputs and a
  /// softmax output of at most 36 classes, or a sigmoid output of one unit.
  public static func canPlot<Scalar>(_ network: Network<Scalar>) -> Bool {
    let sizes = network.layerSizes
    let units = sizes[sizes.count - 1]
    return sizes[0] == 2 && ((network.output == .softmax && units <= 36) || (network.output == .sigmoid && units == 1))
  }

  /// Predicts every cell of a `columns` × `rows` grid over the points' range: the course's
  /// `plot_decision_boundary`, drawn by the report (``DecisionBoundaryPlot``) and in text by `backprop demo`.
  /// - Parameters:
  ///   - model: the classifier (its preprocessing is applied to the grid, as to raw inputs).
  ///   - x: the raw inputs, (2, m).
  ///   - y: their class indices, (1, m).
  ///   - setName: which set the points are from.
  ///   - columns: cells along the first input's axis (at least 2).
  ///   - rows: cells along the second input's axis (at least 2).
  ///   - padding: how far the grid reaches past the points, as a fraction of their range each side.
  ///   - maximumPoints: the most points stored.
  /// - Throws: `DataError` when the model has not two inputs and a class output (see
  ///   `canPlot(_:)`), or X and Y do not fit; `ShapeError` from the prediction.
  public init<Scalar: MatrixScalar>(
    model: Model<Scalar>, x: Matrix<Double>, labels y: Matrix<Double>, setName: String, columns: Int = 200,
    rows: Int = 200, padding: Double = 0.1, maximumPoints: Int = 1_500
  ) throws {
    guard Self.canPlot(model.network) else {
      throw DataError(
        "a decision boundary needs a classifier of two inputs (softmax of at most 36 classes, or sigmoid with one unit)"
      )
    }
    guard x.rows == 2, y.rows == 1, y.columns == x.columns, x.columns > 0 else {
      throw DataError("the decision boundary's points must be X (2, m) and Y (1, m); got X \(x.shape) and Y \(y.shape)")
    }
    guard columns >= 2, rows >= 2, padding >= 0, padding.isFinite else {
      throw ConfigurationError(
        parameter: "columns", "a \(columns) × \(rows) grid padded by \(padding): give at least 2 × 2 cells, padding ≥ 0"
      )
    }
    let m = x.columns
    func range(_ row: Int) -> (Double, Double) {
      let values = (0..<m).map { x[row, $0] }.filter(\.isFinite)
      let low = values.min() ?? 0
      let high = values.max() ?? 0
      let pad = high > low ? (high - low) * padding : 1
      return (low - pad, high + pad)
    }
    (xMin, xMax) = range(0)
    (yMin, yMax) = range(1)
    self.columns = columns
    self.rows = rows

    // Cell centres, row by row from the top.
    var grid = Matrix<Scalar>(rows: 2, columns: rows * columns)
    for row in 0..<rows {
      for column in 0..<columns {
        grid[0, row * columns + column] = Scalar(xMin + (xMax - xMin) * (Double(column) + 0.5) / Double(columns))
        grid[1, row * columns + column] = Scalar(yMax - (yMax - yMin) * (Double(row) + 0.5) / Double(rows))
      }
    }
    let a = try model.predict(grid).outputs
    let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
    let k = model.network.output == .softmax ? a.rows : 2
    var classes = [String]()
    var confidence = [String]()
    for row in 0..<rows {
      var classRow = ""
      var confidenceRow = ""
      for column in 0..<columns {
        let cell = row * columns + column
        var best = 0
        var p: Double
        if model.network.output == .softmax {
          for c in 1..<a.rows where a[c, cell] > a[best, cell] { best = c }
          p = Double(a[best, cell])
        } else {
          let p1 = Double(a[0, cell])
          best = p1 > 0.5 ? 1 : 0
          p = best == 1 ? p1 : 1 - p1
        }
        if !p.isFinite { p = 0 }
        classRow.append(digits[best])
        confidenceRow.append(digits[min(9, max(0, Int(p * 10)))])
      }
      classes.append(classRow)
      confidence.append(confidenceRow)
    }
    self.classes = classes
    self.confidence = confidence
    classCount = k
    classNames = model.classNames.flatMap { $0.count == k ? $0 : nil } ?? (0..<k).map(String.init)
    featureNames = model.featureNames.flatMap { $0.count == 2 ? $0 : nil } ?? ["x₁", "x₂"]
    let kept = m <= maximumPoints ? Array(0..<m) : (0..<maximumPoints).map { $0 * m / maximumPoints }
    pointsX = kept.map { x[0, $0] }
    pointsY = kept.map { x[1, $0] }
    pointClasses = kept.map { Int(y[0, $0]) }
    self.setName = setName
  }

  /// The predicted classes of grid row `row` (from the top), left to right.
  public func predictedClasses(row: Int) -> [Int] { Self.digits(classes[row]) }

  /// ⌊10·p⌋ of each cell of grid row `row`, left to right.
  public func confidenceDeciles(row: Int) -> [Int] { Self.digits(confidence[row]) }

  /// The values of a string of base-36 digits (0 for any other character).
  private static func digits(_ text: String) -> [Int] {
    text.utf8.map { byte in
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(byte - UInt8(ascii: "a")) + 10
      default: return 0
      }
    }
  }
}
