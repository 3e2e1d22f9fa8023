import Backprop
import BackpropTestSupport
import Foundation
import Testing
import BackpropSweep

/// Resource bombs end in a clear error, never a crash or an out-of-memory kill:
/// the memory estimate, reading limits, sweep sizes and formula depth.
@Suite struct ResourceLimitTests {
  // MARK: The memory estimate

  @Test func estimateAddsParametersOptimizerStateAndWorkspace() throws {
    // --layers 4,100000000,3 in float32 with Adam: W and b are 8·10⁸ + 3 scalars.
    let estimate = try MemoryEstimate(layerSizes: [4, 100_000_000, 3], scalarBytes: 4, optimizer: .adam, batch: 2)
    let parameters = (4 * 100_000_000 + 100_000_000 + 3 * 100_000_000 + 3) * 4
    #expect(estimate.parameters == parameters)
    #expect(estimate.optimizerState == 2 * parameters)
    #expect(estimate.workspace == parameters + 3 * (100_000_003 * 2) * 4)
    let error = #expect(throws: ConfigurationError.self) {
      try estimate.check(parameter: "layerSizes", value: "4,100000000,3", limit: MemoryLimit(bytes: 8_000_000_000))
    }
    #expect(error?.description.contains("parameters 3.2 GB, Adam state 6.4 GB") == true)
    #expect(error?.description.contains("8.0 GB") == true)
    try estimate.check(parameter: "layerSizes", limit: MemoryLimit(bytes: 1 << 40))
  }

  @Test func sizesWhoseProductOverflowsAreAnErrorNotATrap() {
    let error = #expect(throws: ConfigurationError.self) {
      _ = try MemoryEstimate(layerSizes: [4, 4_000_000_000, 4_000_000_000, 3], scalarBytes: 4)
    }
    #expect(error?.description.contains("64-bit") == true)
    var rng = DefaultGenerator(seed: 1)
    #expect(throws: ConfigurationError.self) {
      _ = try Network<Float>(
        layerSizes: [4, 4_000_000_000, 4_000_000_000, 3], hiddenActivation: .relu, output: .sigmoid,
        initializer: .xavier, using: &rng)
    }
  }

  @Test func aNetworkTooLargeForMemoryIsRefusedBeforeAllocating() {
    var rng = DefaultGenerator(seed: 1)
    let error = #expect(throws: ConfigurationError.self) {
      _ = try Network<Double>(
        layerSizes: [4, 1_000_000_000_000, 3], hiddenActivation: .relu, output: .sigmoid, initializer: .xavier,
        using: &rng)
    }
    #expect(error?.description.contains("needs about") == true)
  }

  @Test func iterationsWhoseCostHistoryCannotFitAreRefused() {
    #expect(throws: ConfigurationError.self) {
      _ = try Trainer(optimizer: GradientDescent<Double>(learningRate: 0.1), iterations: 1_000_000_000_000_000)
    }
    #expect(throws: ConfigurationError.self) {
      _ = try GradientCheck.randomProblem(
        layerSizes: [4, 5, 1], hiddenActivation: .tanh, output: .sigmoid, examples: 1_000_000_000_000)
    }
  }

  // MARK: Formula depth

  @Test(arguments: [
    String(repeating: "(", count: 20_000) + "z" + String(repeating: ")", count: 20_000),
    String(repeating: "-", count: 120_000) + "z",
    Array(repeating: "z", count: 100_000).joined(separator: "+"),
    Array(repeating: "z", count: 1_000).joined(separator: "*"),
    String(repeating: "z^", count: 5_000) + "z",
    String(repeating: "abs(", count: 5_000) + "z" + String(repeating: ")", count: 5_000),
  ])
  func formulasDeeperThanTheLimitAreAnError(formula: String) {
    let error = #expect(throws: ConfigurationError.self) { _ = try ActivationExpression(formula) }
    #expect(error?.description.contains("deeper than 200 levels") == true)
    #expect((error?.description.count ?? 0) < 400)  // the formula is shown as an excerpt
  }

  @Test func formulasWithinTheLimitStillWork() throws {
    let nested = String(repeating: "(", count: 150) + "z" + String(repeating: ")", count: 150)
    #expect(try ActivationExpression(nested)(2) == 2)
    #expect(try ActivationExpression(Array(repeating: "z", count: 100).joined(separator: "+"))(1) == 100)
  }

  @Test func aModelFilesFormulaIsBoundedToo() {
    let deep = String(repeating: "(", count: 20_000) + "z" + String(repeating: ")", count: 20_000)
    #expect(throws: ConfigurationError.self) { _ = try CustomActivation(parsing: "bomb = \(deep); 1") }
  }

  // MARK: Sweeps

  @Test func linearGridValuesKeepTheDigitsThatTellThemApart() throws {
    #expect(
      try SweepParameter(parsing: "learning-rate=lin:0.10001..0.10003:3").gridValues() == [
        "0.10001", "0.10002", "0.10003",
      ])
    // Four digits stay when they are enough.
    #expect(try SweepParameter(parsing: "learning-rate=log:1e-4..1e-1:4").gridValues().count == 4)
  }

  @Test func aBillionPointGridIsCountedNotBuilt() {
    let parameters = [
      try? SweepParameter(parsing: "learning-rate=lin:0.1..1:1000"),
      try? SweepParameter(parsing: "l2=lin:0..1:1000"),
      try? SweepParameter(parsing: "seed=lin:1..1000:1000", integer: true),
    ].compactMap { $0 }
    let error = #expect(throws: ConfigurationError.self) { _ = try SweepSearch.grid.trials(parameters) }
    #expect(error?.parameter == "maxTrials")
    #expect(error?.description.contains("1000000000 combinations (1000 × 1000 × 1000)") == true)
    #expect(throws: ConfigurationError.self) {
      _ = try SweepSearch.random.trials(parameters, count: 100_000_000)
    }
    #expect((try? SweepSearch.grid.trials(Array(parameters.prefix(1)), maxTrials: 1000))?.count == 1000)
  }

  // MARK: Archives

  @Test func anNPZEntryLargerThanItsHeaderPromisesIsNotInflated() throws {
    // x.npy: a header for 2 float64 (16 bytes of data), then 64 MiB of zeros, deflated to ~420 kB.
    let header = NPYFile.encode(NumPyArray(matrix: Matrix<Double>(rows: 1, columns: 2)))
    let npyBytes = Array(header.prefix(header.count - 16))
    let inflated = npyBytes.count + 64 << 20
    let deflated = DeflateBomb.stream(prefix: npyBytes, zeros: 64 << 20)
    let archive = DeflateBomb.zip(name: "x.npy", deflated: deflated, uncompressedSize: inflated)
    let error = #expect(throws: FileFormatError.self) {
      _ = try NPZArchive.readOrdered(data: Data(archive), name: "bomb.npz")
    }
    #expect(error?.description.contains("promises") == true)
  }
}

