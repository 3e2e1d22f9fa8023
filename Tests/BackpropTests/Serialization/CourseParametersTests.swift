import Backprop
import Foundation
import Testing

/// The course's W1, b1, …, WL, bL `.npz` read back with one activation per hidden layer.
struct CourseParametersTests {
  @Test func perLayerActivationsKeepEveryArray() throws {
    var rng = DefaultGenerator(seed: 3)
    let network = try Network<Double>(
      layerSizes: [2, 4, 3, 1], hiddenActivations: [.prelu(initialAlpha: 0.2), .tanh], output: .sigmoid,
      initializer: .he, batchNormalization: false, using: &rng)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("course-\(UUID().uuidString).npz").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try CourseParameters.write(network, to: path)

    let read = try CourseParameters.read(
      path: path, hiddenActivations: [.prelu(initialAlpha: 0.2), .tanh], output: .sigmoid, as: Double.self)
    #expect(read.layers.map(\.activation) == network.layers.map(\.activation))
    #expect(read.layers.map(\.weight) == network.layers.map(\.weight))
    #expect(read.layers.map(\.bias) == network.layers.map(\.bias))
    #expect(read.layers[0].alpha == network.layers[0].alpha && read.layers[0].alpha != nil)

    // One activation still means every hidden layer; another count names the file's layers.
    // (alpha1 is in the file, and tanh has no learned slope.)
    #expect(throws: FileFormatError.self) {
      _ = try CourseParameters.read(path: path, hiddenActivations: [.tanh], output: .sigmoid, as: Double.self)
    }
    #expect(throws: ConfigurationError.self) {
      _ = try CourseParameters.read(
        path: path, hiddenActivations: [.relu, .tanh, .tanh], output: .sigmoid, as: Double.self)
    }
  }
}
