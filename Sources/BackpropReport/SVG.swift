import Backprop
import Foundation

/// The few pieces of SVG text the charts are made of: escaped text, compact
/// coordinates, the root element, and text and lines in the charts' style.
///
/// Every chart is a standalone document (`document(id:kind:width:height:title:body:)`)
/// whose root `<svg>` also works inline in HTML: ids are prefixed with the
/// chart's id so several charts can share a page, and the `viewBox` lets CSS
/// scale it (`width: 100%; height: auto`).
package enum SVG {
  /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for XML text and attribute values.
  package static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.count)
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// A coordinate with at most two decimals and no trailing zeros: `12`, `12.5`, `12.25`.
  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let rounded = (x * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(format: "%.2f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
  }

  /// The root element around `body`: a `viewBox` of `width` × `height`, the
  /// charts' font, and an accessible title (`<title>`, which browsers also show on hover).
  /// `kind` is a CSS class beside `chart` (`line-chart`, `heat-map`, `boundary`) for the page's layout.
  static func document(id: String, kind: String, width: Double, height: Double, title: String, body: String) -> String {
    let w = number(width)
    let h = number(height)
    return """
      <svg xmlns="http://www.w3.org/2000/svg" id="\(escape(id))" class="chart \(kind)" viewBox="0 0 \(w) \(h)" \
      width="\(w)" height="\(h)" role="img" aria-labelledby="\(escape(id))-title" \
      font-family="\(ChartStyle.fontFamily)" font-size="12" fill="\(ChartStyle.text)">
      <title id="\(escape(id))-title">\(escape(title))</title>
      <rect width="\(w)" height="\(h)" fill="#ffffff"/>
      \(body)</svg>
      """
  }

  /// A standalone `.svg` file's text: the XML declaration, then the chart.
  package static func file(_ chart: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart + "\n"
  }

  /// A `<text>` element at (x, y); `anchor` is `start`, `middle` or `end`.
  static func text(
    _ content: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil, weight: Int? = nil,
    fill: String? = nil, rotate: Double? = nil, extra: String = ""
  ) -> String {
    var attributes = "x=\"\(number(x))\" y=\"\(number(y))\""
    if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
    if let size { attributes += " font-size=\"\(number(size))\"" }
    if let weight { attributes += " font-weight=\"\(weight)\"" }
    if let fill { attributes += " fill=\"\(fill)\"" }
    if let rotate { attributes += " transform=\"rotate(\(number(rotate)) \(number(x)) \(number(y)))\"" }
    if !extra.isEmpty { attributes += " " + extra }
    return "<text \(attributes)>\(escape(content))</text>\n"
  }

  /// A `<line>` from (x1, y1) to (x2, y2).
  static func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil
  ) -> String {
    "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(stroke)\""
      + (width != 1 ? " stroke-width=\"\(number(width))\"" : "")
      + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>\n"
  }
}
