import Backprop
import Foundation

/// Walks an ONNX graph from its input along the one chain Backprop can hold:
///
///     input → [Cast] → [Div ÷ k] → [Sub offsets] → [Div scales] → [Cast]          preprocessing
///           → (Gemm | MatMul [+ Add]) → [BatchNormalization] → [activation]        layer l, l = 1…L
///           → [post-processing: ArgMax, ZipMap, Binarizer, Sub(1, p) + Concat …]   dropped
///
/// Identity, Cast to a float type, Flatten of the 2-D input, Dropout (inference) and a Reshape to
/// (batch, n[l]) change nothing and are passed over. Every other node stops the walk with an
/// error naming it and its op type.
struct ONNXChainReader {
  private var constants: ONNXConstants
  private var chain = ONNXChain()
  /// The tensor the chain has reached.
  private var current: String
  /// Whether the post-processing tail has started (no more layers).
  private var ended = false
  /// The default-domain opset (Softmax's default axis changed at 13).
  private let opset: Int64
  /// g[l] as the metadata of a graph that Backprop exported declares them (its composed
  /// float64 activations are recognised by rebuilding them).
  private let declared: [ActivationFunction]?
  private let nodes: [Onnx_NodeProto]
  /// The input's width n[0] when the graph declares it.
  private let inputWidth: Int?
  /// The graph's output names.
  private let outputs: [String]

  /// Ops of a classifier's post-processing, after the probabilities (skl2onnx's tail).
  private static let tailOps: Set<String> = [
    "ArgMax", "ZipMap", "ArrayFeatureExtractor", "Reshape", "Cast", "Identity", "Binarizer", "Concat", "Sub",
  ]
  /// Activations that are one ONNX operator.
  private static let activationOps: Set<String> = [
    "Relu", "Sigmoid", "Tanh", "Atan", "Elu", "Softplus", "LeakyRelu", "PRelu", "Softmax",
  ]
  static let supported =
    "Backprop imports chains of Gemm/MatMul+Add, BatchNormalization and the activations Relu, Sigmoid, Tanh, "
    + "Atan, Elu, Softplus, LeakyRelu, PRelu, Softmax (last axis), with Identity, Cast, Flatten and Dropout "
    + "passed over"

  /// Reads the chain of `model`'s graph.
  /// - Throws: ``DataError`` naming the first node, input or tensor that does not fit.
  static func read(_ model: Onnx_ModelProto, declared: [ActivationFunction]?) throws(DataError) -> ONNXChain {
    var reader = try ONNXChainReader(model, declared: declared)
    return try reader.walk()
  }

  private init(_ model: Onnx_ModelProto, declared: [ActivationFunction]?) throws(DataError) {
    let graph = model.graph
    let constants = ONNXConstants(graph)
    self.constants = constants
    nodes = graph.node
    self.declared = declared
    opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 1
    // Initializers may be listed as inputs too (keep_initializers_as_inputs): they are not data.
    let inputs = graph.input.filter { !constants.contains($0.name) }
    guard inputs.count == 1 else {
      let names = inputs.map { "'\($0.name)'" }.joined(separator: ", ")
      throw DataError(
        "the graph has \(inputs.count) inputs (\(names)); Backprop imports graphs with one input, "
          + "(batch, features)")
    }
    let input = inputs[0]
    guard case .tensorType(let tensor)? = input.type.value else {
      throw DataError("the graph's input '\(input.name)' is not a tensor")
    }
    guard tensor.elemType == 1 || tensor.elemType == 11 else {
      throw DataError(
        "the graph's input '\(input.name)' is \(ONNXTensorValues.typeName(tensor.elemType)); "
          + "Backprop imports FLOAT or DOUBLE inputs")
    }
    if tensor.hasShape, tensor.shape.dim.count != 2 {
      throw DataError(
        "the graph's input '\(input.name)' has \(tensor.shape.dim.count) dimensions; "
          + "Backprop imports (batch, features) inputs")
    }
    if tensor.hasShape, case .dimValue(let width)? = tensor.shape.dim[1].value, width > 0 {
      inputWidth = Int(width)
    } else {
      inputWidth = nil
    }
    current = input.name
    outputs = graph.output.map(\.name)
    if outputs.isEmpty { throw DataError("the graph has no output") }
  }

