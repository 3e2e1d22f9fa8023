import Testing

@testable import Backprop

extension CSVTests {
  /// The strict cell-to-number parser.
  @Suite struct CSVNumberTests {
    static func parse(_ text: String) -> CSVNumber.Parsed {
      Array(text.utf8).withUnsafeBufferPointer { CSVNumber.parse($0) }
    }

    @Test(arguments: [
      ("1e-3", 0.001), ("-2.5", -2.5), ("+3", 3), (".5", 0.5), ("7.", 7), ("0", 0), ("-0", -0.0),
      ("00012", 12), ("1E+2", 100), ("1e0", 1), (" 42 ", 42), ("\t-1.25\t", -1.25), ("0.1", 0.1),
      ("123456789012345678901234", 1.2345678901234569e23), ("9007199254740993", 9_007_199_254_740_992),
      ("1e-310", Double(bitPattern: 0x0000_1268_8B70_E62B)), ("4.9e-324", .leastNonzeroMagnitude),
      ("1.7976931348623157e308", 1.7976931348623157e308),
      ("1e-400", 0), ("0.000001234", 0.000001234), ("3.141592653589793238462643383279", Double.pi),
    ])
    func acceptsDecimalNumbers(_ text: String, _ value: Double) {
      #expect(Self.parse(text) == .finite(value), "\(text)")
      if case .finite(let parsed) = Self.parse(text) {
        #expect(parsed.sign == value.sign, "\(text)")
      }
    }

    @Test(arguments: [
      "abc", "1,5", "0x10", "1_000", "12abc", "--1", "+-1", ".", "-", "e5", "1e", "1e+", "1.2.3", "1 2", "1e5.5",
      "nan1", "in", "infinit", "-.nan", "1nan", "n", "١٢", "1d", "'1'",
    ])
    func rejectsAnythingElse(_ text: String) {
      #expect(Self.parse(text) == .notANumber, "\(text)")
    }

    @Test(arguments: ["nan", "NaN", "-nan", "inf", "+Inf", "-INF", "infinity", "-Infinity", "1e999", "-2e308"])
    func recognisesNonFiniteValues(_ text: String) {
      #expect(Self.parse(text) == .nonFinite, "\(text)")
    }

    @Test func emptyCellsAreEmpty() {
      #expect(Self.parse("") == .empty)
      #expect(Self.parse("  \t ") == .empty)
    }

    @Test func roundsLikeTheStandardLibrary() {
      // Random decimals of every length, the fast path's edges (2^53, 10^±22) and beyond.
      var state: UInt64 = 0x9E37_79B9_7F4A_7C15
      func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
      }
      var mismatches: [String] = []
      for k in 0..<20_000 {
        let digits = String(next() % 10_000_000_000_000_000_000)
        let cut = Int(next() % UInt64(digits.count + 1))
        let mantissa = String(digits.prefix(cut)) + "." + String(digits.dropFirst(cut))
        let exponent = Int(next() % 80) - 40
        let text = (k % 2 == 0 ? "-" : "") + mantissa + (k % 3 == 0 ? "" : "e\(exponent)")
        guard mantissa != "." else { continue }
        let expected = Double(text) ?? .nan
        if Self.parse(text) != .finite(expected) { mismatches.append(text) }
        // Shortest representations of random doubles read back exactly.
        let value = Double(bitPattern: next() << 11 | next() % 2048)
        if value.isFinite, Self.parse(value.description) != .finite(value) { mismatches.append(value.description) }
      }
      #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
  }
}
