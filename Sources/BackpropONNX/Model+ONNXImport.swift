import Backprop
import Foundation
import SwiftProtobuf

/// A model read from an ONNX file, in the scalar type of the graph's weights: FLOAT gives a
/// float32 model, DOUBLE a float64 one.
///
/// ```swift
/// switch try ONNXImportedModel(onnx: Data(contentsOf: URL(fileURLWithPath: "m.onnx"))) {
/// case .float32(let model): try ModelFile.write(model, to: "m.safetensors")
/// case .float64(let model): try ModelFile.write(model, to: "m.safetensors")
/// }
/// ```
public enum ONNXImportedModel: Sendable {
  /// A graph of FLOAT weights.
  case float32(Model<Float>)
  /// A graph of DOUBLE weights.
  case float64(Model<Double>)

  /// Reads an ONNX model (the bytes of a `.onnx` file) as `Model.init(onnx:)` does, in the
  /// graph's own scalar type.
  /// - Parameter bytes: a serialised `ModelProto`.
  /// - Throws: `DataError` for bytes that are not an ONNX model, or naming the first node,
  ///   input or tensor that Backprop cannot hold.
  public init(onnx bytes: Data) throws(DataError) {
    let proto = try Self.parse(bytes)
    let metadata = ONNXMetadata(proto)
    let chain = try ONNXChainReader.read(proto, declared: metadata.activations)
    if chain.elementType == 11 {
      self = .float64(try Model<Double>(chain: chain, metadata: metadata, producer: proto.producer))
    } else {
      self = .float32(try Model<Float>(chain: chain, metadata: metadata, producer: proto.producer))
    }
  }

  /// The model's scalar type: `float32` or `float64`.
  public var dtypeName: String {
    switch self {
    case .float32: Float.dtypeName
    case .float64: Double.dtypeName
    }
  }

  /// Decodes a `ModelProto`, with a clear error for anything else.
  static func parse(_ bytes: Data) throws(DataError) -> Onnx_ModelProto {
    guard !bytes.isEmpty else { throw DataError("the file is empty, not an ONNX model") }
    let proto: Onnx_ModelProto
    do {
      proto = try Onnx_ModelProto(serializedBytes: bytes)
    } catch {
      throw DataError("not an ONNX model (the protobuf bytes do not decode: \(error))")
    }
    guard proto.hasGraph, !proto.graph.node.isEmpty else {
      throw DataError("not an ONNX model: there is no graph, or the graph has no node")
    }
    return proto
  }
}

extension Model {
  /// A model from an ONNX graph of a fully connected network, its parameters converted to `Scalar`
  /// (``ONNXImportedModel`` keeps the graph's own type; float64 weights read as `Float` are rounded). The inverse of ``onnx()`` and the way in
  /// for networks exported by PyTorch (`torch.onnx.export` of an `nn.Sequential` of `nn.Linear`
  /// and activations) and scikit-learn (`skl2onnx` of `MLPClassifier`/`MLPRegressor`).
  ///
  /// ONNX puts one example per row, X·Wᵀ: a Gemm with transB = 1 holds W[l] (n[l], n[l-1]) as it
  /// is; a MatMul (or a Gemm with transB = 0) holds W[l]ᵀ, transposed here. The graph must be one
  /// chain:
  ///
  ///     input → [x / k → − offsetᵢ → / scaleᵢ]                              preprocessing
  ///           → Z[l] = W[l]·A[l-1] + b[l] → [batch normalisation] → g[l]     l = 1…L
  ///           → [ArgMax, ZipMap, label …]                                   dropped (class names kept)
  ///
  /// g[l] for l < L is Relu, Sigmoid, Tanh, Atan, Elu, Softplus, LeakyRelu, PRelu (α per unit or one
  /// α for all) or none; g[L] is Softmax over the last axis (``Output/softmax``), Sigmoid
  /// (``Output/sigmoid``) or none (``Output/identity``). Float attributes (LeakyRelu's and Elu's α,
  /// batch normalisation's ε) are float32 in ONNX and read as the shortest decimal that rounds to
  /// them (0.2, not 0.2000000029802…). Class names come from the metadata Backprop writes or from
  /// scikit-learn's labels; feature and target names, preprocessing and hyperparameters from
  /// Backprop's metadata.
  ///
  /// ```swift
  /// let model = try Model<Float>(onnx: Data(contentsOf: URL(fileURLWithPath: "mlp.onnx")))
  /// let a = try model.predict(x).outputs     // A[L], (n[L], m)
  /// print(a.shape)
  /// ```
  /// - Parameter bytes: a serialised ONNX `ModelProto`.
  /// - Throws: ``DataError`` for bytes that are not an ONNX model, or naming the first node (its
  ///   name and op type), input or tensor that does not fit: an operator outside the list, a second
  ///   input, a non-float type, a missing initializer, shapes that do not chain, softmax on another
  ///   axis.
  public init(onnx bytes: Data) throws(DataError) {
    let proto = try ONNXImportedModel.parse(bytes)
    let metadata = ONNXMetadata(proto)
    let chain = try ONNXChainReader.read(proto, declared: metadata.activations)
    try self.init(chain: chain, metadata: metadata, producer: proto.producer)
  }

