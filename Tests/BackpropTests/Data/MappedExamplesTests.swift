import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// Examples read in place from a memory-mapped `.npy` file: every batch equals the same examples
/// loaded whole (the loading path is the oracle, itself checked against NumPy's files), and training
/// from the file equals training from memory bit for bit.
@Suite struct MappedExamplesTests {
  /// X (m, n) of `rows` seeded values in `dtype`, written by the package's own writer, and Y.
  func makeSet(
    in folder: TemporaryFolder, rows m: Int = 300, features n: Int = 7, dtype: NumPyDType = .float32
  ) throws -> (x: String, y: Matrix<Double>) {
    var generator = DefaultGenerator(seed: 11)
    var values = [Double]()
    var labels = [Double]()
    for j in 0..<m {
      var score = 0.0
      for i in 0..<n {
        let v = dtype.isInteger ? Double(generator.next() % 200) : generator.nextGaussian() * 3 + Double(i)
        values.append(v)
        score += (i % 2 == 0 ? 1 : -1) * v
      }
      labels.append(Double((j + (score > 0 ? 1 : 0)) % 3))
    }
    let path = folder.path("x-\(dtype).npy")
    try NPYFile.write(NumPyArray(shape: [m, n], dtype: dtype, scalars: values), to: path)
    return (path, try Matrix(rows: 1, columns: m, columnMajor: labels))
  }

  @Test(arguments: [NumPyDType.float32, .float64, .uint8, .int16])
  func batchesEqualTheLoadedExamples(dtype: NumPyDType) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (path, y) = try makeSet(in: folder, dtype: dtype)
    let loaded = try Dataset.arrays(inputs: path, labels: writeLabels(y, in: folder), as: Float.self)
    let x = loaded.features(as: Float.self)
    let mapped = try MappedExamples<Float>(path: path)
    #expect(mapped.count == 300 && mapped.featureCount == 7 && mapped.dtype == dtype)
    let indices = [299, 0, 17, 17, 150, 3]
    var batch = Matrix<Float>(rows: 0, columns: 0)
    mapped.gather(indices[...], into: &batch)
    var expected = Matrix<Float>(rows: 0, columns: 0)
    Kernels.gatherColumns(x, indices[...], into: &expected)
    #expect(batch == expected)
    mapped.gather(40..<90, into: &batch)
    #expect(batch == x.columns(40..<90))

