import Backprop

/// A network read from an ONNX graph, before it becomes a ``Model`` of one scalar type: the
/// numbers as Double (float32 values convert exactly), W row-major as ONNX stores it.
struct ONNXChain {
  /// One layer l: Z[l] = W[l]·A[l-1] + b[l], optionally batch-normalised, then g[l].
  struct Layer {
    /// W[l], (n[l], n[l-1]), row by row.
    var weight: [Double]
    /// n[l].
    var units: Int
    /// n[l-1].
    var inputs: Int
    /// b[l], n[l] values.
    var bias: [Double]
    /// g[l]; identity until an activation node is read.
    var activation: ActivationFunction = .identity
    /// PReLU's αᵢ, n[l] values.
    var alpha: [Double]?
    /// BatchNormalization's γ, β, running mean and variance (n[l] each), ε and momentum.
    var normalization:
      (
        gamma: [Double], beta: [Double], mean: [Double], variance: [Double], epsilon: Double,
        momentum: Double
      )?
    /// Whether g[l] came from a node (a second activation is then a new, unsupported step).
    var hasActivation = false
    /// The node that made Z[l], for messages.
    var node: String
    /// The node that computes g[l] (the first, when several do), for messages.
    var activationNode: String?
  }

  /// FLOAT (1) or DOUBLE (11): the layers' parameters' element type, the model's scalar.
  var elementType: Int32 = 0
  /// Layers 1…L.
  var layers: [Layer] = []
  /// x' = (x / divisor − offsetᵢ) / scaleᵢ, read from Div, Sub, Div before the first layer.
  var divisor = 1.0
  var offsets: [Double]?
  var scales: [Double]?
  /// The class labels of a classifier's post-processing (skl2onnx's ZipMap or label tensor).
  var classLabels: [String]?
}

/// The scalar constants of a graph, and the tensors its nodes read: initializers and Constant nodes.
struct ONNXConstants {
  private var tensors: [String: Onnx_TensorProto] = [:]
  private var cache: [String: ONNXTensorValues] = [:]

  init(_ graph: Onnx_GraphProto) {
    for tensor in graph.initializer { tensors[tensor.name] = tensor }
  }

  /// Whether `name` is a constant tensor of the graph.
  func contains(_ name: String) -> Bool { tensors[name] != nil }

  /// Records a Constant node's value (`value`, or `value_float(s)`, `value_int(s)`).
  /// - Throws: ``DataError`` naming the node when it holds another kind of value.
  mutating func add(constantNode node: Onnx_NodeProto) throws(DataError) {
    guard let output = node.output.first, let attribute = node.attribute.first else {
      throw DataError("node \(node.label) has no value")
    }
    var tensor = Onnx_TensorProto()
    tensor.name = output
    switch attribute.name {
    case "value": tensor = attribute.t
    case "value_float":
      tensor.dataType = 1
      tensor.floatData = [attribute.f]
    case "value_floats":
      tensor.dataType = 1
      tensor.dims = [Int64(attribute.floats.count)]
      tensor.floatData = attribute.floats
    case "value_int":
      tensor.dataType = 7
      tensor.int64Data = [attribute.i]
    case "value_ints":
      tensor.dataType = 7
      tensor.dims = [Int64(attribute.ints.count)]
      tensor.int64Data = attribute.ints
    default:
      throw DataError("node \(node.label): a constant given as '\(attribute.name)' is not supported")
    }
    tensor.name = output
    tensors[output] = tensor
  }

  /// The values of constant `name`, read by `node` (named in errors).
  /// - Throws: ``DataError`` when there is no such initializer or Constant node, or its data is unreadable.
  mutating func values(_ name: String, for node: Onnx_NodeProto) throws(DataError) -> ONNXTensorValues {
    if let known = cache[name] { return known }
    guard let tensor = tensors[name] else {
      throw DataError(
        "node \(node.label) reads '\(name)', which is neither an initializer nor a Constant node's output: "
          + "Backprop imports weights stored in the file (torch.onnx.export(…, export_params=True))")
    }
    let values = try ONNXTensorValues(tensor)
    cache[name] = values
    return values
  }

  /// The floating-point values of `name` as parameters of a layer of element type `elementType`
  /// (0: not known yet; the first layer's weight sets it).
  mutating func parameter(_ name: String, for node: Onnx_NodeProto, elementType: inout Int32) throws(DataError)
    -> ONNXTensorValues
  {
    let values = try values(name, for: node)
    guard values.isFloatingPoint else {
      throw DataError(
        "node \(node.label): its parameter '\(name)' is \(ONNXTensorValues.typeName(values.elementType)); "
          + "Backprop imports FLOAT or DOUBLE weights")
    }
    if elementType == 0 { elementType = values.elementType }
    guard values.elementType == elementType else {
      throw DataError(
        "node \(node.label): its parameter '\(name)' is \(ONNXTensorValues.typeName(values.elementType)) but the "
          + "layers before are \(ONNXTensorValues.typeName(elementType)); a model has one scalar type")
    }
    return values
  }
}
