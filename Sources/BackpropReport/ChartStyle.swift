import Backprop
import Foundation

/// The charts' look: font, text and grid colours, the series and class
/// palettes, and colour arithmetic for tints and colour scales.
package enum ChartStyle {
  /// The system's UI font, with common fallbacks.
  static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
  /// Titles and labels.
  static let text = "#1f2937"
  /// Tick labels and notes.
  static let muted = "#6b7280"
  /// Grid lines.
  static let grid = "#e5e7eb"
  /// Axis lines and tick marks.
  static let axis = "#9ca3af"

  /// Line colours, in order: training (blue), validation (orange), then green, purple, red, teal, ochre, pink.
  package static let series = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"]

  /// Tableau's ten categorical colours, for classes.
  static let categorical = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ]

  /// ColorBrewer's sequential Blues, light to dark (matplotlib's `Blues`).
  static let blues = [
    "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b",
  ]

  /// Class k's colour among `count` classes: two classes get the ends of
  /// matplotlib's `Spectral` (red, blue), as the course's planar plots do; more get Tableau's ten, repeated.
  static func classColor(_ k: Int, of count: Int) -> String {
    if count <= 2 { return k == 0 ? "#d53e4f" : "#3288bd" }
    return categorical[k % categorical.count]
  }

  /// The colour a fraction t ∈ [0, 1] of the way along `stops`, interpolated in RGB.
  static func interpolate(_ stops: [String], _ t: Double) -> String {
    let clamped = min(max(t.isFinite ? t : 0, 0), 1)
    let position = clamped * Double(stops.count - 1)
    let index = min(Int(position), stops.count - 2)
    return mix(stops[index], stops[index + 1], position - Double(index))
  }

  /// `a` moved a fraction t of the way to `b` (t = 0: a, t = 1: b), as `#rrggbb`.
  static func mix(_ a: String, _ b: String, _ t: Double) -> String {
    let ca = rgb(a)
    let cb = rgb(b)
    let channels = (0..<3).map { index -> Int in
      let from = Double(ca[index])
      let to = Double(cb[index])
      return Int((from + (to - from) * t).rounded())
    }
    return "#"
      + channels.map { channel in
        let hex = String(min(max(channel, 0), 255), radix: 16)
        return hex.count == 1 ? "0" + hex : hex
      }.joined()
  }

  /// Relative luminance (0 black … 1 white), to pick a readable text colour on a fill.
  static func luminance(_ color: String) -> Double {
    let c = rgb(color).map { Double($0) / 255 }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
  }

  /// An estimate of `text`'s width at `size` px in the charts' font (0.6 em a character), for layout.
  static func textWidth(_ text: String, size: Double = 12) -> Double {
    Double(text.count) * size * 0.6
  }

  /// The red, green and blue of `#rrggbb` (0…255).
  private static func rgb(_ color: String) -> [Int] {
    let hex = color.hasPrefix("#") ? String(color.dropFirst()) : color
    guard hex.count == 6, let value = Int(hex, radix: 16) else { return [0, 0, 0] }
    return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]
  }
}
