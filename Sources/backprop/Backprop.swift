import ArgumentParser
import Backprop
import Foundation

@main
struct BackpropCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backprop",
    abstract: "Build, train and run deep fully connected neural networks, as the deeplearning.ai notes write them.",
    discussion: """
      Start with `backprop demo` (no files needed). Train on your own NumPy arrays with
      `backprop train --x X.npy --y Y.npy --layers n0,n1,…,nL`; check backpropagation with
      `backprop gradcheck`. Each command has its own --help.

      `backprop info` shows the matrix-product backend (system BLAS or built-in kernel) and threads.
      """,
    subcommands: [Demo.self, Train.self, Predict.self, Evaluate.self, Inspect.self, GradientCheckCommand.self, Info.self]
  )

  /// `backprop train --resume …` takes its options from the checkpoint, so it is
  /// parsed on its own (the other `train` options are not required); everything
  /// else goes through the usual parser.
  static func main() {
    // A file-size limit (ulimit -f) makes writes fail with EFBIG, reported as an
    // error naming the file, instead of killing the process mid-write.
    signal(SIGXFSZ, SIG_IGN)
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "train", arguments.contains(where: { $0 == "--resume" || $0.hasPrefix("--resume=") }) {
      TrainResume.main(Array(arguments.dropFirst()))
      return
    }
    main(nil)
  }
}
