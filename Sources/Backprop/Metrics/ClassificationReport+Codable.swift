/// A classification report as JSON, for reports' `run.json`: the confusion matrix,
/// the class names, log loss and ROC AUC (null when unknown) and whether counts are weighted
/// (`confusion_matrix`, `class_names`, `log_loss`, `roc_auc`, `is_weighted` with snake-case keys).
/// Every score is recomputed from the matrix when read back.
extension ClassificationReport: Codable {
  // Keys that survive JSONEncoder's .convertToSnakeCase and back (`rocAuc`, not `rocAUC`).
  private enum CodingKeys: String, CodingKey {
    case confusionMatrix, classNames, logLoss, isWeighted
    case rocAUC = "rocAuc"
  }

  /// Reads a report back.
  /// - Throws: `DecodingError.dataCorrupted` when there is not a name per class.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let matrix = try container.decode(ConfusionMatrix.self, forKey: .confusionMatrix)
    let names = try container.decode([String].self, forKey: .classNames)
    guard names.count == matrix.classCount else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: container.codingPath + [CodingKeys.classNames],
          debugDescription: "\(names.count) class names for \(matrix.classCount) classes"))
    }
    confusionMatrix = matrix
    classNames = names
    logLoss = try container.decodeIfPresent(Double.self, forKey: .logLoss)
    rocAUC = try container.decodeIfPresent(Double.self, forKey: .rocAUC)
    isWeighted = try container.decodeIfPresent(Bool.self, forKey: .isWeighted) ?? false
  }

  /// Writes the matrix, the names, the probability scores and the weighting.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(confusionMatrix, forKey: .confusionMatrix)
    try container.encode(classNames, forKey: .classNames)
    try container.encode(logLoss, forKey: .logLoss)
    try container.encode(rocAUC, forKey: .rocAUC)
    try container.encode(isWeighted, forKey: .isWeighted)
  }
}
