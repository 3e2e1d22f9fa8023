import FlyingFox
import FlyingSocks
import Foundation

/// What `backprop serve` and `backprop playground` share of running a FlyingFox server: the
/// socket address from `--host` and `--port`, Nagle's algorithm off on every socket
/// (``NoDelaySocketPool``), the wait until it listens, its URL, and what to say when it cannot
/// listen. Package-wide: the playground's server is built on it too.
package enum HTTPListener {
  /// Why a server cannot listen, said for the command line (`--port 70000: give a port …`).
  package struct Failure: Error, Sendable {
    /// The message, naming the option or the address.
    package var message: String
  }

  /// FlyingFox's configuration for `host` (an IP address, or `localhost`) and `port` (0: a free one).
  /// - Parameters:
  ///   - host: `127.0.0.1`, `0.0.0.0`, `::1` … or `localhost`.
  ///   - port: 0…65535.
  ///   - timeout: how long a connection may take to send a request, in seconds.
  /// - Throws: ``Failure`` naming `--host` or `--port`.
  package static func configuration(host: String, port: Int, timeout: Double) throws(Failure)
    -> HTTPServer.Configuration
  {
    guard (0...65535).contains(port) else {
      throw Failure(message: "--port \(port): give a port from 0 to 65535 (0 picks a free one)")
    }
    let ip = host == "localhost" ? "127.0.0.1" : host
    let address: any SocketAddress
    if let ip4 = try? sockaddr_in.inet(ip4: ip, port: UInt16(port)) {
      address = ip4
    } else if let ip6 = try? sockaddr_in6.inet6(ip6: ip.trimmingCharacters(in: ["[", "]"]), port: UInt16(port)) {
      address = ip6
    } else {
      throw Failure(
        message: "--host \(host): give an IP address (127.0.0.1 for this machine only, 0.0.0.0 for every network, ::1)")
    }
    return HTTPServer.Configuration(
      address: address, timeout: timeout, pool: NoDelaySocketPool(base: HTTPServer.defaultPool()),
      logger: DisabledLogger.disabled)
  }

  /// Runs `server` until it stops or fails, calling `onListening` with its URL once it takes connections.
  /// - Parameters:
  ///   - server: the server to run.
  ///   - host: the host asked for, for the URL when the address is not an IP one.
  ///   - port: the port asked for, likewise.
  ///   - onListening: called once, with the URL (`http://127.0.0.1:8080`).
  /// - Throws: what the server's run throws (see ``failure(_:host:port:)``).
  package static func run(
    _ server: HTTPServer, host: String, port: Int, onListening: @escaping @Sendable (String) -> Void
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      group.addTask {
        // Polled, so that cancelling stops it at once (FlyingFox's waitUntilListening waits for its timeout).
        while await !server.isListening { try await Task.sleep(for: .milliseconds(2)) }
        onListening(url(await server.listeningAddress, host: host, port: port))
      }
      // The first error ends the group and cancels the other task (waitForAll would wait for it).
      while try await group.next() != nil {}
    }
  }

  /// The URL of a listening address.
  static func url(_ address: Socket.Address?, host: String, port: Int) -> String {
    switch address {
    case .ip4(let ip, let port): "http://\(ip):\(port)"
    case .ip6(let ip, let port): "http://[\(ip)]:\(port)"
    default: "http://\(host):\(port)"
    }
  }

  /// What to say about a server that could not listen on `host`:`port`, saying what to do.
  /// - Parameters:
  ///   - error: what the server's run threw.
  ///   - host: the host asked for.
  ///   - port: the port asked for.
  package static func failure(_ error: any Error, host: String, port: Int) -> Failure {
    let place = "\(host):\(port)"
    if case SocketError.failed(_, let code, _) = error {
      switch code {
      case EADDRINUSE:
        return Failure(
          message: "cannot listen on \(place): the port is in use (pick another --port, or --port 0 for a free one)")
      case EADDRNOTAVAIL:
        return Failure(message: "cannot listen on \(place): the address is not one of this machine's (--host)")
      case EACCES:
        return Failure(message: "cannot listen on \(place): permission denied (ports below 1024 need privileges)")
      default: break
      }
    }
    return Failure(message: "cannot listen on \(place): \(error.localizedDescription)")
  }
}
