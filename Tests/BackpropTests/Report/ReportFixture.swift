import Backprop
import BackpropReport
import Foundation

/// A small trained classifier and its report, for the report tests: three
/// Gaussian blobs in the plane (two inputs, so the report has a decision
/// boundary), a 2-8-3 ReLU/softmax network trained a few epochs with Adam.
enum ReportFixture {
  /// Three classes of 40 points around (−2, 0), (2, 0) and (0, 2.5), σ = 0.7; X (2, 120), Y (1, 120).
  static func blobs(seed: UInt64 = 3) -> (x: Matrix<Double>, y: Matrix<Double>) {
    var generator = DefaultGenerator(seed: seed)
    let centres = [(-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)]
    var x = Matrix<Double>(rows: 2, columns: 120)
    var y = Matrix<Double>(rows: 1, columns: 120)
    for j in 0..<120 {
      let k = j % 3
      x[0, j] = centres[k].0 + 0.7 * generator.nextGaussian()
      x[1, j] = centres[k].1 + 0.7 * generator.nextGaussian()
      y[0, j] = Double(k)
    }
    return (x, y)
  }

  /// A fixed stamp (no data files), so reports built twice are identical.
  static let stamp = ReproducibilityStamp(
    seed: 3, dataFiles: [], version: backpropVersion, buildConfiguration: "debug",
    backends: ["float32": "built-in kernel (avx2+fma)", "float64": "built-in kernel (avx2+fma)"],
    backendReason: "no system BLAS found", threads: 1, cpu: "Test CPU <&>", date: "2025-01-02T03:04:05Z",
    command: ["backprop", "train", "--data", "blobs & more.csv"])

  /// The trained model, its history, and a report on training and validation sets.
  /// - Parameter epochs: epochs to train (each adds a point to every curve).
  static func report(epochs: Int = 12) throws -> (report: TrainingReport, model: Model<Double>) {
    let (x, y) = blobs()
    let training = (x: x.columns(0..<90), y: y.columns(0..<90))
    let validation = LabeledBatch(x: x.columns(90..<120), y: y.columns(90..<120))
    var generator = DefaultGenerator(seed: 3)
    var network = try Network<Double>(
      layerSizes: [2, 8, 3], hiddenActivation: .relu, output: .softmax, initializer: .he, using: &generator)
    var options = try FitOptions(epochs: epochs, batchSize: 16)
    options.metrics = [.accuracy, .f1]
    options.trainingMetrics = true
    let history = try network.fit(
      x: training.x, y: training.y, validation: validation, optimizer: Adam(learningRate: 0.05), options: options)
    let model = Model(
      network: network, classNames: ["left", "right", "top <&>"], featureNames: ["u", "v"],
      hyperparameters: ["layers": "2,8,3", "optimizer": "adam", "epochs": String(epochs), "batch_size": "16"])
    let evaluations = [
      SetEvaluation(name: "training", try model.evaluate(training.x, labels: training.y)),
      SetEvaluation(name: "validation", try model.evaluate(validation.x, labels: validation.y)),
    ]
    let boundary = try DecisionBoundary(
      model: model, x: training.x, labels: training.y, setName: "training", columns: 40, rows: 40)
    let report = TrainingReport(
      title: "Blobs <3 classes> & friends", model: model, history: history, progressUnit: .epoch, batchSize: 16,
      evaluations: evaluations, decisionBoundary: boundary, stamp: stamp, trainingSeconds: 1.5)
    return (report, model)
  }

  /// A new empty folder under the temporary directory.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }
}
