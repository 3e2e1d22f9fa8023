import BackpropPlayground
import Foundation
import Testing

/// A session driven by its messages, as a page drives it, without a browser.
struct PlaygroundSessionTests {
  /// The messages a session sent, by type, collected across threads.
  final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages = [[String: Any]]()

    func add(_ text: String) {
      guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
      lock.withLock { messages.append(object) }
    }

    func of(_ type: String) -> [[String: Any]] { lock.withLock { messages.filter { $0["type"] as? String == type } } }

    /// Waits up to `seconds` until `condition` holds.
    func wait(_ seconds: Double = 20, until condition: () -> Bool) -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
      }
      return condition()
    }
  }

  @Test func playsPausesAtAnEpochBoundaryAndAnswersBadRequests() throws {
    let inbox = Inbox()
    let session = PlaygroundSession { inbox.add($0) }
    session.start()
    defer { session.close() }
    #expect(inbox.of("hello").count == 1)
    session.receive(#"{"type":"configure","settings":{"dataset":"xor","output":"sigmoid"}}"#)
    #expect(inbox.wait { !inbox.of("data").isEmpty && !inbox.of("frame").isEmpty })
    session.receive(#"{"type":"play"}"#)
    #expect(inbox.wait { inbox.of("frame").count > 5 })
    session.receive(#"{"type":"pause"}"#)
    #expect(inbox.wait { inbox.of("frame").last?["playing"] as? Bool == false })
    Thread.sleep(forTimeInterval: 0.1)
    let paused = try #require(inbox.of("frame").last)
    #expect(paused["examplesIntoEpoch"] as? Int == 0)
    #expect((paused["command"] as? String)?.contains("--epochs \(paused["epoch"] as? Int ?? -1)") == true)
    #expect(session.snapshot?.epochsCompleted == paused["epoch"] as? Int)

    for bad in [
      #"{"type":"configure","settings":{"layers":[{"units":10000,"activation":"relu"}]}}"#,
      #"{"type":"configure","settings":{"layers":[{"units":4,"activation":"swish"}]}}"#,
      #"{"type":"configure","settings":{"learningRate":"fast"}}"#, #"{"type":"dance"}"#, "not json",
    ] {
      let before = inbox.of("error").count
      session.receive(bad)
      #expect(inbox.wait { inbox.of("error").count == before + 1 }, "\(bad)")
    }
    let messages = inbox.of("error").compactMap { $0["message"] as? String }
    #expect(messages.contains { $0.contains("10000 units") })
    #expect(messages.contains { $0.contains("unknown activation 'swish'") })
    session.receive(#"{"type":"gradcheck"}"#)
    #expect(inbox.wait { !inbox.of("gradcheck").isEmpty })
  }
}
