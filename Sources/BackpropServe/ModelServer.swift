import Backprop
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// A saved model behind HTTP: the routes of `backprop serve` on a FlyingFox server, every
/// prediction going through one ``MicroBatcher``.
///
/// ```swift
/// let server = try ModelServer(model: model, name: "iris", configuration: ServeConfiguration())
/// try await server.run { url in print("Serving iris on \(url)") }   // returns after stop()
/// ```
public final class ModelServer<Scalar: MatrixScalar>: Sendable {
  /// Where it listens and the limits it keeps.
  public let configuration: ServeConfiguration
  /// The batcher that runs the model.
  public let batcher: MicroBatcher<Scalar>
  private let server: HTTPServer
  private let stopping = Atomic<Bool>(false)
  /// The requests being answered.
  private let inFlight: RequestCounter
  /// The task that runs the server, cancelled once the requests in flight are answered.
  private let serving = Mutex<Task<Void, any Error>?>(nil)

  /// A server for `model` (not listening until ``run(onListening:)``).
  /// - Parameters:
  ///   - model: The model to serve.
  ///   - name: Its name in `/v1/models/<name>` and `GET /model`.
  ///   - configuration: Where to listen and the limits to keep.
  /// - Throws: ``ServeError`` when `configuration.host` is not an IP address (or `localhost`)
  ///   or the port is out of range.
  public init(model: Model<Scalar>, name: String, configuration: ServeConfiguration) throws(ServeError) {
    let serverConfiguration: HTTPServer.Configuration
    do {
      serverConfiguration = try HTTPListener.configuration(
        host: configuration.host, port: configuration.port, timeout: configuration.requestTimeout)
    } catch {
      throw .badRequest(error.message)
    }
    self.configuration = configuration
    batcher = MicroBatcher(
      model: model, maxBatch: configuration.maxBatch, maxDelay: configuration.maxDelay,
      maxQueue: configuration.maxQueue)
    let inFlight = RequestCounter()
    self.inFlight = inFlight
    server = HTTPServer(
      config: serverConfiguration,
      handler: Routes(batcher: batcher, name: name, configuration: configuration, inFlight: inFlight))
  }

  /// Listens and answers requests until ``stop()``; calls `onListening` with the
  /// server's URL (`http://127.0.0.1:8080`) once it is listening.
  /// - Parameter onListening: Called once, with the URL, when the server takes connections.
  /// - Throws: ``ServeError`` when the server cannot listen (the port is in use, the address is not this machine's).
  public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
    let task = Task {
      try await HTTPListener.run(
        server, host: configuration.host, port: configuration.port, onListening: onListening)
    }
    serving.withLock { $0 = task }
    do {
      try await withTaskCancellationHandler {
        try await task.value
      } onCancel: {
        task.cancel()
      }
    } catch {
      if stopping.load(ordering: .sequentiallyConsistent) { return }
      batcher.shutdown()
      throw ServeError(
        status: 500, HTTPListener.failure(error, host: configuration.host, port: configuration.port).message)
    }
  }

  /// Stops taking connections, finishes the requests in flight (waiting at most
  /// `configuration.shutdownTimeout` seconds), then stops the batcher;
  /// ``run(onListening:)`` then returns.
  public func stop() async {
    stopping.store(true, ordering: .sequentiallyConsistent)
    // FlyingFox's stop closes the listening socket and the idle connections, then waits for its
    // task to end, which (its accept loop aside) the requests answered let happen: once none is in
    // flight, and their responses written, the task is cancelled.
    async let stopped: Void = server.stop(timeout: configuration.shutdownTimeout)
    let deadline = ContinuousClock.now + .seconds(configuration.shutdownTimeout)
    while inFlight.count > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    try? await Task.sleep(for: .milliseconds(50))
    serving.withLock { $0?.cancel() }
    await stopped
    batcher.shutdown()
  }
}

/// The number of requests being answered (from the handler's start to its return).
final class RequestCounter: Sendable {
  private let value = Atomic<Int>(0)
  var count: Int { value.load(ordering: .sequentiallyConsistent) }
  func begin() { value.add(1, ordering: .sequentiallyConsistent) }
  func end() { value.subtract(1, ordering: .sequentiallyConsistent) }
}
