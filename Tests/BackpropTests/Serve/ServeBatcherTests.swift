import Backprop
import BackpropServe
import BackpropTestSupport
import Foundation
import Testing

/// The micro-batcher: concurrent requests are predicted together and each gets its own
/// columns of A[L] back, as `Model.predict` gives them for the request's rows alone.
///
/// Tolerance: a column of a batch's product and the same column predicted alone may differ
/// in the last bits (the matrix-product kernels block a wide X differently from one
/// column): rtol 1e-5 for float32, 1e-12 for float64.
struct ServeBatcherTests {
  static func model<Scalar: MatrixScalar>(_: Scalar.Type) throws -> Model<Scalar> {
    var rng = DefaultGenerator(seed: 11)
    let network = try Network<Scalar>(
      layerSizes: [3, 6, 4], hiddenActivation: .tanh, output: .softmax, initializer: .he, using: &rng)
    let preprocessing = try Preprocessing(method: .standardize, offsets: [1, -2, 0.5], scales: [2, 0.5, 3])
    return Model(network: network, preprocessing: preprocessing)
  }

  /// Rows of raw features for request `r` (1 to 4 rows).
  static func rows(_ r: Int) -> [[Double]] {
    (0...(r % 4)).map { k -> [Double] in
      let base = Double(r) * 0.37 - Double(k) * 1.3
      return (0..<3).map { f in base + Double(f) * 0.71 }
    }
  }

  func concurrentRequestsGetTheirOwnRows<Scalar: MatrixScalar>(_: Scalar.Type, rtol: Double) async throws {
    let model = try Self.model(Scalar.self)
    // A long delay: requests still reading their bodies (50 ms each) all join the first batch.
    let batcher = MicroBatcher(model: model, maxBatch: 1000, maxDelay: 5, maxQueue: 1000)
    defer { batcher.shutdown() }
    let requests = 24
    let results = try await withThrowingTaskGroup(of: (Int, Matrix<Scalar>).self) { group in
      for r in 0..<requests {
        group.addTask {
          let a = try await batcher.predict { () async throws(ServeError) -> Instances in
            try? await Task.sleep(for: .milliseconds(50))
            return Instances(rows: Self.rows(r))
          }
          return (r, a)
        }
      }
      return try await group.reduce(into: [Int: Matrix<Scalar>]()) { $0[$1.0] = $1.1 }
    }
    #expect(batcher.batches < requests, "\(batcher.batches) forward passes for \(requests) requests")
    for r in 0..<requests {
      let x = Matrix(rowMajor: Self.rows(r)).transposed.converted(to: Scalar.self)
      let alone = try model.predict(x).outputs
      let a = try #require(results[r])
      expectClose(a, alone, rtol: rtol, atol: rtol * 1e-3, "request \(r)")
    }
  }

  @Test func concurrentRequestsGetTheirOwnRowsFloat() async throws {
    try await concurrentRequestsGetTheirOwnRows(Float.self, rtol: 1e-5)
  }

  @Test func concurrentRequestsGetTheirOwnRowsDouble() async throws {
    try await concurrentRequestsGetTheirOwnRows(Double.self, rtol: 1e-12)
  }

  /// With an hour's delay, a request alone would hang if it waited for others: it does not
  /// (the test's time limit turns a wait into a failure; nothing here measures time).
  @Test(.timeLimit(.minutes(1))) func aSingleRequestIsNotDelayed() async throws {
    let batcher = MicroBatcher(model: try Self.model(Double.self), maxBatch: 8, maxDelay: 3_600, maxQueue: 100)
    defer { batcher.shutdown() }
    for r in 0..<5 { _ = try await batcher.predict(Instances(rows: Self.rows(r))) }
    #expect(batcher.batches == 5)
  }

  /// The order of events is held by a gate, not by sleeps: one request is reading its body
  /// (the gate closed), so a queued one waits for it (an hour's delay) and the queue fills.
  @Test(.timeLimit(.minutes(1))) func aFullQueueAndAStoppedBatcherRefuse() async throws {
    let batcher = MicroBatcher(model: try Self.model(Double.self), maxBatch: 10, maxDelay: 3_600, maxQueue: 3)
    let (gate, open) = AsyncStream<Void>.makeStream()
    let (reading, startsReading) = AsyncStream<Void>.makeStream()
    async let slow = batcher.predict { () async throws(ServeError) -> Instances in
      startsReading.yield()
      for await _ in gate { break }
      return Instances(rows: [[0, 0, 0]])
    }
    for await _ in reading { break }  // the batcher counts it as arriving from here
    async let first = batcher.predict(Instances(rows: [[1, 2, 3], [4, 5, 6]]))
    while batcher.waitingRows < 2 { try await Task.sleep(for: .milliseconds(1)) }
    // 2 rows queued (waiting for the slow request's), 2 more would pass --max-queue 3.
    await #expect(
      throws: ServeError.overloaded("2 rows are waiting for the model; the server queues at most 3 (--max-queue)")
    ) {
      try await batcher.predict(Instances(rows: [[1, 2, 3], [1, 2, 3]]))
    }
    open.yield()
    open.finish()
    #expect(try await first.columns == 2)
    #expect(try await slow.columns == 1)
    batcher.shutdown()
    await #expect(throws: ServeError(status: 503, "the server is shutting down")) {
      try await batcher.predict(Instances(rows: [[1, 2, 3]]))
    }
    // A request of the wrong width is refused, not mixed into a batch.
    let other = MicroBatcher(model: try Self.model(Double.self))
    defer { other.shutdown() }
    await #expect(throws: ServeError.badRequest("instances of 2 features; the model takes 3")) {
      try await other.predict(Instances(rows: [[1, 2]]))
    }
  }
}
