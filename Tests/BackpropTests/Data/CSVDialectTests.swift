import Foundation
import Testing

@testable import Backprop

extension CSVTests {
  /// Delimiter and header detection, the target column and the parameters' checks.
  @Suite struct CSVDialectTests {
    static func detect(_ text: String, delimiter: UInt8? = nil, hasHeader: Bool? = nil) -> CSVDialect {
      let (byte, header) = Array(text.utf8).withUnsafeBufferPointer {
        CSVDialect.detect(head: $0, isWholeFile: true, delimiter: delimiter, hasHeader: hasHeader)
      }
      return CSVDialect(delimiter: Character(UnicodeScalar(byte)), hasHeader: header)
    }

    @Test(arguments: [
      ("a,b,c\n1,2,3\n", CSVDialect(delimiter: ",", hasHeader: true)),
      ("a;b;c\n1;2;3\n", CSVDialect(delimiter: ";", hasHeader: true)),
      ("a\tb\n1\t2\n", CSVDialect(delimiter: "\t", hasHeader: true)),
      // Delimiters inside quotes do not count.
      ("\"x,y\";z\n1;2\n", CSVDialect(delimiter: ";", hasHeader: true)),
      ("\"a;b\"\t\"c,d\"\t\"e\"\n1\t2\t3\n", CSVDialect(delimiter: "\t", hasHeader: true)),
      // A decimal comma splits rows unevenly; the semicolon does not.
      ("a;b\n1,5;2\n3;4\n", CSVDialect(delimiter: ";", hasHeader: true)),
      // Several consistent: the most columns.
      ("a,b;c,d\n1,2;3,4\n", CSVDialect(delimiter: ",", hasHeader: true)),
      // Header rules.
      ("1,2,3\n4,5,6\n", CSVDialect(delimiter: ",", hasHeader: false)),
      ("5.1,3.5,setosa\n4.9,3.0,setosa\n", CSVDialect(delimiter: ",", hasHeader: false)),
      ("x,label\n1.0,cat\n2.0,dog\n", CSVDialect(delimiter: ",", hasHeader: true)),
      ("a,b\nx,y\n", CSVDialect(delimiter: ",", hasHeader: false)),
      ("a,b,c\n", CSVDialect(delimiter: ",", hasHeader: true)),
      ("5.1,3.5,setosa\n", CSVDialect(delimiter: ",", hasHeader: false)),
      (",a,target\n0,1.5,0\n1,2.5,1\n", CSVDialect(delimiter: ",", hasHeader: true)),
      ("nan,1\n2,3\n", CSVDialect(delimiter: ",", hasHeader: false)),
    ])
    func detects(_ text: String, _ dialect: CSVDialect) {
      #expect(Self.detect(text) == dialect, "\(text.debugDescription)")
    }

    @Test func givenValuesWin() {
      #expect(Self.detect("a,b\n1,2\n", hasHeader: false) == CSVDialect(delimiter: ",", hasHeader: false))
      #expect(Self.detect("1,2\n3,4\n", hasHeader: true) == CSVDialect(delimiter: ",", hasHeader: true))
      #expect(Self.detect("a|b\n1|2\n", delimiter: UInt8(ascii: "|")) == CSVDialect(delimiter: "|", hasHeader: true))
    }

    @Test func aHeaderLongerThanTheSampleIsStillSeen() throws {
      // 9000 columns: the header alone is over 64 KiB, so detection looks further.
      let columns = 9000
      let header = (0..<columns).map { "feature_\($0)" }.joined(separator: ";") + ";target"
      let row = { (k: Int) in (0..<columns).map { String(($0 + k) % 10) }.joined(separator: ";") + ";\(k % 2)" }
      let (folder, path) = try temporaryCSV(header + "\n" + row(0) + "\n" + row(1) + "\n")
      defer { folder.remove() }
      let data = try CSVDataset.read(path: path)
      #expect(data.dialect == CSVDialect(delimiter: ";", hasHeader: true))
      #expect(data.features.shape == Shape(columns, 2))
      #expect(data.featureNames.last == "feature_\(columns - 1)")
      #expect(data.features[columns - 1, 1] == Double(columns % 10))
      #expect(data.targets == [0, 1])
    }

    @Test func delimiterMustBeOneASCIICharacter() {
      for bad: Character in ["\"", "\n", "\r\n", "é"] {
        let error = #expect(throws: ConfigurationError.self) {
          try CSVDataset.read(path: CSVFixtures.path("pipe.csv"), delimiter: bad)
        }
        #expect(error?.parameter == "delimiter")
      }
    }

    @Test func classNamesMustBeDistinct() {
      for bad in [[], ["a", "a"], ["a", ""]] {
        let error = #expect(throws: ConfigurationError.self) {
          try CSVDataset.read(path: CSVFixtures.path("iris_labels.csv"), classNames: bad)
        }
        #expect(error?.parameter == "classNames")
      }
    }

    @Test func missingFilesAndFoldersAreNamed() {
      let missing = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: "/no/such/file.csv") }
      #expect(missing?.description == "/no/such/file.csv: no such file")
      let folder = CSVFixtures.path("")
      let isFolder = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: folder) }
      #expect(isFolder?.problem == "is a folder, not a file")
    }

    @Test func targetParsing() throws {
      #expect(try TargetColumn(parsing: "species") == .name("species"))
      #expect(try TargetColumn(parsing: "0") == .index(0))
      #expect(try TargetColumn(parsing: "-1") == .index(-1))
      #expect(try TargetColumn(parsing: "+2") == .index(2))
      #expect(try TargetColumn(parsing: "column 3") == .name("column 3"))
      let error = #expect(throws: ConfigurationError.self) { try TargetColumn(parsing: "") }
      #expect(error?.parameter == "target")
    }

    @Test func targetResolution() throws {
      let names = ["a", "b", "c"]
      #expect(try TargetColumn.last.resolve(in: names, file: "f.csv") == 2)
      #expect(try TargetColumn.index(0).resolve(in: names, file: "f.csv") == 0)
      #expect(try TargetColumn.index(-1).resolve(in: names, file: "f.csv") == 2)
      #expect(try TargetColumn.index(-3).resolve(in: names, file: "f.csv") == 0)
      #expect(try TargetColumn.name("b").resolve(in: names, file: "f.csv") == 1)
      let range = #expect(throws: ConfigurationError.self) {
        try TargetColumn.index(3).resolve(in: names, file: "f.csv")
      }
      #expect(
        range?.problem
          == "column index 3 is out of range: f.csv has 3 columns, indices 0…2 (or -3…-1 from the end): \"a\", \"b\", \"c\""
      )
      let twice = #expect(throws: ConfigurationError.self) {
        try TargetColumn.name("a").resolve(in: ["a", "b", "a"], file: "f.csv")
      }
      #expect(twice?.problem.contains("2 columns of f.csv are named \"a\" (indices 0, 2)") == true)
    }
  }
}
