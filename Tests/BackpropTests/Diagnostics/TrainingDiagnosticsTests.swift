import Backprop
import Testing

/// The teacher's warnings: each rule fires on the numbers it describes and stays quiet otherwise.
@Suite struct TrainingDiagnosticsTests {
  func record(_ epoch: Int, cost: Double, norms: [Double], dead: [Double?] = [], saturated: Double? = nil) -> EpochRecord {
    var record = EpochRecord(
      epoch: epoch, cost: cost, validationCost: nil, metrics: [:], validationMetrics: [:], learningRate: 0.1,
      seconds: 0.1, gradientNorms: norms)
    record.deadUnitFractions = dead
    record.saturatedOutputFraction = saturated
    return record
  }

  func kinds(_ records: [EpochRecord]) -> [String] {
    var history = History()
    history.epochs = records
    return TrainingDiagnostics.findings(history).map(\.kind)
  }

  /// A layer whose gradient is exactly 0 (every unit dead) gives an infinite ratio: still a finding, and printable.
  @Test func aZeroGradientIsHandled() {
    var history = History()
    history.epochs = [record(1, cost: 1, norms: [0, 0.1, 0.5])]
    let findings = TrainingDiagnostics.findings(history)
    #expect(findings.map(\.kind) == ["vanishing_gradients"])
    #expect(findings[0].message.contains("inf"))
  }

  @Test func aHealthyRunIsQuiet() {
    #expect(kinds([record(1, cost: 1, norms: [0.5, 0.4, 0.3]), record(2, cost: 0.8, norms: [0.4, 0.3, 0.3])]).isEmpty)
  }

  @Test func explodingGradients() {
    #expect(kinds([record(1, cost: 1, norms: [0.5, 0.5]), record(2, cost: 0.9, norms: [80, 0.5])]) == ["exploding_gradients"])
    #expect(kinds([record(1, cost: 1, norms: [5e3, 1])]) == ["exploding_gradients"])
  }

  @Test func vanishingGradients() {
    #expect(kinds([record(1, cost: 1, norms: [1e-9, 1e-3, 0.5])]) == ["vanishing_gradients"])
  }

  @Test func deadReLUs() {
    let found = kinds([record(1, cost: 1, norms: [0.1, 0.1, 0.1], dead: [0.75, 0.1, nil])])
    #expect(found == ["dead_relus"])
  }

  @Test func saturatedSigmoid() {
    #expect(kinds([record(1, cost: 3, norms: [0.1, 0.1], saturated: 0.97)]) == ["saturated_output"])
    #expect(kinds([record(1, cost: 0.01, norms: [0.1, 0.1], saturated: 0.97)]).isEmpty)  // confident and right
  }

  @Test func risingCost() {
    let records = [0.5, 0.6, 0.7, 0.8].enumerated().map { record($0.offset + 1, cost: $0.element, norms: [0.1, 0.1]) }
    #expect(kinds(records) == ["rising_cost"])
  }

  /// Training records what the rules need: dead units of ReLU layers, saturation of a sigmoid output.
  @Test func fitRecordsTheNumbers() throws {
    var rng = DefaultGenerator(seed: 1)
    var network = try Network<Double>(
      layerSizes: [3, 6, 4, 1], hiddenActivation: .relu, output: .sigmoid, initializer: .he, using: &rng)
    network.layers[0].bias = Matrix(rows: 6, columns: 1, repeating: -100)  // every unit of layer 1 dead
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 20, using: &rng)
    let y = Matrix<Double>(rows: 1, columns: 20, repeating: 1)
    let history = try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: FitOptions(epochs: 2))
    let last = try #require(history.epochs.last)
    #expect(last.deadUnitFractions.count == 3 && last.deadUnitFractions[0] == 1 && last.deadUnitFractions[2] == nil)
    #expect(last.saturatedOutputFraction != nil && last.gradientNorms.count == 3)
    #expect(TrainingDiagnostics.findings(history).contains { $0.kind == "dead_relus" && $0.layer == 1 })
  }
}
