import Backprop

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

  /// The set in a heading: "test set" for the three usual names, else the name itself.
  public var label: String { Self.label(name) }
  /// The set in a sentence: "the test set" for the three usual names, else the name itself.
  public var phrase: String { Self.phrase(name) }

  /// "training set", "validation set", "test set", or `name` as given (a file's name).
  public static func label(_ name: String) -> String {
    isUsual(name) ? "\(name) set" : name
  }

  /// "the training set", "the validation set", "the test set", or `name` as given.
  public static func phrase(_ name: String) -> String {
    isUsual(name) ? "the \(name) set" : name
  }

  private static func isUsual(_ name: String) -> Bool { ["training", "validation", "test"].contains(name) }

  /// The scores of `Model/evaluate(_:labels:)` under a set's name.
  public init<Scalar>(name: String, _ evaluation: Model<Scalar>.Evaluation) {
    self.name = name
    examples = evaluation.examples
    loss = evaluation.loss
    accuracy = evaluation.accuracy
    classification = evaluation.classification
    regression = evaluation.regression
  }
}
