import Backprop
import Foundation
import Testing
import BackpropSweep

/// `--vary NAME=VALUES`: lists, log and linear ranges, their grid points and
/// random draws, and errors that name the spec.
@Suite struct SweepParameterTests {
  @Test func listsKeepTheirValuesCommasIncluded() throws {
    let layers = try SweepParameter(parsing: "layers=64,32,10|64,128,10")
    #expect(layers.name == "layers")
    #expect(try layers.gridValues() == ["64,32,10", "64,128,10"])
    let optimizer = try SweepParameter(parsing: "--optimizer = sgd | adam")
    #expect(optimizer.name == "optimizer")
    #expect(try optimizer.gridValues() == ["sgd", "adam"])
    #expect(try SweepParameter(parsing: "dropout=0.2").gridValues() == ["0.2"])
  }

  @Test func gridPointsAreEvenlySpacedOnTheirScale() throws {
    // 10^-4 … 10^-1 in 4 points: one per decade.
    #expect(
      try SweepParameter(parsing: "learning-rate=log:1e-4..1e-1:4").gridValues() == ["0.0001", "0.001", "0.01", "0.1"])
    #expect(try SweepParameter(parsing: "dropout=lin:0..0.5:3").gridValues() == ["0", "0.25", "0.5"])
    // 16 · 2^k for k = 0…4, whole numbers for an integer option.
    #expect(
      try SweepParameter(parsing: "batch-size=log:16..256:5", integer: true).gridValues() == [
        "16", "32", "64", "128", "256",
      ])
    // Rounding that makes two points equal keeps one.
    #expect(try SweepParameter(parsing: "epochs=lin:1..2:5", integer: true).gridValues() == ["1", "2"])
    // One point: the middle (the geometric mean on a log scale).
    #expect(try SweepParameter(parsing: "l2=log:0.01..1:1").gridValues() == ["0.1"])
  }

  @Test(arguments: [
    ("learning-rate", "NAME=VALUES"),
    ("=0.1|0.2", "name is missing"),
    ("optimizer=sgd||adam", "empty value"),
    ("optimizer=", "empty value"),
    ("learning-rate=log:1e-1..1e-4", "must be below"),
    ("learning-rate=log:0..1", "positive bounds"),
    ("dropout=lin:0..x", "not a range"),
    ("dropout=lin:0..0.5:0", "number of points"),
    ("dropout=lin:0..0.5:2:3", "write a range"),
  ])
  func badSpecsAreNamed(spec: String, problem: String) throws {
    let error = #expect(throws: ConfigurationError.self) { try SweepParameter(parsing: spec) }
    #expect(error?.parameter == "SweepParameter")
    #expect(error?.problem.contains("'\(spec)'") == true, "\(String(describing: error))")
    #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
  }

  @Test func aGridNeedsTheNumberOfPointsOfARange() throws {
    let rate = try SweepParameter(parsing: "learning-rate=log:1e-4..1e-1")
    let error = #expect(throws: ConfigurationError.self) { try rate.gridValues() }
    #expect(error?.problem.contains("learning-rate=log:1e-4..1e-1:K") == true)
  }

  @Test func drawsAreReproducibleAndLogUniform() throws {
    let rate = try SweepParameter(parsing: "learning-rate=log:1e-4..1")
    var first = DefaultGenerator(seed: 3)
    var second = DefaultGenerator(seed: 3)
    let draws = (0..<4000).map { _ in rate.sample(using: &first) }
    #expect(draws == (0..<4000).map { _ in rate.sample(using: &second) })
    let values = draws.compactMap(Double.init)
    #expect(values.count == 4000 && values.allSatisfy { $0 >= 1e-4 && $0 <= 1 })
    // Log-uniform over four decades: a quarter of the draws in each, so half below 10⁻².
    // Binomial(4000, 0.5) has standard deviation 32; ±120 is ±3.8σ.
    for decade in 0..<4 {
      let low = pow(10, Double(decade - 4))
      let count = values.filter { $0 >= low && $0 < low * 10 }.count
      #expect(abs(count - 1000) < 110, "decade \(decade): \(count)")
    }
  }

  @Test func integerDrawsAreWholeAndCoverTheRange() throws {
    let size = try SweepParameter(parsing: "batch-size=lin:1..4", integer: true)
    var generator = DefaultGenerator(seed: 9)
    let draws = (0..<2000).map { _ in size.sample(using: &generator) }
    #expect(Set(draws) == ["1", "2", "3", "4"])
    for value in ["1", "2", "3", "4"] {
      #expect(abs(draws.filter { $0 == value }.count - 500) < 90)  // uniform: 500 ± 4σ
    }
    let list = try SweepParameter(parsing: "optimizer=sgd|adam|rmsprop")
    let picks = (0..<3000).map { _ in list.sample(using: &generator) }
    for value in ["sgd", "adam", "rmsprop"] { #expect(abs(picks.filter { $0 == value }.count - 1000) < 110) }
  }
}
