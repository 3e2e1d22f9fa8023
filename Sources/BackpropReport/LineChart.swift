import Backprop
import Foundation

/// A line chart as SVG text: series over a shared x axis, with axes, nice
/// ticks, grid lines, axis labels, a legend and vertical markers.
///
/// ```swift
/// var chart = LineChart(title: "Cost", xLabel: "epoch", yLabel: "cost J")
/// chart.series.append(.init(name: "training", points: [(1, 0.69), (2, 0.41), (3, 0.30)]))
/// chart.yScale = .logarithmic
/// let svg = chart.svg(id: "cost")      // <svg …>…</svg>, inline in HTML or a file of its own
/// ```
///
/// Series of more than `maximumPoints` points are thinned to the smallest and
/// largest value of each run of consecutive points, which keeps spikes; with
/// few points (`markerLimit`) each point gets a dot whose tooltip gives its value.
public struct LineChart: Sendable, Hashable {
  /// One line: a name for the legend and its points, in order.
  public struct Series: Sendable, Hashable {
    /// The legend's text.
    public var name: String
    /// The x values.
    public private(set) var x: [Double]
    /// The y values, one per x.
    public private(set) var y: [Double]
    /// A CSS colour, or nil for the next of the charts' palette.
    public var color: String?
    /// The line's width in px: 2.2, wider to stand out among many.
    public var lineWidth = 2.2
    /// The line's opacity (1: opaque), lower to recede behind a highlighted one.
    public var opacity = 1.0

    /// - Parameters:
    ///   - name: the legend's text.
    ///   - points: (x, y) pairs in order; non-finite ones (and non-positive ones on a logarithmic axis) are left out.
    ///   - color: a CSS colour, or nil for the palette's.
    public init(name: String, points: [(x: Double, y: Double)], color: String? = nil) {
      self.name = name
      self.x = points.map(\.x)
      self.y = points.map(\.y)
      self.color = color
    }
  }

  /// A labelled vertical line, such as the epoch whose parameters early stopping kept.
  public struct Marker: Sendable, Hashable {
    /// Where the line is.
    public var x: Double
    /// The text beside it.
    public var label: String

    /// A line at `x` labelled `label`.
    public init(x: Double, label: String) {
      self.x = x
      self.label = label
    }
  }

  /// The most points a line is drawn with.
  public static let maximumPoints = 1_000
  /// Series with at most this many points get a dot, with a tooltip, at each.
  public static let markerLimit = 60

  /// The heading inside the chart.
  public var title: String
  /// The x axis's label.
  public var xLabel: String
  /// The y axis's label.
  public var yLabel: String
  /// The lines, drawn in order.
  public var series: [Series] = []
  /// Linear, or logarithmic for values spanning decades.
  public var yScale: AxisScale.Kind = .linear
  /// Ticks only at whole x values (epochs, iterations).
  public var integerX = true
  /// Vertical lines.
  public var markers: [Marker] = []
  /// The `viewBox`'s width; the chart scales to its container's width in HTML.
  public var width = 640.0
  /// The `viewBox`'s height.
  public var height = 360.0

