import Backprop
import Foundation
import Testing

/// Mini-batch training: the notes' step repeated over batches, and the
/// practitioner's options around it.
@Suite struct FitTests {
  /// A small softmax problem: (x, y) with 3 classes.
  static func problem(m: Int = 30, seed: UInt64 = 3) throws -> (Network<Double>, Matrix<Double>, Matrix<Double>) {
    var rng = DefaultGenerator(seed: seed)
    let network = try Network<Double>(
      layerSizes: [4, 6, 3], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 4, columns: m, using: &rng)
    var y = Matrix<Double>(rows: 1, columns: m)
    for j in 0..<m { y[0, j] = Double((x[0, j] > 0 ? 1 : 0) + (x[1, j] > 0.5 ? 1 : 0)) }
    return (network, x, y)
  }

  /// Full batch without shuffling is the notes' gradient descent: the same
  /// costs and parameters as ``Trainer``, bit for bit.
  @Test func fullBatchIsTheNotesGradientDescent() throws {
    let (start, x, y) = try Self.problem()
    let sgd = try GradientDescent<Double>(learningRate: 0.3)
    var viaTrainer = start
    let costs = try Trainer(optimizer: sgd, iterations: 12).train(&viaTrainer, x: x, y: y)
    var viaFit = start
    var options = try FitOptions(epochs: 12)
    options.shuffle = false
    let history = try viaFit.fit(x: x, y: y, optimizer: sgd, options: options)
    #expect(history.epochs.map(\.cost) == costs)
    #expect(viaFit == viaTrainer)
  }

  /// Batches of 4 over 10 examples: 4, 4 and a last one of 2, averaged over its own m.
  @Test func theLastPartialBatchIsAveragedOverItsOwnExamples() throws {
    let (start, x, y) = try Self.problem(m: 10)
    let sgd = try GradientDescent<Double>(learningRate: 0.2)
    var manual = start
    var state = OptimizerState(for: manual, optimizer: sgd)
    var costs = [Double]()
    for range in [0..<4, 4..<8, 8..<10] {
      let bx = x.columns(range)
      let by = y.columns(range)
      let pass = try manual.forward(bx)
      costs.append(try manual.cost(pass, labels: by))
      let gradients = try manual.backward(pass, labels: by)
      manual.apply(gradients, optimizer: sgd, state: &state)
    }
    var fitted = start
    var options = try FitOptions(epochs: 1, batchSize: 4)
    options.shuffle = false
    let history = try fitted.fit(x: x, y: y, optimizer: sgd, options: options)
    #expect(fitted == manual)
    // The epoch's cost: the batches' costs weighted by their sizes.
    let expected = (4 * costs[0] + 4 * costs[1] + 2 * costs[2]) / 10
    #expect(abs(history.epochs[0].cost - expected) < 1e-15)
  }

  /// Reshuffling is seeded: the same seed trains the same network, another seed another.
  @Test func shufflingIsSeeded() throws {
    let (start, x, y) = try Self.problem()
    let adam = try Adam<Double>(learningRate: 0.01)
    func train(seed: UInt64) throws -> Network<Double> {
      var network = start
      var options = try FitOptions(epochs: 3, batchSize: 7)
      options.seed = seed
      try network.fit(x: x, y: y, optimizer: adam, options: options)
      return network
    }
    #expect(try train(seed: 5) == train(seed: 5))
    #expect(try train(seed: 5) != train(seed: 6))
  }

  /// Early stopping keeps the best epoch's parameters, whether it stopped early or not.
  @Test(arguments: [2, 1000])
  func earlyStoppingRestoresTheBestEpoch(patience: Int) throws {
    let (start, x, y) = try Self.problem(m: 40)
    let (_, vx, vy) = try Self.problem(m: 20, seed: 9)
    // A learning rate high enough that the validation cost goes up and down.
    let sgd = try GradientDescent<Double>(learningRate: 3)
    var network = start
    var options = try FitOptions(epochs: 15, batchSize: 8)
    options.earlyStopping = try EarlyStopping(patience: patience)
    let history = try network.fit(
      x: x, y: y, validation: LabeledBatch(x: vx, y: vy), optimizer: sgd, options: options,
      progress: { _ in true })
    let costs = history.epochs.map { $0.validationCost! }
    let best = try #require(history.bestEpoch)
    #expect(costs[best - 1] == costs.min())
    // The network holds that epoch's parameters: its validation cost is the best one.
    let cost = try network.cost(network.forward(vx, training: false), labels: vy)
    #expect(abs(cost - costs[best - 1]) < 1e-12)
    if patience == 1000 {
      #expect(history.epochs.count == 15 && !history.stoppedEarly)
    } else if history.epochs.count < 15 {
      #expect(history.stoppedEarly && history.epochs.count - best == patience)
    }
  }

