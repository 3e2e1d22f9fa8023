import BackpropTestSupport
import Foundation
import Testing

/// Playwright for Python, when installed (`python3 -m pip install playwright`; it drives the
/// system's Chromium, so no browser download is needed).
enum Playwright {
  static let isInstalled: Bool = {
    guard
      let result = try? Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import playwright"])
    else { return false }
    return result.status == 0
  }()
}

/// `backprop playground` in a real browser: scripts/playground-e2e.py learns the spiral on the page,
/// downloads the model and checks it with `backprop evaluate` and the page's command, sends bad
/// settings, measures the frame rate and opens two pages at once; then SIGTERM stops the server.
@Suite(
  .enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"),
  .enabled(if: Chromium.url != nil, "chromium is not installed (apt-get install chromium): playground test skipped"),
  .enabled(if: Playwright.isInstalled, "playwright is not installed (python3 -m pip install playwright): skipped"))
struct PlaygroundBrowserTests {
  /// The repository's root.
  static let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()

  @Test(.timeLimit(.minutes(5)))
  func learnsTheSpiralInChromium() throws {
    guard let backprop = BackpropExecutable.url else { return }
    let server = Process()
    server.executableURL = backprop
    server.arguments = ["playground", "--port", "0"]
    let output = Pipe()
    server.standardOutput = output
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer { if server.isRunning { server.terminate() } }
    // The first line: "Playground on http://127.0.0.1:PORT".
    var line = Data()
    let handle = output.fileHandleForReading
    while !line.contains(0x0A) {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      line += chunk
    }
    let text = String(decoding: line, as: UTF8.self)
    let url = try #require(text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    #expect(text.hasPrefix("Playground on http://127.0.0.1:"), "\(text)")

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("playground-e2e-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let script = Self.root.appendingPathComponent("scripts/playground-e2e.py").path
    let result = try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", script, "--url", url, "--backprop", backprop.path, "--out", folder.path, "--measure"])
    #expect(result.status == 0, "\(result.combined)")
    #expect(result.output.contains("playground end-to-end: passed"), "\(result.combined)")

    // SIGTERM stops the server cleanly.
    server.terminate()
    let deadline = Date().addingTimeInterval(10)
    while server.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(!server.isRunning)
    #expect(server.terminationReason == .exit && server.terminationStatus == 0)
  }
}
