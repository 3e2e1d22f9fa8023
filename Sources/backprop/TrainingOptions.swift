import ArgumentParser
import Backprop

/// How `train` trains: epochs and mini-batches, the optimizer, regularisation,
/// the learning-rate schedule, early stopping, class weights, metrics and history.
struct TrainingOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Train for E epochs (passes over the training set) of mini-batches. Without it, --iterations steps of "
        + "full-batch gradient descent (the course's algorithm).", valueName: "E"))
  var epochs: Int?

  @Option(
    name: .customLong("batch-size"),
    help: ArgumentHelp(
      "Examples per mini-batch (reshuffled each epoch, seeded by --seed; the last batch holds what is left). "
        + "Default: the whole training set.", valueName: "B"))
  var batchSize: Int?

  @Option(
    help: ArgumentHelp(
      "Update rule: sgd (gradient descent), momentum, nesterov, rmsprop, adam, adamw. Default: sgd.", valueName: "name")
  )
  var optimizer: String = "sgd"

  @Option(help: ArgumentHelp("β of momentum (v = β·v + (1−β)·dW) or μ of nesterov. Default 0.9.", valueName: "β"))
  var momentum: Double?

  @Option(help: ArgumentHelp("β₁ of adam/adamw, the first moment's decay. Default 0.9.", valueName: "β1"))
  var beta1: Double?

  @Option(
    help: ArgumentHelp(
      "β₂ of rmsprop/adam/adamw, the second moment's decay. Default 0.999 (rmsprop 0.99).", valueName: "β2"))
  var beta2: Double?

  @Option(help: ArgumentHelp("ε of rmsprop/adam/adamw, added to √s. Default 1e-8.", valueName: "ε"))
  var epsilon: Double?

  @Option(
    name: .customLong("weight-decay"),
    help: ArgumentHelp("AdamW's decoupled weight decay λ (W −= α·λ·W). Default 0.01.", valueName: "λ"))
  var weightDecay: Double?

  @Option(help: ArgumentHelp("L2 regularisation λ: cost + λ/(2m)·Σ‖W‖², gradient + (λ/m)·W.", valueName: "λ"))
  var l2: Double = 0

  @Option(
    help: ArgumentHelp(
      "Inverted dropout on the hidden layers: the probability p of dropping a unit, one for every hidden layer or "
        + "one per hidden layer (0.5,0.2). Training only.", valueName: "p[,p…]"))
  var dropout: String?

  @Flag(
    name: .customLong("batch-norm"),
    help: "Batch-normalise every hidden layer (γ, β learned; running statistics at inference).")
  var batchNorm = false

  @Option(
    name: .customLong("lr-schedule"),
    help: ArgumentHelp(
      "Learning rate per epoch: \(LearningRateSchedule.syntax). inverse-time is the course's α0/(1 + rate·⌊epoch/N⌋).",
      valueName: "schedule"))
  var lrSchedule: String?

  @Option(help: ArgumentHelp("Linear learning-rate warm-up over the first W epochs.", valueName: "W"))
  var warmup: Int = 0

  @Option(
    name: .customLong("early-stopping"),
    help: ArgumentHelp(
      "Stop after PATIENCE epochs without improvement of the validation cost (the training cost without a "
        + "validation set), then restore the best epoch's parameters (also when all epochs ran).", valueName: "PATIENCE"
    ))
  var earlyStopping: Int?

  @Option(
    name: .customLong("min-delta"),
    help: ArgumentHelp("The least decrease of the cost that counts as an improvement.", valueName: "δ"))
  var minDelta: Double = 0

  @Option(
    name: .customLong("class-weight"),
    help: ArgumentHelp(
      "Weight the loss per class: balanced (m / (K·m_c)) or class=weight pairs, e.g. 0=1,1=5.",
      valueName: "balanced|k=w,…"))
  var classWeight: String?

  @Option(
    help: ArgumentHelp(
      "Metrics reported each epoch on the validation set: \(MetricName.allCases.map(\.rawValue).joined(separator: ", ")). "
        + "Default: accuracy for classification, mse for regression.", valueName: "m1,m2,…"))
  var metrics: String?

  @Flag(
    name: .customLong("exact-train-metrics"),
    help: ArgumentHelp(
      "Compute the training-set metrics (printed each epoch when there is no validation set) with one more pass over "
        + "the whole training set at the end of each epoch. By default they are running metrics: summed over the "
        + "epoch's mini-batches from the passes training already made, so they cost nothing, but each batch is "
        + "scored by the parameters before its own update (dropout on), so they lag an end-of-epoch pass slightly. "
        + "The exact pass costs about a third more time per epoch."))
  var exactTrainMetrics = false

  @Option(
    help: ArgumentHelp(
      "Write each epoch's costs, metrics, learning rate and time to a .csv or .json file.", valueName: "file"))
  var history: String?

  @Option(
    help: ArgumentHelp(
      "Write the final scores (train, validation and test accuracy, or mean squared error for an identity output) "
        + "to a .json file, e.g. {\"test_accuracy\": 0.97}; a sweep reads its trials' results from it.",
      valueName: "file.json"))
  var scores: String?

  @Flag(help: "No progress: neither the live bar nor the per-epoch lines (results and warnings still print).")
  var quiet = false

  @Option(
    help: ArgumentHelp(
      "Append one JSON object per epoch (per --print-every iterations without --epochs) to this file: costs, "
        + "metrics, learning rate, per-layer gradient norms, dead units, warnings, time.", valueName: "file.jsonl"))
  var events: String?

  /// Whether the run uses epochs (rather than the course's --iterations).
  var usesEpochs: Bool { epochs != nil }

  mutating func validate() throws {
    try NumberRange.zeroOrMore.check(epochs, "--epochs")
    try NumberRange.atLeastOne.check(batchSize, "--batch-size")
    try NumberRange.belowOne.check(momentum, "--momentum")
    try NumberRange.belowOne.check(beta1, "--beta1")
    try NumberRange.belowOne.check(beta2, "--beta2")
    try NumberRange.positive.check(epsilon, "--epsilon")
    try NumberRange.zeroOrMore.check(weightDecay, "--weight-decay")
    try NumberRange.zeroOrMore.check(l2, "--l2")
    try NumberRange.zeroOrMore.check(warmup, "--warmup")
    try NumberRange.atLeastOne.check(earlyStopping, "--early-stopping")
    try NumberRange.zeroOrMore.check(minDelta, "--min-delta")
    if let history { _ = try History.format(of: history) }
    if let scores, !scores.lowercased().hasSuffix(".json") {
      throw ValidationError("--scores \(scores): the file must end in .json")
    }
    if let events, !events.lowercased().hasSuffix(".jsonl") && !events.lowercased().hasSuffix(".json") {
      throw ValidationError("--events \(events): the file must end in .jsonl (one JSON object per line)")
    }
    if earlyStopping == nil && minDelta != 0 { throw ValidationError("--min-delta goes with --early-stopping") }
  }

  /// The dropout rates, parsed.
  func dropoutRates() throws -> [Double] {
    guard let dropout else { return [] }
    return try dropout.split(separator: ",").map { text in
      guard let p = Double(text.trimmingCharacters(in: .whitespaces)) else {
        throw ConfigurationError(parameter: "--dropout", "'\(text)' is not a number; give rates like 0.2 or 0.5,0.2")
      }
      try Dropout.validate(rate: p)
      return p
    }
  }

  /// The metrics asked for, or the output's defaults.
  func metricNames(for output: Output) throws -> [MetricName] {
    guard let metrics else { return MetricName.defaults(for: output) }
    let names = try metrics.split(separator: ",").map { try MetricName(parsing: String($0)) }
    if let wrong = names.first(where: { $0.isClassification != output.isClassification }) {
      throw ConfigurationError(
        parameter: "--metrics",
        "\(wrong) is a \(wrong.isClassification ? "classification" : "regression") metric but the output is \(output)")
    }
    return names
  }

  /// The optimizer settings (learning rate from `train`'s --learning-rate).
  func optimizerSettings(learningRate: Double) throws -> OptimizerSettings {
    try OptimizerSettings(
      name: optimizer, learningRate: learningRate, momentum: momentum, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay)
  }

  @Option(
    help: ArgumentHelp(
      "Write a report to this folder (created if missing): index.html with the cost and metric curves, the final "
        + "metrics, the confusion matrix, the layer table, the decision boundary (two inputs) and a reproducibility "
        + "stamp; each chart as .svg; run.json to rebuild it (`backprop report DIR`).", valueName: "dir"))
  var report: String?
}
