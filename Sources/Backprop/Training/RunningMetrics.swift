import RealModule

/// The chosen metrics (``MetricName``) summed batch by batch from forward passes
/// already made: the training metrics of an epoch come from the mini-batches'
/// own A[L] (running sums over the epoch, as Keras reports them), so they cost no
/// extra pass over the training set. The definitions are those of
/// ``ClassificationReport`` and ``RegressionReport`` (what ``EpochMetrics`` computes
/// from one pass), unweighted as the epoch metrics are:
///
///     accuracy, macro precision, recall, F1   from the counts C[i][j] (``ConfusionMatrix``)
///     log loss = −(1/m) Σᵢ log p̂(yᵢ)           p̂ clipped to [ε, 1 − ε] (``Metrics/logLoss(trueClasses:probabilities:weights:)``)
///     accuracy (several sigmoid units)        units right / units
///     MSE = Σᵢ Σₒ (ŷₒᵢ − yₒᵢ)² / (n_outputs·m)    MAE the same with |ŷ − y|
///     R²ₒ = 1 − SSEₒ / SSTₒ, averaged over the outputs; SSTₒ = Σᵢ (yₒᵢ − ȳₒ)² merged batch
///           by batch (Chan et al.: n, ȳ and SST per batch, then combined), nil when 0
///     ROC AUC  the batches' scores are kept (a preallocated (K, m) buffer) and
///              ranked once, in ``values()``, only when it is asked for
///
/// Only what the names need is accumulated. With the parameters fixed between
/// batches (no update, no dropout), the values equal one pass over all the
/// examples up to the order of the sums; with a single batch they are the same.
/// After the first epoch, ``add(outputs:labels:)`` allocates nothing.
struct RunningMetrics<Scalar: MatrixScalar>: Sendable {
  /// What the outputs are, as the metrics read them.
  enum Kind: Sendable, Equatable {
    /// One class per example: a softmax of K units, or one sigmoid unit (K = 2).
    case classes(count: Int)
    /// Several independent sigmoid units (multi-label).
    case multiLabel
    /// Real outputs (identity).
    case regression(outputs: Int)
  }

  let names: [MetricName]
  let kind: Kind
  /// n[L], the output units.
  let outputUnits: Int
  /// m, the examples an epoch adds (the AUC buffer's columns).
  let capacity: Int
  private let needsCounts: Bool
  private let needsUnitsRight: Bool
  private let needsLogLoss: Bool
  private let needsAUC: Bool
  private let needsSquared: Bool
  private let needsAbsolute: Bool
  private let needsR2: Bool

  /// Examples added since ``reset()``.
  var examples = 0
  /// C[i][j] flattened, i·K + j.
  var counts: [Double]
  var occurs: [Bool]
  var logLossSum = 0.0
  var unitsRight = 0
  var squaredSum = 0.0
  var absoluteSum = 0.0
  /// Per output: ȳₒ, SSTₒ and SSEₒ of the examples so far.
  var targetMean: [Double]
  var targetSquares: [Double]
  var residualSquares: [Double]
  /// The scores of the examples so far, column by column, and their classes (ROC AUC only).
  var scores: Matrix<Scalar>
  var classes: [Int]

  /// - Parameters:
  ///   - names: the metrics to report; those that do not apply to the output are left out (as ``EpochMetrics``).
  ///   - output: the network's output.
  ///   - outputUnits: n[L].
  ///   - examples: m, the examples of one epoch (the size of the ROC AUC buffer).
  init(_ names: [MetricName], output: Output, outputUnits: Int, examples: Int) {
    self.names = names
    self.outputUnits = outputUnits
    capacity = examples
    let wants = Set(names)
    switch output {
    case .identity: kind = .regression(outputs: outputUnits)
    case .softmax: kind = .classes(count: outputUnits)
    case .sigmoid: kind = outputUnits == 1 ? .classes(count: 2) : .multiLabel
    }
    var classCount = 0
    var outputs = 0
    switch kind {
    case .classes(let k): classCount = k
    case .multiLabel: break
    case .regression(let n): outputs = n
    }
    let classWise = classCount > 0
    needsCounts = classWise && !wants.isDisjoint(with: [.accuracy, .precision, .recall, .f1])
    needsUnitsRight = kind == .multiLabel && wants.contains(.accuracy)
    needsLogLoss = classWise && wants.contains(.logLoss)
    needsAUC = classWise && wants.contains(.rocAUC)
    needsSquared = outputs > 0 && wants.contains(.mse)
    needsAbsolute = outputs > 0 && wants.contains(.mae)
    needsR2 = outputs > 0 && wants.contains(.r2)
    counts = needsCounts ? [Double](repeating: 0, count: classCount * classCount) : []
    occurs = needsCounts ? [Bool](repeating: false, count: classCount) : []
    let r2Outputs = needsR2 ? outputs : 0
    targetMean = [Double](repeating: 0, count: r2Outputs)
    targetSquares = [Double](repeating: 0, count: r2Outputs)
    residualSquares = [Double](repeating: 0, count: r2Outputs)
    scores = needsAUC ? Matrix(rows: outputUnits, columns: examples) : Matrix(rows: 0, columns: 0)
    classes = needsAUC ? [Int](repeating: 0, count: examples) : []
  }

