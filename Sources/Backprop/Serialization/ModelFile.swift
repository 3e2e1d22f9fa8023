import Foundation

/// A trained model as one safetensors file that PyTorch loads.
///
/// Tensors, named and shaped as PyTorch's `nn.Linear` layers in an
/// `nn.ModuleList` called `layers` expect them (row-major, F32 or F64):
///
/// | tensor | shape | notes |
/// |---|---|---|
/// | `layers.{l-1}.weight` | (n[l], n[l-1]) | W[l] |
/// | `layers.{l-1}.bias` | (n[l]) | b[l] |
/// | `layers.{l-1}.alpha` | (n[l]) | PReLU's α[l] |
/// | `norms.{l-1}.weight`, `.bias` | (n[l]) | batch normalisation's γ[l], β[l] (`nn.BatchNorm1d`) |
/// | `norms.{l-1}.running_mean`, `.running_var` | (n[l]) | its running statistics |
///
/// Batch normalisation's ε and momentum are in `__metadata__` as
/// `batch_norm` (JSON: `{"epsilon": …, "momentum": …}`, momentum as PyTorch
/// counts it, 1 − ours); a file with normalised layers has `format_version` 2.
/// `__metadata__` (strings; JSON where structured) holds everything else:
/// `format` = `backprop-model`, `format_version`, `dtype`, `layer_sizes`,
/// `activations` (one per layer), `output`, `loss`, `preprocessing`,
/// `class_names`, `feature_names`, `target_name` and `hyperparameters`.
///
/// ```python
/// from safetensors.torch import load_file
/// state = load_file("iris.safetensors")
/// net = Net(); net.layers.load_state_dict({k: v for k, v in state.items() if not k.endswith("alpha")}, strict=False)
/// ```
public enum ModelFile {
  /// The newest `format_version` this code writes and reads: 1 for plain
  /// networks, 2 when a layer batch-normalises.
  public static let formatVersion = 2

  /// Writes `model` atomically (temporary file, flush, rename).
  /// - Throws: ``FileFormatError`` when the file cannot be written.
  public static func write<Scalar: MatrixScalar>(_ model: Model<Scalar>, to path: String) throws {
    try encode(model).write(to: path)
  }

  /// The model as a safetensors file in memory (what ``write(_:to:)`` writes).
  public static func encode<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws -> SafetensorsFile {
    let network = model.network
    var metadata: [String: String] = [
      "format": "backprop-model",
      "format_version": network.isBatchNormalized ? "2" : "1",
      "dtype": Scalar.dtypeName,
      "layer_sizes": try json(network.layerSizes),
      "activations": try json(network.layers.map(\.activation.description)),
      "output": network.output.rawValue,
      "loss": network.output.lossName,
      "preprocessing": try json(model.preprocessing),
      "hyperparameters": try json(model.hyperparameters),
    ]
    if let classNames = model.classNames { metadata["class_names"] = try json(classNames) }
    if let featureNames = model.featureNames { metadata["feature_names"] = try json(featureNames) }
    if let targetName = model.targetName { metadata["target_name"] = targetName }
    if let norm = network.layers.compactMap(\.normalization).first {
      metadata["batch_norm"] = try json(["epsilon": Double(norm.epsilon), "momentum": 1 - Double(norm.momentum)])
    }
    var file = SafetensorsFile(metadata: metadata)
    try addTensors(of: network, to: &file)
    return file
  }

  /// Adds a network's parameters (and batch-norm statistics) under `prefix`
  /// (`layers.{l-1}.weight`, `norms.{l-1}.running_mean`, …).
  static func addTensors<Scalar: MatrixScalar>(
    of network: Network<Scalar>, to file: inout SafetensorsFile, prefix: String = ""
  ) throws {
    for (index, layer) in network.layers.enumerated() {
      // Every parameter the layer has: W as its (n[l], n[l-1]) matrix, the (n[l], 1) ones as PyTorch's vectors.
      for parameter in Parameter.all {
        guard let value = layer[parameter] else { continue }
        try file.add(
          prefix + parameter.tensorName(layer: index), matrix: value,
          shape: parameter == .weight ? nil : [layer.outputSize])
      }
      if let norm = layer.normalization {
        let shape = [layer.outputSize]
        try file.add("\(prefix)norms.\(index).running_mean", matrix: norm.runningMean, shape: shape)
        try file.add("\(prefix)norms.\(index).running_var", matrix: norm.runningVariance, shape: shape)
      }
    }
  }

