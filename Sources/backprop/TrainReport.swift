import Backprop
import BackpropReport
import Foundation

extension Train {
  /// `--report DIR`: the run's ``TrainingReport`` (history, scores on every set,
  /// layer table, decision boundary for two inputs, stamp with the command line as
  /// run, a `--config` file's options expanded), written to DIR. Does nothing without `--report`.
  func writeReport<Scalar: MatrixScalar>(
    network: Network<Scalar>, preprocessing: Preprocessing,
    sets: (training: LoadedSet<Scalar>, validation: LoadedSet<Scalar>?, test: LoadedSet<Scalar>?), history: History,
    seconds: Double,
    hyperparameters: [String: String]
  ) throws {
    guard let directory = training.report else { return }
    let model = Model(
      network: network, preprocessing: preprocessing, classNames: sets.training.dataset.classNames,
      featureNames: sets.training.featureNames, targetName: sets.training.dataset.targetName,
      hyperparameters: hyperparameters)
    var evaluations = [SetEvaluation]()
    for (name, set) in [("training", sets.training), ("validation", sets.validation), ("test", sets.test)] {
      guard let set else { continue }
      // A mapped set is evaluated in pieces as it is read (its outputs, not its inputs, are held).
      let result = try model.evaluate(set.rawExamples, labels: set.dataset.y.converted(to: Scalar.self))
      evaluations.append(SetEvaluation(name: name, result))
    }
    let boundary =
      DecisionBoundary.canPlot(network)
      ? try DecisionBoundary(
        model: model, x: sets.training.rawDoubles(), labels: sets.training.dataset.y,
        setName: "training") : nil
    let files: [(String, String?)] = [
      ("--data", data.data), ("--x", data.x), ("--y", data.y), ("--validation-data", data.validationData),
      ("--validation-x", data.validationX), ("--validation-y", data.validationY), ("--test-data", data.testData),
      ("--test-x", data.testX), ("--test-y", data.testY), ("--init", initFile),
    ]
    let stamp = try ReproducibilityStamp.current(
      seed: architecture.seed, dataFiles: files.compactMap { role, path in path.map { (role, $0) } },
      command: RunFile.resolvedArguments.isEmpty ? commandLine() : ["backprop", "train"] + RunFile.resolvedArguments)
    let source = (data.data ?? data.x).map { URL(fileURLWithPath: $0).lastPathComponent } ?? "training data"
    let report = TrainingReport(
      title:
        "\(source) — layers \(architecture.layers), \(architecture.givenActivation?.description ?? architecture.activation.description) → \(architecture.output)",
      model: model, history: history, progressUnit: training.usesEpochs ? .epoch : .iteration,
      batchSize: min(training.batchSize ?? sets.training.count, sets.training.count), evaluations: evaluations,
      decisionBoundary: boundary, stamp: stamp, trainingSeconds: seconds)
    try report.write(to: directory)
    FileHandleOutput.standardError(
      "Wrote the report to \(URL(fileURLWithPath: directory).appendingPathComponent(TrainingReport.pageFileName).path)")
  }
}

/// This process's command line, the program named `backprop` whatever its path.
func commandLine() -> [String] {
  ["backprop"] + CommandLine.arguments.dropFirst()
}