  /// Whether the scores of every example are kept (for ROC AUC, only when it is named).
  var keepsScores: Bool { needsAUC }

  /// Whether any metric is accumulated.
  var isEmpty: Bool {
    !(needsCounts || needsUnitsRight || needsLogLoss || needsAUC || needsSquared || needsAbsolute || needsR2)
  }

  /// Starts a new epoch: every sum back to 0, the buffers kept.
  mutating func reset() {
    examples = 0
    for k in counts.indices { counts[k] = 0 }
    for k in occurs.indices { occurs[k] = false }
    logLossSum = 0
    unitsRight = 0
    squaredSum = 0
    absoluteSum = 0
    for o in targetMean.indices {
      targetMean[o] = 0
      targetSquares[o] = 0
      residualSquares[o] = 0
    }
  }

  /// Checks, before training, that labels can be scored: one sigmoid unit's labels must
  /// be classes 0 or 1 (a softmax's are checked by its loss), as ``Metrics/classIndices(labels:)``.
  /// - Throws: ``DataError`` naming the first label that is not.
  func validate(labels y: Matrix<Scalar>) throws(DataError) {
    guard case .classes = kind, !isEmpty, names.contains(where: \.isClassification) else { return }
    _ = try Metrics.classIndices(labels: y)
  }

