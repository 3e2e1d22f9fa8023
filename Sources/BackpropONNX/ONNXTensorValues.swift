import Backprop
import Foundation

/// The numbers of an ONNX tensor (an initializer or a Constant node's value), read from whichever
/// field holds them: `raw_data` (little-endian) or the typed `float_data`, `double_data`,
/// `int32_data`, `int64_data`, `string_data`.
struct ONNXTensorValues {
  /// The tensor's name in the graph.
  var name: String
  /// Its shape; empty for a scalar.
  var dims: [Int]
  /// ONNX's element type (`TensorProto.DataType`): 1 FLOAT, 11 DOUBLE, 6 INT32, 7 INT64, 8 STRING …
  var elementType: Int32
  /// Every element as a Double, row-major (floating-point and integer tensors; empty for strings).
  var numbers: [Double]
  /// Every element of a STRING tensor, as UTF-8 text.
  var strings: [String]

  /// The number of elements, ∏ dims (1 for a scalar).
  var count: Int { dims.reduce(1, *) }
  /// Whether the tensor holds FLOAT or DOUBLE numbers.
  var isFloatingPoint: Bool { elementType == 1 || elementType == 11 }

  /// Reads `tensor`, checking that it holds exactly ∏ dims elements.
  /// - Throws: ``DataError`` naming the tensor when its data is external, its type unreadable or its
  ///   size does not match its shape.
  init(_ tensor: Onnx_TensorProto) throws(DataError) {
    name = tensor.name
    elementType = tensor.dataType
    guard tensor.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }), tensor.dims.count <= 8 else {
      throw DataError("tensor '\(name)' has the shape \(tensor.dims), which is not a valid one")
    }
    dims = tensor.dims.map { Int($0) }
    guard tensor.dataLocation != .external else {
      throw DataError(
        "tensor '\(name)' keeps its data in an external file; save the model with its weights inside "
          + "(onnx.save(model, path, save_as_external_data=False))")
    }
    let (product, overflow) = dims.reduce((1, false)) { partial, d in
      let (p, o) = partial.0.multipliedReportingOverflow(by: d)
      return (p, partial.1 || o)
    }
    guard !overflow, product <= 1 << 31 else { throw DataError("tensor '\(name)' is too large (shape \(dims))") }
    numbers = []
    strings = []
    let raw = tensor.hasRawData ? [UInt8](tensor.rawData) : nil
    switch elementType {
    case 1:  // FLOAT
      numbers =
        try raw.map { bytes throws(DataError) in
          try Self.littleEndian(bytes, width: 4, count: product, name: name).map {
            Double(Float(bitPattern: UInt32($0)))
          }
        } ?? tensor.floatData.map(Double.init)
    case 11:  // DOUBLE
      numbers =
        try raw.map { bytes throws(DataError) in
          try Self.littleEndian(bytes, width: 8, count: product, name: name).map { Double(bitPattern: $0) }
        } ?? tensor.doubleData
    case 6:  // INT32
      numbers =
        try raw.map { bytes throws(DataError) in
          try Self.littleEndian(bytes, width: 4, count: product, name: name).map {
            Double(Int32(bitPattern: UInt32($0)))
          }
        } ?? tensor.int32Data.map(Double.init)
    case 7:  // INT64
      numbers =
        try raw.map { bytes throws(DataError) in
          try Self.littleEndian(bytes, width: 8, count: product, name: name).map { Double(Int64(bitPattern: $0)) }
        } ?? tensor.int64Data.map(Double.init)
    case 8:  // STRING
      strings = tensor.stringData.map { String(decoding: $0, as: UTF8.self) }
    default:
      throw DataError("tensor '\(name)' is \(Self.typeName(elementType)), which Backprop does not read")
    }
    let stored = elementType == 8 ? strings.count : numbers.count
    guard stored == product else {
      throw DataError("tensor '\(name)' has \(stored) elements but its shape \(dims) needs \(product)")
    }
  }

  /// `count` little-endian integers of `width` bytes (4 or 8), as UInt64 bit patterns.
  private static func littleEndian(_ bytes: [UInt8], width: Int, count: Int, name: String) throws(DataError)
    -> [UInt64]
  {
    guard bytes.count == width * count else {
      throw DataError("tensor '\(name)' has \(bytes.count) bytes of raw data but its shape needs \(width * count)")
    }
    var values = [UInt64]()
    values.reserveCapacity(count)
    for k in 0..<count {
      var v: UInt64 = 0
      for b in 0..<width { v |= UInt64(bytes[k * width + b]) << (8 * UInt64(b)) }
      values.append(v)
    }
    return values
  }

  /// ONNX's name of an element type (`FLOAT`, `DOUBLE`, `INT64` …), for messages.
  static func typeName(_ elementType: Int32) -> String {
    let names: [Int32: String] = [
      1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL",
      10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
    ]
    return names[elementType] ?? "element type \(elementType)"
  }
}

extension Onnx_NodeProto {
  /// The attribute called `name`, if the node has it.
  func attributeNamed(_ name: String) -> Onnx_AttributeProto? {
    attribute.first { $0.name == name }
  }

  /// An integer attribute, or `default` when absent.
  func int(_ name: String, default value: Int64) -> Int64 {
    attributeNamed(name)?.i ?? value
  }

  /// A float attribute as the decimal number it was written from, or `default` when absent.
  ///
  /// ONNX stores attributes such as LeakyRelu's α or BatchNormalization's ε as float32, so
  /// `nn.LeakyReLU(0.2)` arrives as 0.2000000029802…; the shortest decimal that rounds to the same
  /// float32 (0.2) is the number written in the source, and the one a float64 model computes with.
  func decimal(_ name: String, default value: Double) -> Double {
    guard let f = attributeNamed(name)?.f else { return value }
    return Double(f.description) ?? Double(f)
  }

  /// `'Gemm_0' (Gemm)`: the node as errors name it.
  var label: String { "'\(name)' (\(opType))" }
}
