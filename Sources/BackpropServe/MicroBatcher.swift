import Backprop
import Foundation

/// Gathers the rows of concurrent prediction requests into one matrix X (n[0], m)
/// and predicts them with one forward pass — one matrix product per layer —
/// then hands each request its own columns of A[L].
///
/// One worker thread runs the model. It takes whatever is queued as soon as it
/// is free; while requests that have started (``predict(reading:)``) are still
/// reading their bodies, it waits for them, at most `maxDelay` after the oldest
/// queued request arrived, or until `maxBatch` rows are queued. A single request
/// at a time is thus never delayed, and under load the batches grow by themselves.
/// The queue is bounded: a request that would take it past `maxQueue` rows fails
/// with ``ServeError`` 503 at once.
///
/// ```swift
/// let batcher = MicroBatcher(model: model, maxBatch: 256, maxDelay: 0.002, maxQueue: 8192)
/// let a = try await batcher.predict(Instances(rows: [[5.1, 3.5, 1.4, 0.2]]))   // A[L], (n[L], 1)
/// ```
public final class MicroBatcher<Scalar: MatrixScalar>: @unchecked Sendable {
  /// The model every batch goes through.
  public let model: Model<Scalar>
  /// The most rows in one forward pass (a larger request is predicted alone).
  public let maxBatch: Int
  /// The longest a queued request waits for others, in seconds.
  public let maxDelay: Double
  /// The most rows waiting at once.
  public let maxQueue: Int
  /// n[0].
  private let featureCount: Int

  private struct Pending {
    var instances: Instances
    var arrival: Date
    var continuation: CheckedContinuation<Result<Matrix<Scalar>, ServeError>, Never>
  }

  // Everything below is guarded by `condition`'s lock.
  private let condition = NSCondition()
  private var queue = [Pending]()
  private var queuedRows = 0
  /// Requests that have started but not yet queued their rows (reading or parsing their bodies).
  private var arriving = 0
  private var stopping = false
  private var batchCount = 0
  private var worker: Thread?

  /// A batcher for `model`, with its worker thread started.
  /// - Parameters:
  ///   - model: The model to predict with.
  ///   - maxBatch: The most rows in one forward pass (at least 1).
  ///   - maxDelay: The longest a queued request waits for others to join its batch, in seconds.
  ///   - maxQueue: The most rows waiting for the model; more gives 503.
  public init(model: Model<Scalar>, maxBatch: Int = 256, maxDelay: Double = 0.002, maxQueue: Int = 8192) {
    self.model = model
    self.maxBatch = Swift.max(maxBatch, 1)
    self.maxDelay = Swift.max(maxDelay, 0)
    self.maxQueue = Swift.max(maxQueue, 1)
    featureCount = model.network.layerSizes[0]
    // The thread holds the batcher until ``shutdown()``.
    let thread = Thread { self.work() }
    thread.name = "backprop-serve-batcher"
    worker = thread
    thread.start()
  }

  /// The number of forward passes so far.
  public var batches: Int { condition.withLock { batchCount } }

  /// The rows queued for the model now (at most `maxQueue`).
  public var waitingRows: Int { condition.withLock { queuedRows } }

  /// A[L] for `instances`: (n[L], m), column j the model's output for instance j
  /// (probabilities for sigmoid/softmax outputs, values for identity).
  /// - Parameter instances: The request's examples, n[0] features each.
  /// - Throws: ``ServeError``: 503 when the queue is full or the batcher has stopped.
  public func predict(_ instances: Instances) async throws(ServeError) -> Matrix<Scalar> {
    try await predict { instances }
  }

  /// A[L] for the instances `read` returns: the batcher counts the request from
  /// now, so that a batch forming meanwhile may wait for its rows.
  /// - Parameter read: Reads and parses the request's body.
  /// - Throws: What `read` throws, or ``ServeError`` 503 when the queue is full or the batcher has stopped.
  public func predict(reading read: () async throws(ServeError) -> Instances) async throws(ServeError) -> Matrix<
    Scalar
  > {
    condition.withLock { arriving += 1 }
    let instances: Instances
    do {
      instances = try await read()
    } catch {
      condition.withLock {
        arriving -= 1
        condition.broadcast()
      }
      throw error
    }
    let result = await withCheckedContinuation { continuation in
      if let refusal = enqueue(Pending(instances: instances, arrival: Date(), continuation: continuation)) {
        continuation.resume(returning: .failure(refusal))
      }
    }
    return try result.get()
  }

  /// Queues a request's rows, or says why not.
  private func enqueue(_ pending: Pending) -> ServeError? {
    condition.lock()
    defer { condition.unlock() }
    arriving -= 1
    condition.broadcast()
    if stopping { return ServeError(status: 503, "the server is shutting down") }
    let n = featureCount
    if pending.instances.featureCount != n {
      return .badRequest("instances of \(pending.instances.featureCount) features; the model takes \(n)")
    }
    let rows = pending.instances.count
    if queuedRows > 0, queuedRows + rows > maxQueue {
      return .overloaded(
        "\(queuedRows) rows are waiting for the model; the server queues at most \(maxQueue) (--max-queue)")
    }
    queue.append(pending)
    queuedRows += rows
    return nil
  }

  /// Stops the worker once the queued requests are answered; later requests get 503.
  public func shutdown() {
    condition.withLock {
      stopping = true
      condition.broadcast()
    }
  }

  /// The worker: waits for rows, forms a batch, predicts it, answers each request.
  private func work() {
    while let batch = nextBatch() {
      let results = predict(batch)
      for (pending, result) in zip(batch, results) { pending.continuation.resume(returning: result) }
    }
  }

  /// The next batch: whole requests, in arrival order, at most `maxBatch` rows (or
  /// one larger request); nil once stopping with nothing queued.
  private func nextBatch() -> [Pending]? {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty {
      if stopping { return nil }
      condition.wait()
    }
    // Wait for requests still reading their bodies, up to maxDelay after the oldest arrival.
    let deadline = queue[0].arrival.addingTimeInterval(maxDelay)
    while queuedRows < maxBatch, arriving > 0, !stopping {
      if !condition.wait(until: deadline) { break }
    }
    var rows = 0
    var count = 0
    while count < queue.count, count == 0 || rows + queue[count].instances.count <= maxBatch {
      rows += queue[count].instances.count
      count += 1
    }
    let batch = Array(queue.prefix(count))
    queue.removeFirst(count)
    queuedRows -= rows
    batchCount += 1
    return batch
  }

  /// One forward pass over the batch's rows, split back per request.
  private func predict(_ batch: [Pending]) -> [Result<Matrix<Scalar>, ServeError>] {
    let n = featureCount
    let m = batch.reduce(0) { $0 + $1.instances.count }
    var scalars = [Scalar]()
    scalars.reserveCapacity(m * n)
    for pending in batch { scalars.append(contentsOf: pending.instances.values.lazy.map { Scalar($0) }) }
    do {
      let x = try Matrix(rows: n, columns: m, columnMajor: scalars)
      let a = try model.predict(x).outputs
      let units = a.rows
      var offset = 0
      return try batch.map { pending in
        let k = pending.instances.count
        defer { offset += k }
        return .success(
          try Matrix(rows: units, columns: k, columnMajor: Array(a.scalars[(offset * units)..<((offset + k) * units)])))
      }
    } catch {
      let failure = ServeError(status: 500, "the model could not predict this batch: \(error)")
      return batch.map { _ in .failure(failure) }
    }
  }
}