/// Deflate streams and ZIP archives made in the test: fixed-Huffman literals, then
/// runs of zeros as length-258, distance-1 matches (RFC 1951 §3.2.6).
enum DeflateBomb {
  /// A deflate stream of `prefix` followed by `zeros` zero bytes (`zeros` ≥ 1).
  static func stream(prefix: [UInt8], zeros: Int) -> [UInt8] {
    var writer = BitWriter()
    writer.bits(1, 1)  // BFINAL
    writer.bits(1, 2)  // BTYPE 01: fixed Huffman
    func literal(_ byte: UInt8) {
      if byte < 144 { writer.huffman(0x30 + Int(byte), 8) } else { writer.huffman(0x190 + Int(byte) - 144, 9) }
    }
    prefix.forEach(literal)
    literal(0)
    var left = zeros - 1
    while left >= 258 {
      writer.huffman(0xC5, 8)  // length symbol 285: 258
      writer.huffman(0, 5)  // distance code 0: 1
      left -= 258
    }
    for _ in 0..<left { literal(0) }
    writer.huffman(0, 7)  // end of block (256)
    return writer.bytes
  }

  /// A one-entry ZIP archive of deflated data (CRC-32 left 0: it is never reached).
  static func zip(name: String, deflated: [UInt8], uncompressedSize: Int) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
    let nameBytes = Array(name.utf8)
    let common =
      u16(20) + u16(0) + u16(8) + u16(0) + u16(0) + u32(0) + u32(deflated.count) + u32(uncompressedSize)
      + u16(nameBytes.count) + u16(0)
    let local = u32(0x0403_4B50) + common + nameBytes + deflated
    let central = u32(0x0201_4B50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + nameBytes
    let end = u32(0x0605_4B50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(central.count) + u32(local.count) + u16(0)
    return local + central + end
  }

  struct BitWriter {
    var bytes: [UInt8] = []
    var bitCount = 0

    mutating func bits(_ value: Int, _ count: Int) {
      for k in 0..<count {
        if bitCount % 8 == 0 { bytes.append(0) }
        if value >> k & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
        bitCount += 1
      }
    }

    /// A Huffman code, written most significant bit first.
    mutating func huffman(_ code: Int, _ length: Int) {
      for k in stride(from: length - 1, through: 0, by: -1) { bits(code >> k & 1, 1) }
    }
  }
}

/// The same limits end to end: each command exits with status 2 and a message, never a crash.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ResourceLimitCommandLineTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A small table of 4 features and 3 classes, 100 rows.
  func table() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resource-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let rows = (0..<100).map { k in "\(k % 7),\(k % 5),\(k % 3),\(k % 11),\(k % 3)" }
    let file = folder.appendingPathComponent("table.csv")
    try ("a,b,c,d,y\n" + rows.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  func expectRefused(
    _ result: Subprocess.Result, saying text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 2, "\(result.combined.prefix(600))", sourceLocation: sourceLocation)
    #expect(result.error.contains(text), "\(result.error.prefix(600))", sourceLocation: sourceLocation)
    #expect(!result.combined.contains("Fatal error"), sourceLocation: sourceLocation)
    #expect(!result.combined.contains("crashed"), sourceLocation: sourceLocation)
  }

