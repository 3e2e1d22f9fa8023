import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

extension NumPyIOTests {
  /// Files Backprop writes, read back by NumPy itself (skipped without python3 and numpy).
  @Suite(.enabled(if: PythonNumPy.isAvailable, "needs python3 with numpy"))
  struct NumPyInteropTests {
    @Test func numpyReadsEveryDTypeWeWrite() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      var checks = [(file: String, spec: [String: Any])]()
      for fixture in NumPyFixtures.expected.npy {
        let array = try NPYFile.read(path: NumPyFixtures.path(fixture.file))
        let path = folder.path(fixture.file)
        try NPYFile.write(array, to: path)
        var spec = pythonSpec(array)
        spec["kind"] = "npy"
        // np.save of what NumPy loads gives exactly the bytes we wrote.
        spec["same_bytes_as_np_save"] = true
        checks.append((path, spec))
      }
      let w = Matrix<Float>(rowMajor: [[0.1, -0.2, 0.3], [4, 5, 6e-8]])
      try NPYFile.write(w, to: folder.path("W1.npy"))
      var spec = pythonSpec(NumPyArray(matrix: w))
      spec["kind"] = "npy"
      spec["same_bytes_as_np_save"] = true
      checks.append((folder.path("W1.npy"), spec))
      let result = try PythonNumPy.check(checks, in: folder)
      #expect(result.status == 0, "\(result.output)")
      #expect(result.output.hasPrefix("OK (31 files)"))
    }

    @Test func numpyReadsOurArchives() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let arrays: [(String, NumPyArray)] = [
        ("W1", NumPyArray(matrix: Matrix<Double>(rowMajor: [[1, 2, 3], [4, 5, 6]]))),
        ("b1", NumPyArray(matrix: Matrix<Double>(rowMajor: [[0.5], [-0.25]]))),
        ("W2", NumPyArray(matrix: Matrix<Float>(rowMajor: [[7, 8]]))),
        ("a_labels", try NumPyArray(shape: [4], dtype: .uint8, scalars: [1, 0, 0, 1])),
      ]
      let spec: [String: Any] = [
        "kind": "npz",
        "arrays": arrays.map { name, array in pythonSpec(array).merging(["name": name]) { $1 } },
      ]
      try NPZArchive.write(arrays, to: folder.path("model.npz"))

      // The same archive with ZIP64 records throughout.
      let zip64 = ZIPArchive.encode(arrays.map { (name: $0.0 + ".npy", bytes: NPYFile.encode($0.1)) }, forceZIP64: true)
      try AtomicFile.write(zip64, to: folder.path("zip64.npz"))
      let result = try PythonNumPy.check(
        [(folder.path("model.npz"), spec), (folder.path("zip64.npz"), spec)], in: folder)
      #expect(result.status == 0, "\(result.output)")
      #expect(result.output.hasPrefix("OK (2 files)"))
    }
  }

  /// The course's cat data set, when `../shared/data/cat` is present.
  @Suite(.enabled(if: CatData.train != nil, "needs ../shared/data/cat"))
  struct NumPyCatDataTests {
    struct Values: Codable {
      struct Pick: Codable {
        var row: Int
        var column: Int
        var value: Double
      }
      struct X: Codable {
        var shape: [Int]
        var dtype: String
        var sum: Double
        var samples: [Pick]
      }
      struct Y: Codable {
        var shape: [Int]
        var dtype: String
        var sum: Double
        var first: [Double]
      }
      var train_x: X
      var train_y: Y
    }

    @Test func trainingImagesAndLabels() throws {
      let folder = try #require(CatData.train)
      let expected = try JSONDecoder().decode(
        Values.self, from: Data(contentsOf: URL(fileURLWithPath: NumPyFixtures.path("cat_train.json"))))
      let x = try NPYFile.read(path: folder.appendingPathComponent("train_x.npy").path)
      #expect(x.shape == [209, 64, 64, 3] && x.shape == expected.train_x.shape)
      #expect(x.dtype == .uint8 && x.dtype.rawValue == expected.train_x.dtype)
      #expect(x.scalars.reduce(0, +) == expected.train_x.sum)
      let samples = try x.samples(as: Float.self)
      #expect(samples.shape == Shape(12288, 209))
      for pick in expected.train_x.samples {
        #expect(Double(samples[pick.row, pick.column]) == pick.value, "X[\(pick.row), \(pick.column)]")
      }
      let y = try NPYFile.read(path: folder.appendingPathComponent("train_y.npy").path)
      #expect(y.shape == expected.train_y.shape && y.dtype == .int64)
      let labels = try y.labels(as: Double.self)
      #expect(labels.shape == Shape(1, 209))
      #expect(labels.scalars.reduce(0, +) == expected.train_y.sum)
      #expect(Array(labels.scalars.prefix(10)) == expected.train_y.first)
    }
  }

  @Suite struct AtomicFileTests {
    @Test func replacesWholeFiles() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("out.bin")
      try AtomicFile.write([1, 2, 3], to: path)
      try AtomicFile.write(Data([4, 5]), to: path)
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([4, 5]))
      // No temporary files left behind.
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.bin"])
    }

    @Test func failureLeavesTheDestinationAlone() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let missing = folder.path("no/such/folder/W1.npy")
      let error = #expect(throws: FileFormatError.self) {
        try NPYFile.write(Matrix<Double>(rowMajor: [[1]]), to: missing)
      }
      #expect(error?.path == missing)
      #expect(error?.problem.hasPrefix("cannot write: ") == true, "\(error?.problem ?? "")")
      // A folder where the file should go: the rename fails, the folder stays, no temporary is left.
      let blocked = folder.path("blocked.npy")
      try FileManager.default.createDirectory(atPath: blocked + "/inside", withIntermediateDirectories: true)
      let rename = #expect(throws: FileFormatError.self) {
        try NPYFile.write(Matrix<Double>(rowMajor: [[1]]), to: blocked)
      }
      #expect(rename?.problem.hasPrefix("cannot replace the file") == true, "\(rename?.problem ?? "")")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["blocked.npy"])
    }
  }
}

enum CatData {
  /// `../shared/data/cat` when it holds the training files.
  static let train: URL? = {
    guard let shared = Fixtures.sharedData else { return nil }
    let cat = shared.appendingPathComponent("cat", isDirectory: true)
    let present = ["train_x.npy", "train_y.npy"].allSatisfy {
      FileManager.default.fileExists(atPath: cat.appendingPathComponent($0).path)
    }
    return present ? cat : nil
  }()
}