  /// Adds a batch: A[L] of its forward pass and its labels Y{t} (validated labels, the same columns).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  mutating func add(outputs a: Matrix<Scalar>, labels y: Matrix<Scalar>) {
    precondition(a.columns == y.columns, "RunningMetrics: \(a.columns) outputs for \(y.columns) labels")
    let batch = a.columns
    guard batch > 0 else { return }
    switch kind {
    case .classes(let k): addClasses(a, y, classCount: k)
    case .multiLabel: addMultiLabel(a, y)
    case .regression: addRegression(a, y)
    }
    examples += batch
  }

  private mutating func addClasses(_ a: Matrix<Scalar>, _ y: Matrix<Scalar>, classCount k: Int) {
    let rows = a.rows
    let epsilon = Scalar.ulpOfOne
    let offset = examples
    let (needsCounts, needsLogLoss, needsAUC) = (needsCounts, needsLogLoss, needsAUC)
    var logLoss = 0.0
    a.withUnsafeBufferPointer { ap in
      y.withUnsafeBufferPointer { yp in
        counts.withUnsafeMutableBufferPointer { c in
          occurs.withUnsafeMutableBufferPointer { seen in
            for j in 0..<a.columns {
              let truth = Int(yp[j])
              if needsCounts {
                // The course's rule (``Metrics/predictedClasses(probabilities:)``): p > 0.5
                // for one unit, else the first arg-max.
                var predicted = 0
                if rows == 1 {
                  predicted = ap[j] > 0.5 ? 1 : 0
                } else {
                  for i in 1..<rows where ap[i + j * rows] > ap[predicted + j * rows] { predicted = i }
                }
                c[truth * k + predicted] += 1
                seen[truth] = true
                seen[predicted] = true
              }
              if needsLogLoss {
                let p = rows == 1 ? (truth == 1 ? ap[j] : 1 - ap[j]) : ap[truth + j * rows]
                let clipped = Swift.min(Swift.max(p, epsilon), 1 - epsilon)
                logLoss += Double.log(Double(clipped))
              }
            }
          }
        }
      }
      if needsAUC {
        scores.withUnsafeMutableBufferPointer { sp in
          let destination = sp.baseAddress! + offset * rows
          destination.update(from: ap.baseAddress!, count: rows * a.columns)
        }
        y.withUnsafeBufferPointer { yp in
          for j in 0..<a.columns { classes[offset + j] = Int(yp[j]) }
        }
      }
    }
    logLossSum += logLoss
  }

  private mutating func addMultiLabel(_ a: Matrix<Scalar>, _ y: Matrix<Scalar>) {
    guard needsUnitsRight else { return }
    var right = 0
    a.withUnsafeBufferPointer { ap in
      y.withUnsafeBufferPointer { yp in
        for k in 0..<ap.count where (ap[k] > 0.5 ? 1 : 0) == yp[k] { right += 1 }
      }
    }
    unitsRight += right
  }

  private mutating func addRegression(_ a: Matrix<Scalar>, _ y: Matrix<Scalar>) {
    let outputs = a.rows
    let batch = a.columns
    if needsSquared || needsAbsolute {
      var squared = 0.0
      var absolute = 0.0
      a.withUnsafeBufferPointer { ap in
        y.withUnsafeBufferPointer { yp in
          for j in 0..<batch {
            var rowSquared = 0.0
            var rowAbsolute = 0.0
            for o in 0..<outputs {
              let d = Double(ap[o + j * outputs]) - Double(yp[o + j * outputs])
              rowSquared += d * d
              rowAbsolute += Swift.abs(d)
            }
            squared += rowSquared
            absolute += rowAbsolute
          }
        }
      }
      squaredSum += squared
      absoluteSum += absolute
    }
    guard needsR2 else { return }
    let before = Double(examples)
    let added = Double(batch)
    let total = before + added
    a.withUnsafeBufferPointer { ap in
      y.withUnsafeBufferPointer { yp in
        for o in 0..<outputs {
          var sum = 0.0
          for j in 0..<batch { sum += Double(yp[o + j * outputs]) }
          let mean = sum / added
          var squares = 0.0
          var residual = 0.0
          for j in 0..<batch {
            let target = Double(yp[o + j * outputs])
            let error = target - Double(ap[o + j * outputs])
            squares += (target - mean) * (target - mean)
            residual += error * error
          }
          // Chan et al.'s merge of (n, ȳ, SST) of the examples so far with the batch's.
          let delta = mean - targetMean[o]
          targetMean[o] += delta * (added / total)
          targetSquares[o] += squares + delta * delta * (before * added / total)
          residualSquares[o] += residual
        }
      }
    }
  }

  /// The metrics of the examples added so far, by name (those of ``EpochMetrics``'s
  /// names that apply and are defined).
  /// - Throws: ``DataError`` from ``Metrics/rocAUC(trueClasses:probabilities:weights:)``.
  func values() throws(DataError) -> [String: Double] {
    var all = [String: Double]()
    guard examples > 0 else { return all }
    let m = Double(examples)
    switch kind {
    case .classes(let k):
      if needsCounts {
        let rows = (0..<k).map { i in Array(counts[(i * k)..<((i + 1) * k)]) }
        let matrix = ConfusionMatrix(counts: rows, occurs: occurs)
        all["accuracy"] = matrix.accuracy
        all["macro_precision"] = matrix.macroAverage(matrix.precision)
        all["macro_recall"] = matrix.macroAverage(matrix.recall)
        all["macro_f1"] = matrix.macroAverage(matrix.f1)
      }
      if needsLogLoss { all["log_loss"] = -logLossSum / m }
      if needsAUC {
        var p = scores
        if examples < capacity {
          p = Matrix(rows: scores.rows, columns: examples)
          scores.withUnsafeBufferPointer { sp in
            p.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: sp.baseAddress!, count: $0.count) }
          }
        }
        all["roc_auc"] = try Metrics.rocAUC(trueClasses: Array(classes[0..<examples]), probabilities: p)
      }
    case .multiLabel:
      guard needsUnitsRight else { break }
      let units = Double(examples * outputUnits)
      all["accuracy"] = Double(unitsRight) / Swift.max(units, 1)
    case .regression(let outputs):
      let count = m * Double(outputs)
      if needsSquared { all["mse"] = count > 0 ? squaredSum / count : 0 }
      if needsAbsolute { all["mae"] = count > 0 ? absoluteSum / count : 0 }
      if needsR2 { all["r2"] = r2(outputs: outputs) }
    }
    return names.reduce(into: [String: Double]()) { result, name in
      if let value = all[name.rawValue] { result[name.rawValue] = value }
    }
  }

  /// R² averaged over the outputs; nil when some output's targets are constant.
  private func r2(outputs: Int) -> Double? {
    guard outputs > 0 else { return nil }
    var sum = 0.0
    for o in 0..<outputs {
      guard targetSquares[o] > 0 else { return nil }
      sum += 1 - residualSquares[o] / targetSquares[o]
    }
    return sum / Double(outputs)
  }
}