  /// The names ``addTensors(of:to:prefix:)`` may use for a network of `depth` layers.
  static func tensorNames(depth: Int, prefix: String = "") -> Set<String> {
    Set(
      (0..<depth).flatMap { l in
        Parameter.all.map { prefix + $0.tensorName(layer: l) }
          + ["running_mean", "running_var"].map { "\(prefix)norms.\(l).\($0)" }
      })
  }

  /// The scalar type a model file was saved in (`float32` or `float64`).
  /// - Throws: ``FileFormatError`` when the file is not a Backprop model.
  public static func storedDType(path: String) throws -> String {
    let file = try SafetensorsFile.read(path: path)
    let metadata = try backpropMetadata(file, path: path)
    guard let dtype = metadata["dtype"], dtype == "float32" || dtype == "float64" else {
      throw FileFormatError(path: path, "__metadata__ dtype must be float32 or float64")
    }
    return dtype
  }

  /// Reads a model, checking every tensor's name, dtype and shape against the stored architecture.
  ///
  /// The parameters are converted to `Scalar` when the file holds the other type.
  /// - Throws: ``FileFormatError`` naming the file and what is missing or inconsistent.
  public static func read<Scalar: MatrixScalar>(path: String, as _: Scalar.Type = Scalar.self) throws -> Model<Scalar> {
    let file = try SafetensorsFile.read(path: path)
    let model: Model<Scalar> = try decode(file, path: path)
    if let stray = file.names.first(where: { !tensorNames(depth: model.network.depth).contains($0) }) {
      throw FileFormatError(path: path, "unexpected tensor '\(stray)' for a \(model.network.depth)-layer network")
    }
    return model
  }

  /// The model in a safetensors file read from `path` (named in errors); tensors
  /// beyond the model's are left alone (a checkpoint holds more).
  static func decode<Scalar: MatrixScalar>(_ file: SafetensorsFile, path: String) throws -> Model<Scalar> {
    let metadata = try backpropMetadata(file, path: path)
    let network: Network<Scalar> = try decodeNetwork(file, metadata: metadata, path: path)
    let sizes = network.layerSizes
    let output = network.output
    let preprocessing: Preprocessing = try decode(metadata, "preprocessing", path: path)
    if preprocessing.method != .none, preprocessing.offsets.count != sizes[0] {
      throw FileFormatError(
        path: path, "the preprocessing has \(preprocessing.offsets.count) features but n[0] is \(sizes[0])")
    }
    let classNames: [String]? = try metadata["class_names"].map { _ in try decode(metadata, "class_names", path: path) }
    if let classNames, output == .softmax, classNames.count != sizes[sizes.count - 1] {
      throw FileFormatError(path: path, "\(classNames.count) class names for \(sizes[sizes.count - 1]) output units")
    }
    let featureNames: [String]? = try metadata["feature_names"].map { _ in
      try decode(metadata, "feature_names", path: path)
    }
    let hyperparameters: [String: String] =
      try metadata["hyperparameters"].map { _ in
        try decode(metadata, "hyperparameters", path: path)
      } ?? [:]
    return Model(
      network: network, preprocessing: preprocessing, classNames: classNames, featureNames: featureNames,
      targetName: metadata["target_name"], hyperparameters: hyperparameters)
  }

