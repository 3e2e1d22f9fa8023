/// The processes of one data-parallel run and the collective operations they take part in
/// together: what ``Network/fit(x:y:sampleWeights:validation:optimizer:options:resumingFrom:checkpoint:shouldStop:afterBatch:progress:distributed:)-(_,_,_,_,O,_,_,_,_,_,_,_)``
/// needs to train one model on several processes, each on its part of every batch.
///
/// ``MPICommunicator`` is the one for several machines (MPI, found at run time);
/// ``ThreadCommunicator`` runs the ranks as threads of one process (tests, and trying
/// the algorithm without MPI). Every rank must call the same operations in the same order.
public protocol Communicator: AnyObject, Sendable {
  /// This process's number, 0…size−1; rank 0 writes the run's files.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Replaces `buffer` on every rank by the element-wise sum of every rank's `buffer`.
  /// - Throws: ``CommunicationError`` when a rank failed or the library reported an error.
  func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(CommunicationError)
  /// The same for float64.
  func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws(CommunicationError)
}

extension Communicator {
  /// The sum over the ranks of one value.
  public func sum(_ value: Double) throws(CommunicationError) -> Double {
    var buffer = [value]
    try buffer.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in try allReduceSum(pointer) }
    return buffer[0]
  }

  /// Sums `buffer` over the ranks, in whichever precision it holds.
  func allReduceSum<Scalar: MatrixScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) throws(CommunicationError) {
    if Scalar.self == Float.self {
      try allReduceSum(UnsafeMutableRawBufferPointer(buffer).bindMemory(to: Float.self))
    } else {
      try allReduceSum(UnsafeMutableRawBufferPointer(buffer).bindMemory(to: Double.self))
    }
  }
}

/// A collective operation that failed: a rank died, or the MPI library returned an error.
public struct CommunicationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What failed and why.
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
