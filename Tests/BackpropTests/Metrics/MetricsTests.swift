import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Edge cases, errors and the reports' renderings.
@Suite struct MetricsTests {
  /// A class that is true but never predicted has precision 0 (not NaN) and recall 0;
  /// one that is predicted but never true has recall 0.
  @Test func zeroDivisionsGiveZero() throws {
    let m = try ConfusionMatrix(trueClasses: [0, 0, 1, 2], predictedClasses: [0, 0, 0, 0], classCount: 4)
    #expect(m.precision(1) == 0 && m.recall(1) == 0 && m.f1(1) == 0)
    #expect(m.precision(3) == 0 && m.recall(3) == 0 && m.f1(3) == 0)
    #expect(m.precision(0) == 0.5 && m.recall(0) == 1)
    expectClose(m.f1(0), 2.0 / 3.0, "F1 of class 0")
    // Class 3 occurs nowhere: the macro average is over classes 0, 1, 2.
    #expect(m.occurringClasses == [0, 1, 2])
    expectClose(m.macroAverage(m.f1), 2.0 / 9.0, "macro F1")
    #expect(m.accuracy == 0.5)
    let report = try ClassificationReport(trueClasses: [0, 0, 1, 2], predictedClasses: [0, 0, 0, 0], classCount: 4)
    #expect(report.values.values.allSatisfy { !$0.isNaN })
    #expect(report.values["log_loss"] == nil && report.values["roc_auc"] == nil)
  }