  /// balanced: w_c = m / (K · m_c), as scikit-learn; explicit weights per class.
  @Test func classWeights() throws {
    let y = try Matrix<Double>(rows: 1, columns: 4, columnMajor: [0, 0, 0, 1])
    let balanced = try ClassWeights.balanced.exampleWeights(for: y)
    let expected: [Double] = [4.0 / 6, 4.0 / 6, 4.0 / 6, 2]
    #expect(balanced.scalars == expected)
    let explicit = try ClassWeights(parsing: "1=5").exampleWeights(for: y)
    #expect(explicit.scalars == [1, 1, 1, 5])
    #expect(try ClassWeights(parsing: " balanced ") == .balanced)
    for bad in ["0=", "x=1", "0=1,0=2", "1=-1", "heavy"] {
      #expect(throws: ConfigurationError.self, "\(bad)") { try ClassWeights(parsing: bad) }
    }
    #expect(throws: DataError.self) {
      try ClassWeights.balanced.exampleWeights(for: Matrix<Double>(rows: 1, columns: 1, repeating: 0.5))
    }
  }

  /// Weighting the rare class raises its recall on an imbalanced problem.
  @Test func balancedWeightsHelpTheRareClass() throws {
    var rng = DefaultGenerator(seed: 21)
    let m = 200
    let x = Matrix<Double>.randomNormal(rows: 2, columns: m, using: &rng)
    var y = Matrix<Double>(rows: 1, columns: m)
    for j in 0..<m { y[0, j] = x[0, j] + 0.3 * x[1, j] > 1.2 ? 1 : 0 }  // about 12% positives
    let start = try Network<Double>(
      layerSizes: [2, 1], hiddenActivation: .relu, output: .sigmoid, initializer: .small, using: &rng)
    func recall(_ weights: ClassWeights?) throws -> Double {
      var network = start
      var options = try FitOptions(epochs: 40)
      options.classWeights = weights
      try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.5), options: options)
      let p = try network.predict(x)
      let positives = (0..<m).filter { y[0, $0] == 1 }
      return Double(positives.filter { p[0, $0] == 1 }.count) / Double(positives.count)
    }
    #expect(try recall(.balanced) > recall(nil))
  }

  @Test func dropoutMasksDropAtTheRateAndScaleTheRest() {
    var rng = DefaultGenerator(seed: 2)
    var mask = Matrix<Float>(rows: 0, columns: 0)
    Dropout.fillMask(&mask, rows: 100, columns: 100, rate: 0.3, using: &rng)
    let zeros = mask.scalars.filter { $0 == 0 }.count
    #expect(abs(Double(zeros) / 10_000 - 0.3) < 0.02)
    #expect(mask.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
    #expect(throws: ConfigurationError.self) { try Dropout.validate(rate: 1) }
    #expect(throws: ConfigurationError.self) { try Dropout.validate(rate: -0.1) }
  }

  /// Dropout is off at inference; the training pass with a mask differs.
  @Test func dropoutIsTrainingOnly() throws {
    let (start, x, y) = try Self.problem()
    var network = start
    var options = try FitOptions(epochs: 3, batchSize: 10)
    options.dropout = [0.5]
    try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: options)
    #expect(try network(x) == network(x))
    #expect(try network.forward(x, training: false).output == network(x))
  }

  /// Batch normalisation: the batch's statistics in training, the running ones after.
  @Test func batchNormalizationStatistics() throws {
    var rng = DefaultGenerator(seed: 4)
    var network = try Network<Double>(
      layerSizes: [3, 4, 1], hiddenActivation: .identity, output: .sigmoid, initializer: .xavier,
      batchNormalization: true, using: &rng)
    let x = Matrix<Double>.randomNormal(rows: 3, columns: 50, using: &rng)
    let pass = try network.forward(x)
    // In training mode each unit of Z̃ = γẐ + β (γ = 1, β = 0) has mean 0 and variance σ²/(σ² + ε) ≈ 1.
    let z = pass.caches[0].z
    for i in 0..<4 {
      let row = (0..<50).map { z[i, $0] }
      let mean = row.reduce(0, +) / 50
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 50
      #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-3)
    }
    // Running statistics: μ_run = 0.9·0 + 0.1·μ, σ²_run = 0.9·1 + 0.1·σ²·m/(m − 1).
    network.updateRunningStatistics(from: pass)
    let stats = try #require(pass.caches[0].normalization)
    let norm = try #require(network.layers[0].normalization)
    for i in 0..<4 {
      #expect(abs(norm.runningMean[i, 0] - 0.1 * stats.mean[i, 0]) < 1e-15)
      #expect(abs(norm.runningVariance[i, 0] - (0.9 + 0.1 * stats.variance[i, 0] * 50 / 49)) < 1e-15)
    }
    // Inference normalises by the running statistics: Z̃ = γ (Z − μ_run)/√(σ²_run + ε) + β.
    let inference = try network.forward(x, training: false)
    let w = network.layers[0].weight
    for j in [0, 17] {
      let zj = (0..<3).reduce(0.0) { $0 + w[0, $1] * x[$1, j] }
      let expected = (zj - norm.runningMean[0, 0]) / (norm.runningVariance[0, 0] + norm.epsilon).squareRoot()
      #expect(abs(inference.caches[0].z[0, j] - expected) < 1e-12)
    }
  }

  /// A batch-normalised network trains and predicts like any other.
  @Test func batchNormalizationTrains() throws {
    let (_, x, y) = try Self.problem(m: 60)
    var model = try Model<Double>(
      inputs: 4, layers: [.dense(8, .relu, batchNormalization: true), .dense(3, .softmax)], output: .softmax, seed: 2)
    let history = try model.fit(
      x, y, epochs: 40, batchSize: 16, optimizer: .adam(learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8),
      preprocessing: .standardize)
    #expect(history.epochs.last!.cost < history.epochs.first!.cost)
    let accuracy = try #require(try model.evaluate(x, labels: y).accuracy)
    #expect(accuracy > 0.85, "\(accuracy)")
    #expect(model.network.layers[0].normalization!.runningMean != Matrix(rows: 8, columns: 1))
  }

  /// The schedule sets α each epoch.
  @Test func theScheduleSetsTheLearningRate() throws {
    let (start, x, y) = try Self.problem()
    var network = start
    var options = try FitOptions(epochs: 4, batchSize: 10)
    options.schedule = try LearningRateSchedule(parsing: "inverse-time:1", initialLearningRate: 0.1, totalEpochs: 4)
    let history = try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: options)
    let rates = history.epochs.map(\.learningRate)
    for (e, rate) in rates.enumerated() { #expect(abs(rate - 0.1 / (1 + Double(e))) < 1e-12) }
  }

  @Test func historyFiles() throws {
    let (start, x, y) = try Self.problem()
    let (_, vx, vy) = try Self.problem(m: 10, seed: 8)
    var network = start
    var options = try FitOptions(epochs: 3, batchSize: 10)
    options.metrics = [.accuracy, .f1]
    let history = try network.fit(
      x: x, y: y, validation: LabeledBatch(x: vx, y: vy), optimizer: Adam(learningRate: 0.01), options: options)
    #expect(
      history.columns == [
        "epoch", "cost", "validation_cost", "validation_accuracy", "validation_macro_f1", "learning_rate", "seconds",
      ])
    let lines = history.csv().split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[1].split(separator: ",").count == 7)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let json = directory.appendingPathComponent("h.json").path
    try history.write(to: json)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    let epochs = object["epochs"] as! [[String: Any]]
    #expect(epochs.count == 3 && epochs[0]["validation_cost"] != nil && epochs[2]["epoch"] as? Int == 3)
    #expect(throws: ConfigurationError.self) { try history.write(to: directory.appendingPathComponent("h.txt").path) }
  }

  @Test func badOptionsAreNamed() throws {
    let (start, x, y) = try Self.problem()
    func fails(_ option: String, _ change: (inout FitOptions) throws -> Void) throws {
      var options = try FitOptions(epochs: 2)
      try change(&options)
      var network = start
      let error = #expect(throws: ConfigurationError.self) {
        try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: options)
      }
      #expect(error?.parameter == option)
    }
    #expect(throws: ConfigurationError.self) { try FitOptions(epochs: -1) }
    #expect(throws: ConfigurationError.self) { try FitOptions(epochs: 1, batchSize: 0) }
    try fails("l2") { $0.l2 = -1 }
    try fails("dropout") { $0.dropout = [1.5] }
    try fails("dropout") { $0.dropout = [0.1, 0.2, 0.3] }
    #expect(throws: ConfigurationError.self) { try EarlyStopping(patience: 0) }
    #expect(throws: ConfigurationError.self) { try EarlyStopping(patience: 2, minDelta: -1) }
    // Shapes and labels.
    var network = start
    #expect(throws: ShapeError.self) {
      try network.fit(
        x: Matrix(rows: 3, columns: 30), y: y, optimizer: GradientDescent(learningRate: 0.1),
        options: FitOptions(epochs: 1))
    }
    #expect(throws: DataError.self) {
      try network.fit(
        x: x, y: y, sampleWeights: Matrix(rows: 1, columns: 30, repeating: .nan),
        optimizer: GradientDescent(learningRate: 0.1), options: FitOptions(epochs: 1))
    }
  }

  /// NaN costs stop training with a clear error.
  @Test func divergenceIsReported() throws {
    let (start, x, y) = try Self.problem()
    var network = start
    network.layers[0].weight[0, 0] = .nan
    #expect(throws: DivergenceError.self) {
      try network.fit(x: x, y: y, optimizer: GradientDescent(learningRate: 0.1), options: FitOptions(epochs: 2))
    }
  }
}

