import ArgumentParser
import Backprop
import BackpropPlayground
import Foundation

/// `backprop playground`: a live page that trains a network in this process and shows it learning.
struct PlaygroundCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "playground",
    abstract: "A live page in your browser: build an L-layer network and watch it learn, unit by unit.",
    discussion: """
      Opens a small web server; point a browser at the address it prints. On the page:
      pick a 2-D data set (the notes' planar flower, a spiral, circles, XOR, two
      Gaussians, a regression surface), its noise and train/test split, feature
      crosses (x1², x1·x2, sin x1 …); add hidden layers and units and pick each
      layer's activation; press play. Each unit shows its own A[l] over the input
      plane, each edge W[l]; the output shows the decision boundary over the train
      and test points; J is plotted per iteration; a layer's shapes (W, b, Z, A,
      dZ, dW for the current m) are listed with their formulas. "gradient check"
      compares backprop's dW with finite differences on the current network.

      Training runs here, with the same engine as `backprop train`. Take the run
      away: the model (.safetensors), the `backprop train` command and run file
      that reproduce it bit for bit (pause first: pausing finishes the epoch in
      progress), and the HTML report.

      Stop with Ctrl-C.
      """)

  @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
  var port = 8080

  @Option(
    help: ArgumentHelp(
      "The address to listen on: 127.0.0.1 (this machine only), or 0.0.0.0 for every network.", valueName: "ip"))
  var host = "127.0.0.1"

  @Flag(help: "Open the page in the default browser (xdg-open or open, where present).")
  var open = false

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port \(port): give a port from 0 to 65535") }
  }

  func run() throws {
    // One thread per product: the sessions (one per page) train side by side on their own threads.
    Kernels.threadCount = 1
    let server: PlaygroundServer
    do { server = try PlaygroundServer(host: host, port: port) } catch { throw ValidationError(error.message) }
    // SIGINT and SIGTERM stop the server cleanly; run() then returns.
    let signals = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        FileHandleOutput.standardError("backprop playground: stopping")
        Task { await server.stop() }
      }
      source.resume()
      return source
    }
    defer { signals.forEach { $0.cancel() } }
    let failure = Failure()
    let finished = DispatchSemaphore(value: 0)
    let open = open
    Task {
      do {
        try await server.run { url in
          FileHandle.standardOutput.write(Data("Playground on \(url)\n".utf8))
          if open { Self.openBrowser(url) }
        }
      } catch {
        failure.set(error)
      }
      finished.signal()
    }
    finished.wait()
    if let error = failure.error {
      FileHandleOutput.standardError("Error: \(error)")
      throw ExitCode.failure
    }
  }

  /// Runs xdg-open (or macOS's open) on `url` when one is installed.
  static func openBrowser(_ url: String) {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in ["xdg-open", "open"] {
      guard let folder = paths.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") })
      else { continue }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "\(folder)/\(name)")
      process.arguments = [url]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      if (try? process.run()) != nil { return }
    }
    FileHandleOutput.standardError("backprop playground: no xdg-open or open found; open \(url) in a browser")
  }
}

/// The error that ended the server, handed from its task to the command.
private final class Failure: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: (any Error)?
  func set(_ error: any Error) { lock.withLock { stored = error } }
  var error: (any Error)? { lock.withLock { stored } }
}
