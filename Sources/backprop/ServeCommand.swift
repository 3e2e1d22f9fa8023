import ArgumentParser
import Backprop
import BackpropServe
import Foundation
import Synchronization

/// `backprop serve`: a saved model's predictions over HTTP.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a saved model's predictions over HTTP: POST /predict, GET /model, GET /health.",
    discussion: """
      Listens on 127.0.0.1 (this machine only) unless --host says otherwise,
      and prints one line once it takes requests:
        Serving iris.safetensors (float32, …) on http://127.0.0.1:8080

      Send raw features (the model's preprocessing is applied for you), one
      instance per example, as JSON (arrays, or objects keyed by the feature
      names of a model trained on a CSV) or as CSV rows (an optional header
      row names the features, in any order):
        curl -s localhost:8080/predict -d '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'
        curl -s localhost:8080/predict \\
          -d '{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5,
                              "petal_length": 1.4, "petal_width": 0.2}]}'
        curl -s localhost:8080/predict -H 'Content-Type: text/csv' \\
          --data-binary @new-flowers.csv
      The answer, what `backprop predict` writes for the same rows:
        {"predictions":[{"class":"setosa","probabilities":[0.97,0.02,0.01]}]}
      (sigmoid: the probability of class 1; regression: {"value": …}).
      `curl localhost:8080/model` shows the layers, names and preprocessing.
      Errors are JSON too, {"error": "…"}, with status 400 (saying what is
      wrong and where), 404, 405, 413 (over --max-body or --max-rows) or 503
      (over --max-queue; retry after a second).

      Concurrent requests are predicted together, in one forward pass of up to
      --max-batch rows. Ctrl-C or SIGTERM stops taking connections, finishes
      the requests in flight (for up to 5 seconds) and exits with status 0; a
      second one exits at once (130 or 143).
      """
  )

  @Option(help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`.", valueName: "file"))
  var model: String

  @Option(
    help: ArgumentHelp(
      "The address to listen on: 127.0.0.1 takes this machine's requests only; 0.0.0.0 every network's.",
      valueName: "address"))
  var host = "127.0.0.1"

  @Option(help: ArgumentHelp("The port to listen on; 0 picks a free one (printed).", valueName: "port"))
  var port = 8080

  @Option(help: ArgumentHelp("The largest request body, in bytes (413 above it).", valueName: "bytes"))
  var maxBody = ServeConfiguration().maxBody

  @Option(help: ArgumentHelp("The most instances in one request (413 above it).", valueName: "n"))
  var maxRows = ServeConfiguration().maxRows

  @Option(help: ArgumentHelp("The most rows predicted in one forward pass.", valueName: "n"))
  var maxBatch = ServeConfiguration().maxBatch

  @Option(
    help: ArgumentHelp(
      "The longest a request waits for others to join its batch, in milliseconds (only while others are arriving).",
      valueName: "ms"))
  var maxDelay = ServeConfiguration().maxDelay * 1000

  @Option(
    help: ArgumentHelp("The most rows waiting for the model (503 with Retry-After above it).", valueName: "n"))
  var maxQueue = ServeConfiguration().maxQueue

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if !(0...65535).contains(port) { throw ValidationError("--port \(port): give 0 to 65535 (0 picks a free port)") }
    for (value, name) in [(maxBody, "--max-body"), (maxRows, "--max-rows"), (maxBatch, "--max-batch")] where value < 1 {
      throw ValidationError("\(name) \(value): needs at least 1")
    }
    if maxQueue < 1 { throw ValidationError("--max-queue \(maxQueue): needs at least 1") }
    if !(maxDelay >= 0 && maxDelay <= 10_000) {
      throw ValidationError("--max-delay \(maxDelay): give 0 to 10000 milliseconds")
    }
  }

  func run() throws {
    runtime.apply()
    try withModel(at: model, self)
  }
}

extension ServeCommand: ModelAction {
  /// The stopping signals received.
  private static let signalsReceived = Atomic<Int>(0)

  func callAsFunction<Scalar: MatrixScalar>(_ loaded: Model<Scalar>) throws {
    var configuration = ServeConfiguration()
    configuration.host = host
    configuration.port = port
    configuration.maxBody = maxBody
    configuration.maxRows = maxRows
    configuration.maxBatch = maxBatch
    configuration.maxDelay = maxDelay / 1000
    configuration.maxQueue = maxQueue
    let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
    let server: ModelServer<Scalar>
    do {
      server = try ModelServer(model: loaded, name: name, configuration: configuration)
    } catch {
      throw ValidationError(error.message)
    }
    let sizes = loaded.network.layerSizes.map(String.init).joined(separator: ",")
    let summary = "\(model) (\(Scalar.dtypeName), layers \(sizes), \(loaded.network.output.rawValue))"

    // SIGINT and SIGTERM stop the server gracefully (run() then returns); a second one exits at once.
    let signals = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [source] in
        // Signals that come together are delivered as one event; data counts them.
        let count = Int(source.data)
        guard Self.signalsReceived.add(count, ordering: .relaxed).newValue == 1 else {
          FileHandleOutput.standardError("backprop serve: stopped at once by a second signal")
          Foundation.exit(128 + number)
        }
        FileHandleOutput.standardError("backprop serve: stopping; finishing the requests in flight")
        Task { await server.stop() }
      }
      source.resume()
      return source
    }
    defer { signals.forEach { $0.cancel() } }

    let outcome = Outcome()
    let finished = DispatchSemaphore(value: 0)
    Task {
      do {
        try await server.run { url in
          FileHandle.standardOutput.write(Data("Serving \(summary) on \(url)\n".utf8))
        }
      } catch {
        outcome.fail(error)
      }
      finished.signal()
    }
    finished.wait()
    if let error = outcome.error { throw error }
    FileHandleOutput.standardError("backprop serve: stopped after \(server.batcher.batches) forward passes")
  }
}

/// The error that ended the server, if any, handed from its task to the command.
private final class Outcome: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: (any Error)?
  func fail(_ error: any Error) { lock.withLock { stored = error } }
  var error: (any Error)? { lock.withLock { stored } }
}
