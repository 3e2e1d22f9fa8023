/// A trained network with everything needed to use it on raw inputs: the
/// fitted preprocessing, the class names, and how it was made.
///
/// This is what a model file holds (see ``ModelFile``):
///
/// ```swift
/// let model = try ModelFile.read(path: "iris.safetensors", as: Float.self)
/// let prediction = try model.predict(rawInputs)      // preprocessing applied for you
/// print(prediction.labels(classNames: model.classNames))
/// ```
public struct Model<Scalar: MatrixScalar>: Sendable {
  /// The layers and the output's loss.
  public var network: Network<Scalar>
  /// Fitted on the training inputs; applied before the network.
  public var preprocessing: Preprocessing
  /// Class index → name for string labels (nil when the labels were numbers).
  public var classNames: [String]?
  /// The input columns' names, when known (from a CSV header).
  public var featureNames: [String]?
  /// The target column's name, when known.
  public var targetName: String?
  /// How the model was made (learning rate, epochs, seed …), as text under the keys of ``TrainingRecord``.
  public var hyperparameters: [String: String]

  public init(
    network: Network<Scalar>, preprocessing: Preprocessing = .identity, classNames: [String]? = nil,
    featureNames: [String]? = nil, targetName: String? = nil, hyperparameters: [String: String] = [:]
  ) {
    self.network = network
    self.preprocessing = preprocessing
    self.classNames = classNames
    self.featureNames = featureNames
    self.targetName = targetName
    self.hyperparameters = hyperparameters
  }

  /// The network's outputs for raw inputs.
  public struct Prediction: Sendable {
    /// A[L], (n[L], m): probabilities for sigmoid/softmax outputs, values for identity.
    public var outputs: Matrix<Scalar>
    /// The predicted class per example (sigmoid: A > 0.5 per unit; softmax: the arg-max),
    /// or the value for identity outputs; (rows, m) as ``Network/predict(_:)`` returns it.
    public var predictions: Matrix<Scalar>

    /// The predicted class of each example as an index, for a softmax or a
    /// one-unit sigmoid output (nil for identity and multi-label sigmoid outputs).
    /// Name them with the model's ``Model/classNames`` or ``labels(classNames:)``.
    public var classes: [Int]? {
      guard predictions.rows == 1, !isRegression else { return nil }
      return predictions.scalars.map { Int($0) }
    }

    /// The predicted class of each example by name: `classNames[c]`, or the
    /// index itself as text where there is no name (nil when ``classes`` is nil).
    public func labels(classNames: [String]?) -> [String]? {
      classes?.map { c in classNames.flatMap { c >= 0 && c < $0.count ? $0[c] : nil } ?? String(c) }
    }

    /// Whether the outputs are values (identity), not classes.
    var isRegression: Bool
  }

  /// Applies the preprocessing, then forward propagation.
  /// - Throws: ``ShapeError`` when X has the wrong number of features.
  public func predict(_ rawX: Matrix<Scalar>) throws(ShapeError) -> Prediction {
    let x = try preprocessing.apply(rawX)
    let outputs = try network(x)
    return Prediction(
      outputs: outputs, predictions: network.output.predictions(from: outputs),
      isRegression: network.output == .identity)
  }

  /// The metrics of ``evaluate(_:labels:)-(Matrix<Scalar>,_)``.
  public struct Evaluation: Sendable, Hashable {
    /// J, the loss the network was trained on.
    public var loss: Double
    /// The fraction predicted right (classification).
    public var accuracy: Double?
    /// mean((a − y)²) (regression).
    public var meanSquaredError: Double?
    /// mean(|a − y|) (regression).
    public var meanAbsoluteError: Double?
    /// R²ₒ = 1 − Σ(aₒ − yₒ)² / Σ(yₒ − ȳₒ)², averaged over the outputs (regression):
    /// ``Metrics/r2(predictions:targets:weights:)``, the one definition that the
    /// regression report and the training history use too; nil when a target is constant.
    public var r2: Double?
    /// m.
    public var examples: Int
    /// Precision, recall and F1 per class and averaged, the confusion matrix, log
    /// loss and ROC AUC (classification with class-index labels).
    public var classification: ClassificationReport?
    /// MSE, MAE and R² (regression).
    public var regression: RegressionReport?
  }

