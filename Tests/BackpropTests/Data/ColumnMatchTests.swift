import Backprop
import Foundation
import Testing

/// ``Dataset/csv(path:for:target:)``: a table's columns matched to a model's inputs.
struct ColumnMatchTests {
  func table(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("columns-\(UUID().uuidString).csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  let columns = ModelColumns(inputCount: 2, featureNames: ["a", "c"], targetName: "label", classNames: ["no", "yes"])

  @Test func inputsAreReorderedByName() throws {
    let path = try table("label,c,a\nyes,30,1\nno,40,2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (set, match) = try Dataset.csv(path: path, for: columns)
    #expect(set.x == Matrix(rowMajor: [[1, 2], [30, 40]]))
    #expect(set.y == Matrix(rowMajor: [[1, 0]]))
    #expect(set.featureNames == ["a", "c"])
    #expect(match.byName && match.labelColumn == "label")
    #expect(match.description == "Matched 2 input columns by name; labels from column \"label\"")
  }

  @Test func aTableWithoutTheLabelColumnIsInputsOnly() throws {
    let path = try table("c,a\n30,1\n40,2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (set, match) = try Dataset.csv(path: path, for: columns)
    #expect(set.x == Matrix(rowMajor: [[1, 2], [30, 40]]))
    #expect(set.y.rows == 0 && match.labelColumn == nil)
  }

  @Test func aLabelColumnNamedOtherwiseComesFromTarget() throws {
    let path = try table("a,answer,c\n1,yes,30\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (set, match) = try Dataset.csv(path: path, for: columns, target: .name("answer"))
    #expect(set.x == Matrix(rowMajor: [[1], [30]]) && set.y == Matrix(rowMajor: [[1]]))
    #expect(match.labelColumn == "answer")
  }

  @Test func missingAndExtraColumnsAreNamed() throws {
    let path = try table("a,foo,label\n1,2,yes\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
      try Dataset.csv(path: path, for: columns)
    } throws: { error in
      "\(error)" == "\(path): the model needs column \"c\", missing from the header; extra column \"foo\""
    }
    let repeated = try table("a,c,a,label\n1,2,3,yes\n")
    defer { try? FileManager.default.removeItem(atPath: repeated) }
    #expect(throws: DataError.self) { try Dataset.csv(path: repeated, for: columns) }
  }

  @Test func withoutHeaderOrNamesColumnsGoByPosition() throws {
    let bare = try table("30,1,yes\n40,2,no\n")
    defer { try? FileManager.default.removeItem(atPath: bare) }
    let (set, match) = try Dataset.csv(path: bare, for: columns)
    #expect(set.x == Matrix(rowMajor: [[30, 40], [1, 2]]) && set.y == Matrix(rowMajor: [[1, 0]]))
    #expect(!match.byName && match.reason == "the table has no header")
    // A model trained on a table without a header knows its columns only as "column 1", ….
    let numbered = ModelColumns(inputCount: 2, featureNames: ["column 1", "column 2"], targetName: "column 3")
    #expect(numbered.featureNames == nil)
    let named = try table("c,a\n30,1\n")
    defer { try? FileManager.default.removeItem(atPath: named) }
    let (inputs, byPosition) = try Dataset.csv(path: named, for: numbered)
    #expect(inputs.x == Matrix(rowMajor: [[30], [1]]) && inputs.y.rows == 0)
    #expect(byPosition.reason == "the model has no input names")
    let wide = try table("1,2,3,4\n")
    defer { try? FileManager.default.removeItem(atPath: wide) }
    #expect(throws: DataError.self) { try Dataset.csv(path: wide, for: numbered) }
  }

  @Test func unknownAndTextLabelsAreRefused() throws {
    let path = try table("a,c,label\n1,2,yes\n1,2,maybe\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
      try Dataset.csv(path: path, for: columns)
    } throws: { error in
      "\(error)".contains("line 3, column 3 (label): unknown class \"maybe\"; the model knows 2 classes")
    }
    // A model trained on numbers meets text labels: not silently re-encoded.
    let numeric = ModelColumns(inputCount: 2, featureNames: ["a", "c"], targetName: "label")
    #expect(throws: DataError.self) { try Dataset.csv(path: path, for: numeric) }
  }

  @Test func labelsFitTheOutput() throws {
    let x = Matrix<Double>(rows: 1, columns: 3)
    let k = Matrix<Double>(rowMajor: [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    let set = try Dataset(x: x, y: k)
    #expect(try set.fitted(to: .softmax, file: "y.npy").y == Matrix(rowMajor: [[1, 0, 2]]))
    #expect(try set.fitted(to: .sigmoid, file: "y.npy").y == k)
    #expect(try set.fitted(to: .identity, file: "y.npy").y == k)
    let multiLabel = try Dataset(x: x, y: Matrix(rowMajor: [[1, 1, 0], [1, 0, 0]]))
    #expect(throws: DataError.self) { try multiLabel.fitted(to: .softmax, file: "y.npy") }
    let text = try Dataset(x: x, y: Matrix(rowMajor: [[0, 1, 0]]), targetName: "kind", classNames: ["a", "b"])
    #expect(throws: ConfigurationError.self) { try text.fitted(to: .identity, file: "t.csv") }
    #expect(try text.fitted(to: .softmax, file: "t.csv").y == text.y)
  }
}
