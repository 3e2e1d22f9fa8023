import Foundation

/// Ranks that are threads of one process: the data-parallel algorithm without MPI, for tests
/// and for trying it on one machine. Sums are taken in rank order (0, 1, …), so a run is
/// reproducible bit for bit.
///
/// ```swift
/// let results = ThreadCommunicator.run(ranks: 2) { rank in      // one thread per rank
///   var network = start
///   try network.fit(x: x, y: y, optimizer: .adam(), options: options, distributed: rank)
///   return network                                               // the same on every rank
/// }
/// ```
public final class ThreadCommunicator: Communicator, @unchecked Sendable {
  public let rank: Int
  public var size: Int { group.size }
  private let group: Group

  private init(rank: Int, group: Group) {
    self.rank = rank
    self.group = group
  }

  /// `size` ranks that communicate with each other, rank r at index r.
  public static func group(size: Int) -> [ThreadCommunicator] {
    let group = Group(size: max(1, size))
    return (0..<max(1, size)).map { ThreadCommunicator(rank: $0, group: group) }
  }

  /// Runs `body` on `ranks` threads, one per rank of a new group (not a thread pool's, which
  /// may have fewer threads than ranks and would leave the last ones waiting for a core that
  /// never comes), and returns each rank's result, rank r at index r. A rank leaves the group
  /// when its body returns or throws, so the others never wait for it in vain.
  public static func run<T: Sendable>(
    ranks: Int, _ body: @escaping @Sendable (ThreadCommunicator) throws -> T
  ) -> [Result<T, any Error>] {
    let members = group(size: ranks)
    let results = ResultBox<T>(count: members.count)
    let done = DispatchSemaphore(value: 0)
    for member in members {
      let thread = Thread {
        defer {
          member.leave()
          done.signal()
        }
        results.set(member.rank, Result { try body(member) })
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    for _ in members { done.wait() }
    return results.values()
  }

  /// The ranks' results, each written by its own thread.
  private final class ResultBox<T>: @unchecked Sendable {
    private var results: [Result<T, any Error>?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<T, any Error>) {
      lock.lock()
      results[index] = result
      lock.unlock()
    }
    func values() -> [Result<T, any Error>] {
      lock.lock()
      defer { lock.unlock() }
      return results.map { $0! }
    }
  }

  /// Says this rank takes part in no more operations (it finished or failed): a rank still
  /// waiting in an operation, or calling one later, gets a ``CommunicationError`` instead of
  /// waiting for ever.
  public func leave() {
    group.condition.lock()
    group.left = true
    group.condition.broadcast()
    group.condition.unlock()
  }

  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(CommunicationError) {
    try group.allReduceSum(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, rank: rank, as: Float.self)
  }

  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws(CommunicationError) {
    try group.allReduceSum(
      UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, rank: rank, as: Double.self)
  }

  /// The state the ranks share: who has arrived at the current operation, with which buffer.
  private final class Group: @unchecked Sendable {
    let size: Int
    let condition = NSCondition()
    var buffers: [UnsafeMutableRawPointer?]
    var counts: [Int]
    var arrived = 0
    var generation = 0
    var left = false
    var mismatch = false

    init(size: Int) {
      self.size = size
      buffers = Array(repeating: nil, count: size)
      counts = Array(repeating: 0, count: size)
    }

    func allReduceSum<Scalar: BinaryFloatingPoint>(
      _ pointer: UnsafeMutableRawPointer?, count: Int, rank: Int, as _: Scalar.Type
    ) throws(CommunicationError) {
      condition.lock()
      defer { condition.unlock() }
      guard !left else { throw CommunicationError("another rank left the group before this operation") }
      buffers[rank] = pointer
      counts[rank] = count
      arrived += 1
      let current = generation
      if arrived == size {
        // The last to arrive sums every buffer in rank order and writes the sum into each.
        mismatch = counts.contains { $0 != count }
        if !mismatch, count > 0 {
          let all = buffers.map { $0!.assumingMemoryBound(to: Scalar.self) }
          for i in 0..<count {
            var total = all[0][i]
            for r in 1..<size { total += all[r][i] }
            for r in 0..<size { all[r][i] = total }
          }
        }
        arrived = 0
        generation += 1
        condition.broadcast()
      } else {
        while generation == current && !left { condition.wait() }
        guard generation != current else {
          throw CommunicationError("another rank left the group during an operation")
        }
      }
      guard !mismatch else { throw CommunicationError("the ranks summed buffers of different lengths") }
    }
  }
}
