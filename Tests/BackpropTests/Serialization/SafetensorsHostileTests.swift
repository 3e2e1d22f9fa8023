import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension SafetensorsTests {
  /// Malformed and malicious files: each must throw a ``FileFormatError``
  /// naming the file and the problem, never crash, and never allocate by a
  /// number read from the file.
  @Suite(.timeLimit(.minutes(2))) struct SafetensorsHostileTests {
    /// A valid entry for "a": two F32, 8 bytes of data.
    static let a = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
    static let eight = [UInt8](repeating: 0, count: 8)

    /// The problem reading `bytes` gives, checked to name the file.
    static func problem(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String {
      do {
        let file = try SafetensorsFile.read(bytes: bytes, name: "bad.safetensors")
        Issue.record("accepted: \(file.names)", sourceLocation: sourceLocation)
        return ""
      } catch {
        #expect(error.path == "bad.safetensors", sourceLocation: sourceLocation)
        return error.problem
      }
    }

    @Test func validBaseline() throws {
      let file = try SafetensorsFile.read(bytes: safetensorsBytes(header: "{\(Self.a)}", data: Self.eight))
      #expect(file.names == ["a"])
    }

    // MARK: The length prefix

    @Test func tooShortForTheLength() {
      for count in 0..<8 {
        #expect(
          Self.problem(Array(repeating: 0, count: count))
            == "truncated: \(count) bytes, too short for the 8-byte header length of a safetensors file")
      }
    }

    @Test func headerLengthBeyondTheFile() {
      var bytes = safetensorsBytes(header: "{}      ")
      bytes[0] = 100
      #expect(Self.problem(bytes) == "truncated: the header at byte 8 is 100 bytes but only 8 follow")
    }

    @Test func absurdHeaderLengthsAreRefusedBeforeAnyAllocation() {
      for length: UInt64 in [100_000_001, 1 << 40, 1 << 63, .max] {
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + Array("{}".utf8)
        #expect(
          Self.problem(bytes)
            == "header length \(length) at byte 0 exceeds the 100000000-byte limit (not a safetensors file?)")
      }
      // Exactly at the limit but beyond the file: truncated, not allocated.
      let limit = (0..<8).map { UInt8(truncatingIfNeeded: 100_000_000 >> (8 * $0)) } + Array("{}".utf8)
      #expect(Self.problem(limit) == "truncated: the header at byte 8 is 100000000 bytes but only 2 follow")
    }

    // MARK: The header's text

    @Test(
      arguments: [
        ([0x7B, 0xFF, 0x7D], 9),  // not a UTF-8 byte
        ([0x7B, 0x22, 0xC0, 0x80, 0x22, 0x7D], 10),  // overlong NUL
        ([0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D], 10),  // UTF-16 surrogate
        ([0x7B, 0x22, 0xE2, 0x82], 10),  // cut short
      ] as [([UInt8], Int)])
    func headerThatIsNotUTF8(_ header: [UInt8], _ at: Int) {
      #expect(Self.problem(safetensorsBytes(header: header)) == "header at byte \(at): not valid UTF-8")
    }

    @Test(
      arguments: [
        ("", "header at byte 8: the header must be a JSON object, found the end of the header"),
        ("        ", "header at byte 16: the header must be a JSON object, found the end of the header"),
        ("[]", "header at byte 8: the header must be a JSON object, found an array"),
        ("null", "the header must be a JSON object, found null"),
        ("\"a\"", "the header must be a JSON object, found a string"),
        ("1", "the header must be a JSON object, found a number"),
        ("\u{FEFF}{}", "header at byte 8: the header must be a JSON object, found '\\xef'"),
        ("{", "header at byte 9: expected a key (a string), found the end of the header"),
        ("{}}", "header at byte 10: unexpected '}' after the header's object (only spaces may follow)"),
        ("{}\0", "unexpected '\\x00' after the header's object"),
        ("{} x", "unexpected 'x' after the header's object"),
        ("{}\u{0B}", "unexpected '\\x0b' after the header's object"),
        ("{'a':1}", "expected a key (a string), found '''"),
        ("{a:1}", "expected a key (a string), found 'a'"),
        ("{\"a\" 1}", "expected ':' after the key, found a number"),
        ("{\"a\":{\"dtype\":\"F32\",}}", "header at byte 28: expected a key (a string), found '}'"),
        ("{\(a),}", "expected a key (a string), found '}'"),
        ("{\(a) \(a)}", "expected ',' or '}', found a string"),
        ("/* c */{}", "found '/'"),
        (
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,],\"data_offsets\":[0,8]}}",
          "shape must be an array of non-negative integers, found ']'"
        ),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2 2],\"data_offsets\":[0,8]}}", "expected ',' or ']', found a number"),
        (
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}",
          "header at byte 37: invalid number: leading zero"
        ),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.],\"data_offsets\":[0,8]}}", "invalid number: no digit after '.'"),
        (
          "{\"a\":{\"dtype\":\"F32\",\"shape\":[2e],\"data_offsets\":[0,8]}}",
          "invalid number: no digit in the exponent"
        ),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-],\"data_offsets\":[0,8]}}", "invalid number"),
        ("{\"a", "header at byte 9: unterminated string"),
        ("{\"a\\", "header at byte 11: unterminated escape"),
        ("{\"a\tb\":1}", "header at byte 11: control character 0x09 inside a string (it must be escaped)"),
        ("{\"a\\x\":1}", "header at byte 11: invalid escape '\\x' in a string"),
        ("{\"a\\u12\":1}", "\\u must be followed by four hex digits"),
        ("{\"\\ud800\":1}", "lone high surrogate \\ud800 in a string"),
        ("{\"\\udc00\":1}", "lone low surrogate \\udc00 in a string"),
        ("{\"\\ud800\\u0041\":1}", "high surrogate \\ud800 not followed by a low surrogate"),
        ("{\"a\":{\"x\":tru}}", "invalid literal (expected true, false or null)"),
        (
          "{\"a\":{\"x\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}}",
          "nested more than 128 levels deep"
        ),
        (
          "{\"a\":{\"x\":" + String(repeating: "{\"k\":", count: 200) + "1" + String(repeating: "}", count: 200) + "}}",
          "nested more than 128 levels deep"
        ),
      ] as [(String, String)])
    func headerThatIsNotJSON(_ header: String, _ expected: String) {
      let problem = Self.problem(safetensorsBytes(header: header))
      #expect(problem.hasPrefix("header at byte "), "\(problem)")
      #expect(problem.contains(expected), "\(problem)")
    }

    // MARK: Entries

    @Test(
      arguments: [
        (
          #"{"a":["F32",[2],[0,8]]}"#, "tensor 'a' must be an object with dtype, shape and data_offsets, found an array"
        ),
        (#"{"a":1}"#, "tensor 'a' must be an object with dtype, shape and data_offsets, found a number"),
        (#"{"a":null}"#, "found null"),
        (#"{"a":{}}"#, "header at byte 9: tensor 'a' is missing dtype, shape, data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[2]}}"#, "tensor 'a' is missing data_offsets"),
        (#"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#, "tensor 'a' is missing shape"),
        (#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, "tensor 'a' is missing dtype"),
        (#"{"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, "tensor 'a': dtype must be a string, found a number"),
        (
          #"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#,
          "header at byte 22: tensor 'a': unknown dtype 'F33' (known: BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, "
            + "F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64)"
        ),
        (#"{"a":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}"#, "unknown dtype 'f32'"),
        (#"{"a":{"dtype":"float32","shape":[2],"data_offsets":[0,8]}}"#, "unknown dtype 'float32'"),
        (
          #"{"a":{"dtype":"F32","shape":null,"data_offsets":[0,8]}}"#,
          "tensor 'a': shape must be an array of non-negative integers, found null"
        ),
        (
          #"{"a":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}"#,
          "shape must be an array of non-negative integers, found a number"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}"#,
          "header at byte 37: tensor 'a': shape must be an array of non-negative integers, found -1"
        ),
        (#"{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}"#, "found -0"),
        (#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, "found 2.0"),
        (#"{"a":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}"#, "found 2e0"),
        (#"{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}"#, "found a string"),
        (#"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,8]}}"#, "found a boolean"),
        (#"{"a":{"dtype":"F32","shape":[[2]],"data_offsets":[0,8]}}"#, "found an array"),
        (#"{"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,8]}}"#, "found 18446744073709551616"),
        (
          #"{"a":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,8]}}"#,
          "tensor 'a': shape: 9223372036854775808 is too large"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#,
          "tensor 'a': data_offsets must be an array of 2 non-negative integers, found 1"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}"#,
          "data_offsets must be an array of 2 non-negative integers, found more"
        ),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[]}}"#, "found 0"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":{"0":8}}}"#, "found an object"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, "found -8"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.0]}}"#, "found 8.0"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":"0,8"}}"#, "found a string"),
      ] as [(String, String)])
    func malformedEntry(_ header: String, _ expected: String) {
      let problem = Self.problem(safetensorsBytes(header: header, data: Self.eight))
      #expect(problem.contains(expected), "\(problem)")
    }

    @Test func tooManyDimensions() {
      let ones = Array(repeating: "1", count: 65).joined(separator: ",")
      let header = #"{"a":{"dtype":"U8","shape":["# + ones + #"],"data_offsets":[0,1]}}"#
      #expect(
        Self.problem(safetensorsBytes(header: header, data: [0])).hasSuffix(
          "tensor 'a': shape has more than 64 dimensions"))
      let sixtyFour = Array(repeating: "1", count: 64).joined(separator: ",")
      let fine = #"{"a":{"dtype":"U8","shape":["# + sixtyFour + #"],"data_offsets":[0,1]}}"#
      #expect(
        (try? SafetensorsFile.read(bytes: safetensorsBytes(header: fine, data: [0])))?.tensors.first?.shape.count == 64)
    }

    @Test func unknownFieldsAreSkippedAsTheReferenceSkipsThem() throws {
      let header =
        #"{"a":{"x":{"y":[1,2.5e-3,"z\u0041",true,false,null,{}]},"dtype":"F32","shape":[2],"#
        + #""data_offsets":[0,8],"w":-0}}"#
      let file = try SafetensorsFile.read(bytes: safetensorsBytes(header: header, data: Self.eight))
      #expect(file.tensor(named: "a")?.shape == [2])
    }

    @Test func toleratesWhatTheReferenceTolerates() throws {
      // Whitespace anywhere, escapes in names, null metadata, empty names, tensors in any header order.
      let header =
        " \n\t{ \"__metadata__\" : null , \"\\u0062\" : { \"data_offsets\" : [ 8 , 8 ] , \"shape\" : [ 0 ] ,"
        + " \"dtype\" : \"F64\" } , \"\" : {\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[8,9]}, \(Self.a) }\r\n"
      let file = try SafetensorsFile.read(bytes: safetensorsBytes(header: header, data: Self.eight + [7]))
      #expect(file.metadata.isEmpty)
      #expect(file.names == ["a", "b", ""])  // by offsets; the empty "b" and "" share offset 8, header order
      #expect(try file.tensor(named: "")?.values() == [7])
    }

    // MARK: Repeated keys and metadata

    @Test(
      arguments: [
        ("{\(a),\(a)}", "header at byte 62: tensor 'a' appears twice"),
        (#"{"__metadata__":{},"__metadata__":{},"# + a + "}", "header at byte 27: '__metadata__' appears twice"),
        (#"{"__metadata__":{"k":"1","k":"2"},"# + a + "}", "header at byte 33: '__metadata__' key 'k' appears twice"),
        (
          #"{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
          "header at byte 28: tensor 'a': field 'dtype' appears twice"
        ),
        (#"{"__metadata__":[],"# + a + "}", "'__metadata__' must be an object of strings, found an array"),
        (#"{"__metadata__":"pt","# + a + "}", "'__metadata__' must be an object of strings, found a string"),
        (
          #"{"__metadata__":{"k":1},"# + a + "}",
          "header at byte 29: '__metadata__' value of 'k' must be a string, found a number"
        ),
        (#"{"__metadata__":{"k":null},"# + a + "}", "value of 'k' must be a string, found null"),
        (#"{"__metadata__":{"k":{}},"# + a + "}", "value of 'k' must be a string, found an object"),
        (#"{"__metadata__":{"k":["v"]},"# + a + "}", "value of 'k' must be a string, found an array"),
        (#"{"__metadata__":{"k":true},"# + a + "}", "value of 'k' must be a string, found a boolean"),
      ] as [(String, String)])
    func repeatedKeysAndBadMetadata(_ header: String, _ expected: String) {
      let problem = Self.problem(safetensorsBytes(header: header, data: Self.eight))
      #expect(problem.contains(expected), "\(problem)")
    }

    @Test func canonicallyEquivalentNamesAreDistinctTensors() throws {
      // The reference compares names by bytes; so does this reader.
      let header =
        #"{"\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"#
        + #""e\u0301":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#
      let file = try SafetensorsFile.read(bytes: safetensorsBytes(header: header, data: [1, 2]))
      #expect(file.tensors.count == 2)
      #expect(try file.tensor(named: "e\u{301}")?.values() == [2])
    }

    // MARK: The data section

    @Test(
      arguments: [
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8,
          "header at byte 9: tensor 'a': data_offsets [8, 0] end before they begin"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, 8,
          "tensor 'a': data_offsets [0, 16] go past the end of the data section, which has 8 bytes (truncated file?)"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,9223372036854775807]}}"#, 8,
          "data_offsets [0, 9223372036854775807] go past the end of the data section"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8,
          "tensor 'a': data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12"
        ),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, 8, "hold 8 bytes but shape [1] of F32 needs 4"),
        (#"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,8]}}"#, 8, "hold 8 bytes but shape [] of F32 needs 4"),
        (
          #"{"a":{"dtype":"U8","shape":[1152921504606846975],"data_offsets":[0,8]}}"#, 8,
          "hold 8 bytes but shape [1152921504606846975] of U8 needs 1152921504606846975"
        ),
        (
          #"{"a":{"dtype":"U8","shape":[4611686018427387903],"data_offsets":[0,8]}}"#, 8,
          "shape [4611686018427387903] of U8 has too many elements"
        ),  // in bits, as the reference counts
        (
          #"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, 8,
          "shape [4294967296, 4294967296] of U8 has too many elements or is not a whole number of bytes"
        ),
        (
          #"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#, 8,
          "has too many elements or is not a whole number of bytes"
        ),
        (
          #"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, 2,
          "shape [3] of F4 has too many elements or is not a whole number of bytes"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12,
          "tensor 'a': data_offsets [4, 12] leave bytes 0..<4 of the data section to no tensor"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
          12, "tensor 'b': data_offsets [8, 12] leave bytes 4..<8 of the data section to no tensor (after tensor 'a')"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
          8, "tensor 'b': data_offsets [4, 8] overlap tensor 'a' [0, 8]"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
          8, "tensor 'b': data_offsets [0, 8] overlap tensor 'a' [0, 8]"
        ),
        (
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 9,
          "data section: after tensor 'a', bytes 8..<9 belong to no tensor (extra bytes at the end)"
        ),
        ("{}", 1, "data section: bytes 0..<1 belong to no tensor (extra bytes at the end)"),
        (#"{"__metadata__":{"k":"v"}}"#, 3, "data section: bytes 0..<3 belong to no tensor"),
      ] as [(String, Int, String)])
    func dataSectionThatDoesNotMatch(_ header: String, _ dataSize: Int, _ expected: String) {
      let problem = Self.problem(safetensorsBytes(header: header, data: Array(repeating: 0, count: dataSize)))
      #expect(problem.contains(expected), "\(problem)")
    }

    // MARK: Mutations of valid files

    @Test(arguments: SafetensorsFixtures.expected.files)
    func everyTruncationThrows(_ fixture: SafetensorsFixtures.FileCase) throws {
      let bytes = try SafetensorsFixtures.bytes(fixture.file)
      for cut in 0..<bytes.count {
        #expect(throws: FileFormatError.self, "\(fixture.file) cut at \(cut)") {
          try SafetensorsFile.read(bytes: Array(bytes[..<cut]), name: fixture.file)
        }
      }
      // And one byte too many.
      #expect(throws: FileFormatError.self) { try SafetensorsFile.read(bytes: bytes + [0], name: fixture.file) }
    }

    @Test func randomHeaderCorruptionNeverCrashes() throws {
      var accepted = 0
      for (bytes, _) in try Self.corruptions(count: 600) {
        // Either refused, or a file whose every tensor is consistent and which writes back readably.
        guard let file = try? SafetensorsFile.read(bytes: bytes, name: "flip") else { continue }
        accepted += 1
        for tensor in file.tensors {
          #expect(SafetensorsTensor.byteCount(dtype: tensor.dtype, shape: tensor.shape) == tensor.bytes.count)
        }
        let again = try SafetensorsFile.read(bytes: file.encode())
        #expect(Set(again.tensors) == Set(file.tensors) && again.metadata == file.metadata)
      }
      // Most corruptions break the file; a few (a changed name, a space turned into a tab) do not.
      #expect(accepted < 300)
    }

    /// `count` seeded corruptions of the fixtures' headers: bit flips, random
    /// bytes, and digits or JSON punctuation put in place of a header byte.
    static func corruptions(count: Int) throws -> [(bytes: [UInt8], label: String)] {
      var generator = DefaultGenerator(seed: 20_240_601)
      let sources = try ["model.safetensors", "dtypes.safetensors", "names.safetensors", "bf16_f8.safetensors"].map {
        ($0, try SafetensorsFixtures.bytes($0))
      }
      let replacements = Array("0123456789[]{}\",:- \t".utf8)
      var out = [(bytes: [UInt8], label: String)]()
      for k in 0..<count {
        let (name, original) = sources[k % sources.count]
        let headerLength = original[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var bytes = original
        // Corrupt the header (and now and then the length itself), 1 to 3 bytes.
        for _ in 0...Int(generator.nextBounded(below: 3)) {
          let position =
            generator.nextBounded(below: 10) == 0
            ? Int(generator.nextBounded(below: 8)) : 8 + Int(generator.nextBounded(below: UInt64(headerLength)))
          switch generator.nextBounded(below: 3) {
          case 0: bytes[position] ^= 1 << UInt8(generator.nextBounded(below: 8))
          case 1: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
          default: bytes[position] = replacements[Int(generator.nextBounded(below: UInt64(replacements.count)))]
          }
        }
        out.append((bytes, "\(name) corruption \(k)"))
      }
      return out
    }
  }
}
