import Backprop
import Foundation

/// A confusion matrix as an SVG heat map: a cell per (true, predicted) pair
/// holding its count, shaded by the share of its true class (row-normalised,
/// so a class's recall is its diagonal cell's shade whatever its support),
/// with the class names along both axes and a colour bar.
///
/// ```swift
/// let heatMap = ConfusionMatrixHeatMap(report.confusionMatrix, classNames: report.classNames, title: "Test set")
/// let svg = heatMap.svg(id: "confusion")
/// ```
public struct ConfusionMatrixHeatMap: Sendable, Hashable {
  /// The counts (rows: true class, columns: predicted).
  public var matrix: ConfusionMatrix
  /// A name per class.
  public var classNames: [String]
  /// The heading inside the chart.
  public var title: String
  /// Whether counts are sums of weights (shown with two decimals).
  public var isWeighted: Bool

  /// - Parameters:
  ///   - matrix: the counts.
  ///   - classNames: one per class; the indices when nil or of the wrong count.
  ///   - title: the heading.
  ///   - isWeighted: counts are sums of weights.
  public init(_ matrix: ConfusionMatrix, classNames: [String]? = nil, title: String, isWeighted: Bool = false) {
    self.matrix = matrix
    let k = matrix.classCount
    self.classNames = classNames.flatMap { $0.count == k ? $0 : nil } ?? (0..<k).map(String.init)
    self.title = title
    self.isWeighted = isWeighted
  }

  /// The heat map as an `<svg>` element; `id` prefixes its element ids.
  public func svg(id: String) -> String {
    let k = matrix.classCount
    let cell = min(56, max(12, 440 / Double(max(k, 1))))
    let showCounts = cell >= 18
    let longestName = classNames.map { ChartStyle.textWidth($0) }.max() ?? 8
    let rotateColumns = longestName > cell - 4
    let left = 44 + min(longestName, 160) + 10
    let top = 70.0
    let gridSize = cell * Double(k)
    let columnLabelHeight = rotateColumns ? min(longestName, 160) * 0.72 + 14 : 20
    let barX = left + gridSize + 28
    let note = "rows: true class · columns: predicted class · shade: share of the true class"
    let width = max(
      barX + 90, 16 + ChartStyle.textWidth(title, size: 15) + 16, 16 + ChartStyle.textWidth(note, size: 11) + 16)
    let height = top + gridSize + columnLabelHeight + 44
    let fontSize = min(13, cell * 0.34)

    var body = SVG.text(title, x: 16, y: 28, size: 15, weight: 600)
    body += SVG.text(note, x: 16, y: 48, size: 11, fill: ChartStyle.muted)
    body += "<g class=\"cells\">\n"
    for i in 0..<k {
      let support = matrix.support(i)
      for j in 0..<k {
        let count = matrix.counts[i][j]
        let share = support > 0 ? count / support : 0
        let fill = ChartStyle.interpolate(ChartStyle.blues, share)
        let x = left + Double(j) * cell
        let y = top + Double(i) * cell
        let tip =
          "true \(classNames[i]), predicted \(classNames[j]): \(format(count))"
          + (support > 0 ? String(format: " (%.1f%% of true \(classNames[i]))", share * 100) : "")
        body +=
          "<rect class=\"cell\" x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(cell))\" "
          + "height=\"\(SVG.number(cell))\" fill=\"\(fill)\" stroke=\"#ffffff\" stroke-width=\"1\">"
          + "<title>\(SVG.escape(tip))</title></rect>\n"
        if showCounts {
          let ink = ChartStyle.luminance(fill) < 0.45 ? "#ffffff" : ChartStyle.text
          body += SVG.text(
            format(count), x: x + cell / 2, y: y + cell / 2 + fontSize * 0.36, anchor: "middle", size: fontSize,
            weight: i == j ? 600 : nil, fill: count == 0 ? ChartStyle.axis : ink, extra: "class=\"count\"")
        }
      }
    }
    body += "</g>\n"

    // Class names: rows on the left, columns below (rotated when long).
    body += "<g class=\"labels\" fill=\"\(ChartStyle.text)\">\n"
    let labelSize = min(12, max(8, cell * 0.4))
    for (index, name) in classNames.enumerated() {
      let y = top + (Double(index) + 0.5) * cell
      body += SVG.text(name, x: left - 8, y: y + labelSize * 0.36, anchor: "end", size: labelSize)
      let x = left + (Double(index) + 0.5) * cell
      if rotateColumns {
        body += SVG.text(name, x: x, y: top + gridSize + 10, anchor: "end", size: labelSize, rotate: -45)
      } else {
        body += SVG.text(name, x: x, y: top + gridSize + 16, anchor: "middle", size: labelSize)
      }
    }
    body += "</g>\n"
    body += SVG.text(
      "predicted class", x: left + gridSize / 2, y: top + gridSize + columnLabelHeight + 22, anchor: "middle", size: 13,
      extra: "class=\"axis-label\"")
    body += SVG.text(
      "true class", x: 18, y: top + gridSize / 2, anchor: "middle", size: 13, rotate: -90, extra: "class=\"axis-label\""
    )

    // The colour bar: 0 % (top, light) … 100 % of the true class.
    let gradient = "\(id)-scale"
    body += "<defs><linearGradient id=\"\(SVG.escape(gradient))\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
    for (index, color) in ChartStyle.blues.enumerated() {
      let offset = Double(index) / Double(ChartStyle.blues.count - 1) * 100
      body += "<stop offset=\"\(SVG.number(offset))%\" stop-color=\"\(color)\"/>"
    }
    body += "</linearGradient></defs>\n"
    body +=
      "<rect x=\"\(SVG.number(barX))\" y=\"\(SVG.number(top))\" width=\"14\" height=\"\(SVG.number(gridSize))\" "
      + "fill=\"url(#\(SVG.escape(gradient)))\" stroke=\"\(ChartStyle.grid)\"/>\n"
    for percent in [0, 25, 50, 75, 100] {
      let y = top + gridSize * (1 - Double(percent) / 100)
      body += SVG.line(x1: barX + 14, y1: y, x2: barX + 18, y2: y, stroke: ChartStyle.axis)
      body += SVG.text("\(percent)%", x: barX + 21, y: y + 4, size: 11, fill: ChartStyle.muted)
    }
    return SVG.document(id: id, kind: "heat-map", width: width, height: height, title: title, body: body)
  }

  /// A count: whole, or with two decimals when weighted.
  private func format(_ count: Double) -> String {
    isWeighted ? String(format: "%.2f", count) : String(Int(count.rounded()))
  }
}
