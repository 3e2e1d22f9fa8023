import Backprop
import BackpropTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `backprop serve` end to end: a trained model served on a free port, good and bad
/// requests over a plain socket, predictions equal to `backprop predict`'s, and a
/// SIGTERM while a request is in flight that still answers it and exits with 0.
///
/// Tolerance: the probabilities the server and `backprop predict` print for the same rows,
/// rtol 1e-5 (float32; the server's batch is a different matrix product than predict's).
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ServeCommandLineTests {
  /// A running `backprop serve` and the port it printed.
  final class Server {
    let process = Process()
    let port: UInt16
    let line: String
    private let errors = Pipe()
    private let output = Pipe()

    init(_ arguments: [String]) throws {
      let url = try #require(BackpropExecutable.url)
      process.executableURL = url
      process.arguments = ["serve"] + arguments
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      Subprocess.killIfStillRunning(process, after: 120)
      // The one line it prints once listening: "Serving … on http://127.0.0.1:PORT".
      var text = ""
      while !text.contains("\n") {
        let data = output.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
      }
      line = text.trimmingCharacters(in: .whitespacesAndNewlines)
      let portText = try #require(line.split(separator: ":").last, "no URL in: \(line)")
      port = try #require(UInt16(portText), "no port in: \(line)")
    }

    /// Sends SIGTERM and waits; the exit status and standard error.
    func terminate() -> (status: Int32, error: String) {
      if process.isRunning { kill(process.processIdentifier, SIGTERM) }
      process.waitUntilExit()
      return (
        process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      )
    }
  }

  /// An HTTP/1.1 exchange on a plain TCP socket: the status and the body.
  struct Exchange {
    let socket: Int32

    init(port: UInt16) throws {
      socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      var timeout = timeval(tv_sec: 30, tv_usec: 0)
      setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      try #require(connected == 0, "cannot connect to port \(port): errno \(errno)")
    }

    func send(_ bytes: [UInt8]) {
      var sent = 0
      while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if count <= 0 { return }
        sent += count
      }
    }

    /// The request's head (Connection: close) for a body of `length` bytes.
    static func head(_ method: String, _ path: String, length: Int, contentType: String) -> [UInt8] {
      Array(
        ("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(contentType)\r\n"
          + "Content-Length: \(length)\r\nConnection: close\r\n\r\n").utf8)
    }

    /// Reads the response to its end: the status (0 if none) and the body.
    func response() -> (status: Int, body: String) {
      var bytes = [UInt8]()
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        bytes += buffer[0..<count]
        // Stop at the end of the body (Content-Length), in case the server keeps the connection.
        let text = String(decoding: bytes, as: UTF8.self)
        if let split = text.range(of: "\r\n\r\n"),
          let lengthLine = text[..<split.lowerBound].split(separator: "\r\n").first(where: {
            $0.lowercased().hasPrefix("content-length:")
          }),
          let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
          bytes.count >= text[..<split.upperBound].utf8.count + length
        {
          break
        }
      }
      close(socket)
      let text = String(decoding: bytes, as: UTF8.self)
      let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
      let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
      return (status, body)
    }
  }

  /// One request and its response.
  func request(
    _ port: UInt16, _ method: String, _ path: String, _ body: String = "", contentType: String = "application/json"
  )
    throws -> (status: Int, body: String)
  {
    let exchange = try Exchange(port: port)
    exchange.send(Exchange.head(method, path, length: body.utf8.count, contentType: contentType) + Array(body.utf8))
    return exchange.response()
  }

  /// A folder with a three-class table (width, height → kind) and a model trained on it.
  func trainedModel() throws -> (folder: URL, model: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-serve-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 3)
    var lines = ["width,height,kind"]
    for j in 0..<90 {
      let base = Double(j % 3) * 3
      lines.append(
        "\(base + rng.nextGaussian() * 0.3),\(10 * base + rng.nextGaussian()),\(["small", "medium", "large"][j % 3])")
    }
    let table = folder.appendingPathComponent("sizes.csv").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let model = folder.appendingPathComponent("sizes.safetensors").path
    let trained = try BackpropExecutable.run([
      "train", "--data", table, "--target", "kind", "--layers", "2,8,3", "--activation", "tanh", "--output", "softmax",
      "--standardize", "--learning-rate", "0.5", "--iterations", "200", "--print-every", "0", "--save", model,
    ])
    try #require(trained.status == 0, "\(trained.error)")
    return (folder, model)
  }

  /// The probabilities of each prediction in a `{"predictions": […]}` body.
  func probabilities(_ body: String) throws -> [[Double]] {
    let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
    let predictions = try #require(json["predictions"] as? [[String: Any]], "\(body)")
    return try predictions.map { try #require($0["probabilities"] as? [Double], "\(body)") }
  }

  @Test func servesPredictionsAndErrorsThenStopsOnSIGTERM() throws {
    let (folder, model) = try trainedModel()
    defer { try? FileManager.default.removeItem(at: folder) }
    let rows = [[6.1, 59.0], [0.2, 1.0], [3.3, 31.0]]
    let csv = folder.appendingPathComponent("new.csv").path
    try ("width,height\n" + rows.map { "\($0[0]),\($0[1])" }.joined(separator: "\n") + "\n")
      .write(toFile: csv, atomically: true, encoding: .utf8)
    let predicted = try BackpropExecutable.run(["predict", "--model", model, "--data", csv])
    try #require(predicted.status == 0, "\(predicted.error)")
    let expected = predicted.output.split(separator: "\n").dropFirst().map { line in
      (
        class: String(line.split(separator: ",")[0]),
        probabilities: line.split(separator: ",").dropFirst().compactMap { Double($0) }
      )
    }

    let server = try Server(["--model", model, "--port", "0", "--max-body", "8192", "--max-rows", "300"])
    #expect(server.line.hasPrefix("Serving \(model) (float32, layers 2,8,3, softmax) on http://127.0.0.1:"))
    let port = server.port

    // Good requests: arrays, objects by name, CSV with a reordered header, the KServe path.
    let instances = #"{"instances": ["# + rows.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ") + "]}"
    let objects =
      #"{"instances": ["# + rows.map { #"{"height": \#($0[1]), "width": \#($0[0])}"# }.joined(separator: ", ") + "]}"
    let table = "height,width\n" + rows.map { "\($0[1]),\($0[0])" }.joined(separator: "\n")
    for (path, body, contentType) in [
      ("/predict", instances, "application/json"), ("/predict", objects, "application/json"),
      ("/predict", table, "text/csv"), ("/v1/models/sizes:predict", instances, "application/json"),
    ] {
      let answer = try request(port, "POST", path, body, contentType: contentType)
      #expect(answer.status == 200, "\(path) \(body): \(answer.body)")
      let got = try probabilities(answer.body)
      #expect(got.count == expected.count)
      for (g, e) in zip(got, expected) {
        #expect(g.count == e.probabilities.count)
        for (a, b) in zip(g, e.probabilities) {
          #expect(Swift.abs(a - b) <= 1e-5 * Swift.abs(b) + 1e-9, "\(g) vs \(e)")
        }
      }
      let classes = expected.map { #""class":"\#($0.class)""# }
      for name in classes { #expect(answer.body.contains(name), "\(answer.body) lacks \(name)") }
    }
    let health = try request(port, "GET", "/health")
    #expect(health.status == 200 && health.body == #"{"status":"ok"}"#)
    let description = try request(port, "GET", "/model")
    #expect(description.status == 200)
    for fragment in [
      #""featureNames":["width","height"]"#, #""classNames":["large","medium","small"]"#, #""method":"standardize""#,
    ] {
      #expect(description.body.contains(fragment), "GET /model lacks \(fragment): \(description.body)")
    }

    // Bad requests: each a JSON error with its status.
    let big = #"{"instances": ["# + Array(repeating: "[1, 2]", count: 2000).joined(separator: ",") + "]}"
    let many = #"{"instances": ["# + Array(repeating: "[1,2]", count: 301).joined(separator: ",") + "]}"
    let bad: [(String, String, String, Int, String)] = [
      (
        "POST", "/predict", #"{"instances": [[1, 2, 3]]}"#, 400,
        "instance 0 has 3 values; the model takes 2 features (width, height)"
      ),
      ("POST", "/predict", #"{"instances": [[1, NaN]]}"#, 400, "instance 0, feature 1 (height) is NaN"),
      ("POST", "/predict", #"{"instances": [[1, 2]"#, 400, "malformed JSON at byte 21"),
      ("POST", "/predict", #"{"instances": [{"width": 1}]}"#, 400, #"instance 0 lacks feature \"height\""#),
      ("POST", "/predict", big, 413, "larger than the server's limit of 8192 bytes (--max-body)"),
      ("POST", "/predict", many, 413, "301 instances in one request; the server takes at most 300 (--max-rows)"),
      ("POST", "/v1/models/other:predict", instances, 404, #"no model named \"other\"; this server serves \"sizes\""#),
      ("GET", "/nowhere", "", 404, "no route /nowhere"),
      ("GET", "/predict", "", 405, "GET /predict: use POST"),
      ("POST", "/health", "", 405, "POST /health: use GET"),
    ]
    for (method, path, body, status, fragment) in bad {
      let answer = try request(port, method, path, body)
      #expect(answer.status == status, "\(method) \(path): \(answer.status) \(answer.body)")
      #expect(
        answer.body.hasPrefix(#"{"error":""#) && answer.body.contains(fragment), "\(answer.body) lacks \(fragment)")
    }

    // A request in flight when SIGTERM comes (its body half sent) is still answered; then exit 0.
    let body = Array(
      (#"{"instances": ["# + Array(repeating: "[6.1, 59.0]", count: 250).joined(separator: ", ") + "]}").utf8)
    let exchange = try Exchange(port: port)
    exchange.send(Exchange.head("POST", "/predict", length: body.count, contentType: "application/json"))
    exchange.send(Array(body.prefix(5000)))
    Thread.sleep(forTimeInterval: 0.3)
    kill(server.process.processIdentifier, SIGTERM)
    Thread.sleep(forTimeInterval: 0.3)
    exchange.send(Array(body.dropFirst(5000)))
    let answer = exchange.response()
    #expect(answer.status == 200, "\(answer.body)")
    #expect(try probabilities(answer.body).count == 250)
    let stopped = server.terminate()
    #expect(stopped.status == 0, "\(stopped.error)")
    #expect(stopped.error.contains("stopping"))
    // Nothing listens any more.
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    #expect(connected != 0)
  }

  @Test func badModelsPortsAndOptionsAreClearErrors() throws {
    let (folder, model) = try trainedModel()
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try Server(["--model", model, "--port", "0"])
    defer { _ = server.terminate() }
    let cases: [([String], [String])] = [
      (["--model", model, "--port", "\(server.port)"], ["127.0.0.1:\(server.port)", "in use", "--port 0"]),
      (["--model", folder.appendingPathComponent("missing.safetensors").path], ["missing.safetensors"]),
      (["--model", model, "--host", "example.com"], ["--host example.com", "IP address"]),
      (["--model", model, "--port", "70000"], ["--port 70000"]),
      (["--model", model, "--max-delay", "-1"], ["--max-delay"]),
    ]
    for (arguments, fragments) in cases {
      let result = try BackpropExecutable.run(["serve"] + arguments)
      #expect(result.status != 0, "\(arguments) should fail")
      for fragment in fragments {
        #expect(result.error.contains(fragment), "\(arguments): '\(fragment)' not in: \(result.error)")
      }
    }
    let help = try BackpropExecutable.run(["serve", "--help"])
    #expect(help.status == 0 && help.output.contains("curl -s localhost:8080/predict"))
  }
}
