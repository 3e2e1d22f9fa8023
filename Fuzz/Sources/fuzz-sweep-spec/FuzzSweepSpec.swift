import Backprop
import BackpropSweep
import Foundation

/// The input as a `backprop sweep --vary NAME=SPEC` (the first byte's low bit says whether the
/// option takes whole numbers). A spec parses or throws the ``ConfigurationError`` it documents;
/// once parsed, the grid is counted by arithmetic before any value is made, a grid of at most
/// 4,096 points has at most that many distinct values, and a random draw is one of them or
/// within the range. What the target catches: traps (overflowing counts, empty lists,
/// non-finite bounds), grids built before they are counted, and hangs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweepSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size > 0 else { return 0 }
  let integer = data[0] & 1 == 1
  let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
  guard let parameter = try? SweepParameter(parsing: text, integer: integer) else { return 0 }
  _ = parameter.description
  if let count = try? parameter.gridCount() {
    precondition(count >= 1, "'\(text)': a parsed spec counted \(count) grid points")
    if count <= 4_096, let values = try? parameter.gridValues() {
      precondition(!values.isEmpty && values.count <= count, "'\(text)': \(values.count) values for \(count) points")
      precondition(Set(values).count == values.count, "'\(text)': a grid value repeats: \(values)")
    }
  }
  var generator = DefaultGenerator(seed: UInt64(size))
  for _ in 0..<4 { _ = parameter.sample(using: &generator) }
  // The searches: counted and refused above --max-trials, never built first.
  _ = try? SweepSearch.grid.trials([parameter, parameter], maxTrials: 64)
  _ = try? SweepSearch.random.trials([parameter], count: 8, seed: 3, maxTrials: 64)
  return 0
}
