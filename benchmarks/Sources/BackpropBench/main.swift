// Backprop's side of the benchmark suite: the same configurations, shapes and
// JSON lines as benchmarks/peers/torch_bench.py and numpy_bench.py.
//
//     BackpropBench [--configs mnist-mlp,cat-l,tiny,infer,gemm] [--quick] [--runs N] [--column NAME]
//
// One JSON object per line and measurement on standard output, progress on
// standard error. Threads come from BACKPROP_THREADS and the GEMM backend from
// BACKPROP_BLAS, both read by the library; this program only records them.
import Backprop

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Options

struct Options {
  var configs = allConfigs
  var quick = false
  var runs = 3
  var column = "backprop"

  /// In the order they run: mnist-mlp first, so the process's peak resident
  /// memory read right after it is that run's and nothing else's.
  static let allConfigs = ["mnist-mlp", "cat-l", "tiny", "infer", "gemm"]

  static func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var i = 0
    func value() -> String {
      i += 1
      guard i < arguments.count else { fail("\(arguments[i - 1]) needs a value") }
      return arguments[i]
    }
    while i < arguments.count {
      switch arguments[i] {
      case "--quick": options.quick = true
      case "--runs":
        guard let n = Int(value()), n >= 1 else { fail("--runs needs a positive integer") }
        options.runs = n
      case "--configs":
        let names = value().split(separator: ",").map(String.init)
        for name in names where !allConfigs.contains(name) {
          fail("unknown config '\(name)'; choose from \(allConfigs.joined(separator: ", "))")
        }
        options.configs = allConfigs.filter(names.contains)
      case "--column": options.column = value()
      case "-h", "--help":
        writeAll(
          1,
          "usage: BackpropBench [--configs \(allConfigs.joined(separator: ","))] [--quick] [--runs N] [--column NAME]\n"
        )
        exit(0)
      default: fail("unknown argument '\(arguments[i])'")
      }
      i += 1
    }
    return options
  }
}

func fail(_ message: String) -> Never {
  log("BackpropBench: \(message)")
  exit(2)
}

/// Progress, on standard error.
func log(_ message: String) {
  writeAll(2, message + "\n")
}

/// Writes the whole text to a file descriptor, unbuffered.
func writeAll(_ fd: Int32, _ text: String) {
  var bytes = Array(text.utf8)
  var offset = 0
  while offset < bytes.count {
    let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
    if written <= 0 { return }
    offset += written
  }
}

// MARK: - Environment, clock, memory

func environment(_ name: String) -> String? {
  guard let value = getenv(name) else { return nil }
  return String(cString: value)
}

/// The thread count the library uses: BACKPROP_THREADS, else the processors online.
let threads: Int = {
  if let text = environment("BACKPROP_THREADS"), let n = Int(text), n > 0 { return n }
  return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}()

/// BACKPROP_BLAS as set (unset: the library's default, the system BLAS when it finds one).
let backend = environment("BACKPROP_BLAS").map { "BACKPROP_BLAS=\($0)" } ?? "BACKPROP_BLAS unset"

/// Seconds on a monotonic clock.
@inline(__always) func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The process's peak resident set in bytes: VmHWM from /proc/self/status, else getrusage.
func peakResidentBytes() -> Double {
  if let file = fopen("/proc/self/status", "r") {
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      if text.hasPrefix("VmHWM:") {
        let digits = text.dropFirst(6).filter(\.isNumber)
        if let kib = Double(String(digits)) { return kib * 1024 }
      }
    }
  }
  var usage = rusage()
  #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  #if canImport(Darwin)
    return Double(usage.ru_maxrss)  // bytes on Darwin
  #else
    return Double(usage.ru_maxrss) * 1024  // KiB on Linux
  #endif
}

