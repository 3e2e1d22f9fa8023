import Testing

@testable import Backprop

/// A network or model built from layer specs takes its output from the last layer.
@Suite struct OutputFromLastLayerTests {
  @Test func theLastActivationNamesTheOutput() throws {
    for (activation, output) in [
      (ActivationFunction.sigmoid, Output.sigmoid), (.softmax, .softmax), (.identity, .identity),
    ] {
      var rng = DefaultGenerator(seed: 4)
      let derived = try Network<Float>(inputs: 3, layers: [.dense(5), .dense(2, activation)], using: &rng)
      var again = DefaultGenerator(seed: 4)
      let stated = try Network<Float>(
        inputs: 3, layers: [.dense(5), .dense(2, activation)], output: output, using: &again)
      #expect(derived == stated)
      #expect(derived.output == output)
    }
    let model = try Model<Double>(inputs: 4, layers: [.dense(8, .tanh), .dense(3, .softmax)], seed: 9)
    #expect(
      model.network
        == (try Model<Double>(
          inputs: 4, layers: [.dense(8, .tanh), .dense(3, .softmax)], output: .softmax, seed: 9)).network)
  }

  @Test func aHiddenActivationLastIsRefused() {
    var rng = DefaultGenerator(seed: 4)
    do {
      _ = try Network<Float>(inputs: 3, layers: [.dense(5), .dense(2, .relu)], using: &rng)
      Issue.record("no error")
    } catch let error as ConfigurationError {
      #expect(error.description.contains("relu is not an output's"), "\(error)")
    } catch {
      Issue.record("\(error)")
    }
    #expect(throws: ConfigurationError.self) { try Network<Float>(inputs: 3, layers: [], using: &rng) }
  }
}