  @Test func networksTooLargeForMemoryAreRefusedWithTheEstimate() throws {
    let data = try table().path
    expectRefused(
      try run(["train", "--data", data, "--layers", "4,100000000,3", "--output", "softmax", "--optimizer", "adam"]),
      saying: "Adam state")
    expectRefused(try run(["train", "--data", data, "--layers", "4,4000000000,4000000000,3"]), saying: "64-bit")
    expectRefused(try run(["gradcheck", "--layers", "4,5,1", "--examples", "1000000000"]), saying: "needs about")
    expectRefused(try run(["demo", "--iterations", "1000000000000"]), saying: "cost history")
  }

  @Test func devicesThatNeverEndAreRefusedNotReadUntilMemoryRunsOut() throws {
    let data = try table()
    expectRefused(try run(["train", "--data", "/dev/zero", "--layers", "4,3,1"]), saying: "is this a CSV file?")
    for arguments in [
      ["train", "--x", "/dev/zero", "--y", data.path, "--layers", "4,3,1"],
      ["predict", "--model", "/dev/zero", "--x", data.path],
    ] {
      let result = try run(arguments)
      expectRefused(result, saying: "character device")
      #expect(!result.error.contains("permission"))
    }
  }

  @Test func aPipeIsReadAsAStream() throws {
    let folder = try table().deletingLastPathComponent()
    let x = folder.appendingPathComponent("x.npy")
    let y = folder.appendingPathComponent("y.npy")
    try NPYFile.write(Matrix<Double>(rows: 4, columns: 2, columnMajor: [0, 0, 1, 1, 0, 1, 0, 1]), to: x.path)
    try NPYFile.write(Matrix<Double>(rows: 1, columns: 4, columnMajor: [0, 1, 1, 0]), to: y.path)
    let fifo = folder.appendingPathComponent("x.fifo")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let bytes = try Data(contentsOf: x)
    let writer = Thread {
      if let handle = FileHandle(forWritingAtPath: fifo.path) {
        handle.write(bytes)
        try? handle.close()
      }
    }
    writer.start()
    let result = try run(["train", "--x", fifo.path, "--y", y.path, "--layers", "2,3,1", "--iterations", "5"])
    #expect(result.status == 0, "\(result.combined.prefix(600))")
  }

  @Test func hugeSweepsAreCountedAndRefusedBeforeAnythingIsBuilt() throws {
    let data = try table().path
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
    let grid = try run([
      "sweep", "--out", out, "--vary", "learning-rate=lin:0.1..1:1000", "--vary", "l2=lin:0..1:1000",
      "--vary", "seed=lin:1..1000:1000", "--", "--data", data, "--layers", "4,3,3", "--output", "softmax",
    ])
    expectRefused(grid, saying: "1000000000 combinations")
    #expect(grid.error.contains("--max-trials"))
    #expect(!FileManager.default.fileExists(atPath: out))
    let random = try run([
      "sweep", "--out", out, "--search", "random", "--trials", "100000000", "--vary", "l2=lin:0..1",
      "--", "--data", data, "--layers", "4,3,3", "--output", "softmax",
    ])
    expectRefused(random, saying: "--max-trials")
  }
}