  private mutating func walk() throws(DataError) -> ONNXChain {
    var index = 0
    while index < nodes.count {
      let node = nodes[index]
      index += 1
      if node.opType == "Constant" {
        try constants.add(constantNode: node)
        continue
      }
      guard node.input.contains(current), !ended else {
        if ended && Self.tailOps.contains(node.opType) {
          try readLabels(node)
          continue
        }
        throw unsupported(node, "it does not continue the chain from '\(current)'")
      }
      if let skipped = try composedActivation(at: index - 1) {
        index += skipped - 1
        continue
      }
      try step(node)
    }
    guard let last = chain.layers.last else {
      throw DataError("the graph has no Gemm or MatMul: there is no layer to import")
    }
    if !ended, !outputs.contains(current) {
      throw DataError(
        "the graph's output\(outputs.count == 1 ? "" : "s") \(outputs.map { "'\($0)'" }.joined(separator: ", ")) "
          + "\(outputs.count == 1 ? "is" : "are") not the end of the chain, '\(current)'")
    }
    if let hidden = chain.layers.dropLast().firstIndex(where: { $0.activation == .softmax }) {
      throw DataError("layer \(hidden + 1): softmax is supported only as the output, after the last Gemm/MatMul")
    }
    guard [.identity, .sigmoid, .softmax].contains(last.activation) else {
      throw DataError(
        "the graph ends with \(last.activation) (node \(last.activationNode ?? "?")) after its last Gemm/MatMul "
          + "'\(last.node)'; Backprop's output layer is sigmoid, softmax or identity (no activation)")
    }
    return chain
  }

  /// One node that reads the chain's tensor.
  private mutating func step(_ node: Onnx_NodeProto) throws(DataError) {
    let op = node.opType
    switch op {
    case "Gemm", "MatMul":
      try linear(node)
    case "Add":
      try addBias(node)
    case "Sub", "Div":
      if chain.layers.isEmpty {
        try preprocessing(node)
      } else if op == "Sub", try isOneMinusProbability(node) {
        ended = true  // skl2onnx's [1 − p, p] for a binary classifier
        return
      } else {
        throw unsupported(node, "Sub and Div are read only before the first layer (as preprocessing)")
      }
    case "BatchNormalization":
      try batchNormalization(node)
    case _ where Self.activationOps.contains(op):
      try activation(node)
    case "Identity", "Flatten", "Dropout", "Cast", "Reshape":
      try passOver(node)
    case "ArgMax", "ZipMap", "Binarizer", "Concat":
      guard !chain.layers.isEmpty else { throw unsupported(node, "it comes before any layer") }
      ended = true
      if op == "ZipMap" { try readLabels(node) }
      return
    default:
      throw unsupported(node, nil)
    }
    if let output = node.output.first { current = output }
  }

  private func unsupported(_ node: Onnx_NodeProto, _ why: String?) -> DataError {
    DataError("node \(node.label) is not supported" + (why.map { " (\($0))" } ?? "") + ": \(Self.supported)")
  }

  /// The layer being read (the last one), or an error naming `node` when there is none.
  private func pendingLayer(_ node: Onnx_NodeProto, _ what: String) throws(DataError) -> Int {
    guard let l = chain.layers.indices.last, !chain.layers[l].hasActivation else {
      throw unsupported(node, "\(what) must follow a Gemm or MatMul")
    }
    return l
  }

