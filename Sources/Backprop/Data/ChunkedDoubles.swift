/// A growing list of `Double`s kept in fixed-size blocks, so that appending
/// never copies what is already stored, and joined into one array at the end
/// while freeing each block as it is copied: the peak is the data plus one
/// block, not the twice (or more) that doubling an array's capacity costs.
///
/// Blocks are 32 MiB: above glibc's largest dynamic mmap threshold, so each
/// is its own mapping and goes back to the system the moment it is freed
/// (smaller blocks can land in the heap, whose freed middle is kept). The
/// first block grows by doubling, so a small table costs no more than its data.
struct ChunkedDoubles {
  /// Elements per block (32 MiB of `Double`s by default).
  let blockSize: Int
  private var blocks: [[Double]] = []
  private var current: [Double] = []

  init(blockSize: Int = 1 << 22) {
    self.blockSize = max(1, blockSize)
  }

  /// The number of elements appended.
  var count: Int { blocks.count * blockSize + current.count }

  /// Appends `value`.
  @inline(__always)
  mutating func append(_ value: Double) {
    if current.count == blockSize { startBlock() }
    current.append(value)
  }

  private mutating func startBlock() {
    blocks.append(current)
    current = []
    current.reserveCapacity(blockSize)
  }

  /// All the elements in order, in one array, leaving this list empty; each
  /// block is released as soon as it is copied.
  mutating func takeAll() -> [Double] {
    let total = count
    var blocks = self.blocks
    self.blocks = []
    let last = current
    current = []
    return [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
      var offset = 0
      for k in blocks.indices {
        let block = blocks[k]
        blocks[k] = []
        block.withUnsafeBufferPointer { source in
          _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + source.count)])
            .initialize(fromContentsOf: source)
        }
        offset += block.count
      }
      last.withUnsafeBufferPointer { source in
        _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + source.count)])
          .initialize(fromContentsOf: source)
      }
      offset += last.count
      initialized = offset
    }
  }
}
