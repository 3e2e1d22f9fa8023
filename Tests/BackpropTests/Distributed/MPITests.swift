import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `mpirun -np N backprop train …` against one process, through real MPI (Open MPI in CI:
/// `apt-get install openmpi-bin`); skipped with a message where `mpirun` is absent.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct MPITests {
  /// `mpirun`, when installed.
  static let mpirun: URL? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun", "/opt/openmpi/bin/mpirun"]
    .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

  /// A folder with t.csv: 90 rows of three features and a class 0, 1 or 2.
  func makeTable() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-mpi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var rng = DefaultGenerator(seed: 8)
    var lines = ["a,b,c,label"]
    for j in 0..<90 {
      let c = j % 3
      let x = (0..<3).map { i in rng.nextGaussian() * 0.8 + (i == c ? 1.5 : 0) }
      lines.append(x.map { String($0) }.joined(separator: ",") + ",\(c)")
    }
    try lines.joined(separator: "\n").write(
      to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  func train(_ folder: URL, save: String, _ extra: [String]) -> [String] {
    [
      "train", "--data", folder.appendingPathComponent("t.csv").path, "--layers", "3,12,3", "--output", "softmax",
      "--epochs", "5", "--batch-size", "14", "--dtype", "float64", "--standardize", "--l2", "0.01", "--save", save,
      "--print-every", "1",
    ] + extra
  }

  /// `mpirun -np ranks backprop arguments…` (as root in CI containers, more ranks than cores).
  func mpi(_ ranks: Int, _ arguments: [String]) throws -> Subprocess.Result {
    guard let mpirun = Self.mpirun, let backprop = BackpropExecutable.url else { throw CocoaError(.fileNoSuchFile) }
    return try Subprocess.run(
      mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), backprop.path] + arguments)
  }

  /// The largest relative difference between two saved models' tensors.
  func difference(_ a: String, _ b: String) throws -> Double {
    let (x, y) = (try SafetensorsFile.read(path: a), try SafetensorsFile.read(path: b))
    var worst = 0.0
    for name in x.names {
      let u = try #require(x.tensor(named: name)).values()
      let v = try #require(y.tensor(named: name)).values()
      for (p, q) in zip(u, v) { worst = max(worst, abs(p - q) / max(abs(p), abs(q), 1e-3)) }
    }
    return worst
  }

  /// 2 and 3 ranks, SGD and Adam, with and without dropout: the model one process trains, to
  /// 1e-10 relative in float64 (only the order of the sums differs); rank 0 alone prints and saves.
  @Test(
    .enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"),
    arguments: [2, 3])
  func sameModelAsOneProcess(ranks: Int) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (optimizer, dropout) in [("sgd", false), ("adam", false), ("adam", true)] {
      let extra =
        ["--optimizer", optimizer, "--learning-rate", optimizer == "sgd" ? "0.1" : "0.01"]
        + (dropout ? ["--dropout", "0.2"] : [])
      let one = folder.appendingPathComponent("one.safetensors").path
      let many = folder.appendingPathComponent("many.safetensors").path
      let single = try BackpropExecutable.run(train(folder, save: one, extra))
      #expect(single.status == 0, "\(single.error)")
      let parallel = try mpi(ranks, train(folder, save: many, extra))
      #expect(parallel.status == 0, "\(parallel.error)")
      let difference = try difference(one, many)
      #expect(difference <= 1e-10, "\(ranks) ranks, \(optimizer), dropout \(dropout): \(difference)")
      // One run, one output: the progress and the summary once, from rank 0.
      #expect(parallel.output.components(separatedBy: "Epoch 5/5").count == 2, "\(parallel.output)")
      #expect(parallel.error.components(separatedBy: "Saved the model").count == 2, "\(parallel.error)")
      #expect(parallel.error.contains("on \(ranks) ranks"), "\(parallel.error)")
    }
  }

  /// `--distributed off` under mpirun: each process trains its own model, as before.
  @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
  func distributedOffTrainsIndependently() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try mpi(
      2, train(folder, save: folder.appendingPathComponent("m.safetensors").path, ["--distributed", "off", "--quiet"]))
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.components(separatedBy: "Trained 2 layers").count == 3, "\(result.error)")
  }

  /// Launched as several processes (the launcher's environment) but no MPI library can be
  /// loaded: a clear error that says what to do, exit 2, nothing trained.
  @Test func aLauncherWithoutALibraryIsAClearError() throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let url = BackpropExecutable.url else { return }
    let result = try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_RANK=0", "BACKPROP_MPI=/nonexistent/libmpi.so", url.path]
        + train(folder, save: folder.appendingPathComponent("m.safetensors").path, []))
    #expect(result.status == 2, "\(result.error)")
    #expect(
      result.error.contains("launched as 2 processes") && result.error.contains("/nonexistent/libmpi.so")
        && result.error.contains("--distributed off"), "\(result.error)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
  }
}