  /// Gemm (Z = α·A·op(B) + β·C) or MatMul (Z = A·B): a new layer with W = α·op(B)ᵀ, b = β·C.
  private mutating func linear(_ node: Onnx_NodeProto) throws(DataError) {
    guard node.input.first == current, node.input.count >= 2 else {
      throw unsupported(node, "the chain's tensor must be its first input")
    }
    let isGemm = node.opType == "Gemm"
    if isGemm, node.int("transA", default: 0) != 0 { throw unsupported(node, "transA = 1") }
    let b = try constants.parameter(node.input[1], for: node, elementType: &chain.elementType)
    guard b.dims.count == 2 else {
      throw DataError("node \(node.label): its weight '\(b.name)' has the shape \(b.dims); a matrix is needed")
    }
    let transposed = isGemm && node.int("transB", default: 0) != 0
    let alpha = isGemm ? node.decimal("alpha", default: 1) : 1
    let (units, inputs) = transposed ? (b.dims[0], b.dims[1]) : (b.dims[1], b.dims[0])
    let previous = chain.layers.last?.units ?? inputWidth
    if let previous, previous != inputs {
      throw DataError(
        "node \(node.label): its weight '\(b.name)' is (\(b.dims[0]), \(b.dims[1]))"
          + (transposed ? "" : " (transposed: W is (\(units), \(inputs)))")
          + " but \(chain.layers.isEmpty ? "the input has" : "the layer before has") \(previous) "
          + "\(chain.layers.isEmpty ? "features" : "units")")
    }
    // W row-major (units, inputs): B itself when transposed, else Bᵀ.
    var weight = [Double](repeating: 0, count: units * inputs)
    for i in 0..<units {
      for j in 0..<inputs {
        weight[i * inputs + j] = alpha * (transposed ? b.numbers[i * inputs + j] : b.numbers[j * units + i])
      }
    }
    var layer = ONNXChain.Layer(
      weight: weight, units: units, inputs: inputs, bias: Array(repeating: 0, count: units), node: node.name)
    if isGemm, node.input.count > 2, !node.input[2].isEmpty {
      let beta = node.decimal("beta", default: 1)
      layer.bias = try vector(node.input[2], units: units, for: node).map { beta * $0 }
    }
    chain.layers.append(layer)
  }

  /// Add(Z, c): b[l] += c, right after the layer's MatMul or Gemm.
  private mutating func addBias(_ node: Onnx_NodeProto) throws(DataError) {
    let l = try pendingLayer(node, "a bias Add")
    guard chain.layers[l].normalization == nil, node.input.count == 2 else {
      throw unsupported(node, "an Add is read only as the bias right after a MatMul or Gemm")
    }
    let other = node.input[0] == current ? node.input[1] : node.input[0]
    let c = try vector(other, units: chain.layers[l].units, for: node)
    for i in c.indices { chain.layers[l].bias[i] += c[i] }
  }

  /// A parameter of n values for n units: shape (), (1), (n), (1, n) — one per unit or one broadcast.
  private mutating func vector(_ name: String, units: Int, for node: Onnx_NodeProto) throws(DataError) -> [Double] {
    let c = try constants.parameter(name, for: node, elementType: &chain.elementType)
    let shapeFits = c.dims.count <= 1 || (c.dims.count == 2 && c.dims[0] == 1)
    guard shapeFits, c.count == units || c.count == 1 else {
      throw DataError(
        "node \(node.label): '\(name)' has the shape \(c.dims); one value per unit (\(units)) or a single one is needed"
      )
    }
    return c.count == units ? c.numbers : Array(repeating: c.numbers[0], count: units)
  }

  /// Div(x, k) → divisor; Sub(x, offsets) → offsets; Div(x, scales) → scales (before any layer).
  private mutating func preprocessing(_ node: Onnx_NodeProto) throws(DataError) {
    guard node.input.count == 2, node.input[0] == current else {
      throw unsupported(node, "preprocessing is x − c or x / c with a constant c")
    }
    let c = try constants.values(node.input[1], for: node)
    guard c.isFloatingPoint, c.dims.count <= 1 || (c.dims.count == 2 && c.dims[0] == 1) else {
      throw DataError("node \(node.label): '\(c.name)' must be a float scalar or one value per feature")
    }
    let width = c.count == 1 ? nil : c.count
    if let width, let n0 = inputWidth ?? chain.offsets?.count ?? chain.scales?.count, width != n0 {
      throw DataError("node \(node.label): '\(c.name)' has \(width) values for \(n0) features")
    }
    func perFeature(_ values: [Double]) -> [Double] {
      let n = width ?? inputWidth ?? 1
      return values.count == n ? values : Array(repeating: values[0], count: n)
    }
    if node.opType == "Sub", chain.offsets == nil, chain.scales == nil {
      chain.offsets = perFeature(c.numbers)
    } else if node.opType == "Div", c.count == 1, chain.offsets == nil, chain.scales == nil, chain.divisor == 1 {
      chain.divisor = c.numbers[0]
    } else if node.opType == "Div", chain.scales == nil {
      chain.scales = perFeature(c.numbers)
    } else {
      throw unsupported(node, "preprocessing is x / k, then − offsets, then / scales, each at most once")
    }
  }

