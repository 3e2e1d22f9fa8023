import Backprop
import CMallocCounter
import Testing

@testable import Backprop

/// Whether this test binary was compiled with optimisation. Unoptimised (debug)
/// Swift allocates in places the optimiser removes (unspecialised generics), so
/// the allocation count is only meaningful in a release build:
/// `.ci/run` runs `swift test -c release -Xswiftc -enable-testing --filter AllocationTests`.
#if DEBUG
  let isOptimizedBuild = false
#else
  let isOptimizedBuild = true
#endif

/// After the first iteration a training step allocates nothing: every buffer
/// lives in the ``Workspace`` and is reused in place. Counted with a malloc
/// interposer (glibc) around whole steps, on the calling thread.
@Suite(.serialized) struct AllocationTests {
  func allocationsPerStep<O: Optimizer>(
    sizes: [Int], hidden: ActivationFunction, output: Output, examples m: Int, optimizer: O
  ) throws -> Int where O.Scalar == Float {
    var rng = DefaultGenerator(seed: 5)
    var network = try Network<Float>(
      layerSizes: sizes, hiddenActivation: hidden, output: output, initializer: .he, using: &rng)
    let x = Matrix<Float>.randomNormal(rows: sizes[0], columns: m, using: &rng)
    var y = Matrix<Float>(rows: output == .softmax ? 1 : sizes[sizes.count - 1], columns: m)
    for k in 0..<y.count {
      y.withUnsafeMutableBufferPointer { $0[k] = output == .softmax ? Float(k % sizes[sizes.count - 1]) : Float(k % 2) }
    }
    let trainer = try Trainer(optimizer: optimizer, iterations: 1)
    var workspace = Workspace(for: network)
    var state = OptimizerState(for: network, optimizer: trainer.optimizer)
    for _ in 0..<2 { try trainer.step(&network, x: x, y: y, workspace: &workspace, state: &state) }
    let steps = 5
    backprop_malloc_counter_start()
    for _ in 0..<steps { try trainer.step(&network, x: x, y: y, workspace: &workspace, state: &state) }
    return backprop_malloc_counter_stop() / steps
  }

  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"),
    .enabled(
      if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
  func trainingStepAllocatesNothing() throws {
    let threads = Kernels.threadCount
    Kernels.threadCount = 1
    defer { Kernels.threadCount = threads }
    let sgd = try GradientDescent<Float>(learningRate: 0.01)
    #expect(
      try allocationsPerStep(sizes: [20, 16, 8, 3], hidden: .relu, output: .softmax, examples: 64, optimizer: sgd) == 0)
    #expect(
      try allocationsPerStep(
        sizes: [6, 5, 1], hidden: .prelu(initialAlpha: 0.2), output: .sigmoid, examples: 33, optimizer: sgd) == 0)
    #expect(
      try allocationsPerStep(sizes: [3, 4, 2], hidden: .tanh, output: .identity, examples: 7, optimizer: sgd) == 0)
  }

  /// A step large enough to run on the worker pool (products past the parallel
  /// threshold, elementwise kernels split by columns) allocates no buffer: no
  /// matrix, no packing space, nothing that grows with the batch. What remains is
  /// the hand-off of each parallel kernel's closure to the pool, which Swift boxes
  /// when it makes the closure escapable for C (`withoutActuallyEscaping`): a few
  /// dozen bytes per kernel, the same on every step, small at any batch size.
  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"),
    .enabled(
      if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
  func aStepOnTwoThreadsAllocatesNoBuffer() throws {
    let threads = Kernels.threadCount
    Kernels.threadCount = 2
    defer { Kernels.threadCount = threads }
    /// (allocations, bytes) of each of 5 steps after 2 warm-up steps.
    func perStep(examples m: Int) throws -> [(count: Int, bytes: Int)] {
      var rng = DefaultGenerator(seed: 5)
      var network = try Network<Float>(
        layerSizes: [300, 256, 10], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
      let x = Matrix<Float>.randomNormal(rows: 300, columns: m, using: &rng)
      var y = Matrix<Float>(rows: 1, columns: m)
      for j in 0..<m { y[0, j] = Float(j % 10) }
      let trainer = try Trainer(optimizer: GradientDescent<Float>(learningRate: 0.01), iterations: 1)
      var workspace = Workspace(for: network)
      var state = OptimizerState(for: network, optimizer: trainer.optimizer)
      for _ in 0..<2 { try trainer.step(&network, x: x, y: y, workspace: &workspace, state: &state) }
      var steps = [(count: Int, bytes: Int)]()
      for _ in 0..<5 {
        backprop_malloc_counter_start()
        try trainer.step(&network, x: x, y: y, workspace: &workspace, state: &state)
        let count = backprop_malloc_counter_stop()
        steps.append((count, backprop_malloc_counter_bytes()))
      }
      return steps
    }
    try Kernels.withBackend(.builtin) {
      for m in [256, 1024] {
        let steps = try perStep(examples: m)
        // The smallest batch buffer here (A[2], 10 × 256 Float) is 10 KiB; the hand-offs are under 2 KiB a step.
        #expect(steps.allSatisfy { $0.bytes <= 2048 }, "m = \(m): \(steps)")
        #expect(steps.allSatisfy { $0.count == steps[0].count }, "m = \(m): \(steps)")
      }
    }
  }

  /// Every optimizer updates its state in place: no allocation after the first
  /// step either (a PReLU network, so α[l] and its state are updated too).
  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"),
    .enabled(
      if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
  func optimizerStepsAllocateNothing() throws {
    let threads = Kernels.threadCount
    Kernels.threadCount = 1
    defer { Kernels.threadCount = threads }
    func count(_ optimizer: some Optimizer<Float>) throws -> Int {
      try allocationsPerStep(
        sizes: [6, 5, 3], hidden: .prelu(initialAlpha: 0.2), output: .softmax, examples: 17, optimizer: optimizer)
    }
    #expect(try count(Momentum(learningRate: 0.01)) == 0)
    #expect(try count(Nesterov(learningRate: 0.01)) == 0)
    #expect(try count(RMSprop(learningRate: 0.01)) == 0)
    #expect(try count(Adam(learningRate: 0.01)) == 0)
    #expect(try count(AdamW(learningRate: 0.01)) == 0)
  }

  /// The regularised step allocates nothing either: batch normalisation,
  /// dropout masks redrawn in place, L2 and example weights, with Adam.
  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"),
    .enabled(
      if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
  func regularizedStepAllocatesNothing() throws {
    let threads = Kernels.threadCount
    Kernels.threadCount = 1
    defer { Kernels.threadCount = threads }
    var rng = DefaultGenerator(seed: 8)
    var network = try Network<Float>(
      layerSizes: [12, 10, 6, 3], hiddenActivation: .relu, output: .softmax, initializer: .he,
      batchNormalization: true, using: &rng)
    let m = 24
    let x = Matrix<Float>.randomNormal(rows: 12, columns: m, using: &rng)
    var y = Matrix<Float>(rows: 1, columns: m)
    for j in 0..<m { y[0, j] = Float(j % 3) }
    let weights = try ClassWeights.balanced.exampleWeights(for: y)
    let adam = try Adam<Float>(learningRate: 0.01)
    var state = OptimizerState(for: network, optimizer: adam)
    var workspace = Workspace(for: network)
    func step() throws {
      for (l, units) in [(0, 10), (1, 6)] {
        Dropout.fillMask(&workspace.pass.caches[l].mask, rows: units, columns: m, rate: 0.3, using: &rng)
      }
      try network.forward(x, into: &workspace.pass, training: true)
      _ = try network.cost(workspace.pass, labels: y, weights: weights, l2: 0.01)
      try network.backward(labels: y, weights: weights, l2: 0.01, workspace: &workspace)
      network.apply(workspace.gradients, optimizer: adam, state: &state)
      network.updateRunningStatistics(from: workspace.pass)
    }
    for _ in 0..<2 { try step() }
    backprop_malloc_counter_start()
    for _ in 0..<5 { try step() }
    #expect(backprop_malloc_counter_stop() == 0)
  }

  /// The rest of a mini-batch step in `fit` allocates nothing either: gathering the
  /// shuffled batch's columns (one copy per column) and adding its A[L] to the
  /// running training metrics (confusion counts, log loss, the ROC AUC scores).
  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"),
    .enabled(
      if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
  func batchGatherAndRunningMetricsAllocateNothing() throws {
    let threads = Kernels.threadCount
    Kernels.threadCount = 1
    defer { Kernels.threadCount = threads }
    var rng = DefaultGenerator(seed: 9)
    let network = try Network<Float>(
      layerSizes: [10, 8, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
    let m = 64
    let x = Matrix<Float>.randomNormal(rows: 10, columns: m, using: &rng)
    var y = Matrix<Float>(rows: 1, columns: m)
    for j in 0..<m { y[0, j] = Float(j % 3) }
    var order = Array(0..<m)
    rng.shuffle(&order)
    var metrics = RunningMetrics<Float>(
      [.accuracy, .f1, .logLoss, .rocAUC], output: .softmax, outputUnits: 3, examples: m)
    var workspace = Workspace(for: network)
    var bx = Matrix<Float>(rows: 0, columns: 0)
    var by = Matrix<Float>(rows: 0, columns: 0)
    func step(_ t: Int) throws {
      // Batches of 24, 24 and 16: the last, smaller one and back again.
      let start = 24 * (t % 3)
      if start == 0 { metrics.reset() }
      let indices = order[start..<min(start + 24, m)]
      // As `fit` does: the pass lets go of the last batch's X, so the gather writes in place.
      workspace.pass.releaseInput()
      Kernels.gatherColumns(x, indices, into: &bx)
      Kernels.gatherColumns(y, indices, into: &by)
      try network.forward(bx, into: &workspace.pass, training: true)
      metrics.add(outputs: workspace.pass.output, labels: by)
    }
    for t in 0..<3 { try step(t) }
    backprop_malloc_counter_start()
    for t in 3..<9 { try step(t) }
    #expect(backprop_malloc_counter_stop() == 0)
    #expect(metrics.examples == m)
  }

  /// The counter counts: a fresh array allocates.
  @Test(.enabled(if: backprop_malloc_counter_available() == 1, "counts allocations with glibc, outside the sanitizers"))
  func counterSeesAllocations() {
    backprop_malloc_counter_start()
    let array = [Int](repeating: 1, count: 1000 + Int.random(in: 0..<2))
    let count = backprop_malloc_counter_stop()
    #expect(array.count >= 1000)
    #expect(count >= 1)
  }
}
