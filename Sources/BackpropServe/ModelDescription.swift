import Backprop
import BackpropReport
import Foundation

/// The body of `GET /model`: the layer table (BackpropReport's `NetworkSummary`, as `backprop
/// inspect` and the report show it), the fitted preprocessing and how the model
/// was made, as JSON.
///
/// ```json
/// {"name": "iris", "dtype": "float32", "inputs": 4, "output": "softmax",
///  "layers": [{"l": 1, "units": 8, "activation": "relu", "weightShape": [8, 4], …}, …],
///  "featureNames": ["sepal_length", …], "classNames": ["setosa", …],
///  "preprocessing": {"method": "standardize", "divisor": 1, "offsets": […], "scales": […]}, …}
/// ```
public struct ModelDescription: Sendable, Codable {
  /// The model's name (its file's name without the extension).
  public var name: String
  /// The Backprop version serving it.
  public var backpropVersion: String
  /// The layer table, the output, the loss, the dtype, the class and feature names.
  public var network: NetworkSummary
  /// The preprocessing applied to the raw features before the network.
  public var preprocessing: Preprocessing
  /// How the model was made (learning rate, epochs, seed …).
  public var hyperparameters: [String: String]

  /// The description of `model`.
  /// - Parameters:
  ///   - model: The model served.
  ///   - name: Its name, as the URLs `/v1/models/<name>` use it.
  public init<Scalar: MatrixScalar>(model: Model<Scalar>, name: String) {
    self.name = name
    backpropVersion = Backprop.backpropVersion
    network = NetworkSummary(model: model, batchSize: 1)
    preprocessing = model.preprocessing
    hyperparameters = model.hyperparameters
  }

  /// The description as JSON text (keys sorted).
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Preprocessing's statistics are finite; this writes a non-finite one (which JSON lacks) as text.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
      ?? JSONText.error("the model's description cannot be written as JSON")
  }
}
