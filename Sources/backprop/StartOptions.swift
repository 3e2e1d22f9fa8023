import ArgumentParser
import Backprop

/// How the parameters W[l], b[l] start: an initializer and its random generator, or a file.
struct StartOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "How W starts: course (randn/√n[l-1]), small (randn×0.01), he, xavier, lecun.", valueName: "name"))
  var initializer: Initializer = .course

  @Option(
    help: ArgumentHelp(
      "Random generator: default, or numpy (NumPy's legacy np.random.seed/randn, bit for bit).", valueName: "name"))
  var rng: GeneratorKind = .default

  @Option(
    name: .customLong("init"),
    help: ArgumentHelp(
      "Start from these parameters instead of an initializer: an .npz with W1, b1, …, WL, bL (the course's shapes), "
        + "or a model file (train --save, backprop import) to train further: its layers, activations, output, "
        + "batch normalisation and preprocessing are kept (not refitted); --layers, --activation, --output given "
        + "must agree with it, and --scale, --standardize, --min-max are refused.",
      valueName: "file.npz|model.safetensors"))
  var initFile: String?
}

extension ArchitectureOptions {
  /// Takes the architecture of `model` (read from `path`, the `--init` file): --layers, --activation
  /// and --output become the model's, and each one given must already agree with it.
  /// - Throws: ``ConfigurationError`` naming the option and the model when they differ, or when
  ///   preprocessing or batch normalisation options would change the model.
  mutating func adopt<Scalar>(_ model: Model<Scalar>, from path: String, data: DataOptions, batchNorm: Bool) throws {
    let network = model.network
    let sizes = LayerSizes(network.layerSizes)
    if let givenLayers, givenLayers.sizes != sizes.sizes {
      throw ConfigurationError(
        parameter: "--layers", "\(givenLayers) differs from --init \(path), whose layers are \(sizes); leave it out")
    }
    let hidden = Array(network.layers.dropLast().map(\.activation))
    if let givenActivation {
      // One name stands for every hidden layer; a list is compared layer by layer.
      let given = try givenActivation.expanded(hiddenLayers: hidden.count)
      if let l = hidden.indices.first(where: { given[$0] != hidden[$0] }) {
        throw ConfigurationError(
          parameter: "--activation",
          "\(givenActivation) differs from --init \(path): its layer \(l + 1) uses \(hidden[l]), not \(given[l]) "
            + "(its hidden layers: \(HiddenActivations(hidden))); leave it out")
      }
    }
    if let givenOutput, givenOutput != network.output {
      throw ConfigurationError(
        parameter: "--output",
        "\(givenOutput) differs from --init \(path), whose output is \(network.output); leave it out")
    }
    if batchNorm && !network.isBatchNormalized {
      throw ConfigurationError(
        parameter: "--batch-norm", "--init \(path) has no batch normalisation, and a model's layers are kept")
    }
    if data.scale != nil || data.preprocessingMethod != .none {
      throw ConfigurationError(
        parameter: "--init",
        "\(path) brings its own preprocessing ('\(model.preprocessing.method.rawValue)'), applied as it is; "
          + "leave out --scale, --standardize and --min-max")
    }
    givenLayers = sizes
    givenActivation = hidden.isEmpty ? givenActivation : HiddenActivations(hidden)
    givenOutput = network.output
  }
}

/// The course's full-batch gradient descent: α and the number of iterations.
struct DescentOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "α, the learning rate. Default: 0.0075 (the course's) for sgd, else the optimizer's usual one (adam 0.001).",
      valueName: "α"))
  var learningRate: Double?

  @Option(
    name: .customLong("iterations"),
    help: ArgumentHelp(
      "Number of full-batch gradient-descent iterations, instead of --epochs. Default: 2500.", valueName: "n"))
  var givenIterations: Int?

  /// The iterations given, or the course's 2500.
  var iterations: Int { givenIterations ?? 2500 }
}
