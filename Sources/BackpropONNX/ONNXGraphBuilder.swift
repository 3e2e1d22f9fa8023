import Backprop
import Foundation

/// Builds an ONNX graph one node at a time: each node reads named tensors and writes one new
/// tensor, whose name it returns, so the exporter reads like the forward pass it writes down.
///
///     var graph = ONNXGraphBuilder(elementType: .double)
///     let w = graph.initializer("layer1.weight", dims: [3, 2], values: [1, 2, 3, 4, 5, 6])
///     let z = graph.node("Gemm", ["input", w], name: "layer1.gemm", attributes: [.int("transB", 1)])
struct ONNXGraphBuilder {
  /// The scalar type of every floating-point tensor of the graph (ONNX's FLOAT or DOUBLE).
  let elementType: Onnx_TensorProto.DataType
  private(set) var nodes: [Onnx_NodeProto] = []
  private(set) var initializers: [Onnx_TensorProto] = []
  /// Scalar constants already made, by type and value, so each is stored once.
  private var constants: [String: String] = [:]

  init(elementType: Onnx_TensorProto.DataType) {
    self.elementType = elementType
  }

  /// A node attribute: ONNX attributes hold float32, int64 or an element type.
  enum Attribute {
    case float(String, Float)
    case int(String, Int64)

    var proto: Onnx_AttributeProto {
      var attribute = Onnx_AttributeProto()
      switch self {
      case .float(let name, let value):
        attribute.name = name
        attribute.type = .float
        attribute.f = value
      case .int(let name, let value):
        attribute.name = name
        attribute.type = .int
        attribute.i = value
      }
      return attribute
    }
  }

  /// Adds `opType(inputs…)` writing the tensor `name` (the node's name too); returns `name`.
  @discardableResult
  mutating func node(_ opType: String, _ inputs: [String], name: String, attributes: [Attribute] = []) -> String {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.name = name
    node.input = inputs
    node.output = [name]
    node.attribute = attributes.map(\.proto)
    nodes.append(node)
    return name
  }

  /// A constant tensor of the graph's element type (`type` overrides it), stored as raw
  /// little-endian bytes; `dims` empty for a scalar. Returns its name.
  @discardableResult
  mutating func initializer(
    _ name: String, dims: [Int], values: [Double], type: Onnx_TensorProto.DataType? = nil
  ) -> String {
    let type = type ?? elementType
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims.map(Int64.init)
    tensor.dataType = Int32(type.rawValue)
    var bytes = [UInt8]()
    if type == .double {
      bytes.reserveCapacity(8 * values.count)
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    } else {
      bytes.reserveCapacity(4 * values.count)
      for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 } }
    }
    tensor.rawData = Data(bytes)
    initializers.append(tensor)
    return name
  }

  /// A scalar constant (`const.f8.0.5` …), made once per type and value; returns its name.
  mutating func constant(_ value: Double, type: Onnx_TensorProto.DataType? = nil) -> String {
    let type = type ?? elementType
    let name = "const.\(type == .double ? "f8" : "f4").\(value)"
    if let existing = constants[name] { return existing }
    constants[name] = initializer(name, dims: [], values: [value], type: type)
    return name
  }

  /// Renames the tensor the last node writes (the graph's output gets its public name).
  mutating func renameLastOutput(to name: String) {
    precondition(!nodes.isEmpty, "a graph with no node has no output to rename")
    nodes[nodes.count - 1].output = [name]
  }
}

extension Onnx_ValueInfoProto {
  /// A (batch, features) tensor of `type`: the batch a named dimension, `batch`.
  static func matrix(_ name: String, type: Onnx_TensorProto.DataType, features: Int) -> Onnx_ValueInfoProto {
    var batch = Onnx_TensorShapeProto.Dimension()
    batch.dimParam = "batch"
    var width = Onnx_TensorShapeProto.Dimension()
    width.dimValue = Int64(features)
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = Int32(type.rawValue)
    tensorType.shape.dim = [batch, width]
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType = tensorType
    return info
  }
}