  /// The network under `prefix` in a model or checkpoint file.
  static func decodeNetwork<Scalar: MatrixScalar>(
    _ file: SafetensorsFile, metadata: [String: String], path: String, prefix: String = ""
  ) throws -> Network<Scalar> {
    let sizes: [Int] = try decode(metadata, "layer_sizes", path: path)
    let activationNames: [String] = try decode(metadata, "activations", path: path)
    guard let outputName = metadata["output"], let output = Output(rawValue: outputName) else {
      throw FileFormatError(path: path, "__metadata__ output must be sigmoid, softmax or identity")
    }
    guard sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 && $0 <= 1 << 24 }), activationNames.count == sizes.count - 1
    else {
      throw FileFormatError(
        path: path, "__metadata__ layer_sizes \(sizes) and activations \(activationNames) do not describe a network")
    }
    var layers = [Dense<Scalar>]()
    for l in 1..<sizes.count {
      let activation: ActivationFunction
      do { activation = try ActivationFunction(name: activationNames[l - 1], parameter: "activations") } catch {
        throw FileFormatError(path: path, "layer \(l): \(error.problem)")
      }
      // The layer's structure: PReLU's α when its activation learns one, batch normalisation (with
      // the file's running statistics, ε and momentum, checked) when the file has its γ.
      let index = l - 1
      let units = [sizes[l]]
      var normalization: BatchNormalization<Scalar>?
      if file.tensor(named: prefix + Parameter.gamma.tensorName(layer: index)) != nil {
        let settings: [String: Double] = try decode(metadata, "batch_norm", path: path)
        // The statistics first: their shapes are checked against the file before anything is made.
        let mean: Matrix<Scalar> = try tensor(file, "\(prefix)norms.\(index).running_mean", shape: units, path: path)
        let variance: Matrix<Scalar> = try tensor(file, "\(prefix)norms.\(index).running_var", shape: units, path: path)
        do {
          normalization = try BatchNormalization(
            gamma: Matrix(rows: sizes[l], columns: 1, repeating: 1), beta: Matrix(rows: sizes[l], columns: 1),
            runningMean: mean, runningVariance: variance, epsilon: Scalar(settings["epsilon"] ?? 1e-5),
            momentum: Scalar(1 - (settings["momentum"] ?? 0.1)), layer: l)
        } catch {
          throw FileFormatError(path: path, "layer \(l): \(error)")
        }
      }
      // Every parameter the layer has (``Parameter``), from the tensor addTensors wrote for it: W as
      // its (n[l], n[l-1]) matrix, the others as (n[l],) vectors. W and b first (every layer has them).
      func read(_ parameter: Parameter) throws -> Matrix<Scalar> {
        try tensor(
          file, prefix + parameter.tensorName(layer: index),
          shape: parameter == .weight ? [sizes[l], sizes[l - 1]] : units, path: path)
      }
      var layer: Dense<Scalar>
      do {
        layer = try Dense(
          weight: read(.weight), bias: read(.bias), activation: activation, normalization: normalization, layer: l)
      } catch let error as FileFormatError {
        throw error
      } catch {
        throw FileFormatError(path: path, "\(error)")
      }
      for parameter in Parameter.all where parameter != .weight && parameter != .bias && layer[parameter] != nil {
        let value = try read(parameter)
        layer.modify(parameter) { $0 = value }
      }
      layers.append(layer)
    }
    let network: Network<Scalar>
    do { network = try Network(layers: layers, output: output) } catch {
      throw FileFormatError(path: path, "\(error)")
    }
    return network
  }

  private static func backpropMetadata(_ file: SafetensorsFile, path: String) throws -> [String: String] {
    let metadata = file.metadata
    guard metadata["format"] == "backprop-model" else {
      throw FileFormatError(path: path, "not a Backprop model: __metadata__ has no format 'backprop-model'")
    }
    guard let version = metadata["format_version"].flatMap(Int.init), version >= 1, version <= formatVersion else {
      throw FileFormatError(
        path: path,
        "model format_version \(metadata["format_version"] ?? "missing") is not one this Backprop reads (1…\(formatVersion))"
      )
    }
    return metadata
  }

  private static func tensor<Scalar: MatrixScalar>(
    _ file: SafetensorsFile, _ name: String, shape: [Int], path: String
  ) throws -> Matrix<Scalar> {
    guard let tensor = file.tensor(named: name) else {
      throw FileFormatError(path: path, "missing tensor '\(name)'")
    }
    guard tensor.shape == shape else {
      throw FileFormatError(
        path: path, "tensor '\(name)' has shape \(tensor.shape) but the architecture needs \(shape)")
    }
    guard tensor.dtype == .float32 || tensor.dtype == .float64 else {
      throw FileFormatError(path: path, "tensor '\(name)' is \(tensor.dtype.rawValue); a model stores F32 or F64")
    }
    let matrix: Matrix<Scalar> = try tensor.matrix(rows: shape[0], columns: shape.count == 2 ? shape[1] : 1)
    if let index = matrix.scalars.firstIndex(where: { !$0.isFinite }) {
      throw FileFormatError(path: path, "tensor '\(name)' holds \(matrix.scalars[index]) at element \(index)")
    }
    return matrix
  }

  private static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  private static func decode<T: Decodable>(_ metadata: [String: String], _ key: String, path: String) throws -> T {
    guard let text = metadata[key] else { throw FileFormatError(path: path, "__metadata__ has no '\(key)'") }
    do {
      return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    } catch {
      throw FileFormatError(path: path, "__metadata__ '\(key)' is not valid: \(text.prefix(80))")
    }
  }
}

extension Output {
  /// The loss's name as stored in model files.
  public var lossName: String {
    switch self {
    case .sigmoid: "binary-cross-entropy"
    case .softmax: "softmax-cross-entropy"
    case .identity: "mean-squared-error"
    }
  }
}
