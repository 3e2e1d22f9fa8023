import Backprop
import Foundation

/// A chart axis: where a value lies along it, and which values get a tick and a label.
///
/// Linear ticks are "nice numbers": a step of 1, 2 or 5 × 10ᵏ, the one nearest
/// (in ratio) to span / `tickCount` as d3's `tickIncrement` picks it, the domain
/// widened to whole steps.
/// Logarithmic ticks are the powers of ten in the domain, with 2× and 5× (then
/// every multiple) added when fewer than three powers fall in it.
///
/// ```swift
/// let y = AxisScale(covering: [0.13, 0.69])       // domain 0.1…0.7, ticks 0.1, 0.2, …, 0.7
/// y.label(0.4)                                   // "0.4"
/// let cost = AxisScale(kind: .logarithmic, covering: [0.002, 0.69])
/// cost.ticks                                     // 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5
/// ```
public struct AxisScale: Sendable, Hashable {
  /// How values map to positions.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// Position ∝ value.
    case linear
    /// Position ∝ log₁₀ value; for positive values that span decades (costs).
    case logarithmic
  }

  /// Linear or logarithmic.
  public let kind: Kind
  /// The values the axis spans, from its start to its end.
  public let domain: ClosedRange<Double>
  /// The tick values, ascending, all within the domain.
  public let ticks: [Double]
  /// The distance between linear ticks (nil for logarithmic), which sets the labels' decimals.
  public let step: Double?

  /// A scale over `values` (the non-finite ones, and for a logarithmic scale the
  /// non-positive ones, left out).
  /// - Parameters:
  ///   - kind: linear or logarithmic.
  ///   - values: what the axis must show.
  ///   - tickCount: about how many ticks (linear).
  ///   - integer: ticks only at whole numbers (epochs, iterations).
  ///   - nice: widen the domain to whole steps (false: the domain is exactly the values' range,
  ///     for an axis whose ends are fixed, such as a grid's).
  public init(
    kind: Kind = .linear, covering values: [Double], tickCount: Int = 6, integer: Bool = false, nice: Bool = true
  ) {
    self.kind = kind
    switch kind {
    case .linear:
      let finite = values.filter(\.isFinite)
      var low = finite.min() ?? 0
      var high = finite.max() ?? 1
      if low == high {
        let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
        (low, high) = (low - pad, high + pad)
      }
      var step = Self.niceStep((high - low) / Double(max(tickCount, 1)))
      if integer { step = max(1, step.rounded()) }
      // Whole steps, forgiving the last bits of a division (5e-6 / 1e-6 = 5.000000000000001).
      if nice { (low, high) = ((low / step + 1e-9).rounded(.down) * step, (high / step - 1e-9).rounded(.up) * step) }
      let first = (low / step - 1e-9).rounded(.up)
      let last = (high / step + 1e-9).rounded(.down)
      self.domain = low...high
      self.step = step
      self.ticks = first <= last ? (Int(first)...Int(last)).map { Double($0) * step } : []
    case .logarithmic:
      let positive = values.filter { $0.isFinite && $0 > 0 }
      var low = log10(positive.min() ?? 0.1)
      var high = log10(positive.max() ?? 1)
      if high - low < 1e-9 { (low, high) = (low - 0.5, high + 0.5) }
      let pad = (high - low) * 0.04
      (low, high) = (low - pad, high + pad)
      let domain = pow(10, low)...pow(10, high)
      self.domain = domain
      self.step = nil
      let decades = Int(low.rounded(.down))...Int(high.rounded(.up))
      var ticks = [Double]()
      for multiples in [[1.0], [1, 2, 5], Array(stride(from: 1.0, through: 9, by: 1))] {
        ticks = decades.flatMap { e in multiples.map { $0 * pow(10, Double(e)) } }.filter { domain.contains($0) }
        if ticks.count >= 3 { break }
      }
      let every = max(1, (ticks.count + 7) / 8)
      self.ticks = every == 1 ? ticks : ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
    }
  }

  /// Where `value` lies: 0 at the domain's start, 1 at its end (outside for values outside it).
  public func fraction(_ value: Double) -> Double {
    switch kind {
    case .linear:
      return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    case .logarithmic:
      let low = log10(domain.lowerBound)
      return (log10(max(value, .leastNormalMagnitude)) - low) / (log10(domain.upperBound) - low)
    }
  }

  /// The position of `value` between `start` (the domain's start) and `end`, in pixels.
  public func position(_ value: Double, from start: Double, to end: Double) -> Double {
    start + fraction(value) * (end - start)
  }

  /// A tick's label: as many decimals as the step needs (`0.25`, `10`, `2,000`),
  /// powers of ten as `10⁻⁴` and `2×10⁻⁴` when very small or large (on a logarithmic
  /// axis, for every tick when one needs it), `−` for minus.
  public func label(_ value: Double) -> String {
    switch kind {
    case .linear:
      let step = step ?? 1
      let largest = max(Swift.abs(domain.lowerBound), Swift.abs(domain.upperBound))
      if step < 1e-5 || largest >= 1e7 {
        let significant = max(1, Int((log10(largest / step)).rounded(.up)) + 1)
        return Self.scientific(value, significant: significant)
      }
      let decimals = max(0, Int(-(log10(step) + 1e-9).rounded(.down)))
      return Self.minus(Self.grouped(String(format: "%.\(decimals)f", value)))
    case .logarithmic:
      // One style per axis: decimals, unless a tick needs more than three of them or is 100,000 or more.
      let plain = (ticks.min() ?? value) >= 1e-3 && (ticks.max() ?? value) < 1e5
      if plain && value >= 1e-4 && value < 1e5 {
        let decimals = max(0, Int(-(log10(value) + 1e-9).rounded(.down)))
        return Self.grouped(String(format: "%.\(decimals)f", value))
      }
      return Self.scientific(value, significant: 1)
    }
  }

  /// The 1, 2, 5 or 10 × 10ᵏ nearest `x` in ratio (thresholds √2, √10, √50, as d3's `tickIncrement`).
  static func niceStep(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return 1 }
    let power = pow(10, log10(x).rounded(.down))
    let error = x / power
    let factor: Double =
      error >= 50.squareRoot() ? 10 : (error >= 10.squareRoot() ? 5 : (error >= 2.squareRoot() ? 2 : 1))
    return factor * power
  }

  /// `2.5×10⁻⁴`: the mantissa to `significant` digits, the exponent in superscript.
  private static func scientific(_ value: Double, significant: Int) -> String {
    if value == 0 { return "0" }
    var exponent = Int(log10(Swift.abs(value)).rounded(.down))
    var mantissa = value / pow(10, Double(exponent))
    let scale = pow(10, Double(significant - 1))
    mantissa = (mantissa * scale).rounded() / scale
    if Swift.abs(mantissa) >= 10 {
      mantissa /= 10
      exponent += 1
    }
    var text = String(format: "%.\(significant - 1)f", mantissa)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    let superscripts: [Character: Character] = [
      "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    ]
    let power = "10" + String(String(exponent).compactMap { superscripts[$0] })
    if text == "1" { return power }
    if text == "-1" { return "−" + power }
    return minus(text) + "×" + power
  }

  /// Thousands separated by commas in the whole part of a number of four digits or more.
  private static func grouped(_ text: String) -> String {
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let whole = String(parts[0])
    guard whole.count > 3 else { return text }
    var groups = [String]()
    var end = whole.endIndex
    while end > whole.startIndex {
      let start = whole.index(end, offsetBy: -3, limitedBy: whole.startIndex) ?? whole.startIndex
      groups.insert(String(whole[start..<end]), at: 0)
      end = start
    }
    return (negative ? "-" : "") + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// The typographic minus for a leading `-`, and no sign on zero (`-0.0` → `0.0`).
  private static func minus(_ text: String) -> String {
    guard text.hasPrefix("-") else { return text }
    if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." || $0 == "," }) { return String(text.dropFirst()) }
    return "−" + text.dropFirst()
  }
}
