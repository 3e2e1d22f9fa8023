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
      "Start from these parameters instead of an initializer: an .npz with W1, b1, …, WL, bL (the course's shapes).",
      valueName: "file.npz"))
  var initFile: String?
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