  /// AUC by hand: positives score 0.8 and 0.4, negatives 0.4 and 0.1; of the four
  /// pairs, three are ordered right and one tied: (3 + ½)/4.
  @Test func rocAUCCountsTiesAsHalf() throws {
    let p = Matrix<Double>(rowMajor: [[0.8, 0.4, 0.4, 0.1]])
    #expect(try Metrics.rocAUC(trueClasses: [1, 1, 0, 0], probabilities: p) == 0.875)
    // Weighting the tied negative ×3: pairs (0.8, 0.4)·3, (0.8, 0.1), (0.4, 0.4)·3·½, (0.4, 0.1) over 2·4.
    let weighted = try Metrics.rocAUC(trueClasses: [1, 1, 0, 0], probabilities: p, weights: [1, 1, 3, 1])
    expectClose(try #require(weighted), (3 + 1 + 1.5 + 1) / 8, "weighted AUC")
  }

  /// With one class only, ROC AUC is undefined: nil, and the report leaves it out.
  @Test func rocAUCOfOneClassIsNil() throws {
    let p = Matrix<Double>(rowMajor: [[0.2, 0.9, 0.6]])
    #expect(try Metrics.rocAUC(trueClasses: [1, 1, 1], probabilities: p) == nil)
    #expect(try Metrics.rocAUC(trueClasses: [0, 1, 1], probabilities: p, weights: [0, 1, 1]) == nil)
    let report = try ClassificationReport(trueClasses: [1, 1, 1], probabilities: p)
    #expect(report.rocAUC == nil && report.values["roc_auc"] == nil && report.values["log_loss"] != nil)
    #expect(!report.description.contains("ROC AUC"))
  }

  /// A certain mistake costs −log ε, not ∞.
  @Test func logLossIsClipped() throws {
    let p = Matrix<Double>(rowMajor: [[1.0, 0.0]])
    expectClose(try Metrics.logLoss(trueClasses: [0, 1], probabilities: p), -log(Double.ulpOfOne), "Double")
    let q = Matrix<Float>(rowMajor: [[1.0, 0.0]])
    expectClose(
      try Metrics.logLoss(trueClasses: [0, 1], probabilities: q), -log(Double(Float.ulpOfOne)), rtol: 1e-6,
      atol: 0, "Float")
  }

  @Test func badInputsAreRefused() {
    let p = Matrix<Double>(rowMajor: [[0.2, 0.8], [0.8, 0.2]])
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0], probabilities: p) }
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0, 2], probabilities: p) }
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0, -1], probabilities: p) }
    #expect(throws: DataError.self) {
      try Metrics.logLoss(trueClasses: [0, 1], probabilities: Matrix<Double>(rowMajor: [[1.5, 0.2]]))
    }
    #expect(throws: DataError.self) {
      try Metrics.rocAUC(trueClasses: [0, 1], probabilities: Matrix<Double>(rowMajor: [[.nan, 0.2]]))
    }
    let weights = #expect(throws: DataError.self) {
      try Metrics.logLoss(trueClasses: [0, 1], probabilities: p, weights: [1])
    }
    #expect(weights?.message == "1 sample weights for 2 examples: give one weight per example")
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0, 1], probabilities: p, weights: [1, -1]) }
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0, 1], probabilities: p, weights: [0, 0]) }
    #expect(throws: DataError.self) { try Metrics.logLoss(trueClasses: [0, 1], probabilities: p, weights: [1, .nan]) }
    let range = #expect(throws: DataError.self) {
      try ConfusionMatrix(trueClasses: [0, 3], predictedClasses: [0, 1], classCount: 3)
    }
    #expect(range?.message == "true class 3 at example 1 is not one of the 3 classes 0…2")
    #expect(throws: DataError.self) {
      try ConfusionMatrix(trueClasses: [0, 1], predictedClasses: [0], classCount: 2)
    }
    #expect(throws: DataError.self) {
      try ClassificationReport(trueClasses: [0, 1], probabilities: p, classNames: ["a", "b", "c"])
    }
    #expect(throws: DataError.self) {
      try RegressionReport(
        predictions: Matrix<Double>(rows: 1, columns: 3), targets: Matrix<Double>(rows: 1, columns: 2))
    }
  }

  @Test func labelsBecomeClassIndices() throws {
    #expect(try Metrics.classIndices(labels: Matrix<Float>(rowMajor: [[0, 2, 1]])) == [0, 2, 1])
    #expect(throws: DataError.self) { try Metrics.classIndices(labels: Matrix<Float>(rowMajor: [[0, 1.5]])) }
    #expect(throws: DataError.self) { try Metrics.classIndices(labels: Matrix<Float>(rowMajor: [[0, -1]])) }
    #expect(throws: DataError.self) { try Metrics.classIndices(labels: Matrix<Float>(rowMajor: [[0], [1]])) }
    #expect(Metrics.predictedClasses(probabilities: Matrix<Double>(rowMajor: [[0.5, 0.51]])) == [0, 1])
  }

  /// The rendering: the table, the probability scores, and the confusion matrix with names.
  @Test func classificationReportReads() throws {
    let p = Matrix<Double>(rowMajor: [[0.9, 0.2, 0.6, 0.1], [0.1, 0.8, 0.4, 0.9]])
    let report = try ClassificationReport(trueClasses: [0, 1, 1, 1], probabilities: p, classNames: ["cat", "dog"])
    let expected = """
                    precision    recall  f1-score   support

               cat       0.50      1.00      0.67         1
               dog       1.00      0.67      0.80         3

          accuracy                           0.75         4
         macro avg       0.75      0.83      0.73         4
      weighted avg       0.88      0.75      0.77         4

      log loss  0.3375
      ROC AUC   1.0000

      confusion matrix (rows: true class, columns: predicted class)
           cat  dog
      cat    1    0
      dog    1    2

      """
    #expect(report.description == expected, "\n\(report.description)")
    #expect(
      Set(report.values.keys) == [
        "accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_f1", "log_loss", "roc_auc",
      ])
    let weighted = try ClassificationReport(
      trueClasses: [0, 1], predictedClasses: [0, 1], classCount: 2, weights: [0.5, 1.25])
    #expect(weighted.description.contains("1.00      1.00      1.00      0.50"))
    #expect(weighted.description.contains("1.75"))
  }

  @Test func regressionReportReads() throws {
    let report = try RegressionReport(
      predictions: Matrix<Double>(rowMajor: [[1, 2, 4]]), targets: Matrix<Double>(rowMajor: [[1, 3, 3]]))
    // Errors 0, −1, 1: MSE 2/3, MAE 2/3; ȳ = 7/3, Σ(y − ȳ)² = 16/9 + 4/9 + 4/9 = 8/3: R² = 1 − 2/(8/3) = 1/4.
    expectClose(report.meanSquaredError, 2.0 / 3.0, "MSE")
    expectClose(report.meanAbsoluteError, 2.0 / 3.0, "MAE")
    expectClose(try #require(report.r2), 0.25, "R²")
    #expect(report.values.keys.sorted() == ["mae", "mse", "r2"])
    #expect(report.description.contains("R²                   0.250000"))
    let constant = try RegressionReport(
      predictions: Matrix<Double>(rowMajor: [[1, 2]]), targets: Matrix<Double>(rowMajor: [[2, 2]]))
    #expect(constant.r2 == nil && constant.values["r2"] == nil)
    #expect(constant.description.contains("undefined"))
  }
}
