import Backprop
import Foundation

/// One open page: its run, trained on a thread of its own, and the messages both ways.
///
/// The page sends JSON requests (`configure` with the settings, `play`, `pause`, `step`, `reset`,
/// `gradcheck`); the session answers with `hello`, `settings`, `data`, `frame`, `gradcheck` and
/// `error` messages through `send`. While playing it trains one epoch per frame (or until the
/// frame is due), at most ``framesPerSecond`` frames a second. Pausing finishes the epoch in
/// progress, so that a paused run is always at an epoch boundary and its command reproduces it;
/// a step trains one mini-batch, and the command then says the epochs completed before it.
public final class PlaygroundSession: @unchecked Sendable {
  /// The session's name in download addresses (`/session/<id>/model.safetensors`).
  public let id: String
  /// The most frames sent per second while playing.
  public static let framesPerSecond = 30.0

  private let send: @Sendable (String) -> Void
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var inbox = [String]()
  private var closed = false
  private var playingNow = false
  private var latest: PlaygroundRun?

  // The training thread's own:
  private var run: PlaygroundRun?
  private var plane: PlaygroundPlane?
  private var playing = false

  /// A session that sends its messages (JSON text) through `send`.
  /// - Parameters:
  ///   - id: its name in download addresses.
  ///   - send: called with each message, on the session's thread.
  public init(id: String = UUID().uuidString.lowercased(), send: @escaping @Sendable (String) -> Void) {
    self.id = id
    self.send = send
  }

  /// Sends `hello` and starts the training thread.
  public func start() {
    let hello = Hello(
      session: id, version: backpropVersion,
      limits: .init(maxLayers: PlaygroundSettings.maximumLayers, maxUnits: PlaygroundSettings.maximumUnits))
    emit(hello)
    let thread = Thread { [self] in loop() }
    thread.name = "playground \(id)"
    thread.start()
  }

  /// Queues a request from the page (handled in order on the session's thread).
  /// - Parameter text: the request's JSON.
  public func receive(_ text: String) {
    condition.lock()
    if text.utf8.count <= 1 << 16 { inbox.append(text) } else { inbox.append("{\"type\":\"too-long\"}") }
    condition.signal()
    condition.unlock()
  }

  /// Stops the training thread (the page closed).
  public func close() {
    condition.lock()
    closed = true
    condition.signal()
    condition.unlock()
  }

  /// The run as of the last frame, for downloads; nil before the first valid settings.
  public var snapshot: PlaygroundRun? {
    condition.lock()
    defer { condition.unlock() }
    return latest
  }

  /// Whether the session is training now.
  public var isPlaying: Bool {
    condition.lock()
    defer { condition.unlock() }
    return playingNow
  }

  // MARK: - The training thread

  private func loop() {
    let clock = ContinuousClock()
    let interval = Duration.seconds(1 / Self.framesPerSecond)
    var due = clock.now
    while true {
      condition.lock()
      while inbox.isEmpty && !playing && !closed { condition.wait() }
      if closed {
        condition.unlock()
        return
      }
      let requests = inbox
      inbox = []
      condition.unlock()
      for request in requests { handle(request) }
      guard playing, var current = run, let plane else { continue }
      // Frames at a fixed rate: each is due one interval after the last (or now, when behind).
      due = max(due + interval, clock.now)
      do {
        try current.trainSlice(until: due)
        run = current
        sendFrame(current, plane: plane)
      } catch {
        run = current
        playing = false
        emit(ErrorMessage(message: "training stopped: \(error); lower the learning rate, or reset"))
        sendFrame(current, plane: plane)
      }
      let left = clock.now.duration(to: due)
      if left > .zero { Thread.sleep(forTimeInterval: Double(left.components.attoseconds) / 1e18) }
    }
  }

