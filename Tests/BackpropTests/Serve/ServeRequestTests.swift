import BackpropServe
import Testing

/// The request parser (JSON arrays, objects by feature name, CSV with and without a
/// header) and every malformed body it must refuse with a message naming the place.
struct ServeRequestTests {
  static let iris = InstanceSchema(
    featureCount: 4, featureNames: ["sepal_length", "sepal_width", "petal_length", "petal_width"])
  static let unnamed = InstanceSchema(featureCount: 2)

  func parse(
    _ body: String, _ contentType: String? = "application/json", schema: InstanceSchema = iris, maximum: Int = 100
  )
    throws(ServeError) -> Instances
  {
    try PredictionRequest.parse(
      body: Array(body.utf8), contentType: contentType, schema: schema, maximumInstances: maximum)
  }

  /// The error `body` gives (nil when it parses).
  func failure(
    _ body: String, _ contentType: String? = "application/json", schema: InstanceSchema = iris, maximum: Int = 100
  )
    -> ServeError?
  {
    do {
      _ = try parse(body, contentType, schema: schema, maximum: maximum)
      return nil
    } catch {
      return error
    }
  }

  @Test func jsonArrays() throws {
    let instances = try parse(#" {"instances": [[5.1, 3.5, 1.4, 0.2], [6.2, -2.9e0, 4, 1.3E+1]]} "#)
    #expect(instances == Instances(rows: [[5.1, 3.5, 1.4, 0.2], [6.2, -2.9, 4, 13]]))
    // Other members (KServe's "signature_name") are ignored; any content type but text/csv is JSON.
    let curl = try parse(#"{"signature_name": "x", "instances": [[0, 1, 2, 3]]}"#, "application/x-www-form-urlencoded")
    #expect(curl == Instances(rows: [[0, 1, 2, 3]]))
    #expect(try parse(#"{"instances": [[1, 2, 3, 4]]}"#, nil) == Instances(rows: [[1, 2, 3, 4]]))
    // A model of one feature takes bare numbers.
    let one = InstanceSchema(featureCount: 1)
    #expect(try parse(#"{"instances": [1.5, [2]]}"#, schema: one) == Instances(rows: [[1.5], [2]]))
  }

  @Test func jsonObjectsByFeatureName() throws {
    let instances = try parse(
      #"{"instances": [{"petal_width": 0.2, "sepal_length": 5.1, "petal_length": 1.4, "sepal_width": 3.5}]}"#)
    #expect(instances == Instances(rows: [[5.1, 3.5, 1.4, 0.2]]))
    // Escapes in names are read.
    let escaped = InstanceSchema(featureCount: 2, featureNames: ["a\"b", "é"])
    #expect(try parse(#"{"instances": [{"\u00e9": 2, "a\"b": 1}]}"#, schema: escaped) == Instances(rows: [[1, 2]]))
  }

  @Test func csvWithAndWithoutHeader() throws {
    let plain = try parse("5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n", "text/csv")
    #expect(plain == Instances(rows: [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]))
    // A header in another order is reordered to the model's; CRLF, blank lines, quotes, spaces.
    let header = try parse(
      "petal_width,sepal_length,\"petal_length\", sepal_width\r\n\r\n0.2,5.1,1.4,3.5\r\n\"1.3\", 6.2 ,4.3,2.9\r\n",
      "text/csv; charset=utf-8")
    #expect(header == Instances(rows: [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]))
    #expect(try parse("1;2\n3;4", "text/csv", schema: Self.unnamed) == Instances(rows: [[1, 2], [3, 4]]))
    #expect(try parse("1\t2", "TEXT/CSV", schema: Self.unnamed) == Instances(rows: [[1, 2]]))
  }

  @Test func badJSONNamesThePlace() {
    let cases: [(String, Int, String)] = [
      ("", 400, "the body is empty"),
      (
        #"{"instances": [[1, 2, 3, 4]"#, 400,
        "malformed JSON at byte 27: expected ',' or ']', found the end of the body"
      ),
      (
        #"{"instances": [[1, 2, 3, 4]] x"#, 400,
        "malformed JSON at byte 29: expected ',' or '}', found 'x'"
      ),
      (#"{"instances": [[1, 2, 3, 4],]}"#, 400, "malformed JSON at byte 28: expected a value, found ']'"),
      (
        #"{"instances": [[1, 2, 3, 01]]}"#, 400, "malformed JSON at byte 25: invalid number: leading zero"
      ),
      (
        #"{"instances": [[1, 2, 3, 4.]]}"#, 400,
        "malformed JSON at byte 25: invalid number: no digit after '.'"
      ),
      (#"{"instances": [[1, 2, 3, "4]]}"#, 400, "malformed JSON at byte 25: unterminated string"),
      (
        #"{"instances": [[1, 2, 3, 4]]} {}"#, 400,
        "malformed JSON at byte 30: only whitespace may follow the JSON value, found an object"
      ),
      (#"{instances: 1}"#, 400, "malformed JSON at byte 1: expected a key (a string), found 'i'"),
      (#"{"a\x": 1}"#, 400, "malformed JSON at byte 3: invalid escape '\\x' in a string"),
      (String(repeating: "[", count: 100), 400, "nested deeper than 64 levels"),
      ("\u{FF}", 400, "malformed JSON at byte 0: expected a value, found '\\xc3'"),
      (#"[[1, 2, 3, 4]]"#, 400, "the body must be a JSON object"),
      (
        #"{"inputs": [[1, 2, 3, 4]]}"#, 400,
        #"needs an "instances" member: {"instances": [[x1, x2, …], …]}; it has "inputs""#
      ),
      (#"{"instances": {"a": 1}}"#, 400, #""instances" is an object; it must be an array"#),
      (#"{"instances": []}"#, 400, #""instances" is empty"#),
      (
        #"{"instances": [[1, 2, 3, 4], [1, 2, 3, 4, 5]]}"#, 400,
        "instance 1 has 5 values; the model takes 4 features (sepal_length, sepal_width, petal_length, petal_width)"
      ),
      (#"{"instances": [[1, 2, NaN, 4]]}"#, 400, "instance 0, feature 2 (petal_length) is NaN"),
      (#"{"instances": [[1, 2, 3, -Infinity]]}"#, 400, "instance 0, feature 3 (petal_width) is -infinite"),
      (#"{"instances": [[1e999, 2, 3, 4]]}"#, 400, "instance 0, feature 0 (sepal_length) is infinite"),
      (#"{"instances": [[1, null, 3, 4]]}"#, 400, "instance 0, feature 1 (sepal_width) is null, not a number"),
      (#"{"instances": [[1, "2", 3, 4]]}"#, 400, "instance 0, feature 1 (sepal_width) is a string, not a number"),
      (#"{"instances": [[1, 2, 3, 4], 7]}"#, 400, "instance 1 is a number; give an array of 4 numbers or an object"),
      (
        #"{"instances": [{"sepal_length": 1, "sepal_width": 2, "petal_length": 3, "petal": 4}]}"#, 400,
        #"instance 0 lacks feature "petal_width" and has unknown feature "petal"; the model takes 4 features"#
      ),
      (
        #"{"instances": [{"sepal_length": 1, "sepal_length": 2}]}"#, 400, #"instance 0 names "sepal_length" twice"#
      ),
      (
        #"{"instances": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]}"#, 413,
        "3 instances in one request; the server takes at most 2 (--max-rows)"
      ),
    ]
    for (body, status, fragment) in cases {
      let error = failure(body, maximum: 2)
      #expect(error?.status == status, "\(body): \(String(describing: error))")
      #expect(error?.message.contains(fragment) == true, "\(body): '\(fragment)' not in \(String(describing: error))")
    }
    let objectWithoutNames = failure(#"{"instances": [{"a": 1, "b": 2}]}"#, schema: Self.unnamed)
    #expect(
      objectWithoutNames?.message
        == "instance 0 is an object, but the model has no feature names; send an array of 2 numbers")
  }

  @Test func badCSVNamesTheLineAndColumn() {
    let cases: [(String, InstanceSchema, String)] = [
      ("\n \n", Self.iris, "the CSV body is empty"),
      ("1,2,3,4\n1,2,3\n", Self.iris, "line 2 has 3 values; the model takes 4 features (sepal_length"),
      ("1,2,3,4\n1,2,x3,4\n", Self.iris, #"line 2, column 3 (petal_length): "x3" is not a number"#),
      ("1,2,3,4\n1,2,,4\n", Self.iris, #"line 2, column 3 (petal_length): "" is not a number"#),
      ("1,2,3,nan\n", Self.iris, "line 1, column 4 (petal_width) is NaN"),
      ("1,-inf\n", Self.unnamed, "line 1, column 2 is -infinite"),
      ("a,b\n1,2\n", Self.unnamed, "line 1 is a header (a, b), but the model has no feature names"),
      ("sepal_length,sepal_width,petal_length,petal_width\n", Self.iris, "has a header but no rows"),
      (
        "sepal_length,sepal_width,petal_length,width\n1,2,3,4\n", Self.iris,
        #"the CSV header lacks feature "petal_width" and has unknown feature "width""#
      ),
      ("sepal_length,sepal_length,petal_length,petal_width\n", Self.iris, #"names "sepal_length" twice"#),
    ]
    for (body, schema, fragment) in cases {
      let error = failure(body, "text/csv", schema: schema)
      #expect(error?.status == 400, "\(body): \(String(describing: error))")
      #expect(error?.message.contains(fragment) == true, "\(body): '\(fragment)' not in \(String(describing: error))")
    }
    let tooMany = failure("1,2\n3,4\n5,6\n", "text/csv", schema: Self.unnamed, maximum: 2)
    #expect(tooMany == .tooLarge("3 rows in one request; the server takes at most 2 (--max-rows)"))
  }
}
