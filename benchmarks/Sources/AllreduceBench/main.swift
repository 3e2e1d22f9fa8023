// AllreduceBench: the time of one in-place MPI_Allreduce (sum) against the message size, on
// the ranks mpirun started, and the α–β model fitted to it (t = α + β·bytes, least squares
// over the sizes). Rank 0 prints a table and, with --json FILE, writes the figures.
//
//     mpirun -np 2 benchmarks/.build/release/AllreduceBench [--json results/allreduce.json]
import Backprop
import Foundation

var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--json": jsonPath = arguments.popFirst()
  default:
    FileHandle.standardError.write(Data("usage: AllreduceBench [--json FILE]\n".utf8))
    exit(2)
  }
}

let world: MPICommunicator
do {
  world = try MPICommunicator.world()
} catch {
  FileHandle.standardError.write(Data("AllreduceBench: \(error)\n".utf8))
  exit(1)
}

// float32 counts from 4 bytes to 16 MB.
let counts = [1, 16, 256, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304]
var rows: [(bytes: Int, seconds: Double)] = []
for count in counts {
  var buffer = [Float](repeating: 1, count: count)
  let runs = max(10, min(2_000, 40_000_000 / max(count, 1)))
  func once() throws {
    try buffer.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try world.allReduceSum(pointer)
    }
  }
  do {
    for _ in 0..<5 { try once() }
    // The median of 5 timings of `runs` operations each.
    var times = [Double]()
    for _ in 0..<5 {
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<runs { try once() }
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(runs))
    }
    rows.append((count * 4, times.sorted()[2]))
  } catch {
    FileHandle.standardError.write(Data("AllreduceBench: \(error)\n".utf8))
    exit(1)
  }
}

// t = α + β·bytes, least squares.
let n = Double(rows.count)
let meanX = rows.map { Double($0.bytes) }.reduce(0, +) / n
let meanY = rows.map(\.seconds).reduce(0, +) / n
let sxy = rows.map { (Double($0.bytes) - meanX) * ($0.seconds - meanY) }.reduce(0, +)
let sxx = rows.map { (Double($0.bytes) - meanX) * (Double($0.bytes) - meanX) }.reduce(0, +)
let beta = sxy / sxx
let alpha = max(meanY - beta * meanX, rows[0].seconds)

if world.rank == 0 {
  print("MPI_Allreduce (sum, in place, float32) on \(world.size) ranks: \(MPICommunicator.library?.version ?? "")")
  print("bytes        time (µs)    GB/s (bytes/time)")
  for row in rows {
    let rate = Double(row.bytes) / row.seconds / 1e9
    print(
      String(row.bytes).padding(toLength: 13, withPad: " ", startingAt: 0)
        + String(format: "%-13.2f%.3f", row.seconds * 1e6, rate))
  }
  print(String(format: "α–β fit: α = %.2f µs, β = %.4f ns/byte (%.2f GB/s)", alpha * 1e6, beta * 1e9, 1 / beta / 1e9))
  if let jsonPath {
    let object: [String: Any] = [
      "ranks": world.size, "library": MPICommunicator.library?.version ?? "",
      "alpha_seconds": alpha, "beta_seconds_per_byte": beta,
      "sizes": rows.map { ["bytes": $0.bytes, "seconds": $0.seconds] },
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: jsonPath))
  }
}
world.finalize()
