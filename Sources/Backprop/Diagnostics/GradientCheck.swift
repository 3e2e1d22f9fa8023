/// Gradient checking: backpropagation's gradients against two-sided finite differences.
///
///     dθ_approx[i] = (J(θ + ε·eᵢ) − J(θ − ε·eᵢ)) / 2ε
///     error = ‖dθ − dθ_approx‖₂ / (‖dθ‖₂ + ‖dθ_approx‖₂)
///
/// over every parameter W[l], b[l], (PReLU) α[l] and (batch norm) γ[l], β[l],
/// in Double, reported per layer and overall (the course's `gradient_check_n`).
/// Below 1e-7 the gradients are right; above 1e-3 something is wrong. Keep
/// inputs away from the kinks of ReLU-like activations, where the derivative
/// jumps.
///
/// J is the full training cost: the L2 term when `l2` > 0, example weights,
/// batch normalisation in training mode (the batch's own statistics), and
/// dropout with fixed masks (the same D[l] for every evaluation, as the course
/// advises: check with dropout's randomness frozen).
public enum GradientCheck {
  /// The outcome: the relative error of each layer and of all parameters together.
  public struct Report: Sendable {
    /// The relative error of layer l's parameters, at index l − 1.
    public var layerErrors: [Double]
    /// The relative error over every parameter.
    public var overallError: Double
    /// ε used for the differences.
    public var epsilon: Double
    /// How many scalars were checked.
    public var parameterCount: Int

    /// Whether the overall error is below `threshold` (1e-7 by default).
    public func passes(threshold: Double = 1e-7) -> Bool { overallError < threshold }
  }

  /// Runs the check on `network` for the batch (X, Y).
  /// - Parameters:
  ///   - network: the network whose W[l], b[l] (and α[l], γ[l], β[l]) are checked; each is nudged
  ///     by ±ε in a copy, `network` itself is left as it is.
  ///   - x: X, (n[0], m), one example per column.
  ///   - y: Y, the labels fitting the output: (n[L], m) for sigmoid or identity, class indices
  ///     (1, m) for softmax.
  ///   - epsilon: ε, 1e-7 by default.
  ///   - gradients: the gradients to check; by default the network's own backpropagation.
  ///   - l2: λ of L2 regularisation in J.
  ///   - weights: per-example weights (1, m) in J.
  ///   - masks: dropout masks D[l]/keep for layers 1…L−1 (index l − 1; nil or missing: none).
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit, ``ConfigurationError`` for ε ≤ 0
  ///   or gradients that do not match the network's layers.
  public static func run(
    _ network: Network<Double>, x: Matrix<Double>, y: Matrix<Double>, epsilon: Double = 1e-7,
    gradients: [Dense<Double>.Gradients]? = nil, l2: Double = 0, weights: Matrix<Double>? = nil,
    masks: [Matrix<Double>?] = []
  ) throws -> Report {
    guard epsilon > 0, epsilon.isFinite else {
      throw ConfigurationError(parameter: "epsilon", "\(epsilon) must be a positive finite number")
    }
    guard masks.count < network.depth else {
      throw ConfigurationError(
        parameter: "masks", "\(masks.count) dropout masks for \(network.depth - 1) hidden layers")
    }
    /// The training-mode forward pass with the fixed masks.
    func pass(_ net: Network<Double>) throws -> Network<Double>.ForwardPass {
      var pass = Network<Double>.ForwardPass(caches: Array(repeating: Dense<Double>.Cache(), count: net.depth))
      for (l, mask) in masks.enumerated() { if let mask { pass.caches[l].mask = mask } }
      try net.forward(x, into: &pass, training: true)
      return pass
    }
    func cost(_ net: Network<Double>) throws -> Double {
      try net.cost(pass(net), labels: y, weights: weights, l2: l2)
    }
    let analytic = try gradients ?? network.backward(pass(network), labels: y, weights: weights, l2: l2)
    guard analytic.count == network.depth,
      zip(analytic, network.layers).allSatisfy({ $0.dW.shape == $1.weight.shape && $0.db.shape == $1.bias.shape })
    else {
      throw ConfigurationError(parameter: "gradients", "the gradients do not have the network's layers and shapes")
    }
    var layerErrors = [Double]()
    var total = Norms()
    var count = 0
    for l in network.layers.indices {
      var norms = Norms()
      let layer = network.layers[l]
      // Every parameter the layer has (W, b, α, γ, β), each element nudged by ±ε in a copy.
      for parameter in Parameter.all {
        guard let values = layer[parameter] else { continue }
        guard let gradient = analytic[l][parameter], gradient.shape == values.shape else {
          throw ConfigurationError(
            parameter: "gradients", "layer \(l + 1) has \(parameter.symbol) but no d\(parameter.symbol) of its shape")
        }
        var probe = network
        for k in 0..<values.count {
          let original = values.scalars[k]
          func set(_ value: Double) {
            probe.layers[l].modify(parameter) { p in p.withUnsafeMutableBufferPointer { $0[k] = value } }
          }
          set(original + epsilon)
          let plus = try cost(probe)
          set(original - epsilon)
          let minus = try cost(probe)
          set(original)
          norms.add(analytic: gradient.scalars[k], approximate: (plus - minus) / (2 * epsilon))
        }
        count += values.count
      }
      layerErrors.append(norms.relativeError)
      total.merge(norms)
    }
    return Report(layerErrors: layerErrors, overallError: total.relativeError, epsilon: epsilon, parameterCount: count)
  }

