import Backprop
import Foundation
import Testing
import BackpropSweep

/// Grid and random search: how many trials, in what order, reproducibly.
@Suite struct SweepSearchTests {
  let parameters: [SweepParameter] = [
    try! SweepParameter(parsing: "learning-rate=log:1e-3..1e-1:3"),
    try! SweepParameter(parsing: "layers=64,32,10|64,128,10"),
  ]

  @Test func aGridIsTheCartesianProductFirstParameterSlowest() throws {
    let trials = try SweepSearch.grid.trials(parameters)
    #expect(trials.count == 6)
    #expect(
      trials.map { $0.map(\.value) } == [
        ["0.001", "64,32,10"], ["0.001", "64,128,10"], ["0.01", "64,32,10"], ["0.01", "64,128,10"],
        ["0.1", "64,32,10"], ["0.1", "64,128,10"],
      ])
    #expect(trials.allSatisfy { $0.map(\.name) == ["learning-rate", "layers"] })
    #expect(try SweepSearch.grid.trials(parameters, count: 6).count == 6)
  }

  @Test func aGridLargerThanTrialsIsAnError() throws {
    let error = #expect(throws: ConfigurationError.self) { try SweepSearch.grid.trials(parameters, count: 4) }
    #expect(error?.parameter == "count")
    #expect(error?.problem.contains("6 combinations (3 × 2)") == true, "\(String(describing: error))")
  }

  @Test func randomSearchDrawsTheCountReproducibly() throws {
    let ranges = [
      try SweepParameter(parsing: "learning-rate=log:1e-4..1e-1"),
      try SweepParameter(parsing: "optimizer=sgd|adam"),
    ]
    let first = try SweepSearch.random.trials(ranges, count: 12, seed: 4)
    let again = try SweepSearch.random.trials(ranges, count: 12, seed: 4)
    let other = try SweepSearch.random.trials(ranges, count: 12, seed: 5)
    #expect(first.count == 12)
    #expect(first.map { $0.map(\.value) } == again.map { $0.map(\.value) })
    #expect(first.map { $0.map(\.value) } != other.map { $0.map(\.value) })
    for trial in first {
      let rate = try #require(Double(trial[0].value))
      #expect(rate >= 1e-4 && rate <= 1e-1)
      #expect(["sgd", "adam"].contains(trial[1].value))
    }
    #expect(try SweepSearch.random.trials(ranges).count == 10)
    #expect(throws: ConfigurationError.self) { try SweepSearch.random.trials(ranges, count: 0) }
  }
}
