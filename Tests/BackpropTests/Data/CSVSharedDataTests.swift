import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension CSVTests {
  /// The real tables in ../shared/data/tabular, compared with a plain split of each line.
  @Suite(.enabled(if: Fixtures.sharedData != nil, "../shared/data is absent"))
  struct CSVSharedDataTests {
    struct Table: Sendable, CustomTestStringConvertible {
      var file: String
      var rows: Int
      var features: Int
      var classes: Int
      var testDescription: String { file }
    }

    static let tables = [
      Table(file: "iris.csv", rows: 150, features: 4, classes: 3),
      Table(file: "breast_cancer.csv", rows: 569, features: 30, classes: 2),
      Table(file: "digits.csv", rows: 1797, features: 64, classes: 10),
      Table(file: "wine.csv", rows: 178, features: 13, classes: 3),
    ]

    static func path(_ file: String) -> String {
      Fixtures.sharedData?.appendingPathComponent("tabular/" + file).path ?? file
    }

    @Test(arguments: tables)
    func readsTable(_ table: Table) throws {
      let path = Self.path(table.file)
      let data = try CSVDataset.read(path: path)
      #expect(data.dialect == CSVDialect(delimiter: ",", hasHeader: true))
      #expect(data.features.shape == Shape(table.features, table.rows))
      #expect(data.targets.count == table.rows)
      #expect(data.targetName == "target")
      #expect(data.targetIndex == table.features)
      #expect(data.classNames == nil)  // class indices, kept as numbers
      #expect(Set(data.targets) == Set((0..<table.classes).map(Double.init)))

      // An independent reading: these files hold no quotes, so split on "\n" and ",".
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let lines = text.split(whereSeparator: \.isNewline)
      #expect(lines.count == table.rows + 1)
      let header = lines[0].split(separator: ",").map(String.init)
      #expect(data.featureNames == Array(header.dropLast()))
      guard data.features.shape == Shape(table.features, table.rows), lines.count == table.rows + 1 else { return }
      var mismatches = 0
      for (j, line) in lines.dropFirst().enumerated() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
        for i in 0..<table.features where cells[i] != data.features[i, j] { mismatches += 1 }
        if cells[table.features] != data.targets[j] { mismatches += 1 }
      }
      #expect(mismatches == 0)
    }

    @Test func irisFirstRowAndClasses() throws {
      let data = try CSVDataset.read(path: Self.path("iris.csv"), target: .name("target"))
      #expect(
        data.featureNames == ["sepal_length_(cm)", "sepal_width_(cm)", "petal_length_(cm)", "petal_width_(cm)"])
      // The file's first data line is "5.1,3.5,1.4,0.2,0".
      #expect(data.features.columns(0..<1).scalars == [5.1, 3.5, 1.4, 0.2])
      #expect(data.targets[0] == 0)
      #expect(data.targets.filter { $0 == 0 }.count == 50)
      #expect(data.targets.filter { $0 == 1 }.count == 50)
      #expect(data.targets.filter { $0 == 2 }.count == 50)
      // The same table by index, from the end, and by name.
      #expect(try CSVDataset.read(path: Self.path("iris.csv"), target: .index(-1)) == data)
      #expect(try CSVDataset.read(path: Self.path("iris.csv"), target: .index(4)) == data)
      // Another column as the target: a regression on petal width.
      let width = try CSVDataset.read(path: Self.path("iris.csv"), target: .name("petal_width_(cm)"))
      #expect(width.featureNames.last == "target")
      #expect(width.targets[0] == 0.2)
      #expect(width.classNames == nil)
    }
  }
}
