import Foundation

/// `x` with exactly `decimals` digits after the point, as Python's `%f` prints it.
func fixed(_ x: Double, _ decimals: Int = 6) -> String {
  String(format: "%.\(decimals)f", x)
}

/// A small text chart of a cost curve, for the terminal.
///
/// One column per sample point, the cost's range split into `height` rows.
func textChart(_ values: [Double], width: Int = 60, height: Int = 10, label: String = "cost") -> String {
  guard let low = values.min(), let high = values.max(), !values.isEmpty else { return "" }
  let step = max(1, Int((Double(values.count) / Double(width)).rounded(.up)))
  let sampled = stride(from: 0, to: values.count, by: step).map { values[$0] }
  let span = high - low
  var rows = [[Character]](repeating: [Character](repeating: " ", count: sampled.count), count: height)
  for (column, value) in sampled.enumerated() {
    let level = span > 0 ? Int(((value - low) / span * Double(height - 1)).rounded()) : 0
    rows[height - 1 - level][column] = "•"
  }
  var lines = [String]()
  for (index, row) in rows.enumerated() {
    let axis: String
    if index == 0 {
      axis = fixed(high, 4)
    } else if index == height - 1 {
      axis = fixed(low, 4)
    } else {
      axis = ""
    }
    lines.append(axis.padding(toLength: 8, withPad: " ", startingAt: 0) + "│" + String(row))
  }
  lines.append(String(repeating: " ", count: 8) + "└" + String(repeating: "─", count: sampled.count))
  lines.append(
    String(repeating: " ", count: 9) + "\(label) over \(values.count) iterations (one point every \(step))")
  return lines.joined(separator: "\n")
}

/// `x` in scientific notation with 3 significant digits (`1.23e-09`).
func scientific(_ x: Double) -> String {
  String(format: "%.2e", x)
}
