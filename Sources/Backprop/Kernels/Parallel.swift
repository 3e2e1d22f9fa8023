extension Kernels {
  /// The elementwise work (in elements) below which a kernel stays on the
  /// calling thread: handing a range to a spinning worker costs about a
  /// microsecond, as much as this much work.
  package static let elementwiseParallelThreshold = 1 << 15

  /// Runs `body` over `0..<count` split into contiguous ranges, on up to
  /// ``threadCount`` threads of the ``WorkerPool`` when `count × cost` reaches
  /// ``elementwiseParallelThreshold``, else on the calling thread in one call.
  ///
  /// - Parameters:
  ///   - count: the number of items (columns or elements).
  ///   - cost: elements of work per item (rows, for a column).
  ///   - body: called with disjoint ranges covering `0..<count`; it must only
  ///     write what belongs to its range.
  @usableFromInline
  static func forEachRange(count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(threadCount, count)
    guard threads > 1, count * max(cost, 1) >= elementwiseParallelThreshold else {
      if count > 0 { body(0..<count) }
      return
    }
    let chunk = (count + threads - 1) / threads
    // The ranges are disjoint, so the threads never touch the same elements.
    WorkerPool.run(tasks: threads, threads: threads) { index in
      let start = index * chunk
      let end = min(count, start + chunk)
      if start < end { body(start..<end) }
    }
  }
}

/// A value handed to other threads whose safety the kernel guarantees itself
/// (disjoint ranges of one buffer), which the compiler cannot check.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