    // Prepared as gathered = prepared whole (the same arithmetic, bit for bit).
    for method in Preprocessing.Method.allCases {
      let fitted = try mapped.fitPreprocessing(method, divisor: 3)
      #expect(fitted == (try Preprocessing.fit(method, to: x, divisor: 3)))
      try mapped.prepared(by: fitted).gather(indices[...], into: &batch)
      Kernels.gatherColumns(try fitted.apply(x), indices[...], into: &expected)
      #expect(batch == expected)
    }
  }

  @Test func subsetsSelectRowsWithoutCopying() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (path, _) = try makeSet(in: folder, dtype: .float64)
    let mapped = try MappedExamples<Double>(path: path)
    let subset = mapped.selecting([5, 9, 200, 1]).selecting([3, 2])  // rows 1, 200
    #expect(subset.count == 2)
    var a = Matrix<Double>(rows: 0, columns: 0)
    var b = Matrix<Double>(rows: 0, columns: 0)
    subset.gather(0..<2, into: &a)
    mapped.gather([1, 200][...], into: &b)
    #expect(a == b)
    // Statistics of a subset are the subset's, in its order.
    var rows = Matrix<Double>(rows: 0, columns: 0)
    mapped.gather([5, 9, 200, 1][...], into: &rows)
    #expect(
      try mapped.selecting([5, 9, 200, 1]).fitPreprocessing(.standardize)
        == Preprocessing.fit(.standardize, to: rows))
  }

  @Test func fileLayoutsOtherThanNumPysAreRefusedWithTheReason() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    func refusal(_ bytes: [UInt8]) -> String {
      let path = folder.path("bad-\(UUID().uuidString).npy")
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
      do {
        _ = try MappedExamples<Float>(path: path)
        return "accepted"
      } catch { return "\(error)" }
    }
    let fortran = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("numpy/fortran_f8_2d.npy")))
    #expect(refusal(Array(fortran)).contains("Fortran order"))
    #expect(refusal(handMadeNPY(descr: "<f4", shape: [4, 3], data: float32Bytes([1, 2, 3]))).contains("truncated"))
    #expect(refusal(Array("x,y\n1,2\n".utf8)).contains("not a .npy file"))
    #expect(refusal([]).contains("empty"))
    #expect(refusal(handMadeNPY(descr: "<f4", shape: [0, 3], data: [])).contains("no examples"))
    #expect(throws: FileFormatError.self) { try MappedExamples<Float>(path: folder.path("missing.npy")) }
    #expect(throws: FileFormatError.self) { try MappedExamples<Float>(path: folder.url.path) }
  }

  @Test func aValueThatIsNotFiniteIsNamedByExampleAndFeature() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var values = [Float](repeating: 1, count: 50 * 4)
    values[37 * 4 + 2] = .nan
    let path = folder.path("nan.npy")
    try NPYFile.write(NumPyArray(shape: [50, 4], dtype: .float32, scalars: values.map(Double.init)), to: path)
    let mapped = try MappedExamples<Float>(path: path)
    #expect(throws: DataError.self) { try mapped.checkFinite() }
    do {
      _ = try mapped.fitPreprocessing(.standardize)
      Issue.record("NaN accepted")
    } catch {
      #expect("\(error)".contains("example 37") && "\(error)".contains("feature 2"))
    }
    // Rows without the NaN pass.
    try mapped.selecting(Array(0..<37)).checkFinite()
  }

  /// Trains one network from the loaded examples and one from the mapped file: equal bit for bit.
  @Test(arguments: [false, true])
  func trainingFromTheFileEqualsTrainingFromMemory(adamWithDropout: Bool) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (path, labels) = try makeSet(in: folder)
    let y = labels.converted(to: Float.self)
    let mapped = try MappedExamples<Float>(path: path)
    let scaling = try mapped.fitPreprocessing(.standardize)
    let x = try scaling.apply(
      try Dataset.arrays(inputs: path, labels: writeLabels(labels, in: folder), as: Float.self)
        .features(as: Float.self))
    var options = try FitOptions(epochs: 3, batchSize: 32)
    options.seed = 4
    options.metrics = [.accuracy, .logLoss]
    options.exactTrainingMetrics = true
    if adamWithDropout { options.dropout = [0.2] }
    var generator = DefaultGenerator(seed: 1)
    let start = try Network<Float>(
      layerSizes: [7, 9, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &generator)
    let train = Array(0..<240)
    let held = Array(240..<300)
    func columns(_ m: Matrix<Float>, _ r: [Int]) -> Matrix<Float> {
      var out = Matrix<Float>(rows: 0, columns: 0)
      Kernels.gatherColumns(m, r[...], into: &out)
      return out
    }
    let settings: OptimizerSettings = adamWithDropout ? .adam(learningRate: 0.01) : .sgd(learningRate: 0.1)
    var inMemory = start
    let h1 = try inMemory.fit(
      x: columns(x, train), y: columns(y, train),
      validation: LabeledBatch(x: columns(x, held), y: columns(y, held)), optimizer: settings, options: options)
    var fromFile = start
    let preparedFile = try mapped.prepared(by: scaling)
    let h2 = try fromFile.fit(
      examples: LabeledExamples(x: .mapped(preparedFile.selecting(train)), y: columns(y, train)),
      validation: LabeledExamples(x: .mapped(preparedFile.selecting(held)), y: columns(y, held)),
      optimizer: settings, options: options)
    #expect(inMemory.layers == fromFile.layers)
    #expect(h1.epochs.map { $0.cost } == h2.epochs.map { $0.cost })
    #expect(h1.epochs.map { $0.metrics } == h2.epochs.map { $0.metrics })
    for (a, b) in zip(h1.epochs, h2.epochs) {
      #expect(abs(a.validationCost! - b.validationCost!) <= 1e-6 * abs(a.validationCost!))
      #expect(a.validationMetrics["accuracy"] == b.validationMetrics["accuracy"])
    }
    // Evaluations read the file in pieces: the same scores as the loaded set.
    let model = Model(network: fromFile, preprocessing: scaling)
    let raw = try Dataset.arrays(inputs: path, labels: writeLabels(labels, in: folder), as: Float.self)
    let whole = try model.evaluate(raw.features(as: Float.self), labels: y)
    let pieces = try model.evaluate(.mapped(mapped), labels: y)
    #expect(whole.accuracy == pieces.accuracy && whole.classification == pieces.classification)
    #expect(abs(whole.loss - pieces.loss) <= 1e-6 * whole.loss)
    #expect(try fromFile.accuracy(.mapped(preparedFile), labels: y) == fromFile.accuracy(x, labels: y))
  }

  /// Data-parallel ranks (threads) reading their parts of one mapped file train one process's network.
  @Test func ranksReadTheirPartsOfTheFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (path, labels) = try makeSet(in: folder, dtype: .float64)
    let y = labels
    let mapped = try MappedExamples<Double>(path: path)
    var options = try FitOptions(epochs: 2, batchSize: 30)
    options.seed = 9
    var generator = DefaultGenerator(seed: 2)
    let start = try Network<Double>(
      layerSizes: [7, 5, 3], hiddenActivation: .tanh, output: .softmax, initializer: .he, using: &generator)
    var single = start
    try single.fit(examples: LabeledExamples(x: .mapped(mapped), y: y), optimizer: .adam(), options: options)
    let shared = options
    let results = ThreadCommunicator.run(ranks: 3) { communicator in
      var network = start
      try network.fit(
        examples: LabeledExamples(x: .mapped(mapped), y: y), optimizer: .adam(), options: shared,
        distributed: communicator)
      return network
    }
    for result in results {
      let network = try result.get()
      for (a, b) in zip(network.layers, single.layers) {
        #expect(maxRelativeDifference(a.weight.scalars, b.weight.scalars) <= 1e-10)
      }
    }
  }

  func writeLabels(_ y: Matrix<Double>, in folder: TemporaryFolder) throws -> String {
    let path = folder.path("y-\(UUID().uuidString).npy")
    try NPYFile.write(NumPyArray(shape: [y.columns], dtype: .float64, scalars: y.scalars), to: path)
    return path
  }

  func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? 0
  }
}