  /// BatchNormalization(Z, γ, β, μ, σ²) in inference form, after the layer's Gemm.
  private mutating func batchNormalization(_ node: Onnx_NodeProto) throws(DataError) {
    let l = try pendingLayer(node, "batch normalisation")
    guard chain.layers[l].normalization == nil, node.input.count == 5, node.output.count == 1,
      node.int("training_mode", default: 0) == 0
    else { throw unsupported(node, "only inference-mode batch normalisation, once per layer, is read") }
    let units = chain.layers[l].units
    var parts = [[Double]]()
    for name in node.input.dropFirst() {
      let v = try constants.parameter(name, for: node, elementType: &chain.elementType)
      guard v.count == units, v.dims.count == 1 else {
        throw DataError("node \(node.label): '\(name)' has the shape \(v.dims); (\(units)) is needed")
      }
      parts.append(v.numbers)
    }
    var epsilon = node.decimal("epsilon", default: 1e-5)
    if epsilon == 0, declared != nil {
      // Backprop's float64 export adds ε (1e-5, its only value) to the stored variance.
      epsilon = 1e-5
      parts[3] = parts[3].map { $0 - epsilon }
    }
    chain.layers[l].normalization = (
      parts[0], parts[1], parts[2], parts[3], epsilon, node.decimal("momentum", default: 0.9)
    )
  }

  /// g[l] as one operator.
  private mutating func activation(_ node: Onnx_NodeProto) throws(DataError) {
    let l = try pendingLayer(node, "an activation")
    guard node.input.first == current else { throw unsupported(node, "the chain's tensor must be its first input") }
    let g: ActivationFunction
    switch node.opType {
    case "Relu": g = .relu
    case "Sigmoid": g = .sigmoid
    case "Tanh": g = .tanh
    case "Atan": g = .arctan
    case "Softplus": g = .softplus
    case "Elu": g = .elu(alpha: node.decimal("alpha", default: 1))
    case "LeakyRelu": g = .leakyReLU(slope: node.decimal("alpha", default: 0.01))
    case "Softmax":
      let axis = node.int("axis", default: opset >= 13 ? -1 : 1)
      guard axis == 1 || axis == -1 else {
        throw DataError(
          "node \(node.label): softmax over axis \(axis) is not supported; Backprop's softmax is over the "
            + "classes, the last axis (1 or -1) of (batch, classes)")
      }
      g = .softmax
    default:  // PRelu: α per unit, or one α for every unit
      guard node.input.count == 2 else { throw unsupported(node, "PRelu needs a slope") }
      let slopes = try vector(node.input[1], units: chain.layers[l].units, for: node)
      if case .leakyReLU(let slope)? = declaredActivation(l), slopes.allSatisfy({ $0 == slope }) {
        g = .leakyReLU(slope: slope)  // how Backprop writes a float64 leaky ReLU
      } else {
        chain.layers[l].alpha = slopes
        g = .prelu(initialAlpha: PReLU.defaultInitialAlpha)
      }
    }
    chain.layers[l].activation = g
    chain.layers[l].hasActivation = true
    chain.layers[l].activationNode = node.label
    // A graph Backprop exported says which parameters it wrote (e.g. leaky-relu:0.1 exactly).
    if let known = declaredActivation(l), known.onnxName == g.onnxName { chain.layers[l].activation = known }
  }

  private func declaredActivation(_ l: Int) -> ActivationFunction? {
    guard let declared, l < declared.count else { return nil }
    return declared[l]
  }

