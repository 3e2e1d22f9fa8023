/// Where `backprop serve` listens and the limits it keeps.
public struct ServeConfiguration: Sendable, Hashable {
  /// The address to listen on: an IPv4 or IPv6 address (`127.0.0.1`, the default, takes
  /// only this machine's requests; `0.0.0.0` every network's), or `localhost`.
  public var host = "127.0.0.1"
  /// The port; 0 picks a free one.
  public var port = 8080
  /// The largest request body, in bytes (413 above it).
  public var maxBody = 1 << 20
  /// The most instances in one request (413 above it).
  public var maxRows = 4096
  /// The most rows in one forward pass.
  public var maxBatch = 256
  /// The longest a request waits for others to join its batch, in seconds.
  public var maxDelay = 0.002
  /// The most rows waiting for the model (503 with `Retry-After` above it).
  public var maxQueue = 8192
  /// How long a shutdown waits for the requests in flight, in seconds.
  public var shutdownTimeout = 5.0
  /// The longest a request may take, reading included, in seconds.
  public var requestTimeout = 15.0

  /// The defaults above.
  public init() {}
}
