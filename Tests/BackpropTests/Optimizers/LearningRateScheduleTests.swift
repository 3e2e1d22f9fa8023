import Backprop
import BackpropTestSupport
import Testing

/// Schedules against values worked out by hand from the formulas.
@Suite struct LearningRateScheduleTests {
  func rates(_ text: String, from alpha0: Double, warmup: Int = 0, epochs: Int, at points: [Int]) throws -> [Double] {
    let schedule = try LearningRateSchedule(
      parsing: text, initialLearningRate: alpha0, warmupEpochs: warmup, totalEpochs: epochs)
    return points.map { schedule.learningRate(epoch: $0) }
  }

  func expectRates(
    _ actual: [Double], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (k, (a, e)) in zip(actual, expected).enumerated() {
      expectClose(a, e, rtol: 1e-15, atol: 1e-15, "\(what) [\(k)]", sourceLocation: sourceLocation)
    }
  }

  @Test func constant() throws {
    expectRates(try rates("constant", from: 0.1, epochs: 5, at: [0, 4, 100]), [0.1, 0.1, 0.1], "constant")
  }

  /// step:10:0.5 halves every 10 epochs; step:3 multiplies by PyTorch's default 0.1.
  @Test func step() throws {
    expectRates(
      try rates("step:10:0.5", from: 0.1, epochs: 30, at: [0, 9, 10, 19, 20, 25]),
      [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], "step:10:0.5")
    expectRates(try rates("STEP:3", from: 1, epochs: 9, at: [2, 3, 6]), [1, 0.1, 0.1 * 0.1], "step:3")
  }

  @Test func exponential() throws {
    expectRates(
      try rates("exponential:0.9", from: 1, epochs: 10, at: [0, 1, 2, 3]), [1, 0.9, 0.81, 0.9 * 0.9 * 0.9],
      "exponential:0.9")
  }

  /// The course's α₀/(1 + decay_rate·epoch), and with a time interval α₀/(1 + r·⌊epoch/N⌋).
  @Test func inverseTime() throws {
    expectRates(
      try rates("inverse-time:1", from: 0.5, epochs: 10, at: [0, 1, 3]), [0.5, 0.25, 0.125], "inverse-time:1")
    expectRates(try rates("inverse-time", from: 0.5, epochs: 10, at: [1]), [0.25], "inverse-time (r = 1)")
    expectRates(
      try rates("inverse_time:0.5:10", from: 1, epochs: 30, at: [9, 10, 25]), [1, 1 / 1.5, 0.5],
      "inverse-time:0.5:10")
  }

  /// Half a cosine from α₀ to αmin over E epochs, then αmin.
  @Test func cosine() throws {
    expectRates(
      try rates("cosine", from: 1, epochs: 10, at: [0, 5, 10, 12]), [1, 0.5, 0, 0], "cosine")
    // E = 4, αmin = 0.1: epoch 1 is 0.1 + 0.45·(1 + cos(π/4)) = 0.1 + 0.45·1.7071067811865475.
    expectRates(
      try rates("cosine:0.1", from: 1, epochs: 4, at: [0, 1, 2, 4]), [1, 0.868198051533946, 0.55, 0.1],
      "cosine:0.1")
  }

  /// α₀·(e + 1)/W for e < W, then the decay counted from epoch W.
  @Test func warmup() throws {
    expectRates(
      try rates("constant", from: 0.2, warmup: 4, epochs: 10, at: [0, 1, 2, 3, 4, 9]),
      [0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2], "constant, warm-up 4")
    expectRates(
      try rates("step:2:0.5", from: 1, warmup: 2, epochs: 10, at: [0, 1, 2, 3, 4, 6]), [0.5, 1, 1, 1, 0.5, 0.25],
      "step:2:0.5, warm-up 2")
    // E' = 6 − 2 = 4: epoch 4 is halfway down the cosine.
    expectRates(
      try rates("cosine", from: 1, warmup: 2, epochs: 6, at: [0, 1, 2, 4, 6]), [0.5, 1, 1, 0.5, 0], "cosine, warm-up 2")
    // A warm-up as long as the training is allowed (the cosine never starts).
    expectRates(try rates("cosine", from: 1, warmup: 4, epochs: 4, at: [3]), [1], "cosine, warm-up 4 of 4")
  }

