import Backprop
import Testing

/// The teacher's warnings: each rule fires on the numbers it describes and stays quiet otherwise.
@Suite struct TrainingDiagnosticsTests {
  func record(_ epoch: Int, cost: Double, norms: [Double], dead: [Double?] = [], saturated: Double? = nil)
    -> EpochRecord
  {
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

  /// A layer whose gradient is exactly 0 (every unit dead) is a finding that says "zero", not an infinite ratio
  /// (it printed "(0.0) is inf× smaller").
  @Test func aZeroGradientIsHandled() {
    var history = History()
    history.epochs = [record(1, cost: 1, norms: [0, 0.1, 0.5])]
    let findings = TrainingDiagnostics.findings(history)
    #expect(findings.map(\.kind) == ["vanishing_gradients"])
    #expect(findings[0].message.contains("layer 1's gradient is zero (layer 3's is 0.5)"), "\(findings[0].message)")
    #expect(!findings[0].message.contains("inf"), "\(findings[0].message)")
  }

  /// Vanishing gradients in a ReLU network: the hint does not suggest ReLU (it did), but what fits ReLU.
  @Test func vanishingGradientHintFitsTheActivation() {
    var history = History()
    history.epochs = [record(1, cost: 1, norms: [1e-9, 1e-3, 0.5])]
    for activation in [ActivationFunction.relu, .prelu(initialAlpha: 0.25)] {
      let message = TrainingDiagnostics.findings(history, hiddenActivation: activation)[0].message
      #expect(!message.contains("use relu"), "\(message)")
      #expect(
        message.contains("dead") && message.contains("leaky-relu") && message.contains("the he `initializer`"),
        "\(message)"
      )
      #expect(message.contains("`batchNormalization`") && message.contains("lower the learning rate"), "\(message)")
    }
    let leaky = TrainingDiagnostics.findings(history, hiddenActivation: .leakyReLU(slope: 0.01))[0].message
    #expect(!leaky.contains("use relu") && !leaky.contains("try leaky-relu"), "\(leaky)")
    let tanh = TrainingDiagnostics.findings(history, hiddenActivation: .tanh)[0].message
    #expect(tanh.contains("use relu hidden layers"), "\(tanh)")
    // Without the activation, recorded dead-unit fractions mark ReLU-like layers (training records them only there).
    history.epochs = [record(1, cost: 1, norms: [1e-9, 1e-3, 0.5], dead: [0.2, 0.1, nil])]
    let inferred = TrainingDiagnostics.findings(history)[0].message
    #expect(!inferred.contains("use relu") && inferred.contains("leaky-relu"), "\(inferred)")
  }

  /// A flat cost whose last digits wobble is not a rising cost (it warned "0.041 → 0.041 → 0.041 → 0.041").
  @Test func aFlatCostIsNotRising() {
    let flat = [0.041_200, 0.041_201, 0.041_203, 0.041_204]
    let records = flat.enumerated().map { record($0.offset + 1, cost: $0.element, norms: [0.1, 0.1]) }
    #expect(kinds(records).isEmpty)
  }

  /// A cost that rises by little but clearly is printed with the digits that show it rising.
  @Test func aRisingCostIsPrintedWithDistinctNumbers() throws {
    let costs = [0.041_20, 0.041_30, 0.041_40, 0.041_50]
    var history = History()
    history.epochs = costs.enumerated().map { record($0.offset + 1, cost: $0.element, norms: [0.1, 0.1]) }
    let finding = try #require(TrainingDiagnostics.findings(history).first { $0.kind == "rising_cost" })
    #expect(finding.message.contains("(0.0412 → 0.0413 → 0.0414 → 0.0415)"), "\(finding.message)")
  }

  @Test func aHealthyRunIsQuiet() {
    #expect(
      kinds([record(1, cost: 1, norms: [0.5, 0.4, 0.3]), record(2, cost: 0.8, norms: [0.4, 0.3, 0.3])]).isEmpty)
  }

  @Test func explodingGradients() {
    #expect(
      kinds([record(1, cost: 1, norms: [0.5, 0.5]), record(2, cost: 0.9, norms: [80, 0.5])]) == ["exploding_gradients"])
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
    let history = try network.fit(
      x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: FitOptions(epochs: 2))
    let last = try #require(history.epochs.last)
    #expect(last.deadUnitFractions.count == 3 && last.deadUnitFractions[0] == 1 && last.deadUnitFractions[2] == nil)
    #expect(last.saturatedOutputFraction != nil && last.gradientNorms.count == 3)
    #expect(TrainingDiagnostics.findings(history).contains { $0.kind == "dead_relus" && $0.layer == 1 })
  }
}
