import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// `DatasetConversion` and its parts, judged by the in-memory readers (`CSVDataset`, `IDXFile`),
/// `Preprocessing.fit`, `NPYFile.encode` (byte for byte `np.save`'s) and NumPy itself.
@Suite("Convert") struct ConvertTests {
  /// An iris-like table: a text label column in the middle whose labels first appear unsorted,
  /// numbers written in several ways, a constant feature, quoted cells and CRLF line ends.
  static let table = """
    sepal_length,sepal_width,species,petal_length,constant\r
    5.1,3.5,virginica,1.4,7\r
    4.9,"3.0",setosa,1.4e0,7\r
    6.3,3.3,versicolor,+6.0,7\r
    5.8,2.7,setosa,.51e1,7\r
    7.1,3.0,virginica,5.9,7\r
    -0.25,1e-3,versicolor,0.1,7\r

    """

  /// The folder's entries, hidden (temporary) files included.
  static func entries(_ folder: TemporaryFolder) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []).sorted()
  }

  /// Writes `text` as `name` in `folder`.
  static func write(_ text: String, _ name: String, in folder: TemporaryFolder) throws -> String {
    let path = folder.path(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Expects `actual` within `rtol` of `expected`, relative to the larger magnitude or to
  /// `scale[k]` (a mean near 0 is only as precise as the values it averages are large).
  static func expectClose(
    _ actual: [Double], _ expected: [Double], rtol: Double = 1e-12, scale: [Double]? = nil, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(what): counts", sourceLocation: sourceLocation)
    for (k, (a, e)) in zip(actual, expected).enumerated() {
      let magnitude = max(abs(a), abs(e), scale?[k] ?? 0, 1e-300)
      #expect(abs(a - e) <= rtol * magnitude, "\(what)[\(k)]: \(a) vs \(e)", sourceLocation: sourceLocation)
    }
  }

  /// Expects `streamed` to be `Preprocessing.fit`'s numbers within 1e-12 of each feature's
  /// magnitude (its largest |x| / |divisor|). A constant feature's scale is 1, as documented;
  /// fit's two passes can leave a rounding residue there instead (7/255 averaged is not always
  /// 7/255 again), which is not compared.
  static func expectFitted(
    _ streamed: Preprocessing, _ fitted: Preprocessing, statistics: DatasetDescription.Statistics,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let what = "\(fitted.method), divisor \(fitted.divisor)"
    #expect(streamed.method == fitted.method && streamed.divisor == fitted.divisor, sourceLocation: sourceLocation)
    let magnitude = zip(statistics.minimum, statistics.maximum).map { max(abs($0), abs($1)) / abs(fitted.divisor) }
    expectClose(streamed.offsets, fitted.offsets, scale: magnitude, what + " offsets", sourceLocation: sourceLocation)
    let constant = Set(statistics.minimum.indices.filter { statistics.minimum[$0] == statistics.maximum[$0] })
    func varying(_ values: [Double]) -> [Double] { values.enumerated().filter { !constant.contains($0.0) }.map(\.1) }
    expectClose(
      varying(streamed.scales), varying(fitted.scales), scale: varying(magnitude), what + " scales",
      sourceLocation: sourceLocation)
    for i in constant where !streamed.scales.isEmpty {
      #expect(streamed.scales[i] == 1, "\(what): constant feature \(i)", sourceLocation: sourceLocation)
    }
  }

  /// The conversion of `csv` equals `CSVDataset.read` of it: features (exact in float64, rounded
  /// to Float in float32), labels, names, classes; statistics equal `Preprocessing.fit`.
  func expectSameAsCSVDataset(
    _ csv: String, target: TargetColumn = .last, classNames: [String]? = nil, in folder: TemporaryFolder,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let dataset = try CSVDataset.read(path: csv, target: target, classNames: classNames)
    let (n, m) = (dataset.features.rows, dataset.features.columns)
    var statistics: [NumPyDType: DatasetDescription.Statistics] = [:]
    for dtype in [NumPyDType.float64, .float32] {
      let out = folder.path("out-\(dtype.rawValue)")
      let summary = try DatasetConversion.convert(
        csv: csv, target: target, classNames: classNames, to: out, dtype: dtype)
      let description = summary.dataset
      #expect(description.examples == m && description.features == n, sourceLocation: sourceLocation)
      #expect(description.dtype == dtype, sourceLocation: sourceLocation)
      #expect(description.classNames == dataset.classNames, sourceLocation: sourceLocation)
      // Names only from a header: a file without one has no names ("column 1", … in CSVDataset).
      let header = dataset.dialect.hasHeader
      #expect(description.featureNames == (header ? dataset.featureNames : nil), sourceLocation: sourceLocation)
      #expect(description.targetName == (header ? dataset.targetName : nil), sourceLocation: sourceLocation)
      #expect(description.source == [csv], sourceLocation: sourceLocation)

      let x = try NPYFile.read(path: out + "/x.npy")
      #expect(x.shape == [m, n] && x.dtype == dtype, sourceLocation: sourceLocation)
      var expected = [Double]()
      for j in 0..<m {
        for i in 0..<n {
          let value = dataset.features[i, j]
          expected.append(dtype == .float32 ? Double(Float(value)) : value)
        }
      }
      #expect(x.scalars == expected, sourceLocation: sourceLocation)
      let y = try NPYFile.read(path: out + "/y.npy")
      #expect(y.shape == [m] && y.dtype == .float64, sourceLocation: sourceLocation)
      #expect(y.scalars == dataset.targets, sourceLocation: sourceLocation)
      #expect(try DatasetDescription.read(path: out + "/dataset.json") == description, sourceLocation: sourceLocation)
      #expect(Self.entries(folder).contains("out-\(dtype.rawValue)"))
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["dataset.json", "x.npy", "y.npy"],
        sourceLocation: sourceLocation)
      #expect(
        summary.bytesWritten
          == (try ["x.npy", "y.npy", "dataset.json"].map { name in
            try FileManager.default.attributesOfItem(atPath: out + "/" + name)[.size] as? Int ?? 0
          }.reduce(0, +)), sourceLocation: sourceLocation)

      // The statistics are Preprocessing.fit's on the same (raw, Double) values, with and without a divisor.
      for divisor in [1.0, 255, -4] {
        for method in Preprocessing.Method.allCases {
          let fitted = try Preprocessing.fit(method, to: dataset.features, divisor: divisor)
          let streamed = try description.preprocessing(method, divisor: divisor)
          Self.expectFitted(streamed, fitted, statistics: description.statistics, sourceLocation: sourceLocation)
        }
      }
      statistics[dtype] = description.statistics
    }
    // The statistics are of the values as read, whatever the output's precision.
    #expect(statistics[.float32] == statistics[.float64], sourceLocation: sourceLocation)
  }

  @Test func aCSVTableConvertsToWhatCSVDatasetReads() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(Self.table, "iris.csv", in: folder)
    try expectSameAsCSVDataset(csv, target: .name("species"), in: folder)
    let description = try DatasetDescription.read(path: folder.path("out-float32/dataset.json"))
    // Sorted class names, as CSVDataset and scikit-learn's LabelEncoder encode them.
    #expect(description.classNames == ["setosa", "versicolor", "virginica"])
    #expect(try NPYFile.read(path: folder.path("out-float32/y.npy")).scalars == [2, 0, 1, 0, 2, 1])
    #expect(description.statistics.standardDeviation[3] == 0)  // the constant feature
    #expect(description.statistics.minimum == [-0.25, 1e-3, 0.1, 7])
    #expect(description.statistics.maximum == [7.1, 3.5, 6, 7])
  }

  @Test func givenClassNamesFixTheEncoding() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(Self.table, "iris.csv", in: folder)
    try expectSameAsCSVDataset(
      csv, target: .index(2), classNames: ["virginica", "versicolor", "setosa", "unseen"], in: folder)
    #expect(try NPYFile.read(path: folder.path("out-float64/y.npy")).scalars == [0, 2, 1, 2, 0, 1])
  }

  @Test func numericTargetsAndAFileWithoutHeader() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write("1;2;0.5\n3;4;1.5\n5;6.5;-2\n", "numbers.csv", in: folder)
    try expectSameAsCSVDataset(csv, target: .index(0), in: folder)
    let description = try DatasetDescription.read(path: folder.path("out-float64/dataset.json"))
    #expect(description.featureNames == nil && description.targetName == nil && description.classNames == nil)
    #expect(try NPYFile.read(path: folder.path("out-float64/y.npy")).scalars == [1, 3, 5])
  }

  @Test func aFileOfManyChunksStreams() throws {
    // 40,000 rows of 10 features and a label: about 3 MB, three 1 MiB reads.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var text = (0..<10).map { "f\($0)" }.joined(separator: ",") + ",label\n"
    for i in 0..<40_000 {
      for j in 0..<10 { text += String(Double((i &* 31 &+ j &* 17) % 8000 - 4000) / 8 + 0.1 * Double(j)) + "," }
      text += ["gamma", "alpha", "beta"][(i * 7) % 3] + "\n"
    }
    #expect(text.utf8.count > 3_000_000)
    let csv = try Self.write(text, "big.csv", in: folder)
    try expectSameAsCSVDataset(csv, in: folder)
  }

  @Test func cellsSplitAcrossTinyChunksConvertTheSame() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(Self.table, "iris.csv", in: folder)
    let whole = try DatasetConversion.convert(csv: csv, target: .name("species"), to: folder.path("whole"))
    for chunkSize in [1, 2, 7] {
      let out = folder.path("chunks-\(chunkSize)")
      let split = try DatasetConversion.convert(
        csv: csv, target: .name("species"), delimiter: nil, hasHeader: nil, classNames: nil, to: out,
        dtype: .float32, overwrite: false, chunkSize: chunkSize)
      #expect(split.dataset == whole.dataset)
      for name in ["x.npy", "y.npy"] {
        #expect(
          FileManager.default.contentsEqual(atPath: out + "/" + name, andPath: folder.path("whole/" + name)))
      }
    }
  }

  @Test(.enabled(if: PythonNumPy.isAvailable, "needs python3 with numpy"))
  func numPyLoadsTheArraysAndTheDescription() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(Self.table, "iris.csv", in: folder)
    var files: [String] = []
    for dtype in [NumPyDType.float32, .float64] {
      let out = folder.path(dtype.rawValue)
      _ = try DatasetConversion.convert(csv: csv, target: .name("species"), to: out, dtype: dtype)
      files += [out + "/x.npy", out + "/y.npy"]
    }
    let script = """
      import json, sys, numpy as np
      result = {}
      for name in sys.argv[1:]:
          a = np.load(name)
          mapped = np.load(name, mmap_mode="r")
          result[name] = {"shape": list(a.shape), "dtype": str(a.dtype), "values": [repr(float(v)) for v in a.ravel()],
                          "mapped": bool(mapped.shape == a.shape and (mapped == a).all())}
      with open(sys.argv[1].rsplit("/", 2)[0] + "/float32/dataset.json") as f:
          result["keys"] = sorted(json.load(f))
      print(json.dumps(result))
      """
    let (status, output) = try PythonNumPy.run(["-c", script] + files)
    #expect(status == 0, "\(output)")
    let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    for file in files {
      let ours = try NPYFile.read(path: file)
      let theirs = try #require(result[file] as? [String: Any])
      #expect(theirs["shape"] as? [Int] == ours.shape, "\(file)")
      #expect(theirs["dtype"] as? String == ours.dtype.rawValue, "\(file)")
      #expect((theirs["values"] as? [String])?.map { Double($0) } == ours.scalars, "\(file)")
      #expect(theirs["mapped"] as? Bool == true, "\(file)")
    }
    #expect(
      result["keys"] as? [String] == [
        "classNames", "dtype", "examples", "featureNames", "features", "format", "inputs", "labels", "source",
        "statistics", "targetName", "version",
      ])
  }

  @Test func corruptedDescriptionsAreRefusedNamingTheKey() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(Self.table, "iris.csv", in: folder)
    let out = folder.path("out")
    let statistics = try DatasetConversion.convert(csv: csv, target: .name("species"), to: out).dataset.statistics
    let path = out + "/dataset.json"
    let original = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let shorter: [(String, Any?)] = [
      ("statistics.mean", Array(statistics.mean.dropLast())),
      ("statistics.standardDeviation", Array(statistics.standardDeviation.dropLast())),
      ("statistics.minimum", Array(statistics.minimum.dropLast())),
      ("statistics.maximum", Array(statistics.maximum.dropLast())),
    ]
    // The message expected, and the keys changed ("statistics.mean" inside "statistics"; nil removes).
    let cases: [(String, [(String, Any?)])] = [
      ("key 'version': 2; this Backprop reads version 1", [("version", 2)]),
      ("key 'format': \"other\", expected \"backprop-dataset\"", [("format", "other")]),
      ("key 'examples': 7, but x.npy holds 6 (shape (6, 4))", [("examples", 7)]),
      ("key 'examples': 5, but x.npy holds 6", [("examples", 5)]),
      ("key 'examples': 0; a data set holds at least one example", [("examples", 0)]),
      ("key 'features': 3, but x.npy has 4 columns", [("features", 3), ("featureNames", NSNull())] + shorter),
      ("key 'statistics.mean': 3 values for 4 features", [shorter[0]]),
      ("key 'statistics.minimum[1]': 4.0 is above the maximum 3.5", [("statistics.minimum", [-0.25, 4, 0.1, 7])]),
      ("key 'featureNames': 2 names for 4 features", [("featureNames", ["a", "b"])]),
      ("key 'classNames': a name appears twice", [("classNames", ["a", "a"])]),
      ("key 'labels' is missing", [("labels", nil)]),
      ("key 'examples': ", [("examples", "six")]),
      ("key 'dtype': \"uint8\"; the inputs are \"float32\" or \"float64\"", [("dtype", "uint8")]),
      ("key 'dtype': \"float64\", but x.npy holds float32", [("dtype", "float64")]),
      ("x.npy: no such file", [("inputs", "missing/x.npy")]),
    ]
    for (expected, edits) in cases {
      var json = original
      for (key, value) in edits {
        let parts = key.split(separator: ".").map(String.init)
        if parts.count == 2 {
          var inner = json[parts[0]] as? [String: Any] ?? [:]
          inner[parts[1]] = value
          json[parts[0]] = inner
        } else {
          json[key] = value
        }
      }
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
      #expect {
        try DatasetDescription.read(path: path)
      } throws: { error in
        "\(error)".contains(expected)
      }
    }
    try Data("{\"format\": \"backprop-dataset\", \"version\": 1, ".utf8).write(to: URL(fileURLWithPath: path))
    #expect {
      try DatasetDescription.read(path: path)
    } throws: { error in
      "\(error)".hasPrefix(path + ": is not a dataset description")
    }
  }

  // MARK: IDX

  /// Labels 0…k-1 as an IDX file of unsigned bytes.
  static func idxLabels(_ labels: [Double], in folder: TemporaryFolder) throws -> String {
    let path = folder.path("labels-idx1-ubyte")
    let bytes = try #require(IDXFile.encode(try NumPyArray(shape: [labels.count], dtype: .uint8, scalars: labels)))
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test(arguments: ["images_u1_3d.idx", "images_u1_3d.idx.gz", "i2_3d.idx.gz", "i1_2d.idx"])
  func idxImagesConvertToWhatIDXFileReads(fixture: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let images = IDXFixtures.path(fixture)
    let array = try IDXFile.read(path: images)
    let m = array.shape[0]
    let n = array.count / m
    let labels = try Self.idxLabels((0..<m).map { Double($0 % 3) }, in: folder)
    let out = folder.path("idx")
    let summary = try DatasetConversion.convert(images: images, labels: labels, to: out)
    #expect(summary.dataset.examples == m && summary.dataset.features == n)
    #expect(summary.dataset.classNames == nil && summary.dataset.featureNames == nil)
    #expect(summary.dataset.source == [images, labels])
    #expect(summary.distinctLabels == min(m, 3))
    let x = try NPYFile.read(path: out + "/x.npy")
    #expect(x.shape == [m, n] && x.dtype == .float32)
    #expect(x.scalars == array.scalars.map { Double(Float($0)) })
    #expect(try NPYFile.read(path: out + "/y.npy").scalars == (0..<m).map { Double($0 % 3) })
    let samples: Matrix<Double> = try array.samples()
    for method in [Preprocessing.Method.standardize, .minMax] {
      let fitted = try Preprocessing.fit(method, to: samples)
      let streamed = try summary.dataset.preprocessing(method, divisor: 1)
      Self.expectFitted(streamed, fitted, statistics: summary.dataset.statistics)
    }
  }

  @Test(.enabled(if: IDXFixtures.mnist != nil, "needs ../shared/data/mnist"))
  func mnistConvertsToWhatIDXFileReads() throws {
    let mnist = try #require(IDXFixtures.mnist)
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let out = folder.path("mnist")
    let summary = try DatasetConversion.convert(images: mnist.images, labels: mnist.labels, to: out)
    #expect(summary.dataset.examples == 10_000 && summary.dataset.features == 784)
    #expect(summary.distinctLabels == 10)
    let x = try NPYFile.read(path: out + "/x.npy")
    let images = try IDXFile.read(path: mnist.images)
    #expect(x.shape == [10_000, 784] && x.dtype == .float32)
    #expect(x.scalars == images.scalars)  // whole numbers 0…255: exact in float32
    #expect(Int(x.scalars.reduce(0, +)) == mnist.facts.pixel_sum)
    let y = try NPYFile.read(path: out + "/y.npy")
    #expect(y.scalars == (try IDXFile.read(path: mnist.labels)).scalars)
    #expect(y.scalars.prefix(10).map { Int($0) } == mnist.facts.first_labels)
    let samples: Matrix<Double> = try images.samples()
    for method in [Preprocessing.Method.standardize, .minMax] {
      let fitted = try Preprocessing.fit(method, to: samples, divisor: 255)
      let streamed = try summary.dataset.preprocessing(method, divisor: 255)
      Self.expectFitted(streamed, fitted, statistics: summary.dataset.statistics)
    }
  }

  @Test func nonFiniteImagesAndMismatchedLabelsAreErrorsThatLeaveNothing() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let labels5 = try Self.idxLabels([0, 1, 0, 1, 0], in: folder)
    // f4_2d.idx is (5, 2) float32 whose example 2 starts with inf.
    let out = folder.path("out")
    #expect {
      try DatasetConversion.convert(images: IDXFixtures.path("f4_2d.idx"), labels: labels5, to: out)
    } throws: { error in
      "\(error)".contains("f4_2d.idx: example 2, feature 0 (0-based): inf is not a finite number")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect {
      try DatasetConversion.convert(images: IDXFixtures.path("images_u1_3d.idx"), labels: labels5, to: out)
    } throws: { error in
      "\(error)".contains("labels-idx1-ubyte: holds 5 labels but") && "\(error)".contains("holds 4 examples")
    }
    #expect(Self.entries(folder) == ["labels-idx1-ubyte"])
  }

  // MARK: Failures

  /// Each bad table fails with a message holding `expected`, and leaves the output folder as it was.
  @Test(
    arguments: [
      ("a,b,y\n1,2,0\n3,n/a,1\n", TargetColumn.last, nil, "bad.csv: line 3, column 2 (b): \"n/a\" is not a number"),
      ("a,b,y\n1,2,0\n3,nan,1\n", .last, nil, "bad.csv: line 3, column 2 (b): \"nan\" is not a finite number"),
      ("a,b,y\n1,2,0\n3,-inf,1\n", .last, nil, "bad.csv: line 3, column 2 (b): \"-inf\" is not a finite number"),
      ("a,b,y\n1,2,0\n3,4,1,5\n", .last, nil, "bad.csv: line 3: expected 3 columns, as on line 1, found 4"),
      ("a,b,y\n1,2,0\n3,4\n", .last, nil, "bad.csv: line 3: expected 3 columns, as on line 1, found 2"),
      ("a,b,y\n1,2,0\n", .name("label"), nil, "no column named \"label\" in "),
      ("a,b,y\n1,2,cat\n3,4,emu\n", .last, ["cat", "dog"], "bad.csv: line 3, column 3 (y): unknown class \"emu\""),
      ("a,b,y\n", .last, nil, "bad.csv: no data rows"),
    ] as [(String, TargetColumn, [String]?, String)])
  func badTablesAreErrorsThatLeaveNothing(text: String, target: TargetColumn, classNames: [String]?, expected: String)
    throws
  {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write(text, "bad.csv", in: folder)
    for out in [folder.path("new/deeper"), folder.url.path] {
      #expect {
        try DatasetConversion.convert(csv: csv, target: target, classNames: classNames, to: out)
      } throws: { error in
        "\(error)".contains(expected)
      }
      #expect(Self.entries(folder) == ["bad.csv"])
    }
  }

  @Test func existingFilesAreKeptUnlessOverwriting() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write("a,y\n1,0\n2,1\n", "small.csv", in: folder)
    try Data("keep".utf8).write(to: folder.url.appendingPathComponent("y.npy"))
    #expect {
      try DatasetConversion.convert(csv: csv, to: folder.url.path)
    } throws: { error in
      (error as? ConfigurationError)?.problem.contains("holds y.npy already") == true
    }
    #expect(Self.entries(folder) == ["small.csv", "y.npy"])
    #expect(try String(contentsOfFile: folder.path("y.npy"), encoding: .utf8) == "keep")
    _ = try DatasetConversion.convert(csv: csv, to: folder.url.path, overwrite: true)
    #expect(try NPYFile.read(path: folder.path("y.npy")).scalars == [0, 1])
    #expect(Self.entries(folder) == ["dataset.json", "small.csv", "x.npy", "y.npy"])
  }

  @Test func anOutputThatCannotBeWrittenIsAnError() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let csv = try Self.write("a,y\n1,0\n2,1\n", "small.csv", in: folder)
    // A file where the folder (or one of its parents) should be.
    for out in [csv, csv + "/sub"] {
      #expect {
        try DatasetConversion.convert(csv: csv, to: out)
      } throws: { error in
        "\(error)".contains("small.csv: is a file, not a folder")
      }
    }
    // A folder without write permission (root may write anywhere: then only the files above).
    let locked = folder.path("locked")
    try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
    chmod(locked, 0o555)
    defer { chmod(locked, 0o755) }
    if geteuid() != 0 {
      #expect {
        try DatasetConversion.convert(csv: csv, to: locked)
      } throws: { error in
        "\(error)".contains("is not writable")
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)
    }
    #expect(Self.entries(folder) == ["locked", "small.csv"])
  }

  // MARK: Parts

  @Test func theStreamedFileIsNPYFileEncodeByteForByte() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let rows: [[Double]] = [[1, -2.5, 3], [0.1, 1e300, -0.0]]
    for dtype in [NumPyDType.float32, .float64] {
      let path = folder.path("\(dtype.rawValue).npy")
      let writer = try NPYStreamWriter(path: path, columns: 3, dtype: dtype)
      for row in rows { try writer.append(row: row) }
      #expect(!FileManager.default.fileExists(atPath: path))  // only once finished
      try writer.finish()
      let expected = NPYFile.encode(try NumPyArray(shape: [2, 3], dtype: dtype, scalars: rows.flatMap { $0 }))
      #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
      #expect(writer.byteCount == expected.count)
    }
    // No rows: shape (0, 3); a writer released unfinished leaves nothing.
    let empty = try NPYStreamWriter(path: folder.path("empty.npy"), columns: 3)
    try empty.finish()
    #expect(try NPYFile.read(path: folder.path("empty.npy")).shape == [0, 3])
    do {
      let abandoned = try NPYStreamWriter(path: folder.path("abandoned.npy"), columns: 2)
      try abandoned.append(row: [1, 2])
    }
    #expect(Self.entries(folder) == ["empty.npy", "float32.npy", "float64.npy"])
  }

  @Test func statisticsAreTheTwoPassNumbers() throws {
    var statistics = FeatureStatistics(features: 2)
    let examples: [[Double]] = [[1, 1e9 + 1], [2, 1e9 + 2], [4, 1e9 + 4], [9, 1e9 + 9]]
    for x in examples { try statistics.add(x) }
    #expect {
      try statistics.add([0, .infinity])
    } throws: { error in
      (error as? FeatureStatistics.NonFiniteValue) == FeatureStatistics.NonFiniteValue(feature: 1, value: .infinity)
    }
    #expect(statistics.count == 4)
    // Mean 4, squared deviations 9 + 4 + 0 + 25 = 38: σ = √(38/4), for both features (shifted by 10⁹).
    #expect(statistics.mean == [4, 1e9 + 4])
    Self.expectClose(statistics.standardDeviation, [(38.0 / 4).squareRoot(), (38.0 / 4).squareRoot()], "σ")
    #expect(statistics.minimum == [1, 1e9 + 1] && statistics.maximum == [9, 1e9 + 9])
  }
}