  /// Running sums for ‖g − g_approx‖², ‖g‖², ‖g_approx‖².
  private struct Norms {
    var difference = 0.0
    var analytic = 0.0
    var approximate = 0.0

    mutating func add(analytic g: Double, approximate a: Double) {
      difference += (g - a) * (g - a)
      analytic += g * g
      approximate += a * a
    }

    mutating func merge(_ other: Norms) {
      difference += other.difference
      analytic += other.analytic
      approximate += other.approximate
    }

    /// ‖g − g_approx‖ / (‖g‖ + ‖g_approx‖); 0 when both gradients are zero.
    var relativeError: Double {
      let denominator = analytic.squareRoot() + approximate.squareRoot()
      return denominator == 0 ? 0 : difference.squareRoot() / denominator
    }
  }

  /// A small random problem to check: a network with random W and b, inputs X
  /// and labels Y fitting the output, with every hidden Z at least `margin`
  /// away from 0 so ReLU-like kinks never fall inside ±ε.
  ///
  /// - Parameters:
  ///   - layerSizes: n[0], …, n[L].
  ///   - hiddenActivation: g[l] of the hidden layers 1…L−1.
  ///   - output: the output layer g[L] and its loss; Y is drawn to fit it: random 0/1 (n[L], m)
  ///     for sigmoid, class indices (1, m) for softmax, standard normal (n[L], m) for identity.
  ///   - examples: m.
  ///   - seed: the seed of the generator that draws W, b, α, γ, β, X and Y; the same seed gives
  ///     the same problem.
  ///   - margin: the least |Z[l]| wanted in every hidden layer; X is drawn again (up to 100 times)
  ///     until no hidden Z[l] is closer to 0.
  ///   - batchNormalization: batch-normalise the hidden layers (with random γ, β).
  /// - Throws: ``ConfigurationError`` for unusable sizes or activations.
  public static func randomProblem(
    layerSizes: [Int], hiddenActivation: ActivationFunction, output: Output, examples: Int = 5,
    seed: UInt64 = 1, margin: Double = 1e-3, batchNormalization: Bool = false
  ) throws -> (network: Network<Double>, x: Matrix<Double>, y: Matrix<Double>) {
    guard examples >= 1 else { throw ConfigurationError(parameter: "examples", "needs at least 1 example") }
    if batchNormalization && examples < 2 {
      throw ConfigurationError(parameter: "examples", "batch normalisation needs at least 2 examples")
    }
    // Parameters, their finite-difference copies, X, Y and one batch's caches, before any is allocated.
    try MemoryEstimate(
      layerSizes: layerSizes, scalarBytes: 8, optimizerCopies: 2, optimizerName: "finite-difference copies",
      batch: examples, examples: examples
    ).check(
      parameter: "layerSizes", value: "\(layerSizes.map(String.init).joined(separator: ",")) with \(examples) examples")
    var generator = DefaultGenerator(seed: seed)
    var network = try Network<Double>(
      layerSizes: layerSizes, hiddenActivation: hiddenActivation, output: output, initializer: .xavier,
      batchNormalization: batchNormalization, using: &generator)
    for l in network.layers.indices {
      // Non-zero biases, so db is exercised; PReLU slopes away from the default.
      network.layers[l].bias = Matrix.randomNormal(rows: layerSizes[l + 1], columns: 1, using: &generator)
      if let alpha = network.layers[l].alpha {
        network.layers[l].alpha = try Matrix(
          rows: alpha.rows, columns: 1, columnMajor: (0..<alpha.rows).map { _ in 0.1 + 0.3 * generator.nextUniform() })
      }
      if network.layers[l].normalization != nil {
        let n = layerSizes[l + 1]
        network.layers[l].normalization!.gamma = try Matrix(
          rows: n, columns: 1, columnMajor: (0..<n).map { _ in 0.5 + generator.nextUniform() })
        network.layers[l].normalization!.beta = Matrix.randomNormal(rows: n, columns: 1, using: &generator)
      }
    }
    var x = Matrix<Double>(rows: layerSizes[0], columns: examples)
    for _ in 0..<100 {
      x = Matrix.randomNormal(rows: layerSizes[0], columns: examples, using: &generator)
      let pass = try network.forward(x)
      let hidden = pass.caches.dropLast()
      if hidden.allSatisfy({ $0.z.scalars.allSatisfy { Swift.abs($0) > margin } }) { break }
    }
    let units = layerSizes[layerSizes.count - 1]
    var y: Matrix<Double>
    switch output {
    case .sigmoid:
      y = Matrix(rows: units, columns: examples)
      for k in 0..<y.count { y[k % units, k / units] = generator.nextUniform() < 0.5 ? 0 : 1 }
    case .softmax:
      y = Matrix(rows: 1, columns: examples)
      for j in 0..<examples { y[0, j] = Double(Int(generator.nextUniform() * Double(units)) % units) }
    case .identity:
      y = Matrix.randomNormal(rows: units, columns: examples, using: &generator)
    }
    return (network, x, y)
  }
}
