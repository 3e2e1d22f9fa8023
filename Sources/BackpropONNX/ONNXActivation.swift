import Backprop

/// g[l] as ONNX operators, matching the Swift definitions in `Activations/`.
///
/// | g | float32 | float64 |
/// |---|---|---|
/// | identity | no node | no node |
/// | step, z < 0 ? 0 : 1 | Cast(Not(Less(z, 0))) | the same |
/// | sigmoid, tanh, relu, softmax (axis −1) | one operator | one operator |
/// | leaky ReLU s | LeakyRelu(alpha: s) | PRelu(z, s) |
/// | PReLU αᵢ | PRelu(z, α), α shaped (n[l]) | the same |
/// | ELU α | Elu(alpha: α) | Where(z > 0, z, α·(e^min(z, 0) − 1)) |
/// | softplus | Softplus | max(z, 0) + ln(1 + e^(−abs(z))) |
/// | arctan | Atan | argument reduction and a series (below) |
///
/// Float64 avoids LeakyRelu's and Elu's float32 attributes (a slope such as 0.01 would change),
/// and ONNX Runtime's CPU provider has Atan, Elu and Softplus for float32 only: there they are
/// composed of operators it has for double, within a few ulp of the Swift functions.
extension ONNXGraphBuilder {
  /// Adds g(z) for layer `l`; returns the tensor A[l] (z itself for identity).
  /// - Parameter slopes: PReLU's αᵢ, one per unit.
  /// - Throws: ``DataError`` naming the layer for a custom activation, which has no ONNX operator.
  mutating func activation(
    _ g: ActivationFunction, of z: String, slopes: [Double]?, layer l: Int
  ) throws(DataError) -> String {
    let name = "layer\(l).\(g.onnxName)"
    let isDouble = elementType == .double
    switch g {
    case .identity:
      return z
    case .step:
      // BinaryStep: z < 0 ? 0 : 1 (so 1 at 0, and for NaN).
      let negative = node("Less", [z, constant(0)], name: name + ".less")
      let nonNegative = node("Not", [negative], name: name + ".not")
      return node("Cast", [nonNegative], name: name, attributes: [.int("to", Int64(elementType.rawValue))])
    case .sigmoid: return node("Sigmoid", [z], name: name)
    case .tanh: return node("Tanh", [z], name: name)
    case .relu: return node("Relu", [z], name: name)
    case .softmax: return node("Softmax", [z], name: name, attributes: [.int("axis", -1)])
    case .leakyReLU(let slope):
      if isDouble { return node("PRelu", [z, constant(slope)], name: name) }
      return node("LeakyRelu", [z], name: name, attributes: [.float("alpha", Float(slope))])
    case .prelu(let initial):
      let alpha = slopes ?? []
      let units = alpha.isEmpty ? [initial] : alpha
      let a = initializer("layer\(l).alpha", dims: [units.count], values: units)
      return node("PRelu", [z, a], name: name)
    case .elu(let alpha):
      if !isDouble { return node("Elu", [z], name: name, attributes: [.float("alpha", Float(alpha))]) }
      // α(e^min(z, 0) − 1) where z ≤ 0; min keeps e^z finite where z is taken instead.
      let negativePart = node("Min", [z, constant(0)], name: name + ".min")
      let e = node("Exp", [negativePart], name: name + ".exp")
      let em1 = node("Sub", [e, constant(1)], name: name + ".expm1")
      let scaled = node("Mul", [em1, constant(alpha)], name: name + ".scaled")
      let positive = node("Greater", [z, constant(0)], name: name + ".positive")
      return node("Where", [positive, z, scaled], name: name)
    case .softplus:
      if !isDouble { return node("Softplus", [z], name: name) }
      // SoftPlus's own form: max(z, 0) + ln(1 + e^(−|z|)), which never overflows.
      let relu = node("Relu", [z], name: name + ".relu")
      let magnitude = node("Abs", [z], name: name + ".abs")
      let negated = node("Neg", [magnitude], name: name + ".neg")
      let e = node("Exp", [negated], name: name + ".exp")
      let onePlus = node("Add", [e, constant(1)], name: name + ".add1")
      let log = node("Log", [onePlus], name: name + ".log")
      return node("Add", [relu, log], name: name)
    case .arctan:
      if !isDouble { return node("Atan", [z], name: name) }
      return arctan(z, name: name)
    case .custom(let custom):
      throw DataError(
        "layer \(l): the custom activation '\(custom.description)' has no ONNX operator, so the model cannot be "
          + "exported; train it with a built-in activation (\(ActivationFunction.hiddenLayerNames.joined(separator: ", ")))"
      )
    }
  }

