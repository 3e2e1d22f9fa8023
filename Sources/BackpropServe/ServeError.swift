/// Why a request to `backprop serve` failed: an HTTP status and a message that
/// names the thing and the place (`instance 3 has 5 values; the model takes 4
/// features (a, b, c, d)`, `malformed JSON at byte 17: …`). The server sends it
/// as `{"error": "…"}` with ``status``.
public struct ServeError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The HTTP status code: 400, 404, 405, 413, 500 or 503.
  public var status: Int
  /// What went wrong, for the client.
  public var message: String

  /// An error with the given status and message.
  /// - Parameters:
  ///   - status: The HTTP status code.
  ///   - message: What went wrong, naming the thing and the place.
  public init(status: Int, _ message: String) {
    self.status = status
    self.message = message
  }

  /// 400: the request cannot be read or does not fit the model.
  /// - Parameter message: What is wrong, and where.
  public static func badRequest(_ message: String) -> ServeError { ServeError(status: 400, message) }

  /// 413: the body or the number of instances is over the server's limit.
  /// - Parameter message: Which limit, and the option that sets it.
  public static func tooLarge(_ message: String) -> ServeError { ServeError(status: 413, message) }

  /// 503: the queue of rows waiting for the model is full (sent with `Retry-After`).
  /// - Parameter message: How full, and the option that sets the limit.
  public static func overloaded(_ message: String) -> ServeError { ServeError(status: 503, message) }

  /// The message (as the command line prints it).
  public var description: String { message }
}
