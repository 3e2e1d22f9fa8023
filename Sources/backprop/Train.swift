import ArgumentParser
import Backprop
import Foundation

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train an L-layer network by gradient descent (the course's L_layer_model).",
    discussion: """
      Parameters (W[l], b[l]) are learned. Everything you choose is a
      hyperparameter: the layer sizes n[l] and activations g[l] (Network), α,
      the iterations or epochs, the batch size, the optimizer and the
      regularisation (Training).

      Examples come from array files (--x/--y: .npy, .npz, MNIST's IDX, plain
      or .gz; one example per row) or from a CSV table (--data, --target).
      Labels: 0/1 for a sigmoid output, class indices 0…K−1 (or text labels
      in a CSV) for softmax, real targets for identity.

      The course's cat classifier, reproducing its published numbers:
        backprop train --x train_x.npy --y train_y.npy \\
          --test-x test_x.npy --test-y test_y.npy --scale 255 \\
          --layers 12288,20,7,5,1 --activation relu --output sigmoid \\
          --learning-rate 0.0075 --iterations 2500 --dtype float64 \\
          --rng numpy --seed 1 --initializer course --print-every 100

      A table with a validation split, mini-batches and Adam, a report:
        backprop train --data digits.csv --layers 64,64,10 --output softmax \\
          --standardize --validation-split 0.2 --epochs 30 --batch-size 32 \\
          --optimizer adam --save digits.safetensors --report digits-report

      Generated 2-D data, as `backprop playground` trains on (its page gives
      the command that reproduces a run), one activation per hidden layer:
        backprop train --generate spiral --noise 0.1 --test-split 0.3 \\
          --layers 2,8,8,2 --activation relu,tanh --output softmax \\
          --optimizer adam --learning-rate 0.03 --batch-size 32 --epochs 200

      Options can also come from a run file (--config run.yaml).
      """
  )

  @OptionGroup(title: "Data") var data: DataOptions
  @OptionGroup(title: "Network (hyperparameters)") var architecture: ArchitectureOptions

  @OptionGroup(title: "Initial parameters") var start: StartOptions
  @OptionGroup(title: "Learning rate and iterations (hyperparameters)") var descent: DescentOptions

  var initializer: Initializer { start.initializer }
  var rng: GeneratorKind { start.rng }
  var initFile: String? { start.initFile }
  var learningRate: Double? { descent.learningRate }
  var iterations: Int { descent.iterations }

  @Option(help: "Scalar type for training: float32 (faster) or float64 (the course's NumPy precision).")
  var dtype: DType = .float32

  @Option(
    help: ArgumentHelp(
      "Print 'Cost after iteration i: c' every K iterations (0: never); with --epochs, a line every K epochs "
        + "(default 1).", valueName: "K"))
  var printEvery: Int?

  @Option(
    help: ArgumentHelp(
      "Save the trained model: .safetensors (the model with its preprocessing and class names; PyTorch loads it) "
        + "or .npz (W1, b1, …, WL, bL, the course's dictionary).", valueName: "file"))
  var save: String?

  @Option(
    help: ArgumentHelp(
      "Take options from a YAML or JSON file (option names as keys: 'epochs: 10', 'batch-norm: true', "
        + "'layers: [64, 128, 10]'); options on the command line override it.", valueName: "run.yaml"))
  var config: String?

  @Option(
    name: .customLong("config-from"),
    help: ArgumentHelp(
      "Rerun the command recorded in a model or checkpoint that `train` saved (options given here override it).",
      valueName: "model.safetensors"))
  var configFrom: String?

  @Option(
    help: ArgumentHelp(
      "Under mpirun, mpiexec or srun with several processes: auto trains one model data-parallel over MPI "
        + "(each rank takes its part of every batch; rank 0 prints and writes); off trains one independent "
        + "model per process.", valueName: "auto|off"))
  var distributed: DistributedMode = .auto

  @Option(
    name: .customLong("check-sync"),
    help: ArgumentHelp(
      "In a data-parallel run, every N steps the ranks compare a hash of their parameters and stop with an "
        + "error if they differ (0: never).", valueName: "N"))
  var checkSync = 100

  @OptionGroup(title: "Training (hyperparameters)") var training: TrainingOptions

  @OptionGroup(title: "Checkpoints and safety") var safety: SafetyOptions

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    try NumberRange.positive.check(learningRate, "--learning-rate")
    try NumberRange.zeroOrMore.check(descent.givenIterations, "--iterations")
    try NumberRange.zeroOrMore.check(printEvery, "--print-every")
    try NumberRange.zeroOrMore.check(checkSync, "--check-sync")
    if descent.givenIterations != nil && training.epochs != nil {
      throw ValidationError("give --epochs (mini-batch epochs) or --iterations (full-batch steps), not both")
    }
    do {
      if architecture.givenLayers != nil {
        try Network<Double>.validate(layerSizes: architecture.layers.sizes)
        try checkMemory(examples: nil)
      } else if initialModelPath == nil {
        try architecture.requireLayers(hint: " (or --init model.safetensors, to start from a saved or imported model)")
      }
    } catch let error as ConfigurationError {
      throw ValidationError(FlagNames.message(for: error))
    }
  }

  func run() throws {
    if let source = safety.resume {
      try Self.resume(from: source, runtime: runtime)  // applies the recorded runtime options
      return
    }
    runtime.apply()
    let communicator = try Distributed.start(distributed)
    // Every rank trains; rank 0 alone prints progress and writes the model, history, report and checkpoints.
    let command = communicator.map { $0.rank == 0 ? self : follower() } ?? self
    switch dtype {
    case .float32: try command.run(as: Float.self, resumingFrom: nil, configuration: nil, communicator: communicator)
    case .float64: try command.run(as: Double.self, resumingFrom: nil, configuration: nil, communicator: communicator)
    }
  }

  /// This command as a rank other than 0 runs it: the same training, no output and no file.
  func follower() -> Train {
    var command = self
    command.save = nil
    command.training.history = nil
    command.training.scores = nil
    command.training.events = nil
    command.training.report = nil
    command.training.quiet = true
    command.safety.checkpointDir = nil
    return command
  }

  /// `--resume`: the checkpoint's recorded command, run again from its state,
  /// writing its new checkpoints into the folder it resumes from (wherever that
  /// folder now is). `given` holds the other train options given with
  /// `--resume`: they must match the recorded ones, except --epochs or
  /// --iterations (which may extend the run), --print-every and --quiet.
  static func resume(from source: String, runtime: RuntimeOptions, given: [String] = []) throws {
    let path = try SafetyOptions.checkpointFile(source)
    let here = FileManager.default.currentDirectoryPath
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
    let checkpointFolder = absolute(
      isDirectory.boolValue ? source : URL(fileURLWithPath: source).deletingLastPathComponent().path, in: here)
    func go<Scalar: MatrixScalar>(_: Scalar.Type) throws {
      let contents = try CheckpointFile.read(path: path, as: Scalar.self)
      guard let folder = contents.configuration.first, contents.configuration.count >= 1 else {
        throw ValidationError("--resume \(path): the checkpoint does not record the command it came from")
      }
      let recorded = Array(contents.configuration.dropFirst())
      let overrides = try ResumeOptions.overrides(
        given: given, recorded: recorded, recordedFolder: folder, here: here, checkpoint: path,
        epochsDone: contents.state.isFinished ? contents.state.epoch : contents.state.epoch - 1)
      guard FileManager.default.changeCurrentDirectoryPath(folder) else {
        throw ValidationError("--resume \(path): the run's folder \(folder) is gone")
      }
      var original = try Train.parse(recorded + overrides)
      original.safety.checkpointDir = checkpointFolder
      if let threads = runtime.threads { original.runtime.threads = threads }
      if let blas = runtime.blas { original.runtime.blas = blas }
      original.runtime.apply()
      // A data-parallel run resumes on any number of ranks: every rank reads the checkpoint rank 0 wrote.
      let communicator = try Distributed.start(original.distributed)
      let command = communicator.map { $0.rank == 0 ? original : original.follower() } ?? original
      if Distributed.isLeader {
        let ranks = Int(contents.model.hyperparameters["ranks"] ?? "1") ?? 1
        FileHandleOutput.standardError(
          "Resuming from \(path): epoch \(contents.state.epoch)"
            + (contents.state.batchStart > 0 ? ", example \(contents.state.batchStart)" : "")
            + (contents.state.isFinished ? " (the run had finished)" : "")
            + (overrides.isEmpty ? "" : "; with " + overrides.joined(separator: " "))
            + (ranks == (communicator?.size ?? 1)
              ? ""
              : "; it ran on \(ranks) rank\(ranks == 1 ? "" : "s") and continues on \(communicator?.size ?? 1): "
                + "the same model up to the rounding of the gradient sums"))
      }
      try command.run(
        as: Scalar.self, resumingFrom: contents, configuration: [folder] + ResumeOptions.merged(recorded, overrides),
        communicator: communicator)
    }
    switch try ModelFile.storedDType(path: path) {
    case "float64": try go(Double.self)
    default: try go(Float.self)
    }
  }

  /// `path` made absolute against `folder`.
  static func absolute(_ path: String, in folder: String) -> String {
    (path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: folder).appendingPathComponent(path))
      .standardizedFileURL.path
  }

  /// The arguments that rerun this command (the working folder first), for checkpoints.
  private var recordedConfiguration: [String] {
    var arguments = RunFile.resolvedArguments
    if let index = arguments.firstIndex(of: "--resume") {
      arguments.removeSubrange(index..<min(index + 2, arguments.count))
    }
    arguments.removeAll { $0.hasPrefix("--resume=") }
    // The backend that computes the products is part of the record, so that a resumed run or a
    // rerun repeats the same arithmetic (auto's choice is a measurement and could differ next time).
    if runtime.blas == nil && !safety.deterministic {
      let backend =
        switch dtype {
        case .float32: RuntimeOptions.recordedBackend(for: Float.self)
        case .float64: RuntimeOptions.recordedBackend(for: Double.self)
        }
      arguments += ["--blas", backend]
    }
    return [FileManager.default.currentDirectoryPath] + arguments
  }

  /// `--init` when it names a model file (`train --save`, `backprop import`), not the course's `.npz`.
  var initialModelPath: String? {
    initFile.flatMap { $0.lowercased().hasSuffix(".safetensors") ? $0 : nil }
  }

  /// Trains, from scratch, from a resumed state or from the model `--init` names; `configuration`
  /// is what the checkpoints record (the working folder and the arguments), by default this command's.
  private func run<Scalar: MatrixScalar>(
    as _: Scalar.Type, resumingFrom resumed: CheckpointFile.Contents<Scalar>?, configuration recorded: [String]?,
    communicator: MPICommunicator? = nil
  ) throws {
    guard let path = initialModelPath else {
      try train(as: Scalar.self, resumingFrom: resumed, configuration: recorded, communicator: communicator)
      return
    }
    let model = try ModelFile.read(path: path, as: Scalar.self)
    var command = self
    try command.architecture.adopt(model, from: path, data: data, batchNorm: training.batchNorm)
    try command.checkMemory(examples: nil)
    try command.train(
      as: Scalar.self, resumingFrom: resumed, configuration: recorded, communicator: communicator,
      initialModel: model)
  }

  /// Trains the network `initialModel` holds (with its preprocessing, not refitted), or a new one.
  private func train<Scalar: MatrixScalar>(
    as _: Scalar.Type, resumingFrom resumed: CheckpointFile.Contents<Scalar>?, configuration recorded: [String]?,
    communicator: MPICommunicator?, initialModel: Model<Scalar>? = nil
  ) throws {
    // Every output is checked before training, so that a finished run is never lost to a bad path.
    var outputs = OutputPreflight()
    outputs.add("--save", save, .file(extensions: [".safetensors", ".npz"], description: "the model, or W1, b1, …"))
    outputs.add("--history", training.history, .file(extensions: [".csv", ".json"], description: "the history"))
    outputs.add("--scores", training.scores, .file(extensions: [".json"], description: "the final scores"))
    outputs.add("--events", training.events, .appendedFile)
    outputs.add("--report", training.report, .folder)
    try outputs.check()
    if training.batchNorm, let save, save.lowercased().hasSuffix(".npz") {
      throw ConfigurationError(
        parameter: "--save", "\(save): .npz holds W and b only; save a batch-normalised network as .safetensors")
    }
    let checkpoints = try safety.checkpointDir.map { folder in
      let directory = try CheckpointDirectory(
        path: folder, keep: safety.keep, runID: resumed?.runID ?? UUID().uuidString)
      if resumed == nil { try directory.claim(overwrite: safety.overwrite) }
      return directory
    }
    var sets = try data.load(seed: architecture.seed, output: architecture.output, as: Scalar.self)
    let description = try data.datasetDescription(featureCount: sets.training.featureCount)
    if let description {
      // The converter's names: the model's class names and columns, as a CSV's would be.
      sets.training.dataset.classNames = description.classNames ?? sets.training.dataset.classNames
      sets.training.dataset.featureNames = description.featureNames ?? sets.training.dataset.featureNames
      sets.training.dataset.targetName = description.targetName ?? sets.training.dataset.targetName
    }
    let sizes = architecture.layers.sizes
    try checkMemory(examples: sets.training.count, mappedInputs: sets.training.isMapped)
    try checkFeatures(sets.training, sizes: sizes, file: data.data ?? data.x ?? "the training set")
    if let test = sets.test {
      try checkFeatures(test, sizes: sizes, file: data.testData ?? data.testX ?? "the test set")
    }

    // Fitted on the training examples only, then applied to every set, in the inputs' own precision
    // (arrays were read as Scalar: without preprocessing, the network trains on the loaded array itself;
    // a mapped file is prepared batch by batch as it is read).
    // With --statistics, the converter's numbers (a mapped set is still checked for NaN, one pass).
    let fitted =
      try description.map { description in
        _ = try sets.training.fitPreprocessing(.none, divisor: 1)
        return try description.preprocessing(data.preprocessingMethod, divisor: data.scale ?? 1)
      } ?? sets.training.fitPreprocessing(data.preprocessingMethod, divisor: data.scale ?? 1)
    // A model's preprocessing is part of it: kept as it is (adopt(_:) refuses --scale, --standardize, --min-max).
    let preprocessing = initialModel?.preprocessing ?? fitted
    if let names = initialModel?.classNames, let given = sets.training.dataset.classNames, names != given {
      throw ConfigurationError(
        parameter: "--init",
        "\(initFile ?? ""): the model's classes are \(names.joined(separator: ", ")) but the data's are "
          + given.joined(separator: ", "))
    }
    sets.training.dataset.classNames = sets.training.dataset.classNames ?? initialModel?.classNames
    sets.training.dataset.featureNames = sets.training.dataset.featureNames ?? initialModel?.featureNames
    let trainData = try sets.training.prepared(by: preprocessing)

    var network: Network<Scalar>
    if let initialModel {
      network = initialModel.network
    } else if let initFile {
      // One activation for all hidden layers, or one each (the file holds W, b and α only).
      network = try CourseParameters.read(
        path: initFile, hiddenActivations: architecture.givenActivation?.functions ?? [architecture.activation],
        output: architecture.output, as: Scalar.self)
      guard network.layerSizes == sizes else {
        throw ConfigurationError(
          parameter: "--init",
          "\(initFile) holds a network of sizes \(network.layerSizes.map(String.init).joined(separator: ",")) "
            + "but --layers is \(architecture.layers)")
      }
    } else {
      var generator = try rng.makeGenerator(seed: architecture.seed)
      network = try Network<Scalar>(
        layerSizes: sizes, hiddenActivations: try architecture.activations(hiddenLayers: sizes.count - 2),
        output: architecture.output,
        initializer: initializer, batchNormalization: training.batchNorm, using: &generator)
    }
    if training.batchNorm && initFile != nil && initialModel == nil {
      throw ConfigurationError(
        parameter: "--batch-norm", "--init loads a network without batch normalisation; leave one out")
    }
    // Check the labels before the first iteration, with a clear message.
    try network.output.validate(labels: trainData.y, outputUnits: sizes[sizes.count - 1], examples: trainData.x.count)
    let validationSet = try sets.validation.map { set -> LabeledExamples<Scalar> in
      try checkFeatures(set, sizes: sizes, file: data.validationData ?? data.validationX ?? "the validation set")
      return try set.prepared(by: preprocessing)
    }
    let settings = try training.optimizerSettings(learningRate: learningRate ?? defaultLearningRate)
    let options = try fitOptions(settings: settings, hiddenLayers: sizes.count - 2)
    let start = Date()
    let savedModel = Model(
      network: network, preprocessing: preprocessing, classNames: sets.training.dataset.classNames,
      featureNames: sets.training.featureNames, targetName: sets.training.dataset.targetName,
      hyperparameters: hyperparameters(
        network: network, preprocessing: preprocessing, settings: settings, options: options,
        resumed: recorded ?? resumed?.configuration))
    let configuration = recorded ?? resumed?.configuration ?? recordedConfiguration
    let printer = try TrainingOutput(
      usesEpochs: training.usesEpochs, epochs: options.epochs, printEvery: printEvery, quiet: training.quiet,
      events: training.events, resuming: resumed != nil)
    var lastCheckpoint: String?
    // The library's entry point, with the command line's hooks: checkpoints, Ctrl-C, the live display.
    let checkpoint: ((FitState<Scalar>) throws -> Void)? = checkpoints.map { folder in
      { state in
        lastCheckpoint = try Interruption.whileSaving {
          try folder.save(state, model: savedModel, configuration: configuration)
        }
      }
    }
    func fit() throws -> History {
      try network.fit(
        examples: trainData, validation: validationSet, optimizer: settings, options: options,
        resumingFrom: resumed?.state, checkpoint: checkpoint, shouldStop: { Interruption.requested },
        afterBatch: { printer.batch($0) },
        progress: {
          printer.epoch($0)
          return true
        }, distributed: communicator)
    }
    let history: History
    // A data-parallel rank without checkpoints still stops with the others (the stop is agreed each step).
    if checkpoints != nil || communicator != nil { Interruption.install() }
    do {
      history = try safety.deterministic ? Kernels.withBackend(.builtin) { try fit() } : fit()
    } catch let interrupted as TrainingInterrupted {
      if Distributed.isLeader {
        FileHandleOutput.standardError(
          "Interrupted (\(interrupted)); saved \(lastCheckpoint ?? "a checkpoint"). "
            + "Resume with: backprop train --resume \(safety.checkpointDir ?? "DIR")")
      }
      Distributed.finish()  // every rank stopped at the same step
      throw ExitCode(Interruption.exitStatus)
    } catch let diverged as DivergenceError {
      var message = FlagNames.commandLine("\(diverged)")
      if let lastCheckpoint { message += ". The last good checkpoint is \(lastCheckpoint)" }
      if let save { message += "; \(save) was not written" }
      if Distributed.isLeader { FileHandleOutput.standardError("Error: " + message) }
      Distributed.finish()  // every rank saw the same (summed) cost
      throw ExitCode.failure
    }
    let seconds = Date().timeIntervalSince(start)
    printer.finish()
    // The model first: a later write that fails (history, report) then loses nothing.
    if let save {
      if save.lowercased().hasSuffix(".npz") {
        try CourseParameters.write(network, to: save)
        FileHandleOutput.standardError("Saved W1, b1, …, W\(network.depth), b\(network.depth) to \(save)")
        if preprocessing != .identity {
          FileHandleOutput.standardError(
            "Note: .npz holds the parameters only; save as .safetensors to keep the fitted preprocessing with them")
        }
      } else {
        let model = Model(
          network: network, preprocessing: preprocessing, classNames: sets.training.dataset.classNames,
          featureNames: sets.training.featureNames, targetName: sets.training.dataset.targetName,
          hyperparameters: hyperparameters(
            network: network, preprocessing: preprocessing, settings: settings, options: options,
            resumed: recorded ?? resumed?.configuration))
        try ModelFile.write(model, to: save)
        FileHandleOutput.standardError("Saved the model to \(save) (safetensors; PyTorch loads it)")
      }
    }
    /// A write after the model's: its error says what was saved.
    func afterSaving(_ option: String, _ write: () throws -> Void) throws {
      do {
        try write()
      } catch {
        let kept =
          save.map { "the model was saved to \($0)" }
          ?? lastCheckpoint.map { "the trained model is in the checkpoint \($0)" }
          ?? "the model was not saved (no --save)"
        throw ConfigurationError(parameter: option, "\(error); \(kept)")
      }
    }
    if let path = training.history {
      try afterSaving("--history") { try history.write(to: path) }
      FileHandleOutput.standardError(
        "Wrote the history of \(history.epochCount) epochs to \(path)"
          + (history.epochs.count < history.epochCount
            ? " (\(history.epochs.count) records: every \(history.sampleEvery)th epoch and the last \(History.recentWindow))"
            : ""))
    }
    if let best = history.bestEpoch {
      FileHandleOutput.standardError(
        (history.stoppedEarly ? "Stopped early after epoch \(history.epochCount); " : "")
          + "restored the parameters of epoch \(best), the best \(validationSet == nil ? "training" : "validation") cost"
      )
    }
    var scores = [String: Double]()
    scores.merge(try report(network, x: trainData.x, y: trainData.y, name: "Train")) { $1 }
    if let validation = validationSet {
      scores.merge(try report(network, x: validation.x, y: validation.y, name: "Validation")) { $1 }
    }
    if let test = sets.test {
      let set = try test.prepared(by: preprocessing)
      scores.merge(try report(network, x: set.x, y: set.y, name: "Test")) { $1 }
    }
    if let path = training.scores {
      try afterSaving("--scores") { try ScoresFile.write(scores, to: path) }
    }
    try afterSaving("--report") {
      try writeReport(
        network: network, preprocessing: preprocessing, sets: sets, history: history, seconds: seconds,
        hyperparameters: hyperparameters(
          network: network, preprocessing: preprocessing, settings: settings, options: options,
          resumed: recorded ?? resumed?.configuration))
    }
    if !Distributed.isLeader { return }
    FileHandleOutput.standardError(
      "Trained \(network.depth) layers (\(network.parameterCount) parameters) on \(trainData.x.count) examples"
        + (communicator.map { " on \($0.size) ranks" } ?? "") + ", "
        + (training.usesEpochs ? "\(history.epochCount) epochs" : "\(history.epochCount) iterations")
        + " in \(fixed(seconds, 2)) s")
  }

  /// α when --learning-rate is left out: the course's 0.0075 for sgd, else the optimizer's usual one.
  private var defaultLearningRate: Double {
    (try? OptimizerKind(name: training.optimizer)).map { $0 == .sgd ? 0.0075 : $0.defaultLearningRate } ?? 0.0075
  }

  /// The library's options from the command line.
  private func fitOptions(settings: OptimizerSettings, hiddenLayers: Int) throws -> FitOptions {
    var options = try FitOptions(epochs: training.epochs ?? iterations, batchSize: training.batchSize)
    options.shuffle = training.usesEpochs
    options.seed = architecture.seed
    options.l2 = training.l2
    options.dropout = try training.dropoutRates()
    options.syncCheck = checkSync
    if let text = training.lrSchedule {
      options.schedule = try LearningRateSchedule(
        parsing: text, initialLearningRate: settings.learningRate, warmupEpochs: training.warmup,
        totalEpochs: options.epochs)
    } else if training.warmup > 0 {
      options.schedule = try LearningRateSchedule(
        initialLearningRate: settings.learningRate, warmupEpochs: training.warmup, totalEpochs: options.epochs)
    }
    if let patience = training.earlyStopping {
      options.earlyStopping = try EarlyStopping(patience: patience, minDelta: training.minDelta)
    }
    if let text = training.classWeight { options.classWeights = try ClassWeights(parsing: text) }
    options.clipNorm = safety.clipNorm
    if safety.checkpointDir != nil { options.checkpoint = try CheckpointPolicy(every: safety.checkpointEvery) }
    // The course's loop (no --epochs) reports costs only, unless metrics are asked for.
    if training.usesEpochs || training.metrics != nil {
      options.metrics = try training.metricNames(for: architecture.output)
    }
    options.exactTrainingMetrics = training.exactTrainMetrics
    try options.validate(hiddenLayers: hiddenLayers)
    return options
  }

  /// What produced the model, as stored in its metadata.
  /// The model file's record of the run (the library's ``TrainingRecord``), with the command
  /// line's own keys: the splits, the starting network, determinism and the command.
  private func hyperparameters<Scalar>(
    network: Network<Scalar>, preprocessing: Preprocessing, settings: OptimizerSettings, options: FitOptions,
    resumed: [String]?
  ) -> [String: String] {
    var record =
      training.usesEpochs
      ? TrainingRecord(network: network, preprocessing: preprocessing, optimizer: settings, options: options)
      : TrainingRecord(network: network, preprocessing: preprocessing, optimizer: settings, iterations: iterations)
    record.recordInitialization(initializer: initializer, seed: architecture.seed, generator: rng)
    if let split = data.validationSplit { record["validation_split"] = String(split) }
    if let split = data.testSplit { record["test_split"] = String(split) }
    if data.stratify { record["stratify"] = "true" }
    if let initFile { record["init"] = initFile }
    if let world = Distributed.world { record["ranks"] = String(world.size) }
    if safety.deterministic { record["deterministic"] = "true" }
    // The resolved command, for `--config-from`: a resumed run's is the one it was started with.
    let command = resumed ?? recordedConfiguration
    if let data = try? JSONSerialization.data(
      withJSONObject: Array(command.dropFirst()), options: [.withoutEscapingSlashes])
    {
      record["command"] = String(decoding: data, as: UTF8.self)
    }
    record["working_directory"] = command.first ?? ""
    return record.values
  }

  private func checkFeatures<Scalar>(_ set: LoadedSet<Scalar>, sizes: [Int], file: String) throws {
    guard set.featureCount == sizes[0] else {
      throw ConfigurationError(
        parameter: "--layers",
        "n0 is \(sizes[0]) but \(file) has \(set.featureCount) features per example; "
          + "the first size must equal the number of features")
    }
  }

  /// Prints the set's final score and returns it by its `--scores` name (`test_accuracy`, `train_mse`, …).
  private func report<Scalar>(
    _ network: Network<Scalar>, x: Examples<Scalar>, y: Matrix<Scalar>, name: String
  ) throws -> [String: Double] {
    if network.output.isClassification {
      let accuracy = try network.accuracy(x, labels: y)
      print("\(name) accuracy: \(fixed(accuracy))")
      return ["\(name.lowercased())_accuracy": accuracy]
    }
    let error = try network.meanSquaredError(x, labels: y)
    print("\(name) mean squared error: \(fixed(error))")
    return ["\(name.lowercased())_mse": error]
  }
}

/// Writes a line to standard error (progress and summaries; results go to standard output).
enum FileHandleOutput {
  static func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}

/// `backprop train --resume DIR|CHECKPOINT [--threads N] [other train options]`.
struct TrainResume: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Continue a checkpointed training run with the options it was started with (--epochs may extend it).")

  @Option(
    help: ArgumentHelp(
      "A checkpoint file, or a --checkpoint-dir folder (its newest checkpoint).", valueName: "dir|checkpoint"))
  var resume: String

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  @Argument(
    parsing: .allUnrecognized,
    help: ArgumentHelp(
      "Other train options: they must match the run's, except --epochs or --iterations (raise them to train "
        + "further), --print-every and --quiet.", valueName: "train options"))
  var options: [String] = []

  func run() throws {
    let given = try RunFile.expand(options)
    try Train.resume(from: resume, runtime: runtime, given: given)  // applies the recorded runtime options, then these
  }
}