/// What a prediction and an evaluation hand back: class indices as `[Int]` and
/// names, and one R² (averaged over the outputs) wherever R² is reported.
@Suite struct PredictionTests {
  @Test func classesAndTheirNames() throws {
    var model = try Model<Double>(inputs: 2, layers: [.dense(3, .softmax)], output: .softmax)
    model.network.layers[0].weight = Matrix(rowMajor: [[1, 0], [0, 1], [-1, -1]])
    let x = Matrix<Double>(rowMajor: [[5, 0, -5], [0, 5, -5]])
    let prediction = try model.predict(x)
    #expect(prediction.classes == [0, 1, 2])
    #expect(prediction.labels(classNames: ["cat", "dog"]) == ["cat", "dog", "2"])
    #expect(prediction.labels(classNames: nil) == ["0", "1", "2"])

    let regression = try Model<Double>(inputs: 2, layers: [.dense(2, .identity)], output: .identity)
    #expect(try regression.predict(x).classes == nil)
  }

  @Test func oneR2ForSeveralOutputs() throws {
    var model = try Model<Double>(inputs: 1, layers: [.dense(2, .identity)], output: .identity)
    model.network.layers[0].weight = Matrix(rowMajor: [[1], [2]])
    let x = Matrix<Double>(rowMajor: [[1, 2, 3, 4]])
    // Output 1 is right (R² 1); output 2 is 2x against targets 1…4 (R² = 1 − 30/5 = −5).
    let y = Matrix<Double>(rowMajor: [[1, 2, 3, 4], [1, 2, 3, 4]])
    let evaluation = try model.evaluate(x, labels: y)
    let expected = try #require(try Metrics.r2(predictions: try model.predict(x).outputs, targets: y))
    #expect(abs(expected - (1 + -5) / 2) < 1e-12)
    #expect(evaluation.r2 == expected)
    #expect(evaluation.regression?.r2 == expected)
  }
}

/// `Network.fit` takes the optimizer as settings too, as `Model.fit` does, and
/// runs the same arithmetic as with the concrete optimizer.
@Suite struct FitWithSettingsTests {
  @Test func settingsAndTheConcreteOptimizerTrainAlike() throws {
    var rng = DefaultGenerator(seed: 21)
    let start = try Network<Float>(
      layerSizes: [4, 6, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    let x = Matrix<Float>.randomNormal(rows: 4, columns: 50, using: &rng)
    let y = Matrix<Float>(labels: (0..<50).map { Float($0 % 3) })
    let options = try FitOptions(epochs: 3, batchSize: 16)
    var viaSettings = start
    let settingsHistory = try viaSettings.fit(x: x, y: y, optimizer: .adam(learningRate: 0.01), options: options)
    var viaOptimizer = start
    let optimizerHistory = try viaOptimizer.fit(
      x: x, y: y, optimizer: Adam<Float>(learningRate: 0.01), options: options)
    #expect(viaSettings == viaOptimizer)
    #expect(settingsHistory.epochs.map(\.cost) == optimizerHistory.epochs.map(\.cost))
    #expect(viaSettings != start)
  }
}
