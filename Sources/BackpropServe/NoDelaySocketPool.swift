import FlyingFox
import FlyingSocks
import Foundation

/// FlyingFox's socket pool, with Nagle's algorithm turned off (`TCP_NODELAY`) on every
/// socket it waits on — the listening socket first (accepted connections inherit it on
/// Linux), then each connection.
///
/// FlyingFox writes a response's head and body in two writes. With Nagle's algorithm the
/// body waits until the client acknowledges the head, and a client delays that
/// acknowledgement (up to 40 ms on Linux): every keep-alive request would take 40 ms.
package struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
  package let base: Base

  package init(base: Base) { self.base = base }

  package func prepare() async throws { try await base.prepare() }

  package func run() async throws { try await base.run() }

  package func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
    var one: Int32 = 1
    // A socket that is not TCP refuses the option; nothing else changes for it.
    _ = setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    try await base.suspendSocket(socket, untilReadyFor: events)
  }
}
