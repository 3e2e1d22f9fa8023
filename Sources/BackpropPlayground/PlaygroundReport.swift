import Backprop
import BackpropReport
import Foundation

extension PlaygroundRun {
  /// The run's training report (the one `train --report` writes): J per epoch, the scores on
  /// both sets, the layer table, the decision boundary (two inputs) and the command in its stamp.
  /// - Throws: what the evaluations throw.
  public func report() throws -> TrainingReport {
    let model = try model()
    let evaluations = [
      SetEvaluation(name: "training", try model.evaluate(training.x, labels: training.y)),
      SetEvaluation(name: "test", try model.evaluate(test.x, labels: test.y)),
    ]
    let boundary =
      DecisionBoundary.canPlot(network)
      ? try DecisionBoundary(model: model, x: training.x, labels: training.y, setName: "training") : nil
    let stamp = try ReproducibilityStamp.current(
      seed: configuration.settings.seed, dataFiles: [], command: ["backprop"] + commandArguments())
    let sizes = configuration.layerSizes.map(String.init).joined(separator: ",")
    return TrainingReport(
      title: "Playground: \(configuration.data.kind.rawValue), layers \(sizes) → \(configuration.output)",
      model: model, history: history, progressUnit: .epoch, batchSize: batchExamples, evaluations: evaluations,
      decisionBoundary: boundary, stamp: stamp)
  }
}
