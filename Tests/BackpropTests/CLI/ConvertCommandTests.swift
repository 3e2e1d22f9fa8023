import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `backprop convert` end to end: the files it writes, its summary line, its help, and its
/// errors (exit status 2, nothing left behind).
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct ConvertCommandTests {
  func run(_ arguments: [String]) throws -> Subprocess.Result { try BackpropExecutable.run(arguments) }

  /// A fresh folder holding `table.csv` with `text`.
  func folder(with text: String) throws -> (folder: URL, csv: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-convert-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let csv = folder.appendingPathComponent("table.csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: csv))
    return (folder, csv)
  }

  func entries(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  static let iris = """
    sepal_length,sepal_width,petal_length,species
    5.1,3.5,1.4,virginica
    4.9,3.0,1.4,setosa
    6.3,3.3,6.0,versicolor
    5.8,2.7,5.1,setosa

    """

  @Test func convertsATableAndSaysWhatItWrote() throws {
    let (folder, csv) = try folder(with: Self.iris)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("iris").path
    let result = try run(["convert", "--data", csv, "--target", "species", "--out", out])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.isEmpty)
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("Converted 4 examples × 3 features (float32), 3 classes: ") == true)
    #expect(lines.first?.contains(" written to \(out) in ") == true)
    #expect(entries(URL(fileURLWithPath: out)) == ["dataset.json", "x.npy", "y.npy"])
    let description = try DatasetDescription.read(path: out + "/dataset.json")
    #expect(description.classNames == ["setosa", "versicolor", "virginica"])
    let x = try NPYFile.read(path: out + "/x.npy")
    #expect(x.shape == [4, 3] && x.dtype == .float32)
    #expect(x.scalars == [5.1, 3.5, 1.4, 4.9, 3.0, 1.4, 6.3, 3.3, 6.0, 5.8, 2.7, 5.1].map { Double(Float($0)) })
    #expect(try NPYFile.read(path: out + "/y.npy").scalars == [2, 0, 1, 0])

    // Given class names fix the encoding; float64 keeps the values exactly.
    let fixed = folder.appendingPathComponent("fixed").path
    let again = try run([
      "convert", "--data", csv, "--class-names", "virginica,versicolor,setosa", "--dtype", "float64", "--out", fixed,
    ])
    #expect(again.status == 0, "\(again.error)")
    #expect(try NPYFile.read(path: fixed + "/y.npy").scalars == [0, 2, 1, 2])
    #expect(
      try NPYFile.read(path: fixed + "/x.npy").scalars == [5.1, 3.5, 1.4, 4.9, 3.0, 1.4, 6.3, 3.3, 6.0, 5.8, 2.7, 5.1])
  }

  @Test func convertsIDXImagesAndLabels() throws {
    let (folder, _) = try folder(with: "")
    defer { try? FileManager.default.removeItem(at: folder) }
    let labels = folder.appendingPathComponent("labels.npy").path
    try NPYFile.write(NumPyArray(shape: [4], dtype: .uint8, scalars: [3, 1, 4, 1]), to: labels)
    let images = Fixtures.path("idx/images_u1_3d.idx.gz")
    let out = folder.appendingPathComponent("digits").path
    let result = try run(["convert", "--images", images, "--labels", labels, "--out", out, "--dtype", "float64"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.hasPrefix("Converted 4 examples × 6 features (float64), 3 distinct label values: "))
    let x = try NPYFile.read(path: out + "/x.npy")
    #expect(x.shape == [4, 6] && x.dtype == .float64)
    #expect(x.scalars == (try IDXFile.read(path: images)).scalars)
    #expect(try NPYFile.read(path: out + "/y.npy").scalars == [3, 1, 4, 1])
  }

  @Test func helpShowsAnExampleAndWhatToDoNext() throws {
    let help = try run(["convert", "--help"])
    #expect(help.status == 0)
    #expect(help.output.contains("backprop convert --data big.csv --target label --out big"))
    #expect(help.output.contains("backprop train --x big/x.npy --y big/y.npy --statistics big/dataset.json"))
    for option in ["--data", "--target", "--class-names", "--images", "--labels", "--out", "--dtype", "--overwrite"] {
      #expect(help.output.contains(option), "\(option)")
    }
    let overview = try run(["--help"])
    #expect(overview.output.contains("convert"))
    #expect(overview.output.contains("backprop convert --data big.csv --out big"))
  }

  /// Each bad input or usage exits with 2, a message holding `expected`, and writes nothing.
  @Test(
    arguments: [
      ("a,b,y\n1,2,0\n3,n/a,1\n", [], "table.csv: line 3, column 2 (b): \"n/a\" is not a number"),
      ("a,b,y\n1,2,0\n3,NaN,1\n", [], "table.csv: line 3, column 2 (b): \"NaN\" is not a finite number"),
      ("a,b,y\n1,2,0\n3,inf,1\n", [], "table.csv: line 3, column 2 (b): \"inf\" is not a finite number"),
      ("a,b,y\n1,2,0\n3,4\n", [], "table.csv: line 3: expected 3 columns, as on line 1, found 2"),
      ("a,b,y\n1,2,0\n", ["--target", "label"], "--target: no column named \"label\" in "),
      ("a,b,y\n1,2,0\n", ["--target", "7"], "--target: column index 7 is out of range"),
      ("a,b,y\n1,2,cat\n3,4,emu\n", ["--class-names", "cat,dog"], "line 3, column 3 (y): unknown class \"emu\""),
      ("a,b,y\n1,2,cat\n", ["--class-names", "cat,,dog"], "--class-names: class 1 has an empty name"),
      ("a,b,y\n1,2,0\n", ["--images", "x.idx"], "give either --data, or --images with --labels, not both"),
    ] as [(String, [String], String)])
  func badInputExitsWith2AndWritesNothing(text: String, options: [String], expected: String) throws {
    let (folder, csv) = try folder(with: text)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out").path
    let result = try run(["convert", "--data", csv, "--out", out] + options)
    #expect(result.status == 2)
    #expect(result.error.contains(expected), "\(result.error)")
    #expect(entries(folder) == ["table.csv"])
  }

  @Test func usageErrorsExitWith2() throws {
    for (arguments, expected) in [
      (["convert", "--out", "o"], "nothing to convert"),
      (["convert", "--images", "i.idx", "--out", "o"], "--images and --labels go together"),
      (["convert", "--images", "i", "--labels", "l", "--target", "y", "--out", "o"], "--target and --class-names go"),
      (["convert", "--data", "t.csv"], "--out"),
      (["convert", "--data", "no-such.csv", "--out", "o"], "no-such.csv: no such file"),
    ] {
      let result = try run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.error.contains(expected), "\(arguments): \(result.error)")
    }
    #expect(!FileManager.default.fileExists(atPath: "o"))
  }

  @Test func existingFilesAreKeptWithoutOverwrite() throws {
    let (folder, csv) = try folder(with: Self.iris)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("iris").path
    #expect(try run(["convert", "--data", csv, "--out", out]).status == 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: out + "/x.npy"))
    let refused = try run(["convert", "--data", csv, "--out", out, "--dtype", "float64"])
    #expect(refused.status == 2)
    #expect(
      refused.error.contains(
        "--out: \(out) holds x.npy, y.npy, dataset.json already; choose another folder, or replace them (--overwrite)"),
      "\(refused.error)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/x.npy")) == before)
    #expect(entries(URL(fileURLWithPath: out)) == ["dataset.json", "x.npy", "y.npy"])
    let replaced = try run(["convert", "--data", csv, "--out", out, "--dtype", "float64", "--overwrite"])
    #expect(replaced.status == 0, "\(replaced.error)")
    #expect(try NPYFile.read(path: out + "/x.npy").dtype == .float64)
    #expect(entries(URL(fileURLWithPath: out)) == ["dataset.json", "x.npy", "y.npy"])
  }

  @Test func anOutputThatCannotBeWrittenExitsWith2AndLeavesNothing() throws {
    // 3,000 rows of 20 features: a 240 kB x.npy, past a 64 kB file-size limit (ulimit -f).
    let row = (0..<20).map(String.init).joined(separator: ",") + ",1\n"
    let (folder, csv) = try folder(with: String(repeating: row, count: 3000))
    defer { try? FileManager.default.removeItem(at: folder) }
    let executable = try #require(BackpropExecutable.url).path
    let out = folder.appendingPathComponent("out").path
    let full = try Subprocess.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "ulimit -f 128 && exec \"$0\" convert --data \"$1\" --out \"$2\"", executable, csv, out])
    #expect(full.status == 2)
    #expect(full.error.contains("\(out)/x.npy: cannot write: File too large"), "\(full.error)")
    #expect(entries(folder) == ["table.csv"])

    // A file where the folder should be.
    let onFile = try run(["convert", "--data", csv, "--out", csv + "/out"])
    #expect(onFile.status == 2)
    #expect(onFile.error.contains("table.csv: is a file, not a folder"), "\(onFile.error)")
    #expect(entries(folder) == ["table.csv"])

    // A folder without write permission (root writes anywhere: skipped as root).
    guard geteuid() != 0 else { return }
    let locked = folder.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
    chmod(locked.path, 0o555)
    defer { chmod(locked.path, 0o755) }
    let refused = try run(["convert", "--data", csv, "--out", locked.path])
    #expect(refused.status == 2)
    #expect(refused.error.contains("is not writable"), "\(refused.error)")
    #expect(entries(locked).isEmpty)
  }
}
