/// The cross-rank sums of synchronised batch normalisation in a data-parallel run: each rank's
/// partial sums per unit (Σ Z, Σ (Z − μ)², and backward Σ dZ̃ ⊙ Ẑ, Σ dZ̃) made the whole batch's by
/// an all-reduce, so that every rank normalises by the statistics one process would compute.
///
/// Held by the training pass's batch-normalisation caches; the training loop sets ``batch``
/// before each step and, after the pass, throws the first failed all-reduce (``failure``): the
/// kernels that call ``sum(_:)`` cannot throw, and a failed all-reduce leaves the rest of the
/// pass meaningless but harmless.
final class BatchStatisticsSum: @unchecked Sendable {
  // @unchecked: used by the one thread that runs the training loop.
  let communicator: any Communicator
  /// B, the examples of the step's whole batch over every rank.
  var batch = 0
  /// The first all-reduce that failed since the last ``takeFailure()``.
  private(set) var failure: CommunicationError?

  init(communicator: any Communicator) {
    self.communicator = communicator
  }

  /// Replaces each partial sum in `buffer` by its total over the ranks.
  func sum<Scalar: MatrixScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
    guard failure == nil else { return }
    do { try communicator.allReduceSum(buffer) } catch { failure = error }
  }

  /// Throws the failure of the last pass, if any, and clears it.
  func takeFailure() throws(CommunicationError) {
    if let failure {
      self.failure = nil
      throw failure
    }
  }
}