  /// The model of a chain read from a graph, with the graph's metadata.
  init(chain: ONNXChain, metadata: ONNXMetadata, producer: String) throws(DataError) {
    var layers = [Dense<Scalar>]()
    do {
      for (index, layer) in chain.layers.enumerated() {
        let l = index + 1
        let w = try Matrix<Scalar>(
          rows: layer.units, columns: layer.inputs, rowMajor: layer.weight.map { Scalar($0) })
        let b = try Matrix<Scalar>(rows: layer.units, columns: 1, columnMajor: layer.bias.map { Scalar($0) })
        let alpha = try layer.alpha.map { a throws(ShapeError) in
          try Matrix<Scalar>(rows: layer.units, columns: 1, columnMajor: a.map { Scalar($0) })
        }
        let norm = try layer.normalization.map { n in
          func column(_ values: [Double]) throws -> Matrix<Scalar> {
            try Matrix(rows: values.count, columns: 1, columnMajor: values.map { Scalar($0) })
          }
          return try BatchNormalization<Scalar>(
            gamma: column(n.gamma), beta: column(n.beta), runningMean: column(n.mean),
            runningVariance: column(n.variance), epsilon: Scalar(n.epsilon), momentum: Scalar(n.momentum), layer: l)
        }
        layers.append(
          try Dense(weight: w, bias: b, alpha: alpha, activation: layer.activation, normalization: norm, layer: l))
      }
      try Network<Scalar>.validate(layerSizes: [layers[0].inputSize] + layers.map(\.outputSize))
      let output = try Output(lastActivation: layers[layers.count - 1].activation)
      let network = try Network(layers: layers, output: output)
      let preprocessing = try chain.preprocessing(method: metadata.preprocessingMethod)
      if preprocessing.method != .none, preprocessing.offsets.count != network.layerSizes[0] {
        throw DataError(
          "the preprocessing has \(preprocessing.offsets.count) features but the first layer has "
            + "\(network.layerSizes[0]) inputs")
      }
      var hyperparameters = metadata.hyperparameters
      hyperparameters["imported_from"] = "ONNX (\(producer))"
      self.init(
        network: network, preprocessing: preprocessing,
        classNames: metadata.classNames(for: network, labels: chain.classLabels),
        featureNames: metadata.featureNames.flatMap { $0.count == network.layerSizes[0] ? $0 : nil },
        targetName: metadata.targetName, hyperparameters: hyperparameters)
    } catch let error as DataError {
      throw error
    } catch {
      throw DataError("\(error)")
    }
  }
}

extension ONNXChain {
  /// x' = (x / divisor − offsetᵢ) / scaleᵢ as Backprop's ``Preprocessing``: offsets without
  /// scales divide by 1, scales without offsets subtract 0.
  func preprocessing(method: Preprocessing.Method?) throws -> Preprocessing {
    guard offsets != nil || scales != nil else {
      return try Preprocessing(method: .none, divisor: divisor, offsets: [], scales: [])
    }
    let n = (offsets ?? scales ?? []).count
    let method = method.flatMap { $0 == .none ? nil : $0 } ?? .standardize
    return try Preprocessing(
      method: method, divisor: divisor, offsets: offsets ?? Array(repeating: 0, count: n),
      scales: scales ?? Array(repeating: 1, count: n))
  }
}

extension Onnx_ModelProto {
  /// "pytorch 2.15.0", "skl2onnx 1.20.0", "Backprop 0.9": who wrote the file.
  var producer: String {
    let name = producerName.isEmpty ? "unknown producer" : producerName
    return producerVersion.isEmpty ? name : "\(name) \(producerVersion)"
  }
}