  /// Identity, Flatten (axis 1), Dropout (inference), Cast (to a float type), Reshape to (batch, n).
  private mutating func passOver(_ node: Onnx_NodeProto) throws(DataError) {
    guard node.input.first == current else { throw unsupported(node, "the chain's tensor must be its first input") }
    switch node.opType {
    case "Flatten":
      if node.int("axis", default: 1) != 1 { throw unsupported(node, "only Flatten(axis=1) of (batch, n)") }
    case "Dropout":
      if node.input.count > 2 { throw unsupported(node, "Dropout in training mode") }
    case "Cast":
      let to = node.int("to", default: 0)
      guard to == 1 || to == 11 else {
        if !chain.layers.isEmpty { ended = true }
        let type = ONNXTensorValues.typeName(Int32(truncatingIfNeeded: to))
        guard ended else { throw unsupported(node, "a Cast to \(type)") }
        return
      }
    case "Reshape":
      let width = chain.layers.last?.units ?? inputWidth
      let shape = node.input.count == 2 ? try constants.values(node.input[1], for: node).numbers : []
      if shape == [-1, 1], !chain.layers.isEmpty, let output = node.output.first, outputs.contains(output) {
        // skl2onnx ends MLPRegressor with Reshape(-1, 1), even for several targets: dropped, so the
        // model gives (n[L], m) as scikit-learn's predict does.
        ended = true
        return
      }
      guard shape.count == 2, shape[0] == -1 || shape[0] == 0, shape[1] == -1 || shape[1] == Double(width ?? -1) else {
        throw unsupported(node, "only a Reshape to (batch, \(width.map(String.init) ?? "n")) is passed over")
      }
    default:
      break
    }
    if let output = node.output.first { current = output }
  }

  /// Sub(1, p) in skl2onnx's binary tail [1 − p, p].
  private mutating func isOneMinusProbability(_ node: Onnx_NodeProto) throws(DataError) -> Bool {
    guard node.input.count == 2, node.input[1] == current, chain.layers.last?.activation == .sigmoid else {
      return false
    }
    let one = try constants.values(node.input[0], for: node)
    return one.count == 1 && one.numbers.first == 1
  }

  /// The class labels of skl2onnx's tail: ZipMap's, or the label tensor ArrayFeatureExtractor picks from.
  private mutating func readLabels(_ node: Onnx_NodeProto) throws(DataError) {
    if node.opType == "ArrayFeatureExtractor", chain.classLabels == nil, let name = node.input.first,
      constants.contains(name)
    {
      let labels = try constants.values(name, for: node)
      chain.classLabels =
        labels.elementType == 8 ? labels.strings : labels.numbers.map { String(Int64(exactly: $0) ?? 0) }
      return
    }
    guard node.opType == "ZipMap" else { return }
    if let strings = node.attributeNamed("classlabels_strings")?.strings, !strings.isEmpty {
      chain.classLabels = strings.map { String(decoding: $0, as: UTF8.self) }
    } else if let ints = node.attributeNamed("classlabels_int64s")?.ints, !ints.isEmpty {
      chain.classLabels = ints.map(String.init)
    }
  }

  /// A float64 activation that Backprop's exporter composes of several operators (ELU, softplus,
  /// arctan, the step, leaky ReLU): when the graph declares layer l's activation and the nodes at
  /// `index` are exactly what the exporter writes for it, sets g[l] and returns how many nodes it
  /// spans; nil otherwise.
  private mutating func composedActivation(at index: Int) throws(DataError) -> Int? {
    guard let l = chain.layers.indices.last, !chain.layers[l].hasActivation, let g = declaredActivation(l) else {
      return nil
    }
    var builder = ONNXGraphBuilder(elementType: chain.elementType == 11 ? .double : .float)
    let alpha = chain.layers[l].alpha
    guard (try? builder.activation(g, of: current, slopes: alpha, layer: l + 1)) != nil, builder.nodes.count > 1,
      index + builder.nodes.count <= nodes.count
    else { return nil }
    let written = nodes[index..<index + builder.nodes.count]
    guard zip(written, builder.nodes).allSatisfy({ $0.opType == $1.opType && $0.input.count == $1.input.count })
    else { return nil }
    chain.layers[l].activation = g
    chain.layers[l].hasActivation = true
    chain.layers[l].activationNode = nodes[index].label
    current = written.last?.output.first ?? current
    return builder.nodes.count
  }
}
