import ArgumentParser
import Backprop
import Foundation

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train an L-layer network by gradient descent on NumPy arrays (the course's L_layer_model).",
    discussion: """
      Inputs are .npy files with one example per row (the first axis is the sample axis; the other
      axes are flattened in C order into features, as x.reshape(m, -1) does). Labels are (m,), (m, 1)
      or (1, m): 0/1 for a sigmoid output, class indices 0…K−1 for softmax, real targets for identity.

      The course's cat classifier, reproducing its published numbers:
        backprop train --x train_x.npy --y train_y.npy --test-x test_x.npy --test-y test_y.npy \\
          --scale 255 --layers 12288,20,7,5,1 --activation relu --output sigmoid \\
          --learning-rate 0.0075 --iterations 2500 --dtype float64 --rng numpy --seed 1 \\
          --initializer course --print-every 100
      """
  )

  @OptionGroup(title: "Data") var data: DataOptions
  @OptionGroup(title: "Network") var architecture: ArchitectureOptions

  @Option(help: ArgumentHelp("How W starts: course (randn/√n[l-1]), small (randn×0.01), he, xavier, lecun.", valueName: "name"))
  var initializer: Initializer = .course

  @Option(help: ArgumentHelp("Random generator: default, or numpy (NumPy's legacy np.random.seed/randn, bit for bit).", valueName: "name"))
  var rng: GeneratorKind = .default

  @Option(
    name: .customLong("init"),
    help: ArgumentHelp("Start from these parameters instead of an initializer: an .npz with W1, b1, …, WL, bL (the course's shapes).", valueName: "file.npz"))
  var initFile: String?

  @Option(parsing: .unconditional, help: "α, the learning rate of gradient descent.")
  var learningRate: Double = 0.0075

  @Option(help: "Number of gradient-descent iterations over the full batch.")
  var iterations: Int = 2500

  @Option(help: "Scalar type for training: float32 (faster) or float64 (the course's NumPy precision).")
  var dtype: DType = .float32

  @Option(help: ArgumentHelp("Print 'Cost after iteration i: c' every K iterations (0: never).", valueName: "K"))
  var printEvery: Int = 100

  @Option(help: ArgumentHelp("Write the trained parameters as W1, b1, …, WL, bL to this .npz.", valueName: "file.npz"))
  var save: String?

  mutating func validate() throws {
    if learningRate <= 0 || !learningRate.isFinite {
      throw ValidationError("--learning-rate \(learningRate): the learning rate must be a positive finite number")
    }
    if iterations < 0 { throw ValidationError("--iterations \(iterations): must be 0 or more") }
    if printEvery < 0 { throw ValidationError("--print-every \(printEvery): must be 0 or more") }
    do {
      try Network<Double>.validate(layerSizes: architecture.layers.sizes)
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    switch dtype {
    case .float32: try run(as: Float.self)
    case .float64: try run(as: Double.self)
    }
  }

  private func run<Scalar: MatrixScalar>(as _: Scalar.Type) throws {
    if let save { try AtomicFile.checkWritable(save) }
    let training = try data.trainingSet(as: Scalar.self)
    let test = try data.testSet(as: Scalar.self)
    let sizes = architecture.layers.sizes
    try checkFeatures(training.x, sizes: sizes, file: data.x)
    if let test { try checkFeatures(test.x, sizes: sizes, file: data.testX ?? "--test-x") }

    var network: Network<Scalar>
    if let initFile {
      network = try CourseParameters.read(
        path: initFile, hiddenActivation: architecture.activation, output: architecture.output, as: Scalar.self)
      guard network.layerSizes == sizes else {
        throw ConfigurationError(
          option: "--init",
          "\(initFile) holds a network of sizes \(network.layerSizes.map(String.init).joined(separator: ",")) "
            + "but --layers is \(architecture.layers)")
      }
    } else {
      var generator = try rng.makeGenerator(seed: architecture.seed)
      network = try Network<Scalar>(
        layerSizes: sizes, hiddenActivation: architecture.activation, output: architecture.output,
        initializer: initializer, using: &generator)
    }
    // Check the labels before the first iteration, with a clear message.
    try network.output.validate(labels: training.y, outputUnits: sizes[sizes.count - 1], examples: training.x.columns)

    let trainer = try Trainer(optimizer: GradientDescent(learningRate: Scalar(learningRate)), iterations: iterations)
    let start = Date()
    let every = printEvery
    let last = iterations - 1
    try trainer.train(&network, x: training.x, y: training.y) { i, cost in
      if every > 0, i % every == 0 || i == last {
        print("Cost after iteration \(i): \(fixed(cost))")
      }
      return true
    }
    let seconds = Date().timeIntervalSince(start)

    try report(network, x: training.x, y: training.y, name: "Train")
    if let test { try report(network, x: test.x, y: test.y, name: "Test") }
    FileHandleOutput.standardError(
      "Trained \(network.depth) layers (\(network.parameterCount) parameters) on \(training.x.columns) examples, "
        + "\(iterations) iterations in \(fixed(seconds, 2)) s")
    if let save {
      try CourseParameters.write(network, to: save)
      FileHandleOutput.standardError("Saved W1, b1, …, W\(network.depth), b\(network.depth) to \(save)")
    }
  }

  private func checkFeatures<Scalar>(_ x: Matrix<Scalar>, sizes: [Int], file: String) throws {
    guard x.rows == sizes[0] else {
      throw ConfigurationError(
        option: "--layers",
        "n0 is \(sizes[0]) but \(file) has \(x.rows) features per example; the first size must equal the number of features")
    }
  }

  private func report<Scalar>(_ network: Network<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>, name: String) throws {
    if network.output.isClassification {
      print("\(name) accuracy: \(fixed(try network.accuracy(x, labels: y)))")
    } else {
      print("\(name) mean squared error: \(fixed(try network.meanSquaredError(x, labels: y)))")
    }
  }
}

/// `--x/--y/--test-x/--test-y/--scale`: where the examples come from.
struct DataOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Training inputs, .npy, one example per row (first axis = examples).", valueName: "file.npy"))
  var x: String

  @Option(help: ArgumentHelp("Training labels, .npy, shaped (m,), (m, 1) or (1, m).", valueName: "file.npy"))
  var y: String

  @Option(name: .customLong("test-x"), help: ArgumentHelp("Test inputs, .npy (optional).", valueName: "file.npy"))
  var testX: String?

  @Option(name: .customLong("test-y"), help: ArgumentHelp("Test labels, .npy (with --test-x).", valueName: "file.npy"))
  var testY: String?

  @Option(help: ArgumentHelp("Divide every input by K (e.g. 255 for 8-bit pixels).", valueName: "K"))
  var scale: Double?

  mutating func validate() throws {
    if (testX == nil) != (testY == nil) {
      throw ValidationError("--test-x and --test-y go together: give both or neither")
    }
    if let scale, scale == 0 || !scale.isFinite {
      throw ValidationError("--scale \(scale): must be a finite non-zero number")
    }
  }

  func trainingSet<Scalar: MatrixScalar>(as _: Scalar.Type) throws -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    try LabeledData.load(inputs: x, labels: y, scale: scale, as: Scalar.self)
  }

  func testSet<Scalar: MatrixScalar>(as _: Scalar.Type) throws -> (x: Matrix<Scalar>, y: Matrix<Scalar>)? {
    guard let testX, let testY else { return nil }
    return try LabeledData.load(inputs: testX, labels: testY, scale: scale, as: Scalar.self)
  }
}

/// Writes a line to standard error (progress and summaries; results go to standard output).
enum FileHandleOutput {
  static func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
