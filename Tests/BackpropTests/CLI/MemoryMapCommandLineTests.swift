import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `backprop train --memory-map`: a `.npy` of inputs trained from in place gives the model, the
/// scores and the report that loading it gives; what cannot be mapped is refused with the reason.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct MemoryMapCommandLineTests {
  /// A folder with x.npy (m = 400, 6 features, float32), y.npy (classes 0…2), x.npz and nan.npy.
  func makeData() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-mmap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 21)
    var x = [Double]()
    var y = [Double]()
    for j in 0..<400 {
      let c = j % 3
      for i in 0..<6 { x.append(Double(Float(rng.nextGaussian() * 2 + (i % 3 == c ? 3 : 0) + Double(i)))) }
      y.append(Double(c))
    }
    let array = try NumPyArray(shape: [400, 6], dtype: .float32, scalars: x)
    try NPYFile.write(array, to: folder.appendingPathComponent("x.npy").path)
    try NPYFile.write(
      NumPyArray(shape: [400], dtype: .int64, scalars: y), to: folder.appendingPathComponent("y.npy").path)
    try NPZArchive.write([("x", array)], to: folder.appendingPathComponent("x.npz").path)
    var bad = x
    bad[123 * 6 + 4] = .nan
    try NPYFile.write(
      NumPyArray(shape: [400, 6], dtype: .float32, scalars: bad), to: folder.appendingPathComponent("nan.npy").path)
    return folder
  }

  func train(_ folder: URL, _ mode: String, _ name: String, x: String = "x.npy", dropout: Bool = true) -> [String] {
    let path = { (file: String) in folder.appendingPathComponent(file).path }
    return [
      "train", "--x", path(x), "--y", path("y.npy"), "--layers", "6,10,3", "--output", "softmax", "--epochs", "4",
      "--batch-size", "25", "--optimizer", "adam", "--learning-rate", "0.01", "--dropout", dropout ? "0.1" : "0",
      "--standardize",
      "--scale", "2", "--validation-split", "0.2", "--test-split", "0.1", "--examples", "10:", "--metrics",
      "accuracy,log-loss", "--exact-train-metrics", "--memory-map", mode, "--save", path("\(name).safetensors"),
      "--scores", path("\(name).json"), "--history", path("\(name)-history.csv"), "--report", path("\(name)-report"),
      "--quiet",
    ]
  }

  @Test func aMappedFileTrainsTheModelALoadedOneDoes() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let loaded = try BackpropExecutable.run(train(folder, "off", "loaded"))
    #expect(loaded.status == 0, "\(loaded.error)")
    let mapped = try BackpropExecutable.run(train(folder, "on", "mapped"))
    #expect(mapped.status == 0, "\(mapped.error)")
    #expect(loaded.output == mapped.output)
    let a = try SafetensorsFile.read(path: folder.appendingPathComponent("loaded.safetensors").path)
    let b = try SafetensorsFile.read(path: folder.appendingPathComponent("mapped.safetensors").path)
    for name in a.names {
      #expect(try #require(a.tensor(named: name)).values() == #require(b.tensor(named: name)).values(), "\(name)")
    }
    // The same preprocessing, fitted by the streaming passes over the file's training rows.
    let modelA = try ModelFile.read(path: folder.appendingPathComponent("loaded.safetensors").path, as: Float.self)
    let modelB = try ModelFile.read(path: folder.appendingPathComponent("mapped.safetensors").path, as: Float.self)
    #expect(modelA.preprocessing == modelB.preprocessing)
    let scores = { (name: String) in
      try String(contentsOf: folder.appendingPathComponent("\(name).json"), encoding: .utf8)
    }
    #expect(try scores("loaded") == scores("mapped"))
    // The training costs and metrics are equal; the validation ones are summed over pieces of the file.
    let history = { (name: String) in
      try String(contentsOf: folder.appendingPathComponent("\(name)-history.csv"), encoding: .utf8)
        .split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
    }
    #expect(try history("loaded") == history("mapped"))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("mapped-report/index.html").path))
  }

  @Test func whatCannotBeMappedIsRefusedWithTheReason() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    let npz = try BackpropExecutable.run(
      train(folder, "on", "npz", x: "x.npz") + ["--x-key", "x"])
    #expect(npz.status == 2)
    #expect(npz.error.contains("--memory-map") && npz.error.contains(".npz"), "\(npz.error)")
    // A NaN is found by the streaming pass, named by its row and feature, before any training.
    let nan = try BackpropExecutable.run(train(folder, "on", "nan", x: "nan.npy"))
    #expect(nan.status != 0)
    #expect(nan.error.contains("example 123") && nan.error.contains("feature 4"), "\(nan.error)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nan.safetensors").path))
    // auto loads a small file (under 1 GiB) as before: same output as off.
    let auto = try BackpropExecutable.run(train(folder, "auto", "auto"))
    #expect(auto.status == 0, "\(auto.error)")
  }

  /// `backprop convert` then `train --statistics`: the converter's statistics are the model's
  /// preprocessing (no pass over the inputs for them), its class and column names are the model's;
  /// a description of another file is refused.
  @Test func convertedArraysTrainWithTheirStatistics() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    var lines = ["a,b,label"]
    var rng = DefaultGenerator(seed: 3)
    for j in 0..<120 {
      let c = ["cat", "dog", "emu"][j % 3]
      lines.append("\(rng.nextGaussian() * 5 + Double(j % 3) * 4),\(rng.nextGaussian() + 100),\(c)")
    }
    let table = folder.appendingPathComponent("t.csv").path
    try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("converted").path
    let convert = try BackpropExecutable.run(["convert", "--data", table, "--out", out])
    #expect(convert.status == 0, "\(convert.error)")
    let model = folder.appendingPathComponent("m.safetensors").path
    let train = try BackpropExecutable.run([
      "train", "--x", out + "/x.npy", "--y", out + "/y.npy", "--statistics", out + "/dataset.json", "--standardize",
      "--memory-map", "on", "--layers", "2,6,3", "--output", "softmax", "--epochs", "5", "--batch-size", "20",
      "--save", model, "--quiet",
    ])
    #expect(train.status == 0, "\(train.error)")
    let description = try DatasetDescription.read(path: out + "/dataset.json")
    let saved = try ModelFile.read(path: model, as: Float.self)
    #expect(saved.preprocessing == (try description.preprocessing(.standardize, divisor: 1)))
    #expect(saved.classNames == ["cat", "dog", "emu"])
    #expect(saved.featureNames == ["a", "b"])
    let other = try BackpropExecutable.run([
      "train", "--x", folder.appendingPathComponent("x.npy").path, "--y", folder.appendingPathComponent("y.npy").path,
      "--statistics", out + "/dataset.json", "--layers", "6,3", "--output", "softmax", "--epochs", "1",
    ])
    #expect(other.status == 2)
    #expect(other.error.contains("--statistics") && other.error.contains("not --x"), "\(other.error)")
  }

  /// Two ranks under mpirun reading their parts of one mapped file: one process's model.
  @Test(.enabled(if: MPITests.mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
  func ranksTrainFromOneMappedFile() throws {
    let folder = try makeData()
    defer { try? FileManager.default.removeItem(at: folder) }
    func arguments(_ mode: String, _ name: String) -> [String] {
      train(folder, mode, name, dropout: false) + ["--dtype", "float64"]
    }
    let single = try BackpropExecutable.run(arguments("off", "one"))
    #expect(single.status == 0, "\(single.error)")
    let parallel = try MPITests().mpi(2, arguments("on", "two"))
    #expect(parallel.status == 0, "\(parallel.error)")
    let difference = try MPITests().difference(
      folder.appendingPathComponent("one.safetensors").path, folder.appendingPathComponent("two.safetensors").path)
    #expect(difference <= 1e-10, "\(difference)")
  }
}
