import ArgumentParser
import Backprop
import Foundation
import BackpropSweep

@main
struct BackpropCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backprop",
    abstract: "Build, train and run deep fully connected neural networks, as the deeplearning.ai notes write them.",
    discussion: """
      Start with `backprop demo` (no files needed), or watch a network learn
      in your browser: `backprop playground --open`. Train on your own data:
        backprop train --x X.npy --y Y.npy --layers n0,n1,…,nL
        backprop train --data table.csv --layers n0,…,nL --output softmax
      Each command has its own --help; `backprop gradcheck` checks
      backpropagation against finite differences.

      `backprop convert` turns a CSV table larger than memory (or MNIST's
      IDX files) into .npy arrays and their statistics, in one pass:
        backprop convert --data big.csv --out big

      `backprop train … --report DIR` writes an HTML report of the run
      (curves, metrics, confusion matrix, layer table); `backprop report`
      rebuilds one, or makes one for a saved model.

      `backprop sweep` searches hyperparameters: one training run per
      combination (grid) or random draw, in parallel, ranked, the best
      model kept, all cost curves on one chart:
        backprop sweep --out DIR --vary 'learning-rate=log:1e-4..1e-1:4' \\
          -- <train options>

      `backprop export` writes a saved model as one ONNX graph (preprocessing,
      layers and output), to run with ONNX Runtime without Backprop:
        backprop export --model m.safetensors --out m.onnx
      `backprop import` reads one back, or a PyTorch or scikit-learn network
      exported to ONNX, as a model file (to predict, or to train further):
        backprop import m.onnx --out m.safetensors

      `backprop serve` answers predictions over HTTP (JSON or CSV in, JSON out):
        backprop serve --model m.safetensors --port 8080
        curl -s localhost:8080/predict -d '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'

      `backprop info` shows the matrix-product backend (system BLAS or
      built-in kernel) and threads. Shell completion:
        backprop --generate-completion-script bash|zsh|fish

      Exit status: 0 success, 1 a failure during a run (e.g. divergence),
      2 bad usage or input, 128+N after signal N (130 for Ctrl-C).
      """,
    subcommands: [
      Demo.self, PlaygroundCommand.self, Train.self, ConvertCommand.self, SweepCommand.self, Predict.self,
      Evaluate.self, ExportCommand.self, ImportCommand.self, ServeCommand.self,
      Inspect.self, Explain.self,
      ReportCommand.self, GradientCheckCommand.self, Info.self,
    ]
  )

  /// `backprop train --resume …` takes its options from the checkpoint, so it is
  /// parsed on its own (the other `train` options are not required); everything
  /// else goes through the usual parser.
  static func main() {
    // A file-size limit (ulimit -f) makes writes fail with EFBIG, reported as an
    // error naming the file, instead of killing the process mid-write.
    signal(SIGXFSZ, SIG_IGN)
    // `--warmup -1` as `--warmup=-1`, so that a negative value reaches its option's range check.
    let arguments = NegativeNumberArguments.attached(Array(CommandLine.arguments.dropFirst()))
    if arguments.first == "train", arguments.contains(where: { $0 == "--resume" || $0.hasPrefix("--resume=") }) {
      run(TrainResume.self, Array(arguments.dropFirst()))
    }
    if arguments.first == "train" {
      do {
        RunFile.resolvedArguments = try RunFile.expand(Array(arguments.dropFirst()))
      } catch {
        FileHandle.standardError.write(
          Data((FlagNames.message(BackpropCommand.fullMessage(for: error), for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      run(BackpropCommand.self, ["train"] + RunFile.resolvedArguments)
    }
    run(BackpropCommand.self, arguments)
  }

  /// Parses and runs a command, exiting with the project's codes: 0 success,
  /// 1 a failure during the run (training diverged, a file could not be
  /// written), 2 bad usage or bad input (an unknown option, a value out of
  /// range, a malformed or mismatched file), 128 + N after signal N.
  static func run(_ root: any ParsableCommand.Type, _ arguments: [String]) -> Never {
    do {
      var command = try root.parseAsRoot(arguments)
      try command.run()
      try StandardOutput.flush()
      Distributed.finish()
      Foundation.exit(0)
    } catch {
      let code = root.exitCode(for: error)
      if code == .success { root.exit(withError: error) }  // --help, --version, completion scripts
      // Library names as flags (FlagNames), then the run file that gave the value.
      var message = RunFile.locating(FlagNames.message(root.fullMessage(for: error), for: error))
      // Under a launcher, the ranks other than 0 keep quiet about usage errors (every rank has the
      // same arguments, so rank 0 says it once) and name themselves in any other.
      if let rank = MPICommunicator.launcherRank, rank > 0, MPICommunicator.launcherSize ?? 1 > 1 {
        message = exitStatus(for: error, parserCode: code.rawValue) == 2 ? "" : "rank \(rank): " + message
      }
      if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
      Foundation.exit(exitStatus(for: error, parserCode: code.rawValue))
    }
  }

  /// 2 for usage and input errors, 1 for failures during a run, explicit codes as given.
  static func exitStatus(for error: Error, parserCode: Int32) -> Int32 {
    switch error {
    case let explicit as ExitCode: return explicit.rawValue
    case is ValidationError, is ConfigurationError, is DataError, is FileFormatError, is ShapeError: return 2
    default: return parserCode == 64 ? 2 : 1
    }
  }
}
