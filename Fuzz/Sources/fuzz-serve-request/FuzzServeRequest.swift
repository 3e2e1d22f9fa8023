import BackpropServe

/// The input as the body of `POST /predict`. Its first byte picks the content type
/// (even: JSON, odd: CSV) and the model's features (1 to 4, named or not); the rest is
/// the body. The parser may return instances or throw a ``ServeError`` of 400 or 413;
/// anything else — a trap, another status, a non-finite or misshapen result — stops the fuzzer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServeRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size > 0 else { return 0 }
  let selector = Int(data[0])
  let body = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
  let n = 1 + (selector >> 1) % 4
  let names = ["sepal_length", "sepal_width", "petal_length", "petal_width"].prefix(n)
  let schema = InstanceSchema(featureCount: n, featureNames: selector & 8 == 0 ? Array(names) : nil)
  let contentType = selector & 1 == 0 ? "application/json" : "text/csv"
  do {
    let instances = try PredictionRequest.parse(
      body: body, contentType: contentType, schema: schema, maximumInstances: 64)
    precondition(instances.featureCount == n && instances.count >= 1 && instances.count <= 64)
    precondition(instances.values.count == instances.count * n && instances.values.allSatisfy(\.isFinite))
  } catch {
    precondition(error.status == 400 || error.status == 413, "status \(error.status): \(error.message)")
    precondition(!error.message.isEmpty)
  }
  return 0
}
