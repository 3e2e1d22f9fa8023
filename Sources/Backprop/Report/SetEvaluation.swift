/// A trained model's scores on one labelled set (training, validation or
/// test), as a report keeps them: the loss, and the classification report
/// (precision, recall, F1 per class, the confusion matrix, log loss, ROC AUC)
/// or the regression scores (MSE, MAE, R²).
///
/// ```swift
/// let test = SetEvaluation(name: "test", try model.evaluate(x, labels: y))
/// test.classification?.macroF1
/// ```
public struct SetEvaluation: Sendable, Hashable, Codable {
  /// Which set: "training", "validation", "test", or a file's name.
  public var name: String
  /// m.
  public var examples: Int
  /// J, the loss the network was trained on (without the L2 term).
  public var loss: Double
  /// The fraction predicted right (classification).
  public var accuracy: Double?
  /// The classification report (class-index labels).
  public var classification: ClassificationReport?
  /// The regression scores.
  public var regression: RegressionReport?

  /// The scores of ``Model/evaluate(_:labels:)`` under a set's name.
  public init<Scalar>(name: String, _ evaluation: Model<Scalar>.Evaluation) {
    self.name = name
    examples = evaluation.examples
    loss = evaluation.loss
    accuracy = evaluation.accuracy
    classification = evaluation.classification
    regression = evaluation.regression
  }
}
