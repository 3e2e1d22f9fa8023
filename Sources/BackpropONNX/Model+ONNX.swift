import Backprop
import Foundation
import SwiftProtobuf

/// The ONNX versions an exported model declares.
public enum ONNXFormat {
  /// The IR (file format) version: 8, the one that goes with opset 17 (ONNX 1.12 and later read it).
  public static let irVersion: Int64 = 8
  /// The default domain's (`ai.onnx`) operator set: 17, read by ONNX Runtime 1.12 and later.
  public static let opsetVersion: Int64 = 17
}

extension Model {
  /// The whole model as one ONNX graph, serialised (`backprop export` writes these bytes to a
  /// `.onnx` file): raw features in, A[L] out, as ``Model/predict(_:)`` computes them.
  ///
  /// ONNX puts one example per row, so the graph's input "input" is (batch, n[0]), X transposed,
  /// and its output "output" is (batch, n[L]), A[L] transposed: probabilities for sigmoid and
  /// softmax outputs, values for identity. The nodes, in order:
  ///
  ///     preprocessing   x' = (x / divisor − offsetᵢ) / scaleᵢ     Div, Sub, Div (in double, as Swift)
  ///     layer l         Z[l] = A[l-1]·W[l]ᵀ + b[l]                Gemm(transB: 1), W (n[l], n[l-1]), b (n[l])
  ///                     Z̃[l] = γ ⊙ (Z[l] − μ) / √(σ² + ε) + β     BatchNormalization (when the layer has it)
  ///                     A[l] = g[l](Z̃[l])                          see the table in ONNXActivation.swift
  ///
  /// Parts that change nothing (divisor 1, no method, identity g) have no node. A float32 model
  /// prepares its inputs in double and rounds once, exactly as ``Preprocessing/apply(_:)`` does.
  /// In a float64 model whose ε is not a float32 number, ε is added to the stored running
  /// variance (ONNX's epsilon attribute is float32) and the attribute is 0.
  ///
  /// The tensors are float32 (FLOAT) or float64 (DOUBLE) as the model is, stored little-endian
  /// in `raw_data`; `metadata_props` hold the class, feature and target names, the layer table,
  /// the preprocessing and the training hyperparameters as text or JSON.
  ///
  /// ```swift
  /// let model = try ModelFile.read(path: "iris.safetensors", as: Float.self)
  /// try model.onnx().write(to: URL(fileURLWithPath: "iris.onnx"))
  /// ```
  /// - Throws: ``DataError`` naming the layer when a layer's activation is custom (no ONNX
  ///   operator computes it).
  public func onnx() throws(DataError) -> Data {
    let elementType: Onnx_TensorProto.DataType = Scalar.self == Double.self ? .double : .float
    var graph = ONNXGraphBuilder(elementType: elementType)
    var a = preprocessingNodes(from: "input", in: &graph)
    for (index, layer) in network.layers.enumerated() {
      a = try nodes(for: layer, layer: index + 1, input: a, in: &graph)
    }
    // The last node is layer L's Gemm or output activation (a network has at least one layer).
    graph.renameLastOutput(to: "output")

    var proto = Onnx_GraphProto()
    proto.name = "backprop"
    proto.node = graph.nodes
    proto.initializer = graph.initializers
    proto.input = [.matrix("input", type: elementType, features: network.layerSizes[0])]
    proto.output = [.matrix("output", type: elementType, features: network.layerSizes[network.depth])]
    proto.docString = summary

    var opset = Onnx_OperatorSetIdProto()
    opset.domain = ""
    opset.version = ONNXFormat.opsetVersion
    var model = Onnx_ModelProto()
    model.irVersion = ONNXFormat.irVersion
    model.opsetImport = [opset]
    model.producerName = "Backprop"
    model.producerVersion = backpropVersion
    model.docString = summary
    model.graph = proto
    model.metadataProps = onnxMetadata.map { key, value in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = value
      return entry
    }
    do {
      return try model.serializedData()
    } catch {
      // Every required proto2 field is set above, so this is not reached with a valid model.
      throw DataError("the ONNX model could not be serialised: \(error)")
    }
  }

