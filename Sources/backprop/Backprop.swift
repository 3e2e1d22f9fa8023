import ArgumentParser
import Backprop

@main
struct BackpropCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backprop",
    abstract: "Build, train and run deep fully connected neural networks, as the deeplearning.ai notes write them.",
    discussion: """
      Start with `backprop demo` (no files needed). Train on your own NumPy arrays with
      `backprop train --x X.npy --y Y.npy --layers n0,n1,…,nL`; check backpropagation with
      `backprop gradcheck`. Each command has its own --help.

      `backprop train … --report DIR` writes an HTML report of the run (curves, metrics, confusion
      matrix, layer table); `backprop report` rebuilds one, or makes one for a saved model.

      `backprop info` shows the matrix-product backend (system BLAS or built-in kernel) and threads.
      """,
    subcommands: [
      Demo.self, Train.self, Predict.self, Evaluate.self, Inspect.self, ReportCommand.self, GradientCheckCommand.self,
      Info.self,
    ]
  )
}
