import Foundation

/// Reads the body of `POST /predict` into ``Instances``: a pure function of the
/// bytes, the content type and the model's features, so that it can be tested
/// and fuzzed apart from the server.
///
/// Three forms, as TensorFlow Serving and KServe v1 take them:
///
/// ```text
/// {"instances": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}
/// {"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}
/// sepal_length,sepal_width,petal_length,petal_width      (Content-Type: text/csv;
/// 5.1,3.5,1.4,0.2                                          the header row is optional)
/// ```
///
/// Objects and a CSV header name the model's features in any order; a model
/// with one feature also takes bare numbers (`{"instances": [1.5, 2.0]}`).
/// Instances (JSON) and features are counted from 0; CSV lines and columns from 1.
public enum PredictionRequest {
  /// The instances in `body`.
  /// - Parameters:
  ///   - body: The request's bytes.
  ///   - contentType: The `Content-Type` header: `text/csv` reads CSV, anything else (or nothing) JSON.
  ///   - schema: The model's feature count and names.
  ///   - maximumInstances: The most instances a request may hold.
  /// - Throws: ``ServeError``: 400 naming what is wrong and where (malformed JSON
  ///   with its byte offset, an instance with the wrong number of values, a
  ///   missing or unknown feature name, a value that is not a finite number),
  ///   413 when there are more than `maximumInstances` instances.
  public static func parse(
    body: [UInt8], contentType: String?, schema: InstanceSchema, maximumInstances: Int
  ) throws(ServeError) -> Instances {
    let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    if mediaType == "text/csv" {
      return try CSVInstances.parse(body, schema: schema, maximumInstances: maximumInstances)
    }
    return try parseJSON(body, schema: schema, maximumInstances: maximumInstances)
  }

  private static func parseJSON(_ body: [UInt8], schema: InstanceSchema, maximumInstances: Int) throws(ServeError)
    -> Instances
  {
    guard body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
      throw .badRequest(
        #"the body is empty; send {"instances": [[x1, x2, …], …]} (Content-Type: application/json) or CSV rows (Content-Type: text/csv)"#
      )
    }
    guard case .object(let members) = try JSONReader.read(body) else {
      throw .badRequest(#"the body must be a JSON object: {"instances": [[x1, x2, …], …]}"#)
    }
    guard let instancesValue = members.first(where: { $0.key == "instances" })?.value else {
      let keys = members.map { "\"\($0.key)\"" }.joined(separator: ", ")
      throw .badRequest(
        #"the body needs an "instances" member: {"instances": [[x1, x2, …], …]}"#
          + (keys.isEmpty ? "" : "; it has \(keys)"))
    }
    guard case .array(let instances) = instancesValue else {
      throw .badRequest("\"instances\" is \(instancesValue.kind); it must be an array of instances")
    }
    guard !instances.isEmpty else { throw .badRequest("\"instances\" is empty; send at least one instance") }
    guard instances.count <= maximumInstances else {
      throw .tooLarge(
        "\(instances.count) instances in one request; the server takes at most \(maximumInstances) (--max-rows)")
    }
    let n = schema.featureCount
    var values = [Double]()
    values.reserveCapacity(instances.count * n)
    for (i, instance) in instances.enumerated() {
      switch instance {
      case .array(let features):
        guard features.count == n else {
          throw .badRequest(
            "instance \(i) has \(features.count) value\(features.count == 1 ? "" : "s"); the model takes \(schema.described)"
          )
        }
        for (k, feature) in features.enumerated() {
          values.append(try number(feature, instance: i, feature: k, schema))
        }
      case .object(let named):
        values.append(contentsOf: try byName(named, instance: i, schema))
      case .number where n == 1:
        values.append(try number(instance, instance: i, feature: 0, schema))
      default:
        throw .badRequest(
          "instance \(i) is \(instance.kind); give an array of \(n) number\(n == 1 ? "" : "s")"
            + (schema.featureNames == nil ? "" : " or an object keyed by feature name"))
      }
    }
    return Instances(count: instances.count, featureCount: n, values: values)
  }

  /// The features of an instance given as an object, in the model's order.
  private static func byName(_ members: [(key: String, value: JSONValue)], instance i: Int, _ schema: InstanceSchema)
    throws(ServeError) -> [Double]
  {
    guard let names = schema.featureNames else {
      throw .badRequest(
        "instance \(i) is an object, but the model has no feature names; send an array of \(schema.featureCount) numbers"
      )
    }
    var byName = [String: JSONValue]()
    for member in members where byName.updateValue(member.value, forKey: member.key) != nil {
      throw .badRequest("instance \(i) names \"\(member.key)\" twice")
    }
    let missing = names.filter { byName[$0] == nil }
    let unknown = members.map(\.key).filter { !names.contains($0) }
    if !missing.isEmpty || !unknown.isEmpty {
      let parts =
        (missing.isEmpty ? [] : ["lacks " + quoted(missing)])
        + (unknown.isEmpty ? [] : ["has unknown " + quoted(unknown)])
      throw .badRequest("instance \(i) \(parts.joined(separator: " and ")); the model takes \(schema.described)")
    }
    var values = [Double]()
    for (k, name) in names.enumerated() {
      guard let value = byName[name] else { continue }
      values.append(try number(value, instance: i, feature: k, schema))
    }
    return values
  }

  /// A feature's value: a finite number.
  private static func number(_ value: JSONValue, instance i: Int, feature k: Int, _ schema: InstanceSchema)
    throws(ServeError) -> Double
  {
    guard case .number(let x) = value else {
      throw .badRequest("instance \(i), \(schema.feature(k)) is \(value.kind), not a number")
    }
    guard x.isFinite else { throw .badRequest("instance \(i), \(schema.feature(k)) is \(nonFinite(x))") }
    return x
  }

  /// `"a", "b"` for messages (at most 12 names).
  static func quoted(_ names: [String]) -> String {
    let shown = names.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
    return (names.count == 1 ? "feature " : "features ") + shown + (names.count > 12 ? ", …" : "")
  }

  /// "NaN", "infinite" or "-infinite"… for messages.
  static func nonFinite(_ x: Double) -> String { x.isNaN ? "NaN" : (x > 0 ? "infinite" : "-infinite") }
}
