import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Classification and regression metrics against scikit-learn
/// (`Tests/Fixtures/metrics/make_fixtures.py`), to 1e-12.
@Suite struct MetricsOracleTests {
  struct ClassificationCase: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var y_true: [Int]
    var probabilities: [[Double]]
    var classes: Int
    var class_names: [String]?
    var weights: [Double]?
    var predicted: [Int]
    var accuracy: Double
    var precision: [Double]
    var recall: [Double]
    var f1: [Double]
    var support: [Double]
    var macro_precision: Double
    var macro_recall: Double
    var macro_f1: Double
    var weighted_precision: Double
    var weighted_recall: Double
    var weighted_f1: Double
    var confusion: [[Double]]
    var log_loss: Double
    var roc_auc: Double?
    var report_text: String?
    var testDescription: String { name }
  }

  struct RegressionCase: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var targets: [[Double]]
    var predictions: [[Double]]
    var weights: [Double]?
    var mse: Double
    var mae: Double
    var r2: Double?
    var testDescription: String { name }
  }

  struct File: Decodable {
    var classification: [ClassificationCase]
    var regression: [RegressionCase]
  }

  static let file: File? = {
    guard let data = FileManager.default.contents(atPath: Fixtures.path("metrics/metrics.json")) else { return nil }
    return try? JSONDecoder().decode(File.self, from: data)
  }()
  static let classificationCases = file?.classification ?? []
  static let regressionCases = file?.regression ?? []

  @Test func fixtureIsPresent() {
    #expect(Self.classificationCases.count == 8, "Tests/Fixtures/metrics/metrics.json missing or unreadable")
    #expect(Self.regressionCases.count == 4)
  }

  @Test(arguments: MetricsOracleTests.classificationCases) func classification(_ c: ClassificationCase) throws {
    let p = Matrix<Double>(rowMajor: c.probabilities)
    #expect(Metrics.predictedClasses(probabilities: p) == c.predicted, "\(c.name): predictions")
    let report = try ClassificationReport(
      trueClasses: c.y_true, probabilities: p, classNames: c.class_names, weights: c.weights)
    let m = report.confusionMatrix
    #expect(m.classCount == c.classes)
    #expect(m.counts == c.confusion, "\(c.name): confusion matrix")
    for k in 0..<c.classes {
      expectClose(m.precision(k), c.precision[k], "\(c.name) precision \(k)")
      expectClose(m.recall(k), c.recall[k], "\(c.name) recall \(k)")
      expectClose(m.f1(k), c.f1[k], "\(c.name) f1 \(k)")
      expectClose(m.support(k), c.support[k], "\(c.name) support \(k)")
    }
    expectClose(report.accuracy, c.accuracy, "\(c.name) accuracy")
    expectClose(report.macroPrecision, c.macro_precision, "\(c.name) macro precision")
    expectClose(report.macroRecall, c.macro_recall, "\(c.name) macro recall")
    expectClose(report.macroF1, c.macro_f1, "\(c.name) macro F1")
    expectClose(m.weightedAverage(m.precision), c.weighted_precision, "\(c.name) weighted precision")
    expectClose(m.weightedAverage(m.recall), c.weighted_recall, "\(c.name) weighted recall")
    expectClose(report.weightedF1, c.weighted_f1, "\(c.name) weighted F1")
    expectClose(try #require(report.logLoss), c.log_loss, "\(c.name) log loss")
    #expect((report.rocAUC == nil) == (c.roc_auc == nil), "\(c.name): ROC AUC \(String(describing: report.rocAUC))")
    if let auc = report.rocAUC, let expected = c.roc_auc { expectClose(auc, expected, "\(c.name) ROC AUC") }
    if let text = c.report_text {
      // The table is scikit-learn's classification_report, character for character.
      #expect(report.description.hasPrefix(text), "\(c.name):\n\(report.description)\nexpected\n\(text)")
    }
  }

  /// Float probabilities give the same scores, to Float's precision (clipping at Float's ε).
  @Test(arguments: MetricsOracleTests.classificationCases) func classificationFloat(_ c: ClassificationCase) throws {
    let p = Matrix<Float>(rowMajor: c.probabilities.map { $0.map(Float.init) })
    let report = try ClassificationReport(
      trueClasses: c.y_true, probabilities: p, classNames: c.class_names, weights: c.weights)
    expectClose(report.macroF1, c.macro_f1, rtol: 0, atol: 0, "\(c.name) macro F1")
    if let auc = report.rocAUC, let expected = c.roc_auc { expectClose(auc, expected, "\(c.name) ROC AUC") }
    // −log clips at ε = 1.2e-7 in Float (16.1) instead of 2.2e-16 in Double (36.0): compare the others.
    if !c.probabilities.joined().contains(where: { $0 == 0 || $0 == 1 }) {
      expectClose(try #require(report.logLoss), c.log_loss, rtol: 1e-6, atol: 0, "\(c.name) log loss")
    }
  }

  @Test(arguments: MetricsOracleTests.regressionCases) func regression(_ c: RegressionCase) throws {
    let report = try RegressionReport(
      predictions: Matrix<Double>(rowMajor: c.predictions), targets: Matrix<Double>(rowMajor: c.targets),
      weights: c.weights)
    expectClose(report.meanSquaredError, c.mse, "\(c.name) MSE")
    expectClose(report.meanAbsoluteError, c.mae, "\(c.name) MAE")
    #expect((report.r2 == nil) == (c.r2 == nil), "\(c.name): R²")
    if let r2 = report.r2, let expected = c.r2 { expectClose(r2, expected, "\(c.name) R²") }
    #expect(report.examples == c.targets[0].count)
  }
}