  /// Carries out one request from the page.
  func handle(_ text: String) {
    let request: Request
    do {
      request = try JSONDecoder().decode(Request.self, from: Data(text.utf8))
    } catch {
      emit(ErrorMessage(message: "the page sent a message the playground cannot read (\(Self.reason(error)))"))
      return
    }
    do {
      switch request.type {
      case "configure": try configure(request.settings ?? PlaygroundSettings())
      case "play":
        guard run != nil else { throw PlaygroundError("choose valid settings first") }
        playing = true
      case "pause":
        playing = false
        try update { try $0.finishEpoch() }
      case "step":
        playing = false
        try update { try $0.step() }
      case "reset": try update { try $0.reset() }
      case "gradcheck": try gradientCheck()
      case "too-long": throw PlaygroundError("the message is longer than 64 KiB")
      default:
        throw PlaygroundError(
          "unknown request '\(request.type)'; the page sends configure, play, pause, step, reset or gradcheck")
      }
    } catch {
      playing = false
      emit(
        ErrorMessage(message: (error as? PlaygroundError)?.message ?? "\(error)", settings: run?.configuration.settings)
      )
      if let run, let plane { sendFrame(run, plane: plane) }
    }
  }

  /// New settings: validated, a new run, then `settings`, `data` and a first frame.
  private func configure(_ settings: PlaygroundSettings) throws {
    let configuration = try settings.validated()
    let fresh = try PlaygroundRun(configuration)
    let newPlane = PlaygroundPlane(around: [fresh.trainingPoints, fresh.testPoints], data: configuration.data)
    run = fresh
    plane = newPlane
    emit(SettingsMessage(settings: configuration.settings, command: fresh.command, runFile: fresh.runFile))
    emit(PlaygroundDataMessage(fresh, plane: newPlane))
    sendFrame(fresh, plane: newPlane)
  }

  /// Applies `change` to the run and sends a frame.
  private func update(_ change: (inout PlaygroundRun) throws -> Void) throws {
    guard var current = run, let plane else { throw PlaygroundError("choose valid settings first") }
    defer {
      run = current
      sendFrame(current, plane: plane)
    }
    try change(&current)
  }

  private func gradientCheck() throws {
    guard let run else { throw PlaygroundError("choose valid settings first") }
    let report = try run.gradientCheck()
    let threshold = 1e-7
    let kinked = run.network.layers.contains {
      switch $0.activation {
      case .relu, .leakyReLU, .prelu, .step: true
      default: false
      }
    }
    emit(
      GradientCheckMessage(
        layers: report.layerErrors.enumerated().map { .init(layer: $0.offset + 1, relativeError: $0.element) },
        overall: report.overallError, threshold: threshold, passed: report.passes(threshold: threshold),
        note: "on \(min(run.training.x.columns, PlaygroundRun.gradientCheckExamples)) training examples, ε = 1e-7"
          + (kinked
            ? "; ReLU-like units have a kink at z = 0 where the finite differences straddle it: an error "
              + "above the threshold there need not mean backprop is wrong (try tanh to see it pass)" : "")))
  }

  private func sendFrame(_ run: PlaygroundRun, plane: PlaygroundPlane) {
    condition.lock()
    latest = run
    playingNow = playing
    condition.unlock()
    do {
      var frame = try run.frame(over: plane, playing: playing)
      frame.command = run.command
      emit(frame)
    } catch {
      emit(ErrorMessage(message: "could not draw the network: \(error)"))
    }
  }

  private func emit(_ message: some Encodable) {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    guard let data = try? encoder.encode(message) else { return }
    send(String(decoding: data, as: UTF8.self))
  }

  /// A decoding error in a few words.
  static func reason(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
      .dataCorrupted(let context):
      let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
      return (path.isEmpty ? "" : "\(path): ") + context.debugDescription
    default: return "\(error)"
    }
  }

  // MARK: - Messages

  struct Request: Decodable {
    var type: String
    var settings: PlaygroundSettings?
  }

  struct Hello: Encodable {
    struct Limits: Encodable {
      var maxLayers: Int
      var maxUnits: Int
    }
    var type = "hello"
    var session: String
    var version: String
    var limits: Limits
  }

  struct SettingsMessage: Encodable {
    var type = "settings"
    var settings: PlaygroundSettings
    var command: String
    var runFile: String
  }

  struct GradientCheckMessage: Encodable {
    struct Layer: Encodable {
      var layer: Int
      var relativeError: Double
    }
    var type = "gradcheck"
    var layers: [Layer]
    var overall: Double
    var threshold: Double
    var passed: Bool
    var note: String
  }

  struct ErrorMessage: Encodable {
    var type = "error"
    var message: String
    var settings: PlaygroundSettings?
  }
}
