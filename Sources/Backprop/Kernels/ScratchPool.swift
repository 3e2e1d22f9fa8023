import Dispatch

/// Reusable 64-byte-aligned scratch buffers for the kernels' packing, so that
/// once the pool holds a buffer large enough, a matrix product allocates nothing
/// (what makes a training step allocation-free).
///
/// Each thread running a product takes one buffer and gives it back; the pool
/// keeps at most a few (one per concurrent thread), growing a buffer when a
/// larger product needs more.
final class ScratchPool: @unchecked Sendable {
  static let shared = ScratchPool()

  private let lock = DispatchSemaphore(value: 1)
  private var buffers: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
  private static let alignment = 64

  private init() { buffers.reserveCapacity(64) }

  /// Runs `body` with a buffer of at least `bytes` bytes, aligned to 64.
  func withBuffer<R>(bytes: Int, _ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R {
    let buffer = take(bytes: bytes)
    defer { giveBack(buffer) }
    return try body(buffer.pointer)
  }

  /// The smallest free buffer that holds `bytes` (so a small request never takes
  /// the buffer a large one needs, which would then be reallocated), else the
  /// largest free one, replaced by one of `bytes`.
  private func take(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
    lock.wait()
    var index: Int?
    for (i, buffer) in buffers.enumerated() {
      guard let chosen = index else {
        index = i
        continue
      }
      let best = buffers[chosen].bytes
      let fits = buffer.bytes >= bytes
      let bestFits = best >= bytes
      if fits ? (!bestFits || buffer.bytes < best) : (!bestFits && buffer.bytes > best) { index = i }
    }
    let found = index.map { buffers.remove(at: $0) }
    lock.signal()
    if let found, found.bytes >= bytes { return found }
    found?.pointer.deallocate()  // too small: replaced by a larger one
    let size = max(bytes, 1)
    return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment), size)
  }

  private func giveBack(_ buffer: (pointer: UnsafeMutableRawPointer, bytes: Int)) {
    lock.wait()
    if buffers.count < buffers.capacity {
      buffers.append(buffer)
      lock.signal()
    } else {
      lock.signal()
      buffer.pointer.deallocate()
    }
  }
}