  /// Loss and metrics on raw inputs and their labels.
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit the model.
  public func evaluate(_ rawX: Matrix<Scalar>, labels y: Matrix<Scalar>) throws -> Evaluation {
    let x = try preprocessing.apply(rawX)
    let pass = try network.forward(x, training: false)
    return try evaluation(outputs: pass.output, loss: network.cost(pass, labels: y), labels: y)
  }

  /// Loss and metrics on raw inputs held in memory or read from a memory-mapped file (prepared by
  /// the model's preprocessing as they are read, a few thousand examples at a time: the outputs
  /// A[L], not the inputs, are held whole).
  /// - Throws: ``ShapeError``/``DataError`` when X or Y do not fit the model.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func evaluate(_ rawX: Examples<Scalar>, labels y: Matrix<Scalar>) throws -> Evaluation {
    switch rawX {
    case .matrix(let x): return try evaluate(x, labels: y)
    case .mapped(let x):
      try network.output.validate(
        labels: y, outputUnits: network.layers[network.depth - 1].outputSize, examples: x.count)
      let (a, loss) = try network.inferencePass(.mapped(x.prepared(by: preprocessing)), labels: y)
      return try evaluation(outputs: a, loss: loss, labels: y)
    }
  }

  /// The evaluation from the outputs A[L] of every example and the mean loss.
  private func evaluation(outputs a: Matrix<Scalar>, loss: Double, labels y: Matrix<Scalar>) throws -> Evaluation {
    var result = Evaluation(loss: loss, examples: a.columns)
    if network.output == .softmax || (network.output == .sigmoid && a.rows == 1) {
      result.classification = try ClassificationReport(
        trueClasses: Metrics.classIndices(labels: y), probabilities: a,
        classNames: classNames.flatMap { $0.count == Swift.max(a.rows, 2) ? $0 : nil })
    } else if network.output == .identity {
      result.regression = try RegressionReport(predictions: a, targets: y)
    }
    if network.output.isClassification {
      let predicted = network.output.predictions(from: a)
      var correct = 0
      for k in 0..<predicted.count where predicted.scalars[k] == y.scalars[k] { correct += 1 }
      result.accuracy = predicted.count == 0 ? 0 : Double(correct) / Double(predicted.count)
    } else {
      let n = Double(max(a.count, 1))
      var squared = 0.0
      var absolute = 0.0
      for k in 0..<a.count {
        let d = Double(a.scalars[k]) - Double(y.scalars[k])
        squared += d * d
        absolute += Swift.abs(d)
      }
      result.meanSquaredError = squared / n
      result.meanAbsoluteError = absolute / n
      result.r2 = result.regression?.r2
    }
    return result
  }
}

extension Output {
  /// The prediction rule: sigmoid → 1 where A > 0.5 (per unit), softmax → the
  /// arg-max class index per column (1, m), identity → A itself.
  public func predictions<Scalar: MatrixScalar>(from a: Matrix<Scalar>) -> Matrix<Scalar> {
    switch self {
    case .identity:
      return a
    case .sigmoid:
      var p = a
      p.withUnsafeMutableBufferPointer { buffer in
        for k in buffer.indices { buffer[k] = buffer[k] > 0.5 ? 1 : 0 }
      }
      return p
    case .softmax:
      var p = Matrix<Scalar>(rows: 1, columns: a.columns)
      for j in 0..<a.columns {
        var best = 0
        for k in 1..<max(a.rows, 1) where a[k, j] > a[best, j] { best = k }
        p[0, j] = Scalar(best)
      }
      return p
    }
  }
}
