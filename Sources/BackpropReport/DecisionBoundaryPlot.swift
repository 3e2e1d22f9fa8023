import Backprop
import Foundation

/// A ``DecisionBoundary`` as SVG: the input plane filled with the predicted
/// class (a lighter tint where the model is less sure), the examples on top
/// in their true class's colour, axes with the inputs' names, and a legend.
///
/// ```swift
/// let svg = DecisionBoundaryPlot(boundary, title: "Decision boundary").svg(id: "boundary")
/// ```
public struct DecisionBoundaryPlot: Sendable, Hashable {
  /// The grid and the points.
  public var boundary: DecisionBoundary
  /// The heading inside the chart.
  public var title: String
  /// The plot area's width …
  public var plotWidth = 520.0
  /// … and height, in the `viewBox`'s units.
  public var plotHeight = 440.0

  /// A plot of `boundary` headed `title`.
  public init(_ boundary: DecisionBoundary, title: String) {
    self.boundary = boundary
    self.title = title
  }

  /// The plot as an `<svg>` element; `id` prefixes its element ids.
  public func svg(id: String) -> String {
    let b = boundary
    let k = b.classCount
    let names = (0..<k).map { $0 < b.classNames.count ? b.classNames[$0] : String($0) }
    let left = 64.0
    let top = 74.0 + legendRowsBelowTitle(names) * 18
    let right = left + plotWidth
    let bottom = top + plotHeight
    let width = right + 24
    let height = bottom + 56
    let xAxis = AxisScale(covering: [b.xMin, b.xMax], nice: false)
    let yAxis = AxisScale(covering: [b.yMin, b.yMax], nice: false)
    func px(_ x: Double) -> Double { xAxis.position(x, from: left, to: right) }
    func py(_ y: Double) -> Double { yAxis.position(y, from: bottom, to: top) }

    var body = SVG.text(title, x: 16, y: 28, size: 15, weight: 600)
    body += SVG.text(
      "background: predicted class (paler where less sure) · dots: examples of \(SetEvaluation.phrase(b.setName)), coloured by true class",
      x: 16, y: 48, size: 11, fill: ChartStyle.muted)

    // The regions: each grid row as runs of cells with the same class and tint.
    let cellWidth = plotWidth / Double(max(b.columns, 1))
    let cellHeight = plotHeight / Double(max(b.rows, 1))
    body += "<g class=\"regions\" shape-rendering=\"crispEdges\">\n"
    for row in 0..<min(b.rows, b.classes.count, b.confidence.count) {
      let classes = b.predictedClasses(row: row)
      let deciles = b.confidenceDeciles(row: row)
      let count = min(b.columns, classes.count, deciles.count)
      var start = 0
      while start < count {
        let fill = regionColor(class: classes[start], decile: deciles[start], of: k)
        var end = start + 1
        while end < count && regionColor(class: classes[end], decile: deciles[end], of: k) == fill { end += 1 }
        let x = left + Double(start) * cellWidth
        let y = top + Double(row) * cellHeight
        body +=
          "<rect x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(Double(end - start) * cellWidth + 0.3))\" "
          + "height=\"\(SVG.number(cellHeight + 0.3))\" fill=\"\(fill)\"/>\n"
        start = end
      }
    }
    body += "</g>\n"
    body +=
      "<rect x=\"\(SVG.number(left))\" y=\"\(SVG.number(top))\" width=\"\(SVG.number(plotWidth))\" "
      + "height=\"\(SVG.number(plotHeight))\" fill=\"none\" stroke=\"\(ChartStyle.axis)\"/>\n"

    // The examples.
    body += "<g class=\"points\" stroke=\"#ffffff\" stroke-width=\"0.9\">\n"
    for index in 0..<min(b.pointsX.count, b.pointsY.count, b.pointClasses.count) {
      let (x, y, c) = (b.pointsX[index], b.pointsY[index], b.pointClasses[index])
      guard x.isFinite, y.isFinite else { continue }
      let name = c >= 0 && c < names.count ? names[c] : String(c)
      let tip = "\(b.featureNames[0]) \(LineChart.plain(x)), \(b.featureNames[1]) \(LineChart.plain(y)): class \(name)"
      body +=
        "<circle cx=\"\(SVG.number(px(x)))\" cy=\"\(SVG.number(py(y)))\" r=\"3.6\" "
        + "fill=\"\(ChartStyle.classColor(max(c, 0), of: k))\"><title>\(SVG.escape(tip))</title></circle>\n"
    }
    body += "</g>\n"

    // Axes.
    body += "<g class=\"x-axis\" fill=\"\(ChartStyle.muted)\">\n"
    for tick in xAxis.ticks {
      body += SVG.line(x1: px(tick), y1: bottom, x2: px(tick), y2: bottom + 5, stroke: ChartStyle.axis)
      body += SVG.text(xAxis.label(tick), x: px(tick), y: bottom + 19, anchor: "middle")
    }
    body += "</g>\n<g class=\"y-axis\" fill=\"\(ChartStyle.muted)\">\n"
    for tick in yAxis.ticks {
      body += SVG.line(x1: left - 5, y1: py(tick), x2: left, y2: py(tick), stroke: ChartStyle.axis)
      body += SVG.text(yAxis.label(tick), x: left - 8, y: py(tick) + 4, anchor: "end")
    }
    body += "</g>\n"
    let featureNames = b.featureNames.count == 2 ? b.featureNames : ["x₁", "x₂"]
    body += SVG.text(
      featureNames[0], x: (left + right) / 2, y: height - 16, anchor: "middle", size: 13, extra: "class=\"axis-label\"")
    body += SVG.text(
      featureNames[1], x: 18, y: (top + bottom) / 2, anchor: "middle", size: 13, rotate: -90,
      extra: "class=\"axis-label\"")

    // The legend: right-aligned on the title's row when it fits, else in rows under the note.
    let entryWidths = names.map { 30 + ChartStyle.textWidth($0) }
    let titleEnd = 16 + ChartStyle.textWidth(title, size: 15) + 24
    var x = width - 16 - entryWidths.reduce(0, +)
    var y = 24.0
    if x < titleEnd {
      x = 16
      y = 68
    }
    for (index, name) in names.enumerated() {
      if x + entryWidths[index] > width - 8 {
        x = 16
        y += 18
      }
      body +=
        "<circle cx=\"\(SVG.number(x + 5))\" cy=\"\(SVG.number(y))\" r=\"5\" fill=\"\(ChartStyle.classColor(index, of: k))\"/>"
      body += SVG.text(name, x: x + 14, y: y + 4)
      x += entryWidths[index]
    }
    return SVG.document(id: id, kind: "boundary", width: width, height: height, title: title, body: body)
  }

  /// How many legend rows go under the note (0 when the legend fits beside the title).
  private func legendRowsBelowTitle(_ names: [String]) -> Double {
    let width = 64 + plotWidth + 24
    let entryWidths = names.map { 30 + ChartStyle.textWidth($0) }
    if width - 16 - entryWidths.reduce(0, +) >= 16 + ChartStyle.textWidth(title, size: 15) + 24 { return 0 }
    var rows = 1.0
    var x = 16.0
    for entryWidth in entryWidths {
      if x + entryWidth > width - 8 {
        rows += 1
        x = 16
      }
      x += entryWidth
    }
    return rows
  }

  /// A region's fill: the class colour mixed into white, more where p is higher
  /// (measured from chance, 1/K, to certainty).
  private func regionColor(class c: Int, decile: Int, of k: Int) -> String {
    let p = (Double(decile) + 0.5) / 10
    let chance = 1 / Double(max(k, 2))
    let sureness = (p - chance) / (1 - chance)
    let strength = sureness < 0.4 ? 0.22 : (sureness < 0.75 ? 0.34 : 0.46)
    return ChartStyle.mix("#ffffff", ChartStyle.classColor(max(c, 0), of: k), strength)
  }
}
