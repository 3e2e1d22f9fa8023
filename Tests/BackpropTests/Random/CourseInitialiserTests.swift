import Backprop
import BackpropTestSupport
import Testing

extension RandomTests {
  /// The course notebooks' initialisers, reproduced bit for bit with ``NumPyLegacyGenerator``.
  @Suite struct CourseInitialisers {
    /// `initialize_parameters_deep(layers_dims)` of the week 4 application notebook:
    /// `np.random.seed(1)`, then for l = 1…L
    /// `W[l] = np.random.randn(n[l], n[l-1]) / np.sqrt(n[l-1])` (b[l] is zeros, no draws) —
    /// through ``Network/init(layerSizes:hiddenActivation:output:initializer:using:)`` with `.course`.
    static func deepWeights(dims: [Int], using rng: inout some RandomGenerator) throws -> [Matrix<Double>] {
      try Network<Double>(
        layerSizes: dims, hiddenActivation: .relu, output: .sigmoid, initializer: .course, using: &rng
      ).layers.map(\.weight)
    }

    @Test func deepInitialiserMatchesNumPy() throws {
      let expected = try NumPyFixture.load().course.deep
      var rng = NumPyLegacyGenerator(seed: expected.seed)
      let weights = try Self.deepWeights(dims: expected.layerDims, using: &rng)
      #expect(weights.map(\.shape) == [Shape(20, 12288), Shape(7, 20), Shape(5, 7), Shape(1, 5)])
      for (l, w) in weights.enumerated() {
        #expect(SHA256.hexDigest(littleEndian: w.rowMajorScalars) == expected.weightSHA256[l], "W\(l + 1)")
      }
      let w1Head = (0..<5).map { weights[0][0, $0] }
      #expect(w1Head.map(\.bitPattern) == (try NumPyFixture.doubles(expected.w1Row0Head)).map(\.bitPattern))
      #expect(weights[3].rowMajorScalars.map(\.bitPattern) == (try NumPyFixture.doubles(expected.w4)).map(\.bitPattern))
    }

    @Test func deepInitialiserThroughGeneratorKind() throws {
      let expected = try NumPyFixture.load().course.deep
      var rng = try GeneratorKind.numpy.makeGenerator(seed: UInt64(expected.seed))
      let weights = try Self.deepWeights(dims: expected.layerDims, using: &rng)
      #expect(SHA256.hexDigest(littleEndian: weights[0].rowMajorScalars) == expected.weightSHA256[0])
      #expect(SHA256.hexDigest(littleEndian: weights[3].rowMajorScalars) == expected.weightSHA256[3])
    }

    /// `initialize_parameters(n_x, n_h, n_y)` of the week 3 planar notebook:
    /// `np.random.seed(2)`, `W1 = np.random.randn(n_h, n_x) * 0.01`, `W2 = np.random.randn(n_y, n_h) * 0.01`.
    @Test func shallowInitialiserMatchesNumPy() throws {
      let expected = try NumPyFixture.load().course.shallow
      let dims = expected.layerDims
      var rng = NumPyLegacyGenerator(seed: expected.seed)
      let network = try Network<Double>(
        layerSizes: dims, hiddenActivation: .tanh, output: .sigmoid, initializer: .small, using: &rng)
      let w1 = network.layers[0].weight.rowMajorScalars
      let w2 = network.layers[1].weight.rowMajorScalars
      #expect(network.layers.allSatisfy { $0.bias.scalars.allSatisfy { $0 == 0 } })
      #expect(w1.map(\.bitPattern) == (try NumPyFixture.doubles(expected.w1)).map(\.bitPattern))
      #expect(w2.map(\.bitPattern) == (try NumPyFixture.doubles(expected.w2)).map(\.bitPattern))
    }
  }
}