func median(_ values: [Double]) -> Double {
  let s = values.sorted()
  guard !s.isEmpty else { return .nan }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Calls `body` `reps` times, or fewer when that takes over `limit` seconds (a
/// loaded machine can make the calibrated count far too many); returns the calls
/// made and the seconds they took.
func timedReps(_ reps: Int, limit: Double, _ body: () throws -> Void) rethrows -> (count: Int, seconds: Double) {
  let t0 = now()
  var done = 0
  while done < reps {
    try body()
    done += 1
    if now() - t0 > limit { break }
  }
  return (done, now() - t0)
}

/// Keeps results alive so the optimiser cannot drop the work that made them.
nonisolated(unsafe) var sink: Double = 0

// MARK: - Output

enum JSONValue {
  case string(String)
  case number(Double)
  case int(Int)
  case numbers([Double])

  var text: String {
    switch self {
    case .string(let s):
      var out = "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
          if scalar.value < 0x20 {
            out +=
              "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
              + String(scalar.value, radix: 16)
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      return out + "\""
    case .number(let x): return x.isFinite ? "\(x)" : "null"
    case .int(let n): return "\(n)"
    case .numbers(let xs): return "[" + xs.map { JSONValue.number($0).text }.joined(separator: ", ") + "]"
    }
  }
}

struct Reporter {
  var options: Options

  /// Prints one measurement: `samples` are the per-run values, the headline is their median.
  func emit(
    config: String, name: String, dtype: String, unit: String, samples: [Double],
    extra: [(String, JSONValue)] = []
  ) {
    let m = median(samples)
    var fields: [(String, JSONValue)] = [
      ("impl", .string("backprop")), ("column", .string(options.column)), ("config", .string(config)),
      ("name", .string(name)), ("backend", .string(backend)), ("threads", .int(threads)),
      ("dtype", .string(dtype)), ("value", .number(m)), ("unit", .string(unit)),
      ("runs", .int(samples.count)), ("samples", .numbers(samples)), ("median", .number(m)),
      ("quick", .string(options.quick ? "yes" : "no")),
    ]
    fields += extra
    writeAll(1, "{" + fields.map { "\(JSONValue.string($0.0).text): \($0.1.text)" }.joined(separator: ", ") + "}\n")
  }
}

// MARK: - Data

/// Class labels 0…K−1 as a (1, m) matrix, the library's softmax label layout.
func classLabels<S: MatrixScalar>(count m: Int, classes: Int, using rng: inout DefaultGenerator) -> Matrix<S> {
  var y = Matrix<S>(rows: 1, columns: m)
  y.withUnsafeMutableBufferPointer { p in
    for j in 0..<m { p[j] = S(Int(rng.nextBounded(below: UInt64(classes)))) }
  }
  return y
}

// MARK: - mnist-mlp

/// [784, 256, 128, 10], ReLU, softmax cross-entropy, float32, mini-batches of 128,
/// SGD α = 0.1, one epoch over 60,000 synthetic examples → examples per second;
/// then the process's peak resident memory beside the theoretical minimum.
func mnistMLP(_ options: Options, _ report: Reporter) throws {
  let sizes = [784, 256, 128, 10]
  let m = options.quick ? 2048 : 60_000
  let batch = 128
  var rng = DefaultGenerator(seed: 1)
  // The data set is stored as its mini-batches, (784, 128) each: the slicing is
  // done once, outside the timed loop, and the examples are held once.
  var xs = [Matrix<Float>]()
  var ys = [Matrix<Float>]()
  for start in stride(from: 0, to: m, by: batch) {
    let count = min(batch, m - start)
    xs.append(Matrix<Float>.randomUniform(rows: sizes[0], columns: count, using: &rng))
    ys.append(classLabels(count: count, classes: sizes.last!, using: &rng))
  }
  var net = try Network<Float>(
    layerSizes: sizes, hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
  let optimizer = try GradientDescent<Float>(learningRate: 0.1)
  var state = OptimizerState(for: net, optimizer: optimizer)
  var pass = try net.forward(xs[0])

  func epoch(batches: Int) throws -> Double {
    var total = 0.0
    for k in 0..<batches {
      try net.forward(xs[k], into: &pass)
      total += try net.cost(pass, labels: ys[k])
      let gradients = try net.backward(pass, labels: ys[k])
      net.apply(gradients, optimizer: optimizer, state: &state)
    }
    return total / Double(batches)
  }

  _ = try epoch(batches: min(xs.count, 20))  // warm-up
  var samples = [Double]()
  var loss = 0.0
  for run in 0..<options.runs {
    let t0 = now()
    loss = try epoch(batches: xs.count)
    let dt = now() - t0
    samples.append(Double(m) / dt)
    log("  mnist-mlp run \(run + 1): \(Int(Double(m) / dt)) samples/s, mean loss \(loss)")
  }
  report.emit(
    config: "mnist-mlp", name: "mnist-mlp.train", dtype: "float32", unit: "samples/s", samples: samples,
    extra: [("examples", .int(m)), ("batch", .int(batch)), ("mean_loss", .number(loss))])

  // Peak memory against the least any implementation must hold: the data (X and
  // the labels), the parameters, their gradients and one batch's activations
  // (the input batch and Z[l], A[l] of every layer), 4 bytes each.
  let parameters = net.parameterCount
  let activations = batch * (sizes[0] + 2 * sizes.dropFirst().reduce(0, +))
  let minimum = Double(4 * (m * sizes[0] + m + 2 * parameters + activations))
  let peak = peakResidentBytes()
  report.emit(
    config: "mnist-mlp", name: "mnist-mlp.peak_rss", dtype: "float32", unit: "MB", samples: [peak / 1e6],
    extra: [("min_mb", .number(minimum / 1e6)), ("ratio_to_min", .number(peak / minimum))])
}

// MARK: - cat-l

/// The course's cat network [12288, 20, 7, 5, 1], ReLU/sigmoid, BCE, float64, a full
/// batch of 209 synthetic examples, gradient descent α = 0.0075 → iterations per second.
func catL(_ options: Options, _ report: Reporter) throws {
  let sizes = [12288, 20, 7, 5, 1]
  let m = 209
  let iterations = options.quick ? 5 : 100
  var rng = DefaultGenerator(seed: 2)
  let x = Matrix<Double>.randomUniform(rows: sizes[0], columns: m, using: &rng)
  let y: Matrix<Double> = classLabels(count: m, classes: 2, using: &rng)
  let initial = try Network<Double>(
    layerSizes: sizes, hiddenActivation: .relu, output: .sigmoid, initializer: .course, using: &rng)
  let warmUp = try Trainer(optimizer: GradientDescent<Double>(learningRate: 0.0075), iterations: 3)
  let trainer = try Trainer(optimizer: GradientDescent<Double>(learningRate: 0.0075), iterations: iterations)
  var net = initial
  try warmUp.train(&net, x: x, y: y)
  let (samples, last) = try timeFullBatch(initial, trainer: trainer, x: x, y: y, runs: options.runs)
  report.emit(
    config: "cat-l", name: "cat-l.train", dtype: "float64", unit: "iterations/s", samples: samples,
    extra: [("iterations", .int(iterations)), ("final_cost", .number(last))])
}

/// Trains a fresh copy of `initial` `runs` times: iterations per second of each run, and the last cost.
func timeFullBatch<S: MatrixScalar>(
  _ initial: Network<S>, trainer: Trainer<S, GradientDescent<S>>, x: Matrix<S>, y: Matrix<S>, runs: Int
) throws -> (samples: [Double], lastCost: Double) {
  var samples = [Double]()
  var last = 0.0
  for _ in 0..<runs {
    var net = initial
    let t0 = now()
    let costs = try trainer.train(&net, x: x, y: y)
    let dt = now() - t0
    last = costs.last ?? .nan
    samples.append(Double(trainer.iterations) / dt)
  }
  return (samples, last)
}

// MARK: - tiny

/// [2, 16, 16, 1], tanh hidden, sigmoid output, BCE, float32, a full batch of 400,
/// 2,000 iterations of gradient descent (α = 0.5) → iterations per second. Small
/// enough that per-call overhead, not arithmetic, is what it measures.
func tiny(_ options: Options, _ report: Reporter) throws {
  let sizes = [2, 16, 16, 1]
  let m = 400
  let iterations = options.quick ? 100 : 2000
  var rng = DefaultGenerator(seed: 3)
  let x = Matrix<Float>.randomNormal(rows: sizes[0], columns: m, using: &rng)
  let y: Matrix<Float> = classLabels(count: m, classes: 2, using: &rng)
  let initial = try Network<Float>(
    layerSizes: sizes, hiddenActivation: .tanh, output: .sigmoid, initializer: .xavier, using: &rng)
  let trainer = try Trainer(optimizer: GradientDescent<Float>(learningRate: 0.5), iterations: iterations)
  var net = initial
  try Trainer(optimizer: GradientDescent<Float>(learningRate: 0.5), iterations: iterations / 10).train(&net, x: x, y: y)
  let (samples, last) = try timeFullBatch(initial, trainer: trainer, x: x, y: y, runs: options.runs)
  report.emit(
    config: "tiny", name: "tiny.train", dtype: "float32", unit: "iterations/s", samples: samples,
    extra: [("iterations", .int(iterations)), ("final_cost", .number(last))])
}

// MARK: - infer

/// The mnist-mlp network: the latency of one example (median over 10,000 calls of
/// `network(x)`), and the throughput of batches of 1,024.
func infer(_ options: Options, _ report: Reporter) throws {
  let sizes = [784, 256, 128, 10]
  let calls = options.quick ? 500 : 10_000
  var rng = DefaultGenerator(seed: 4)
  let net = try Network<Float>(
    layerSizes: sizes, hiddenActivation: .relu, output: .softmax, initializer: .he, using: &rng)
  let one = Matrix<Float>.randomUniform(rows: sizes[0], columns: 1, using: &rng)
  let many = Matrix<Float>.randomUniform(rows: sizes[0], columns: 1024, using: &rng)

  for _ in 0..<min(calls, 1000) { sink += Double(try net(one).scalars[0]) }  // warm-up
  var latencies = [Double]()
  var times = [Double](repeating: 0, count: calls)
  for _ in 0..<options.runs {
    for i in 0..<calls {
      let t0 = now()
      let a = try net(one)
      times[i] = now() - t0
      sink += Double(a.scalars[0])
    }
    latencies.append(median(times) * 1e6)
  }
  report.emit(
    config: "infer", name: "infer.latency1", dtype: "float32", unit: "us", samples: latencies,
    extra: [("calls", .int(calls))])

  let t0 = now()
  sink += Double(try net(many).scalars[0])  // warm-up, and the calibration
  let once = max(now() - t0, 1e-6)
  let target = options.quick ? 0.025 : 0.25
  let reps = max(1, Int(target / once))
  var throughput = [Double]()
  for _ in 0..<options.runs {
    let (count, seconds) = try timedReps(reps, limit: 4 * target) { sink += Double(try net(many).scalars[0]) }
    throughput.append(Double(1024 * count) / seconds)
  }
  report.emit(
    config: "infer", name: "infer.batch1024", dtype: "float32", unit: "samples/s", samples: throughput,
    extra: [("reps", .int(reps))])
}

// MARK: - gemm

/// C = A·B for square n × n matrices through the library's `gemm` → GFLOP/s (2n³ per product).
func gemmBench<S: MatrixScalar>(_: S.Type, dtype: String, n: Int, _ options: Options, _ report: Reporter) {
  var rng = DefaultGenerator(seed: UInt64(n))
  let a = Matrix<S>.randomNormal(rows: n, columns: n, using: &rng)
  let b = Matrix<S>.randomNormal(rows: n, columns: n, using: &rng)
  var c = Matrix<S>(rows: n, columns: n)
  let flops = 2 * Double(n) * Double(n) * Double(n)
  let t0 = now()
  gemm(a, b, into: &c)  // warm-up, and the calibration
  let once = max(now() - t0, 1e-7)
  let target = options.quick ? 0.02 : 0.2
  let reps = max(1, Int(target / once))
  var samples = [Double]()
  for _ in 0..<options.runs {
    let (count, seconds) = timedReps(reps, limit: 4 * target) { gemm(a, b, into: &c) }
    samples.append(flops * Double(count) / seconds / 1e9)
  }
  sink += Double(c[0, 0])
  report.emit(
    config: "gemm", name: "gemm.\(dtype == "float32" ? "f32" : "f64").n\(n)", dtype: dtype, unit: "GFLOP/s",
    samples: samples, extra: [("n", .int(n)), ("reps", .int(reps))])
}

func gemmSuite(_ options: Options, _ report: Reporter) {
  let sizes = options.quick ? [64, 128] : [256, 512, 1024, 2048]
  for n in sizes {
    gemmBench(Float.self, dtype: "float32", n: n, options, report)
    gemmBench(Double.self, dtype: "float64", n: n, options, report)
  }
}

// MARK: - Main

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let report = Reporter(options: options)
var failed = false
for config in options.configs {
  log("backprop [\(options.column), BACKPROP_BLAS=\(backend), threads \(threads)] \(config)…")
  let t0 = now()
  do {
    switch config {
    case "mnist-mlp": try mnistMLP(options, report)
    case "cat-l": try catL(options, report)
    case "tiny": try tiny(options, report)
    case "infer": try infer(options, report)
    case "gemm": gemmSuite(options, report)
    default: fail("unknown config \(config)")
    }
  } catch {
    log("backprop: \(config) failed: \(error)")
    failed = true
  }
  log("  \(config) took \(((now() - t0) * 10).rounded() / 10) s")
}
if sink == 42.4242 { log("") }  // uses the sink
exit(failed ? 1 : 0)