  /// x' = (x / divisor − offsetᵢ) / scaleᵢ, in double (a float32 model casts there and back).
  private func preprocessingNodes(from input: String, in graph: inout ONNXGraphBuilder) -> String {
    let p = preprocessing
    guard p.divisor != 1 || !p.offsets.isEmpty else { return input }
    var x = input
    if graph.elementType == .float {
      x = graph.node(
        "Cast", [x], name: "preprocess.to-double",
        attributes: [.int("to", Int64(Onnx_TensorProto.DataType.double.rawValue))])
    }
    if p.divisor != 1 {
      x = graph.node("Div", [x, graph.constant(p.divisor, type: .double)], name: "preprocess.divide")
    }
    if !p.offsets.isEmpty {
      let offsets = graph.initializer("preprocess.offsets", dims: [p.offsets.count], values: p.offsets, type: .double)
      let scales = graph.initializer("preprocess.scales", dims: [p.scales.count], values: p.scales, type: .double)
      x = graph.node("Sub", [x, offsets], name: "preprocess.center")
      x = graph.node("Div", [x, scales], name: "preprocess.scale")
    }
    if graph.elementType == .float {
      x = graph.node(
        "Cast", [x], name: "preprocess", attributes: [.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))])
    }
    return x
  }

  /// Gemm, then BatchNormalization when the layer has it, then g[l]; returns A[l].
  private func nodes(
    for layer: Dense<Scalar>, layer l: Int, input aPrev: String, in graph: inout ONNXGraphBuilder
  ) throws(DataError) -> String {
    let w = layer.weight
    // W[l] row by row: ONNX tensors are row-major, Matrix is column-major.
    var rowMajor = [Double]()
    rowMajor.reserveCapacity(w.count)
    for i in 0..<w.rows {
      for j in 0..<w.columns { rowMajor.append(Double(w[i, j])) }
    }
    let weight = graph.initializer("layer\(l).weight", dims: [w.rows, w.columns], values: rowMajor)
    let bias = graph.initializer("layer\(l).bias", dims: [w.rows], values: layer.bias.scalars.map(Double.init))
    // Z = A_prev·Wᵀ + b
    var z = graph.node("Gemm", [aPrev, weight, bias], name: "layer\(l).gemm", attributes: [.int("transB", 1)])
    if let norm = layer.normalization {
      let epsilon = norm.epsilon
      let epsilonIsFloat = Scalar(Float(epsilon)) == epsilon
      // ONNX's epsilon is float32: otherwise σ² + ε is formed here, in the model's precision.
      let variance = norm.runningVariance.scalars.map { Double(epsilonIsFloat ? $0 : $0 + epsilon) }
      let inputs = [
        graph.initializer("layer\(l).gamma", dims: [w.rows], values: norm.gamma.scalars.map(Double.init)),
        graph.initializer("layer\(l).beta", dims: [w.rows], values: norm.beta.scalars.map(Double.init)),
        graph.initializer("layer\(l).running_mean", dims: [w.rows], values: norm.runningMean.scalars.map(Double.init)),
        graph.initializer("layer\(l).running_var", dims: [w.rows], values: variance),
      ]
      z = graph.node(
        "BatchNormalization", [z] + inputs, name: "layer\(l).batchnorm",
        attributes: [.float("epsilon", epsilonIsFloat ? Float(epsilon) : 0)])
    }
    return try graph.activation(
      layer.activation, of: z, slopes: layer.alpha?.scalars.map(Double.init), layer: l)
  }

  /// One line for `doc_string`: what the model is and what goes in and out.
  var summary: String {
    let sizes = network.layerSizes.map(String.init).joined(separator: "→")
    let hidden = Set(network.layers.dropLast().map(\.activation.description)).sorted().joined(separator: ", ")
    let outputs: String
    switch network.output {
    case .sigmoid: outputs = "sigmoid probabilities"
    case .softmax: outputs = "softmax class probabilities"
    case .identity: outputs = "values (regression)"
    }
    return "A fully connected network trained with Backprop \(backpropVersion): layers \(sizes)"
      + (hidden.isEmpty ? "" : ", \(hidden) hidden")
      + (network.isBatchNormalized ? ", batch-normalised" : "")
      + ", \(network.output) output. Input \"input\" (batch, \(network.layerSizes[0])): raw features, one example"
      + " per row (preprocessing '\(preprocessing.method.rawValue)' is inside the graph). Output \"output\" (batch, "
      + "\(network.layerSizes[network.depth])): \(outputs), A[L] transposed."
  }

  /// `metadata_props`, sorted by key: names as JSON arrays, the layer table and hyperparameters as JSON.
  var onnxMetadata: [(String, String)] {
    var entries: [String: String] = [
      "backprop_version": backpropVersion,
      "output": network.output.rawValue,
      "preprocessing": preprocessing.method.rawValue,
      "preprocessing_divisor": "\(preprocessing.divisor)",
      "layers": json(
        network.layers.enumerated().map { l, layer in
          LayerRow(
            layer: l + 1, inputs: layer.inputSize, units: layer.outputSize, activation: layer.activation.description,
            batchNormalization: layer.normalization != nil)
        }),
      "dtype": Scalar.dtypeName,
    ]
    if let classNames { entries["class_names"] = json(classNames) }
    if let featureNames { entries["feature_names"] = json(featureNames) }
    if let targetName { entries["target_name"] = targetName }
    if !hyperparameters.isEmpty { entries["hyperparameters"] = json(hyperparameters) }
    return entries.sorted { $0.key < $1.key }
  }
}

/// One row of the `layers` metadata entry.
private struct LayerRow: Encodable {
  var layer: Int
  var inputs: Int
  var units: Int
  var activation: String
  var batchNormalization: Bool

  enum CodingKeys: String, CodingKey {
    case layer, inputs, units, activation
    case batchNormalization = "batch_normalization"
  }
}

/// `value` as compact JSON with sorted keys.
private func json(_ value: some Encodable) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}
