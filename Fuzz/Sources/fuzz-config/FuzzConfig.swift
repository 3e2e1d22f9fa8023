import BackpropRunFile
import Foundation
import FuzzSupport

/// `train`'s long options, as the run file reader is given them (the command
/// line takes them from `train --help`; this list holds the common ones and the
/// ones a run file may not set).
let knownOptions: Set<String> = [
  "data", "x", "y", "target", "test", "validation", "layers", "activation", "output", "loss", "standardize",
  "epochs", "iterations", "batch-size", "optimizer", "learning-rate", "momentum", "beta1", "beta2", "l2",
  "dropout", "batch-norm", "schedule", "early-stopping", "patience", "clip-norm", "seed", "deterministic",
  "dtype", "blas", "threads", "save", "events", "quiet", "report", "checkpoint-dir", "checkpoint-every", "keep",
  "config", "config-from", "resume", "help",
]

/// The input as a `train --config` run file (YAML or JSON): it gives arguments
/// or throws a ``RunFileError`` naming `--config` and the file, nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Data(UnsafeBufferPointer(start: data, count: size))
  do {
    let arguments = try RunFileReader.arguments(runFile: bytes, path: FuzzInput.name, knownOptions: knownOptions)
    // Every option it gives is a known one a run file may set.
    for argument in arguments where argument.hasPrefix("--") && knownOptions.contains(String(argument.dropFirst(2))) {
      precondition(!RunFileReader.excludedOptions.contains(String(argument.dropFirst(2))), "run file gave \(argument)")
    }
  } catch {
    precondition(
      error.option == "--config" && error.path == FuzzInput.name,
      "RunFileError names '\(error.option) \(error.path)', not '--config \(FuzzInput.name)': \(error)")
  }
  return 0
}
