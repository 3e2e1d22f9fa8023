import Testing

@testable import Backprop

/// The one list of a layer's parameters: what a layer has, in place access, and the
/// places that go through it (count, optimizer state, clipping, model-file names).
@Suite struct ParameterTests {
  func layers() throws -> [Dense<Double>] {
    var rng = DefaultGenerator(seed: 2)
    let network = try Network<Double>(
      inputs: 3,
      layers: [.dense(4, .prelu(initialAlpha: 0.25), batchNormalization: true), .dense(2, .tanh), .dense(1, .sigmoid)],
      using: &rng)
    return network.layers
  }

  @Test func eachLayerHasTheKindsItsSettingsGive() throws {
    let layers = try layers()
    #expect(Parameter.all.filter { layers[0][$0] != nil } == [.weight, .bias, .alpha, .gamma, .beta])
    #expect(Parameter.all.filter { layers[1][$0] != nil } == [.weight, .bias])
    #expect(layers[0].parameterCount == 12 + 4 + 4 + 4 + 4)
    #expect(Parameter.all.map(\.symbol) == ["W", "b", "α", "γ", "β"])
  }

  @Test func modifyWritesInPlaceAndOnlyWhatExists() throws {
    var layer = try layers()[0]
    for parameter in Parameter.all {
      layer.modify(parameter) { value in value.withUnsafeMutableBufferPointer { $0[0] = 42 } }
      #expect(layer[parameter]?.scalars[0] == 42, "\(parameter)")
    }
    var plain = try layers()[1]
    let before = plain
    plain.modify(.alpha) { _ in Issue.record("a tanh layer has no α") }
    plain.modify(.gamma) { _ in Issue.record("a layer without batch normalisation has no γ") }
    #expect(plain == before)
  }

  @Test func gradientsStateAndFilesFollowTheList() throws {
    var rng = DefaultGenerator(seed: 2)
    let network = try Network<Double>(
      inputs: 3, layers: [.dense(4, .prelu(initialAlpha: 0.25), batchNormalization: true), .dense(1, .sigmoid)],
      using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 6, using: &rng)
    let y = Matrix<Double>(labels: [0, 1, 1, 0, 1, 0])
    var gradients = try network.backward(network.forward(x), labels: y)
    for l in 0..<network.depth {
      #expect(Parameter.all.map { gradients[l][$0] != nil } == Parameter.all.map { network.layers[l][$0] != nil })
    }
    // ‖g‖² over every kind, and clipping scales every kind.
    let expected = Parameter.all.compactMap { gradients[0][$0] }.map { $0.scalars.reduce(0) { $0 + $1 * $1 } }
    #expect(abs(gradients[0].squaredNorm - expected.reduce(0, +)) < 1e-12)
    let alpha = try #require(gradients[0][.alpha])
    gradients[0].scale(by: 2)
    #expect(gradients[0][.alpha] == 2 * alpha)

    let state = OptimizerState(for: network, optimizer: try Adam<Double>(learningRate: 0.01))
    #expect(state[layer: 0, parameter: .beta] != nil && state[layer: 1, parameter: .gamma] == nil)
    let encoded = state.encoded(by: try Adam<Double>(learningRate: 0.01))
    #expect(encoded.tensors.keys.contains { $0.hasPrefix("layers.0.gamma.") })
    #expect(!encoded.tensors.keys.contains { $0.hasPrefix("layers.1.gamma.") })

    let file = try ModelFile.encode(Model(network: network))
    for parameter in Parameter.all where network.layers[0][parameter] != nil {
      #expect(file.tensor(named: parameter.tensorName(layer: 0)) != nil, "\(parameter)")
    }
    #expect(Parameter.gamma.tensorName(layer: 0) == "norms.0.weight")
  }
}
