import RealModule

/// What a teacher would say on seeing a training run's numbers: warnings with a
/// hint, from the epoch records of ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:)``.
///
/// | finding | rule | hint |
/// |---|---|---|
/// | exploding gradients | a layer's ‖g[l]‖ above 10³, or 100× its first epoch's | lower α, `--clip-norm`, He/Xavier initialisation |
/// | vanishing gradients | ‖g[1]‖ below 10⁻⁴ × ‖g[L]‖ | ReLU hidden layers, `--batch-norm`, He initialisation |
/// | dead ReLUs | over half a layer's units output 0 for a whole batch | lower α, leaky-relu, He initialisation |
/// | saturated sigmoid | over 90% of A[L] within 10⁻⁴ of 0 or 1 while the cost is above 1 | scale the inputs, lower α |
/// | rising cost | the training cost rose 3 epochs in a row | lower α |
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

  /// The findings after the last epoch of `history`.
  public static func findings(_ history: History) -> [Finding] {
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
              + "; lower the learning rate, clip with --clip-norm, or start W with --initializer he/xavier"))
      }
    }
    if let g1 = record.gradientNorms.first, let gL = record.gradientNorms.last, record.gradientNorms.count > 2,
      gL > 0, g1 < 1e-4 * gL
    {
      found.append(
        Finding(
          kind: "vanishing_gradients", layer: 1,
          message: "vanishing gradients: layer 1's gradient (\(short(g1))) is \(short(gL / max(g1, .leastNonzeroMagnitude)))× "
            + "smaller than layer \(record.gradientNorms.count)'s; use relu hidden layers, --batch-norm, or --initializer he"))
    }
    for (index, fraction) in record.deadUnitFractions.enumerated() {
      if let fraction, fraction > 0.5 {
        found.append(
          Finding(
            kind: "dead_relus", layer: index + 1,
            message: "\(Int((fraction * 100).rounded()))% of layer \(index + 1)'s ReLUs are dead (0 for every example); "
              + "lower the learning rate, try --activation leaky-relu, or --initializer he"))
      }
    }
    if let saturated = record.saturatedOutputFraction, saturated > 0.9, record.cost > 1 {
      found.append(
        Finding(
          kind: "saturated_output", layer: nil,
          message: "the sigmoid output is saturated (\(Int((saturated * 100).rounded()))% of A[L] at 0 or 1) while the cost "
            + "is \(short(record.cost)); scale the inputs (--standardize, --scale) or lower the learning rate"))
    }
    let costs = history.epochs.suffix(4).map(\.cost)
    if costs.count == 4, zip(costs, costs.dropFirst()).allSatisfy({ $0 < $1 }) {
      found.append(
        Finding(
          kind: "rising_cost", layer: nil,
          message: "the training cost rose for 3 epochs in a row (\(costs.map(short).joined(separator: " → "))); "
            + "the learning rate is probably too high"))
    }
    return found
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
