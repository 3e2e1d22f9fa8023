import ArgumentParser
import Backprop

/// The memory check every command that builds a network makes before it allocates:
/// the library's ``MemoryEstimate`` against this machine's ``MemoryLimit``.
extension Train {
  /// Refuses a run whose network, optimizer state, workspace and (when known) data do not fit in memory.
  ///
  /// - Parameter examples: the training examples once loaded (nil before: one batch of 1 is assumed).
  func checkMemory(examples: Int?, mappedInputs: Bool = false) throws {
    let sizes = architecture.layers.sizes
    let optimizer = (try? OptimizerKind(name: training.optimizer)) ?? .sgd
    let m = examples ?? 1
    var estimate = try MemoryEstimate(
      layerSizes: sizes, scalarBytes: dtype == .float32 ? 4 : 8, optimizer: optimizer,
      batch: min(training.batchSize ?? m, m), examples: m, iterations: training.epochs ?? iterations)
    // Mapped inputs live in the page cache, not in this process's memory: only the labels count.
    if mappedInputs { estimate.data = (sizes.last ?? 0) * m * 8 }
    try estimate.check(parameter: "--layers", value: "\(architecture.layers)")
  }
}
