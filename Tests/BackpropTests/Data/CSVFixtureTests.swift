import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension CSVTests {
  /// Every fixture from make_fixtures.py, value by value, read whole and in tiny chunks.
  @Suite struct CSVFixtureTests {
    @Test func fixturesAreAllListed() {
      #expect(CSVFixtures.expected.good.count == 23)
      #expect(CSVFixtures.expected.bad.count == 25)
    }

    @Test(arguments: CSVFixtures.expected.good)
    func readsEveryValue(_ fixture: CSVFixtures.GoodCase) throws {
      let data = try fixture.options.read(fixture.file)
      #expect(data.dialect.delimiter == fixture.delimiter.first)
      #expect(data.dialect.hasHeader == fixture.has_header)
      #expect(data.featureNames == fixture.feature_names)
      #expect(data.targetName == fixture.target_name)
      #expect(data.targetIndex == fixture.target_index)
      #expect(data.classNames == fixture.class_names)
      let m = fixture.features.count
      let n = fixture.feature_names.count
      #expect(data.features.shape == Shape(n, m))
      #expect(data.count == m)
      guard data.features.shape == Shape(n, m) else { return }
      for (j, example) in fixture.features.enumerated() {
        #expect(example.count == n)
        for (i, value) in example.enumerated() {
          // Bit for bit: Python's float() rounds correctly, and so must the reader.
          #expect(data.features[i, j].bitPattern == value.bitPattern, "feature \(i) of example \(j)")
        }
      }
      #expect(data.targets == fixture.targets)
      #expect(data.targetMatrix.shape == Shape(1, m))
      #expect(data.targetMatrix.scalars == fixture.targets)
    }

    @Test(arguments: CSVFixtures.expected.good, [1, 2, 3, 5, 64])
    func chunkBoundariesChangeNothing(_ fixture: CSVFixtures.GoodCase, chunkSize: Int) throws {
      // Cells, quotes, "" escapes and CRLF pairs split between reads.
      let whole = try fixture.options.read(fixture.file)
      let chunked = try fixture.options.read(fixture.file, chunkSize: chunkSize)
      #expect(chunked == whole)
    }

    @Test(arguments: CSVFixtures.expected.bad, [1, 3, 1 << 20])
    func reportsTheFileLineAndColumn(_ fixture: CSVFixtures.BadCase, chunkSize: Int) {
      let path = CSVFixtures.path(fixture.file)
      do {
        let data = try fixture.options.read(fixture.file, chunkSize: chunkSize)
        Issue.record("\(fixture.file) read as \(data.features.shape) instead of failing")
      } catch let error as FileFormatError {
        #expect(fixture.kind == "file", "\(error)")
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": "))
        if let line = fixture.line {
          let place =
            if let column = fixture.column, let name = fixture.column_name {
              "line \(line), column \(column) (\(name)): "
            } else {
              "line \(line): "
            }
          #expect(error.problem.hasPrefix(place), "\(error)")
        } else {
          #expect(!error.problem.hasPrefix("line "), "\(error)")
        }
        #expect(error.problem.contains(fixture.message), "\(error)")
      } catch let error as ConfigurationError {
        #expect(fixture.kind == "configuration", "\(error)")
        #expect(error.parameter == "target")
        #expect(error.problem.contains(fixture.message), "\(error)")
        #expect(error.problem.contains(path), "\(error)")
      } catch {
        Issue.record("unexpected error type: \(error)")
      }
    }

    @Test func unknownTargetNameListsTheColumns() throws {
      let error = try #require(throws: ConfigurationError.self) {
        try CSVDataset.read(path: CSVFixtures.path("iris_labels.csv"), target: .name("Species"))
      }
      #expect(error.parameter == "target")
      #expect(
        error.problem.contains(
          "the columns are: \"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\", \"species\""))
      #expect(error.problem.contains("did you mean \"species\"?"))
    }

    @Test func testSplitUsesTheTrainingClasses() throws {
      let train = try CSVDataset.read(path: CSVFixtures.path("iris_labels.csv"), target: .name("species"))
      #expect(train.classNames == ["setosa", "versicolor", "virginica"])
      #expect(train.targets == [2, 0, 1, 0, 2, 1])
      // Only versicolor and virginica in the test file: sorted alone they would be 0 and 1.
      let alone = try CSVDataset.read(path: CSVFixtures.path("iris_labels_test.csv"))
      #expect(alone.classNames == ["versicolor", "virginica"])
      #expect(alone.targets == [0, 1, 0])
      let test = try CSVDataset.read(
        path: CSVFixtures.path("iris_labels_test.csv"), target: .name("species"), classNames: train.classNames)
      #expect(test.classNames == train.classNames)
      #expect(test.targets == [1, 2, 1])
    }

    @Test func headerlessErrorsGiveTheColumnNumberAlone() throws {
      let (folder, path) = try temporaryCSV("1,2,3\n4,x,6\n")
      defer { folder.remove() }
      let error = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: path) }
      #expect(
        error?.description == "\(path): line 2, column 2: \"x\" is not a number (feature cells must hold numbers)")
    }

    @Test func headerBytesMustBeUTF8() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("latin1.csv")
      try Data([0x61, 0x2C, 0x74, 0xE9, 0x2C, 0x63, 0x0A, 0x31, 0x2C, 0x32, 0x2C, 0x33, 0x0A])  // "a,t\xe9,c\n1,2,3\n"
        .write(to: URL(fileURLWithPath: path))
      let error = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: path) }
      #expect(error?.problem.hasPrefix("line 1, column 2: invalid UTF-8") == true, "\(String(describing: error))")
    }

    @Test func quotedCellsKeepDelimitersQuotesAndLineEnds() throws {
      let data = try CSVDataset.read(path: CSVFixtures.path("crlf_labels.csv"))
      #expect(data.classNames == ["Iris, setosa", "say \"versicolor\"", "virginica\r\nsecond line"])
      let header = try CSVDataset.read(path: CSVFixtures.path("semicolon_quoted.csv"))
      #expect(header.featureNames == ["width; cm", "say \"hi\"", "two\nlines"])
    }
  }
}
