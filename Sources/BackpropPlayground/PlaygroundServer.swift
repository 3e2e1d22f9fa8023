import Backprop
import BackpropServe
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// The playground over HTTP: the page at `/`, one ``PlaygroundSession`` per WebSocket at
/// `/socket`, and each session's downloads at `/session/<id>/model.safetensors`, `train.sh`,
/// `run.yaml` and `report.html`.
///
/// ```swift
/// let server = try PlaygroundServer(host: "127.0.0.1", port: 8080)
/// try await server.run { url in print("Playground on \(url)") }   // returns after stop()
/// ```
public final class PlaygroundServer: Sendable {
  /// The address asked for.
  public let host: String
  /// The port asked for (0: a free one).
  public let port: Int
  private let server: HTTPServer
  private let sessions: SessionRegistry
  private let stopping = Atomic<Bool>(false)

  /// A server (not listening until ``run(onListening:)``).
  /// - Parameters:
  ///   - host: an IP address (`127.0.0.1`, `0.0.0.0`, `::1`) or `localhost`.
  ///   - port: 0…65535; 0 picks a free port.
  /// - Throws: ``PlaygroundError`` naming `--host` or `--port` when they cannot be used.
  public init(host: String, port: Int) throws(PlaygroundError) {
    let configuration: HTTPServer.Configuration
    do {
      configuration = try HTTPListener.configuration(host: host, port: port, timeout: 60)
    } catch {
      throw PlaygroundError(error.message)
    }
    self.host = host
    self.port = port
    let sessions = SessionRegistry()
    self.sessions = sessions
    server = HTTPServer(
      config: configuration,
      handler: PlaygroundRoutes(sessions: sessions))
  }

  /// Listens until ``stop()``; calls `onListening` with the URL (`http://127.0.0.1:8080`) once it is listening.
  /// - Parameter onListening: called once, with the URL.
  /// - Throws: ``PlaygroundError`` when it cannot listen (the port is in use, the address is not this machine's).
  public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
    do {
      try await HTTPListener.run(server, host: host, port: port, onListening: onListening)
    } catch {
      // A stopped server's accept loop ends with an error of its own: not a failure.
      if stopping.load(ordering: .sequentiallyConsistent) || error is CancellationError { return }
      throw PlaygroundError(HTTPListener.failure(error, host: host, port: port).message)
    }
  }

  /// Closes every session and stops the server; ``run(onListening:)`` then returns.
  public func stop() async {
    stopping.store(true, ordering: .sequentiallyConsistent)
    sessions.closeAll()
    await server.stop(timeout: 1)
  }
}

/// The open sessions by id.
final class SessionRegistry: Sendable {
  private let sessions = Mutex<[String: PlaygroundSession]>([:])

  /// The most pages open at once (each trains on a thread of its own).
  static let maximumSessions = 16

  /// Adds `session`, or returns false when ``maximumSessions`` are open.
  func add(_ session: PlaygroundSession) -> Bool {
    sessions.withLock { open in
      guard open.count < Self.maximumSessions else { return false }
      open[session.id] = session
      return true
    }
  }
  func remove(_ id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }
  func session(_ id: String) -> PlaygroundSession? { sessions.withLock { $0[id] } }

  func closeAll() {
    for session in sessions.withLock({ Array($0.values) }) { session.close() }
  }
}

/// A WebSocket's messages to and from its own session.
struct PlaygroundSocket: WSMessageHandler {
  let sessions: SessionRegistry

  func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
    let (messages, continuation) = AsyncStream<WSMessage>.makeStream(bufferingPolicy: .bufferingNewest(512))
    let session = PlaygroundSession { continuation.yield(.text($0)) }
    guard sessions.add(session) else {
      let message =
        "{\"type\":\"error\",\"message\":\"\(SessionRegistry.maximumSessions) playground pages are open "
        + "already; close one and reload this page\"}"
      continuation.yield(.text(message))
      continuation.yield(.close(.init(1013)))
      continuation.finish()
      return messages
    }
    session.start()
    let registry = sessions
    Task {
      for await message in client {
        if case .text(let text) = message { session.receive(text) }
      }
      session.close()
      registry.remove(session.id)
      continuation.finish()
    }
    return messages
  }
}

/// The server's routes.
struct PlaygroundRoutes: HTTPHandler {
  let sessions: SessionRegistry
  let socket: WebSocketHTTPHandler

  init(sessions: SessionRegistry) {
    self.sessions = sessions
    socket = .webSocket(PlaygroundSocket(sessions: sessions))
  }

  func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
    let path = request.path
    if path == "/socket" { return try await socket.handleRequest(request) }
    guard request.method == .GET || request.method == .HEAD else {
      return Self.text(405, "the playground answers GET requests only")
    }
    if path == "/" || path == "/index.html" {
      return HTTPResponse(
        statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8", .init("Cache-Control"): "no-store"],
        body: Data(PlaygroundPage.document.utf8))
    }
    let parts = path.split(separator: "/").map(String.init)
    guard parts.count == 3, parts[0] == "session" else { return Self.text(404, "no page at \(path)") }
    guard let session = sessions.session(parts[1]) else {
      return Self.text(404, "no open session \(parts[1]) (reload the playground page)")
    }
    guard let run = session.snapshot else { return Self.text(409, "the session has no valid settings yet") }
    do {
      switch parts[2] {
      case "model.safetensors":
        return Self.download(
          Data(try run.modelFile()), type: "application/octet-stream", name: "playground.safetensors")
      case "train.sh": return Self.download(Data(run.script.utf8), type: "text/x-shellscript", name: "train.sh")
      case "run.yaml": return Self.download(Data(run.runFile.utf8), type: "application/yaml", name: "run.yaml")
      case "report.html":
        return Self.download(Data(try run.report().html().utf8), type: "text/html; charset=utf-8", name: "report.html")
      default:
        return Self.text(404, "no download \(parts[2]); there are model.safetensors, train.sh, run.yaml, report.html")
      }
    } catch {
      return Self.text(500, "could not make \(parts[2]): \(error)")
    }
  }

  static func download(_ body: Data, type: String, name: String) -> HTTPResponse {
    HTTPResponse(
      statusCode: .ok,
      headers: [.contentType: type, .init("Content-Disposition"): "attachment; filename=\"\(name)\""], body: body)
  }

  static func text(_ status: Int, _ message: String) -> HTTPResponse {
    HTTPResponse(
      statusCode: HTTPStatusCode(status, phrase: status == 404 ? "Not Found" : "Error"),
      headers: [.contentType: "text/plain; charset=utf-8"], body: Data((message + "\n").utf8))
  }
}
