import Backprop
import Foundation
import Testing

/// The generated data sets: shapes, labels, seeding, the feature rows and the errors.
struct SyntheticDataTests {
  @Test(arguments: SyntheticData.Kind.allCases)
  func shapesLabelsAndSeed(kind: SyntheticData.Kind) throws {
    let data = try SyntheticData(kind: kind, examples: 200, noise: 0.1)
    let set = try data.dataset(seed: 7)
    #expect(set.x.rows == 2 && set.x.columns == 200 && set.y.columns == 200)
    let labels = (0..<200).map { set.y[0, $0] }
    if kind.isRegression {
      #expect(labels.allSatisfy { $0.isFinite && abs($0) < 2 })
    } else {
      // Two classes, half each.
      #expect(labels.filter { $0 == 0 }.count == 100 && labels.filter { $0 == 1 }.count == 100)
    }
    // The same seed, the same examples; another seed, others.
    #expect(try data.dataset(seed: 7).x == set.x)
    #expect(try data.dataset(seed: 8).x != set.x)
  }

  @Test func xorAndCirclesLabelsFollowTheirRule() throws {
    let xor = try SyntheticData(kind: .xor, examples: 100, noise: 0).points(seed: 1)
    for j in 0..<100 { #expect(xor.y[0, j] == (xor.points[0, j] * xor.points[1, j] > 0 ? 1 : 0)) }
    let circles = try SyntheticData(kind: .circles, examples: 100, noise: 0).points(seed: 1)
    for j in 0..<100 {
      let r = (circles.points[0, j] * circles.points[0, j] + circles.points[1, j] * circles.points[1, j]).squareRoot()
      #expect(circles.y[0, j] == 0 ? r <= 0.5 + 1e-12 : (r >= 0.7 - 1e-12 && r <= 1 + 1e-12))
    }
  }

  @Test func featureRowsAreTheCrossesOfEachPoint() throws {
    let features: [SyntheticData.Feature] = [.x1, .x2, .x1Squared, .x2Squared, .x1TimesX2, .sinX1, .sinX2]
    let data = try SyntheticData(kind: .gaussians, examples: 10, noise: 0.2, features: features)
    let (points, _) = data.points(seed: 3)
    let x = try data.dataset(seed: 3).x
    #expect(x.rows == 7)
    for j in 0..<10 {
      let (a, b) = (points[0, j], points[1, j])
      #expect(
        [x[0, j], x[1, j], x[2, j], x[3, j], x[4, j], x[5, j], x[6, j]] == [a, b, a * a, b * b, a * b, sin(a), sin(b)])
    }
    #expect(try SyntheticData.features(parsing: "x1, sin(x2),x1*x2") == [.x1, .sinX2, .x1TimesX2])
  }

  @Test func refusesWhatCannotBeGenerated() {
    #expect(throws: ConfigurationError.self) { try SyntheticData(kind: .spiral, examples: 7, noise: 0) }
    #expect(throws: ConfigurationError.self) { try SyntheticData(kind: .spiral, examples: 100, noise: .nan) }
    #expect(throws: ConfigurationError.self) { try SyntheticData(kind: .spiral, examples: 100, noise: 0, features: []) }
    #expect(throws: ConfigurationError.self) {
      try SyntheticData(kind: .spiral, examples: 100, noise: 0, features: [.x1, .x1])
    }
    #expect(throws: ConfigurationError.self) { try SyntheticData.features(parsing: "x1,cos(x1)") }
  }

  @Test func perLayerActivationsDrawTheSameWeights() throws {
    var first = DefaultGenerator(seed: 2)
    var second = DefaultGenerator(seed: 2)
    let one = try Network<Double>(
      layerSizes: [2, 5, 4, 1], hiddenActivation: .tanh, output: .sigmoid, initializer: .xavier, using: &first)
    let each = try Network<Double>(
      layerSizes: [2, 5, 4, 1], hiddenActivations: [.relu, .tanh], output: .sigmoid, initializer: .xavier,
      batchNormalization: false, using: &second)
    #expect(each.layers.map(\.weight) == one.layers.map(\.weight))
    #expect(each.layers.map(\.activation) == [.relu, .tanh, .sigmoid])
    var third = DefaultGenerator(seed: 2)
    #expect(throws: ConfigurationError.self) {
      try Network<Double>(
        layerSizes: [2, 5, 4, 1], hiddenActivations: [.relu], output: .sigmoid, initializer: .xavier,
        batchNormalization: false, using: &third)
    }
  }
}
