import RealModule

/// What a teacher would say on seeing a training run's numbers: warnings with a
/// hint, from the epoch records of ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``.
///
/// | finding | rule | hint |
/// |---|---|---|
/// | exploding gradients | a layer's ‖g[l]‖ above 10³, or 100× its first epoch's | lower α, `clipNorm`, He/Xavier initialisation |
/// | vanishing gradients | ‖g[1]‖ below 10⁻⁴ × ‖g[L]‖ | for ReLU-like layers: dead units, lower α, leaky-relu, He initialisation, `batchNormalization`; else ReLU hidden layers, `batchNormalization`, He initialisation |
/// | dead ReLUs | over half a layer's units output 0 for a whole batch | lower α, leaky-relu, He initialisation |
/// | saturated sigmoid | over 90% of A[L] within 10⁻⁴ of 0 or 1 while the cost is above 1 | scale the inputs, lower α |
/// | rising cost | the training cost rose by more than 0.1% 3 epochs in a row | lower α |
public enum TrainingDiagnostics {
  /// One finding.
  public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind, for showing each kind once: `exploding_gradients`, `vanishing_gradients`,
    /// `dead_relus`, `saturated_output`, `rising_cost`.
    public var kind: String
    /// The layer concerned, when one is.
    public var layer: Int?
    /// The finding and the hint, in a sentence or two.
    public var message: String

