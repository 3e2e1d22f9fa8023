import BackpropTestSupport
import Testing

@testable import Backprop

/// Inference on a large set runs in chunks of `Network.inferenceChunk`
/// examples: the same outputs as passes over each chunk, and the same
/// predictions as one pass over the whole set, with bounded memory.
@Suite struct ChunkedInferenceTests {
  @Test func aLargeSetGivesEachChunksOutputs() throws {
    var rng = DefaultGenerator(seed: 31)
    let network = try Network<Float>(
      layerSizes: [6, 9, 4], hiddenActivation: .tanh, output: .softmax, initializer: .he, using: &rng)
    let chunk = Network<Float>.inferenceChunk
    let m = 2 * chunk + 123
    let x = Matrix<Float>.randomNormal(rows: 6, columns: m, using: &rng)
    let a = try network(x)
    #expect(a.rows == 4 && a.columns == m)
    // Column for column what a pass over that chunk alone gives.
    for start in stride(from: 0, to: m, by: chunk) {
      let part = x.columns(start..<min(m, start + chunk))
      let expected = try network.forward(part, training: false).output
      #expect(a.columns(start..<min(m, start + chunk)) == expected, "chunk at \(start)")
    }
    // And what one pass over everything gives, to rounding.
    let whole = try network.forward(x, training: false).output
    expectClose(a, whole, rtol: 1e-5, atol: 1e-6)
    #expect(try network.predict(x) == network.output.predictions(from: whole))
  }

  @Test func aSetOfOneChunkIsOnePass() throws {
    var rng = DefaultGenerator(seed: 32)
    let network = try Network<Double>(
      layerSizes: [3, 5, 1], hiddenActivation: .relu, output: .sigmoid, initializer: .he, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 50, using: &rng)
    #expect(try network(x) == network.forward(x, training: false).output)
  }
}