  /// An empty chart: add `series`.
  public init(title: String, xLabel: String, yLabel: String) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
  }

  /// The chart as an `<svg>` element; `id` prefixes its element ids (unique per page).
  public func svg(id: String) -> String {
    let lines = series.enumerated().map { index, series -> (Series, String, [(Double, Double)]) in
      let points = zip(series.x, series.y).filter { x, y in
        x.isFinite && y.isFinite && (yScale == .linear || y > 0)
      }
      return (series, series.color ?? ChartStyle.series[index % ChartStyle.series.count], points)
    }.filter { !$0.2.isEmpty }
    let xScale = AxisScale(covering: lines.flatMap { $0.2.map(\.0) } + markers.map(\.x), integer: integerX)
    let yAxis = AxisScale(kind: yScale, covering: lines.flatMap { $0.2.map(\.1) })

    // Layout: the legend beside the title when both fit on one row, else under it, in as many rows as it needs.
    let legend = lines.map { ($0.0.name, $0.1) }
    let legendWidth = legend.reduce(0) { $0 + 26 + ChartStyle.textWidth($1.0) } + Double(max(legend.count - 1, 0)) * 16
    let titleWidth = ChartStyle.textWidth(title, size: 15)
    let legendBelow = 16 + titleWidth + 32 + legendWidth > width - 16
    var legendRows = [[(String, String)]]()
    for item in legend {
      let rowWidth = legendRows.last.map { row in row.reduce(0) { $0 + 42 + ChartStyle.textWidth($1.0) } } ?? .infinity
      if legendRows.isEmpty || rowWidth + 26 + ChartStyle.textWidth(item.0) > width - 32 {
        legendRows.append([item])
      } else {
        legendRows[legendRows.count - 1].append(item)
      }
    }
    if !legendBelow { legendRows = [legend] }
    let top = (legendBelow ? 74.0 + 20 * Double(max(legendRows.count - 1, 0)) : 54.0) + (markers.isEmpty ? 0 : 8)
    let tickLabelWidth = yAxis.ticks.map { ChartStyle.textWidth(yAxis.label($0)) }.max() ?? 24
    let left = max(56, 38 + tickLabelWidth)
    let right = width - 24
    let bottom = height - 54
    func px(_ x: Double) -> Double { xScale.position(x, from: left, to: right) }
    func py(_ y: Double) -> Double { yAxis.position(y, from: bottom, to: top) }

    var body = SVG.text(title, x: 16, y: 28, size: 15, weight: 600)
    for (row, items) in legendRows.enumerated() {
      var legendX = legendBelow ? 16 : width - 16 - legendWidth
      let legendY = legendBelow ? 52.0 + 20 * Double(row) : 28.0
      for (name, color) in items {
        body += "<g class=\"legend-item\">"
        body += SVG.line(x1: legendX, y1: legendY - 4, x2: legendX + 18, y2: legendY - 4, stroke: color, width: 3)
        body += SVG.text(name, x: legendX + 24, y: legendY, fill: ChartStyle.text)
        body += "</g>\n"
        legendX += 26 + ChartStyle.textWidth(name) + 16
      }
    }

    // Grid lines and y ticks, then the axes, then x ticks.
    body += "<g class=\"y-axis\" fill=\"\(ChartStyle.muted)\">\n"
    for tick in yAxis.ticks {
      let y = py(tick)
      body += SVG.line(x1: left, y1: y, x2: right, y2: y, stroke: ChartStyle.grid)
      body += SVG.text(yAxis.label(tick), x: left - 8, y: y + 4, anchor: "end")
    }
    body += "</g>\n"
    body += SVG.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartStyle.axis)
    body += SVG.line(x1: left, y1: top, x2: left, y2: bottom, stroke: ChartStyle.axis)
    body += "<g class=\"x-axis\" fill=\"\(ChartStyle.muted)\">\n"
    for tick in xScale.ticks {
      let x = px(tick)
      body += SVG.line(x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: ChartStyle.axis)
      body += SVG.text(xScale.label(tick), x: x, y: bottom + 19, anchor: "middle")
    }
    body += "</g>\n"
    body += SVG.text(
      xLabel, x: (left + right) / 2, y: height - 14, anchor: "middle", size: 13, extra: "class=\"axis-label\"")
    body += SVG.text(
      yLabel, x: 18, y: (top + bottom) / 2, anchor: "middle", size: 13, rotate: -90, extra: "class=\"axis-label\"")

    for marker in markers {
      let x = px(marker.x)
      body += SVG.line(x1: x, y1: top, x2: x, y2: bottom, stroke: ChartStyle.muted, width: 1.2, dash: "5 4")
      // The label above the plot area, clear of the lines.
      let anchor = x > (left + right) / 2 ? "end" : "start"
      body += SVG.line(x1: x, y1: top - 12, x2: x, y2: top, stroke: ChartStyle.muted, width: 1.2, dash: "2 2")
      body += SVG.text(
        marker.label, x: x + (anchor == "end" ? -4 : 4), y: top - 4, anchor: anchor, size: 11, fill: ChartStyle.muted)
    }

    if lines.isEmpty {
      body += SVG.text(
        "no values to plot", x: (left + right) / 2, y: (top + bottom) / 2, anchor: "middle", fill: ChartStyle.muted)
    }
    for (series, color, points) in lines {
      let drawn = Self.thinned(points)
      let coordinates = drawn.map { "\(SVG.number(px($0.0))),\(SVG.number(py($0.1)))" }.joined(separator: " ")
      body +=
        "<polyline class=\"series\" data-series=\"\(SVG.escape(series.name))\" fill=\"none\" stroke=\"\(color)\" "
        + "stroke-width=\"\(SVG.number(series.lineWidth))\""
        + (series.opacity < 1 ? " stroke-opacity=\"\(SVG.number(series.opacity))\"" : "")
        + " stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"\(coordinates)\"/>\n"
      if points.count <= Self.markerLimit {
        body += "<g class=\"points\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1.2\">\n"
        for (x, y) in points {
          let tip = "\(series.name), \(xLabel) \(Self.plain(x)): \(Self.plain(y))"
          body +=
            "<circle cx=\"\(SVG.number(px(x)))\" cy=\"\(SVG.number(py(y)))\" r=\"3.2\"><title>\(SVG.escape(tip))</title></circle>\n"
        }
        body += "</g>\n"
      }
    }
    return SVG.document(id: id, kind: "line-chart", width: width, height: height, title: title, body: body)
  }

  /// At most `maximumPoints` of `points`: the first and last, and each run's smallest and largest y.
  static func thinned(_ points: [(Double, Double)]) -> [(Double, Double)] {
    guard points.count > maximumPoints else { return points }
    let run = Int((Double(points.count - 2) / Double((maximumPoints - 2) / 2)).rounded(.up))
    var kept = [points[0]]
    var start = 1
    while start < points.count - 1 {
      let end = min(start + run, points.count - 1)
      var low = start
      var high = start
      for k in start..<end {
        if points[k].1 < points[low].1 { low = k }
        if points[k].1 > points[high].1 { high = k }
      }
      for k in Set([low, high]).sorted() { kept.append(points[k]) }
      start = end
    }
    kept.append(points[points.count - 1])
    return kept
  }

  /// A value for a tooltip: whole numbers as such, else six significant digits.
  static func plain(_ value: Double) -> String {
    value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
  }
}