  @Test func specificationReadsBack() throws {
    for text in ["constant", "step:10:0.5", "exponential:0.95", "inverse-time:1.0:3", "cosine:1e-05"] {
      let schedule = try LearningRateSchedule(parsing: text, initialLearningRate: 0.1, totalEpochs: 20)
      let again = try LearningRateSchedule(
        parsing: schedule.specification, initialLearningRate: 0.1, totalEpochs: 20)
      #expect(again == schedule, "\(text)")
    }
    let schedule = try LearningRateSchedule(
      parsing: "step:10", initialLearningRate: 0.1, warmupEpochs: 5, totalEpochs: 20)
    #expect(schedule.specification == "step:10:0.1")
    #expect(schedule.description == "step:10:0.1 from 0.1, warm-up 5 epochs")
    #expect(schedule.decay == .step(every: 10, factor: 0.1))
  }

  @Test(arguments: [
    ("linear", "unknown schedule 'linear'"),
    ("", "unknown schedule ''"),
    ("step", "write it as step:N[:GAMMA]"),
    ("step:10:0.5:3", "write it as step:N[:GAMMA]"),
    ("step:ten", "N 'ten' is not a whole number of epochs"),
    ("step:2.5", "N '2.5' is not a whole number of epochs"),
    ("step:0", "N must be 1 or more"),
    ("step:10:0", "GAMMA must be above 0 and at most 1"),
    ("step:10:nan", "GAMMA must be above 0 and at most 1"),
    ("exponential", "write it as exponential:GAMMA"),
    ("exponential:1.5", "GAMMA must be above 0 and at most 1"),
    ("exponential:x", "GAMMA 'x' is not a number"),
    ("inverse-time:-1", "RATE must be a finite number, 0 or more"),
    ("inverse-time:inf", "RATE must be a finite number, 0 or more"),
    ("inverse-time:1:0", "N must be 1 or more"),
    ("cosine:2", "MIN_LR must be at least 0 and at most the learning rate 1.0"),
    ("cosine:-0.1", "MIN_LR must be at least 0"),
    ("constant:1", "write it as constant"),
  ])
  func badSchedulesAreRefused(_ text: String, _ message: String) {
    let error = #expect(throws: ConfigurationError.self, "\(text)") {
      try LearningRateSchedule(parsing: text, initialLearningRate: 1, totalEpochs: 10)
    }
    #expect(error?.parameter == "schedule", "\(text)")
    #expect(error?.problem.contains(message) == true, "\(text): \(error?.problem ?? "")")
  }

  @Test func badWarmupAndRatesAreRefused() {
    let negative = #expect(throws: ConfigurationError.self) {
      try LearningRateSchedule(initialLearningRate: 0.1, warmupEpochs: -1, totalEpochs: 10)
    }
    #expect(negative?.parameter == "warmupEpochs")
    let long = #expect(throws: ConfigurationError.self) {
      try LearningRateSchedule(initialLearningRate: 0.1, warmupEpochs: 20, totalEpochs: 10)
    }
    #expect(long?.parameter == "warmupEpochs")
    #expect(long?.problem == "20 epochs of warm-up is longer than the 10 epochs of training")
    let rate = #expect(throws: ConfigurationError.self) {
      try LearningRateSchedule(parsing: "cosine", initialLearningRate: 0, totalEpochs: 10)
    }
    #expect(rate?.parameter == "learningRate")
    let epochs = #expect(throws: ConfigurationError.self) {
      try LearningRateSchedule(initialLearningRate: 0.1, totalEpochs: -1)
    }
    #expect(epochs?.parameter == "epochs")
  }

  /// The schedule drives an optimizer's settable rate between steps.
  @Test func drivesAnOptimizer() throws {
    let schedule = try LearningRateSchedule(parsing: "exponential:0.5", initialLearningRate: 0.4, totalEpochs: 3)
    var optimizer = try Adam<Float>(learningRate: 0.4)
    var seen = [Float]()
    for epoch in 0..<3 {
      optimizer.learningRate = Float(schedule.learningRate(epoch: epoch))
      seen.append(optimizer.learningRate)
    }
    #expect(seen == [0.4, 0.2, 0.1])
  }
}