    public var description: String { message }
  }

  /// The least relative rise of the cost from one epoch to the next that counts as rising
  /// (a flat cost wobbles in its last digits).
  public static let risingCostTolerance = 1e-3

  /// The findings after the last epoch of `history`.
  /// - Parameter history: the run's epoch records: the last one's gradient norms ‖dW[l]‖, dead
  ///   units and saturated outputs, the first one's norms as the baseline for exploding gradients,
  ///   the last four costs for a rising cost. No findings when it has no epoch.
  /// - Parameter hiddenActivation: the hidden layers' g, for hints that fit it; without it,
  ///   layers whose dead units were recorded are taken to be ReLU-like.
  public static func findings(_ history: History, hiddenActivation: ActivationFunction? = nil) -> [Finding] {
    guard let record = history.epochs.last else { return [] }
    var found = [Finding]()
    let first = history.epochs.first!
    for (index, norm) in record.gradientNorms.enumerated() {
      let start = index < first.gradientNorms.count ? first.gradientNorms[index] : norm
      if norm > 1e3 || (history.epochs.count > 1 && start > 0 && norm > 100 * start) {
        found.append(
          Finding(
            kind: "exploding_gradients", layer: index + 1,
            message: "exploding gradients: ‖dW[\(index + 1)]‖ is \(short(norm))"
              + (history.epochs.count > 1 ? " (epoch 1: \(short(start)))" : "")
              + "; lower the learning rate, clip with `clipNorm`, or start W with the he or xavier `initializer`"))
      }
    }
    if let g1 = record.gradientNorms.first, let gL = record.gradientNorms.last, record.gradientNorms.count > 2,
      gL > 0, g1 < 1e-4 * gL
    {
      let last = record.gradientNorms.count
      let size =
        g1 == 0
        ? "layer 1's gradient is zero (layer \(last)'s is \(short(gL)))"
        : "layer 1's gradient (\(short(g1))) is \(short(gL / g1))× smaller than layer \(last)'s"
      found.append(
        Finding(
          kind: "vanishing_gradients", layer: 1,
          message: "vanishing gradients: \(size); "
            + vanishingGradientHint(hiddenActivation, reluLike: record.deadUnitFractions.contains { $0 != nil })))
    }
    for (index, fraction) in record.deadUnitFractions.enumerated() {
      if let fraction, fraction > 0.5 {
        found.append(
          Finding(
            kind: "dead_relus", layer: index + 1,
            message:
              "\(Int((fraction * 100).rounded()))% of layer \(index + 1)'s ReLUs are dead (0 for every example); "
              + "lower the learning rate, try leaky-relu hidden layers (`hiddenActivation`), or the he `initializer`"))
      }
    }
    if let saturated = record.saturatedOutputFraction, saturated > 0.9, record.cost > 1 {
      found.append(
        Finding(
          kind: "saturated_output", layer: nil,
          message:
            "the sigmoid output is saturated (\(Int((saturated * 100).rounded()))% of A[L] at 0 or 1) while the cost "
            + "is \(short(record.cost)); scale the inputs (`standardize`, `divisor`) or lower the learning rate"))
    }
    let costs = history.epochs.suffix(4).map(\.cost)
    if costs.count == 4, zip(costs, costs.dropFirst()).allSatisfy({ $1 > $0 + risingCostTolerance * abs($0) }) {
      found.append(
        Finding(
          kind: "rising_cost", layer: nil,
          message: "the training cost rose for 3 epochs in a row (\(distinct(costs).joined(separator: " → "))); "
            + "the learning rate is probably too high"))
    }
    return found
  }

  /// What to try against vanishing gradients, for the hidden layers' activation:
  /// ReLU's gradient does not shrink through the layers, so vanishing gradients
  /// there mean dead units or a poor start, not a saturating g.
  static func vanishingGradientHint(_ activation: ActivationFunction?, reluLike recorded: Bool) -> String {
    switch activation {
    case .relu?, .prelu?:
      return "units may be dead (0 for every example): lower the learning rate, try leaky-relu hidden layers "
        + "(`hiddenActivation`), the he `initializer` or `batchNormalization`"
    case .leakyReLU?:
      return "lower the learning rate, or try the he `initializer` or `batchNormalization`"
    case nil where recorded:
      return "units may be dead (0 for every example): lower the learning rate, try leaky-relu hidden layers "
        + "(`hiddenActivation`), the he `initializer` or `batchNormalization`"
    default:
      return "use relu hidden layers (`hiddenActivation`), `batchNormalization`, or the he `initializer`"
    }
  }

  /// The values with the fewest significant digits (at least 3) that tell each from the next.
  static func distinct(_ values: [Double]) -> [String] {
    for digits in 3...17 {
      let texts = values.map { significant($0, digits: digits) }
      if zip(texts, texts.dropFirst()).allSatisfy({ $0 != $1 }) { return texts }
    }
    return values.map { "\($0)" }
  }

  /// `value` rounded to `digits` significant digits: 0.0412, 41.2, 4.12e-05.
  static func significant(_ value: Double, digits: Int) -> String {
    guard value.isFinite, value != 0 else { return short(value) }
    let exponent = Int(Double.log10(abs(value)).rounded(.down))
    let scale = Double.pow(10, Double(digits - 1 - exponent))
    let rounded = (value * scale).rounded() / scale
    return rounded.isFinite ? "\(rounded)" : "\(value)"
  }

  /// Per layer, the fraction of ReLU-like units that are 0 for every example of the pass.
  static func deadUnitFractions<Scalar: MatrixScalar>(
    _ network: Network<Scalar>, _ pass: Network<Scalar>.ForwardPass
  ) -> [Double?] {
    network.layers.indices.map { l -> Double? in
      guard l < network.depth - 1, l < pass.caches.count else { return nil }
      switch network.layers[l].activation {
      case .relu, .leakyReLU, .prelu: break
      default: return nil
      }
      let z = pass.caches[l].z
      guard z.count > 0 else { return nil }
      var dead = 0
      z.withUnsafeBufferPointer { zp in
        for i in 0..<z.rows {
          var alive = false
          for j in 0..<z.columns where zp[i + j * z.rows] > 0 {
            alive = true
            break
          }
          if !alive { dead += 1 }
        }
      }
      return Double(dead) / Double(z.rows)
    }
  }

  /// For a sigmoid output, the fraction of A[L] within 10⁻⁴ of 0 or 1.
  static func saturatedOutputFraction<Scalar: MatrixScalar>(
    _ network: Network<Scalar>, _ pass: Network<Scalar>.ForwardPass
  ) -> Double? {
    guard network.output == .sigmoid, let last = pass.caches.last, last.a.count > 0 else { return nil }
    let saturated = last.a.scalars.filter { $0 < 1e-4 || $0 > 1 - 1e-4 }.count
    return Double(saturated) / Double(last.a.count)
  }

  /// Three significant digits: 0.123, 45.6, 1.23e-07, "inf".
  static func short(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 || (abs(value) >= 1e-3 && abs(value) < 1e4) {
      return String(Double(Int((value * 1000).rounded())) / 1000)
    }
    var exponent = Int(Double.log10(abs(value)).rounded(.down))
    var mantissa = abs(value) / Double.pow(10, Double(exponent))
    if mantissa >= 9.995 {
      mantissa /= 10
      exponent += 1
    }
    return (value < 0 ? "-" : "") + String(Double(Int((mantissa * 100).rounded())) / 100) + "e" + String(exponent)
  }
}