  /// tan⁻¹(z) in double from Abs, Min, Reciprocal, Sqrt, Div, Mul, Add, Sub, Where and Sign:
  ///
  ///     t = min(|z|, 1/|z|) ≤ 1               (tan⁻¹|z| = π/2 − tan⁻¹(1/|z|) for |z| > 1)
  ///     t ← t / (1 + √(1 + t²)), twice        (tan⁻¹t = 2·tan⁻¹(t / (1 + √(1 + t²))); t ≤ tan(π/16) < 0.2)
  ///     tan⁻¹t ≈ t − t³/3 + t⁵/5 − … − t²⁵/25 (the next term is below 0.2²⁷/27 < 2·10⁻²⁰)
  ///     tan⁻¹z = sign(z) · (|z| > 1 ? π/2 − 4·p : 4·p)
  private mutating func arctan(_ z: String, name: String) -> String {
    let magnitude = node("Abs", [z], name: name + ".abs")
    let reciprocal = node("Reciprocal", [magnitude], name: name + ".reciprocal")
    var t = node("Min", [magnitude, reciprocal], name: name + ".reduced")
    for halving in 1...2 {
      let square = node("Mul", [t, t], name: name + ".halve\(halving).square")
      let onePlus = node("Add", [square, constant(1)], name: name + ".halve\(halving).add1")
      let root = node("Sqrt", [onePlus], name: name + ".halve\(halving).sqrt")
      let denominator = node("Add", [root, constant(1)], name: name + ".halve\(halving).denominator")
      t = node("Div", [t, denominator], name: name + ".halve\(halving)")
    }
    // Horner in t²: p = t·(1 + t²·(−1/3 + t²·(1/5 + …)))
    let t2 = node("Mul", [t, t], name: name + ".t2")
    let terms = 13
    var sum = constant((terms - 1) % 2 == 0 ? 1 / Double(2 * terms - 1) : -1 / Double(2 * terms - 1))
    for k in stride(from: terms - 2, through: 0, by: -1) {
      let coefficient = (k % 2 == 0 ? 1.0 : -1.0) / Double(2 * k + 1)
      let product = node("Mul", [sum, t2], name: name + ".series\(k).mul")
      sum = node("Add", [product, constant(coefficient)], name: name + ".series\(k)")
    }
    let p = node("Mul", [sum, t], name: name + ".series")
    let reducedAngle = node("Mul", [p, constant(4)], name: name + ".undo-halving")
    let complement = node("Sub", [constant(Double.pi / 2), reducedAngle], name: name + ".complement")
    let large = node("Greater", [magnitude, constant(1)], name: name + ".large")
    let angle = node("Where", [large, complement, reducedAngle], name: name + ".angle")
    let sign = node("Sign", [z], name: name + ".sign")
    return node("Mul", [sign, angle], name: name)
  }
}

extension ActivationFunction {
  /// A short name for the activation's nodes (`layer2.relu`, `layer1.leaky-relu` …).
  var onnxName: String {
    switch self {
    case .leakyReLU: "leaky-relu"
    case .prelu: "prelu"
    case .elu: "elu"
    case .custom: "custom"
    default: description
    }
  }
}
