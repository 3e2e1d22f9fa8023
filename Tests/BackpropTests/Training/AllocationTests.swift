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
    .enabled(if: backprop_malloc_counter_available() == 1, "needs glibc to count allocations"),
    .enabled(if: isOptimizedBuild, "allocation counts are meaningful in release builds only; .ci/run runs this one there"))
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

  /// Every optimizer updates its state in place: no allocation after the first
  /// step either (a PReLU network, so α[l] and its state are updated too).
  @Test(
    .enabled(if: backprop_malloc_counter_available() == 1, "needs glibc to count allocations"),
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

  /// The counter counts: a fresh array allocates.
  @Test(.enabled(if: backprop_malloc_counter_available() == 1, "needs glibc to count allocations"))
  func counterSeesAllocations() {
    backprop_malloc_counter_start()
    let array = [Int](repeating: 1, count: 1000 + Int.random(in: 0..<2))
    let count = backprop_malloc_counter_stop()
    #expect(array.count >= 1000)
    #expect(count >= 1)
  }
}
