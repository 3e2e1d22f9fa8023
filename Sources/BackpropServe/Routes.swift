import Backprop
import FlyingFox
import Foundation

/// The server's routes, each answered with JSON (errors as `{"error": "…"}`):
///
/// - `POST /predict` (or `/v1/models/<name>:predict`): ``PredictionRequest`` in, ``PredictionResponse`` out.
/// - `GET /model` (or `/v1/models/<name>`): ``ModelDescription``.
/// - `GET /health`: `{"status":"ok"}`.
///
/// Another path gives 404, another method 405 (with `Allow`).
struct Routes<Scalar: MatrixScalar>: HTTPHandler {
  let batcher: MicroBatcher<Scalar>
  let name: String
  let schema: InstanceSchema
  let description: String
  let configuration: ServeConfiguration
  let inFlight: RequestCounter

  init(batcher: MicroBatcher<Scalar>, name: String, configuration: ServeConfiguration, inFlight: RequestCounter) {
    self.batcher = batcher
    self.inFlight = inFlight
    self.name = name
    self.configuration = configuration
    let model = batcher.model
    schema = InstanceSchema(featureCount: model.network.layerSizes[0], featureNames: model.featureNames)
    description = ModelDescription(model: model, name: name).json
  }

  /// What a path asks for.
  enum Route {
    case predict, model, health
  }

  func handleRequest(_ request: HTTPRequest) async -> HTTPResponse {
    inFlight.begin()
    defer { inFlight.end() }
    do throws(ServeError) {
      let route = try self.route(request.path)
      switch (route, request.method) {
      case (.predict, .POST): return try await predict(request)
      case (.model, .GET), (.model, .HEAD): return Self.response(200, description)
      case (.health, .GET), (.health, .HEAD): return Self.response(200, #"{"status":"ok"}"#)
      case (.predict, _):
        throw ServeError(status: 405, "\(request.method.rawValue) \(request.path): use POST")
      case (.model, _), (.health, _):
        throw ServeError(status: 405, "\(request.method.rawValue) \(request.path): use GET")
      }
    } catch {
      var response = Self.response(error.status, JSONText.error(error.message))
      if error.status == 503 { response.headers[HTTPHeader("Retry-After")] = "1" }
      if error.status == 405 {
        response.headers[HTTPHeader("Allow")] = error.message.hasSuffix("POST") ? "POST" : "GET, HEAD"
      }
      return response
    }
  }

  /// The route a path names.
  func route(_ path: String) throws(ServeError) -> Route {
    switch path {
    case "/predict": return .predict
    case "/model": return .model
    case "/health": return .health
    default: break
    }
    let prefix = "/v1/models/"
    if path.hasPrefix(prefix) {
      let rest = path.dropFirst(prefix.count)
      let (requested, route): (Substring, Route) =
        rest.hasSuffix(":predict") ? (rest.dropLast(":predict".count), .predict) : (rest, .model)
      guard requested == name else {
        throw ServeError(status: 404, "no model named \"\(requested)\"; this server serves \"\(name)\"")
      }
      return route
    }
    throw ServeError(
      status: 404, "no route \(path); the server answers POST /predict, GET /model and GET /health")
  }

  /// Reads, parses and predicts the request's instances (micro-batched with other requests').
  private func predict(_ request: HTTPRequest) async throws(ServeError) -> HTTPResponse {
    let a = try await batcher.predict { () async throws(ServeError) -> Instances in
      let body = try await Self.body(of: request, limit: configuration.maxBody)
      return try PredictionRequest.parse(
        body: body, contentType: request.headers[.contentType], schema: schema,
        maximumInstances: configuration.maxRows)
    }
    let model = batcher.model
    return Self.response(200, PredictionResponse.json(a, output: model.network.output, classNames: model.classNames))
  }

  /// The request's body, at most `limit` bytes.
  static func body(of request: HTTPRequest, limit: Int) async throws(ServeError) -> [UInt8] {
    let tooLarge = ServeError.tooLarge("the body is larger than the server's limit of \(limit) bytes (--max-body)")
    if let count = request.bodySequence.count, count > limit { throw tooLarge }
    var bytes = [UInt8]()
    do {
      for try await chunk in request.bodySequence {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { throw tooLarge }
      }
    } catch let error as ServeError {
      throw error
    } catch {
      throw .badRequest("the body could not be read: \(error.localizedDescription)")
    }
    return bytes
  }

  /// A JSON response.
  static func response(_ status: Int, _ json: String) -> HTTPResponse {
    HTTPResponse(
      statusCode: HTTPStatusCode(status, phrase: phrase(status)),
      headers: [.contentType: "application/json"], body: Data(json.utf8))
  }

  private static func phrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 400: "Bad Request"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 413: "Content Too Large"
    case 503: "Service Unavailable"
    default: "Internal Server Error"
    }
  }
}
