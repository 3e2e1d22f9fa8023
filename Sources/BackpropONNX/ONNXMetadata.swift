import Backprop
import Foundation

/// What a graph's `metadata_props` say about the model, as ``Model/onnx()`` writes them: the
/// layer table (the activations, with their exact parameters), class, feature and target names,
/// the preprocessing method and the training hyperparameters. Other producers' keys are ignored;
/// an entry that does not decode is left out.
struct ONNXMetadata {
  /// g[1]…g[L] from the `layers` table of a graph Backprop wrote.
  var activations: [ActivationFunction]?
  var classNames: [String]?
  var featureNames: [String]?
  var targetName: String?
  var preprocessingMethod: Preprocessing.Method?
  var hyperparameters: [String: String] = [:]

  init(_ model: Onnx_ModelProto) {
    var entries = [String: String]()
    for entry in model.metadataProps { entries[entry.key] = entry.value }
    func decode<T: Decodable>(_ key: String, as _: T.Type) -> T? {
      entries[key].flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
    if model.producerName == "Backprop", let rows = decode("layers", as: [LayerActivation].self) {
      let activations = rows.compactMap { try? ActivationFunction(name: $0.activation) }
      self.activations = activations.count == rows.count ? activations : nil
    }
    classNames = decode("class_names", as: [String].self)
    featureNames = decode("feature_names", as: [String].self)
    targetName = entries["target_name"]
    preprocessingMethod = entries["preprocessing"].flatMap(Preprocessing.Method.init(rawValue:))
    hyperparameters = decode("hyperparameters", as: [String: String].self) ?? [:]
  }

  /// The class names for `network`'s output: the metadata's, else the labels of the graph's
  /// post-processing; kept when they fit (K names for a K-class softmax, 2 for one sigmoid unit,
  /// one per unit for several), nil for regression.
  func classNames<Scalar>(for network: Network<Scalar>, labels: [String]?) -> [String]? {
    guard network.output != .identity, let names = classNames ?? labels else { return nil }
    let units = network.layerSizes[network.depth]
    let expected = network.output == .sigmoid && units == 1 ? 2 : units
    return names.count == expected ? names : nil
  }

  /// One row of the `layers` table; only the activation is needed.
  private struct LayerActivation: Decodable {
    var activation: String
  }
}
