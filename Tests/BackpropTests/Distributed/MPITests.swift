import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `mpirun -np N backprop train …` against one process, through real MPI (Open MPI in CI:
/// `apt-get install openmpi-bin`); skipped with a message where `mpirun` is absent.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct MPITests {
  /// Open MPI's `mpirun` (its options are used below), when installed.
  static let mpirun: URL? = ["/usr/bin/mpirun.openmpi", "/usr/bin/mpirun", "/usr/local/bin/mpirun"]
    .map(URL.init(fileURLWithPath:)).first { url in
      guard FileManager.default.isExecutableFile(atPath: url.path) else { return false }
      let target = url.resolvingSymlinksInPath().lastPathComponent
      return ["orterun", "prterun", "mpirun", "mpirun.openmpi"].contains(target)
    }

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

  func train(_ folder: URL, save: String, _ extra: [String], epochs: Int = 5) -> [String] {
    [
      "train", "--data", folder.appendingPathComponent("t.csv").path, "--layers", "3,12,3", "--output", "softmax",
      "--epochs", String(epochs), "--batch-size", "14", "--dtype", "float64", "--standardize", "--l2", "0.01", "--save",
      save,
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

  /// 2 and 3 ranks, SGD and Adam, with and without dropout, and with batch normalisation (synchronised:
  /// the whole batch's statistics, all-reduced in forward and backward): the model one process trains,
  /// γ, β and running statistics included, to 1e-10 relative in float64 (only the order of the sums
  /// differs); rank 0 alone prints and saves.
  @Test(
    .enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"),
    arguments: [2, 3])
  func sameModelAsOneProcess(ranks: Int) throws {
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (optimizer, dropout, batchNorm) in [
      ("sgd", false, false), ("adam", false, false), ("adam", true, false), ("adam", false, true),
    ] {
      let extra =
        ["--optimizer", optimizer, "--learning-rate", optimizer == "sgd" ? "0.1" : "0.01"]
        + (dropout ? ["--dropout", "0.2"] : []) + (batchNorm ? ["--batch-norm"] : [])
      let one = folder.appendingPathComponent("one.safetensors").path
      let many = folder.appendingPathComponent("many.safetensors").path
      let single = try BackpropExecutable.run(train(folder, save: one, extra))
      #expect(single.status == 0, "\(single.error)")
      let parallel = try mpi(ranks, train(folder, save: many, extra))
      #expect(parallel.status == 0, "\(parallel.error)")
      let difference = try difference(one, many)
      #expect(
        difference <= 1e-10, "\(ranks) ranks, \(optimizer), dropout \(dropout), batch norm \(batchNorm): \(difference)")
      if batchNorm { #expect(try SafetensorsFile.read(path: many).names.contains { $0.contains("running_mean") }) }
      // One run, one output: the progress and the summary once, from rank 0.
      #expect(parallel.output.components(separatedBy: "Epoch 5/5").count == 2, "\(parallel.output)")
      #expect(parallel.error.components(separatedBy: "Saved the model").count == 2, "\(parallel.error)")
      #expect(parallel.error.contains("on \(ranks) ranks"), "\(parallel.error)")
    }
  }

  /// Ctrl-C on the launcher: every rank stops at the same step, rank 0 leaves a checkpoint, and
  /// `mpirun … train --resume` (on 3 ranks, where the run had 2) finishes with the model an
  /// uninterrupted single process trains for as many epochs.
  @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
  func anInterruptedRunResumesOnAnyNumberOfRanks() throws {
    guard let mpirun = Self.mpirun, let backprop = BackpropExecutable.url else { return }
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = folder.appendingPathComponent("run").path
    let resumed = folder.appendingPathComponent("resumed.safetensors").path
    let arguments = [
      "train", "--data", folder.appendingPathComponent("t.csv").path, "--layers", "3,32,3", "--output", "softmax",
      "--batch-size", "6", "--dtype", "float64", "--optimizer", "adam", "--learning-rate", "0.001", "--quiet",
      "--save", resumed,
    ]
    // mpirun inherits the test process's signal mask, in which SIGINT is blocked (it would stay pending for
    // ever); a terminal's Ctrl-C reaches an mpirun whose mask is empty, so it is started with an empty one.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      [
        "python3", "-c",
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
        mpirun.path, "--allow-run-as-root", "--oversubscribe", "-np", "2", backprop.path,
      ] + arguments + ["--epochs", "1000000", "--checkpoint-dir", checkpoints, "--checkpoint-every", "1"]
    process.standardOutput = FileHandle.nullDevice
    let err = Pipe()
    process.standardError = err
    try process.run()
    func newest() -> String? {
      ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? [])
        .filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".safetensors") }.sorted().last
    }
    let deadline = Date().addingTimeInterval(60)
    while newest() == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    kill(process.processIdentifier, SIGINT)
    // Never hang: a process that ignored the signals is killed after 60 s (and the test fails).
    Subprocess.killIfStillRunning(process)
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus != 0 && message.contains("Resume with"), "\(message)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []
    #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    // checkpoint-EEEEEE-XXXXXXXX: the epoch it resumes in.
    let last = try #require(newest())
    let epoch = try #require(Int(last.dropFirst("checkpoint-".count).prefix(6)))
    let finish = try mpi(3, ["train", "--resume", checkpoints, "--epochs", String(epoch + 1)])
    #expect(finish.status == 0, "\(finish.error)")
    #expect(finish.error.contains("it ran on 2 ranks and continues on 3"), "\(finish.error)")
    let reference = folder.appendingPathComponent("reference.safetensors").path
    var single = arguments
    single[single.count - 1] = reference
    let one = try BackpropExecutable.run(single + ["--epochs", String(epoch + 1)])
    #expect(one.status == 0, "\(one.error)")
    let difference = try difference(reference, resumed)
    #expect(difference <= 1e-10, "resumed at epoch \(epoch): \(difference)")
  }

  /// The MNIST files of `../shared/data`, when present.
  static let mnist: (images: String, labels: String)? = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../../../shared/data/mnist"
    ).standardizedFileURL.path
    let images = folder + "/t10k-images-idx3-ubyte.gz"
    let labels = folder + "/t10k-labels-idx1-ubyte.gz"
    return FileManager.default.fileExists(atPath: images) ? (images, labels) : nil
  }()

  /// The real data: `mpirun -np 2` on the MNIST files, with a validation part and a report,
  /// gives one process's model to 1e-10, and rank 0 writes one report.
  @Test(
    .enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"),
    .enabled(if: mnist != nil, "../shared/data/mnist is absent"))
  func mnistGivesOneProcesssModel() throws {
    guard let (images, labels) = Self.mnist else { return }
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    func arguments(_ save: String) -> [String] {
      [
        "train", "--x", images, "--y", labels, "--examples", ":3000", "--validation-split", "0.2", "--scale", "255",
        "--layers", "784,64,10", "--activation", "relu", "--output", "softmax", "--epochs", "2", "--batch-size", "50",
        "--optimizer", "adam", "--learning-rate", "0.001", "--dtype", "float64", "--save", save, "--quiet",
      ]
    }
    let one = folder.appendingPathComponent("one.safetensors").path
    let two = folder.appendingPathComponent("two.safetensors").path
    let report = folder.appendingPathComponent("report").path
    let single = try BackpropExecutable.run(arguments(one))
    #expect(single.status == 0, "\(single.error)")
    let parallel = try mpi(2, arguments(two) + ["--report", report])
    #expect(parallel.status == 0, "\(parallel.error)")
    let difference = try difference(one, two)
    #expect(difference <= 1e-10, "\(difference)")
    #expect(FileManager.default.fileExists(atPath: report + "/index.html"))
    #expect(parallel.output.components(separatedBy: "Validation accuracy").count == 2, "\(parallel.output)")
  }

  /// MPICH's launcher (Hydra), when installed beside Open MPI (`apt-get install mpich`).
  static let mpichLauncher: URL? = ["/usr/bin/mpirun.mpich", "/usr/bin/mpiexec.hydra"]
    .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

  /// The MPICH ABI (integer handles, `libmpich.so.12` or `libmpi.so.12`), chosen because Hydra
  /// launched the processes: the same model as one process.
  @Test(.enabled(if: mpichLauncher != nil, "MPICH is not installed (apt-get install mpich)"))
  func mpichGivesOneProcesssModel() throws {
    guard let hydra = Self.mpichLauncher, let backprop = BackpropExecutable.url else { return }
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let one = folder.appendingPathComponent("one.safetensors").path
    let two = folder.appendingPathComponent("two.safetensors").path
    let extra = ["--optimizer", "adam", "--learning-rate", "0.01", "--dropout", "0.2"]
    let single = try BackpropExecutable.run(train(folder, save: one, extra))
    #expect(single.status == 0, "\(single.error)")
    let parallel = try Subprocess.run(hydra, ["-np", "2", backprop.path] + train(folder, save: two, extra))
    #expect(parallel.status == 0, "\(parallel.error)")
    #expect(parallel.error.contains("on 2 ranks"), "\(parallel.error)")
    let difference = try difference(one, two)
    #expect(difference <= 1e-10, "\(difference)")
  }

  /// A rank that dies (kill -9) does not leave the others waiting in an all-reduce: the
  /// launcher ends the run within a bounded time (Open MPI's mpirun: about 2 s here; the test
  /// allows 30) with a non-zero status.
  @Test(.enabled(if: mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
  func aRankThatDiesEndsTheRun() throws {
    guard let mpirun = Self.mpirun, let backprop = BackpropExecutable.url else { return }
    let folder = try makeTable()
    defer { try? FileManager.default.removeItem(at: folder) }
    let process = Process()
    process.executableURL = mpirun
    process.arguments =
      ["--allow-run-as-root", "--oversubscribe", "-np", "2", backprop.path]
      + train(folder, save: folder.appendingPathComponent("m.safetensors").path, ["--quiet"], epochs: 1_000_000)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The ranks: the launcher's children that run backprop.
    func ranks() -> [Int32] {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      return entries.compactMap { Int32($0) }.filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
        else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return fields.count > 2 && Int32(fields[1]) == process.processIdentifier && command.contains("backprop")
      }
    }
    let deadline = Date().addingTimeInterval(30)
    while ranks().count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    Thread.sleep(forTimeInterval: 0.5)  // into training
    let victims = ranks()
    try #require(victims.count == 2, "the ranks did not start: \(victims)")
    let killed = Date()
    kill(victims[1], SIGKILL)
    // Never hang: a process that ignored the signals is killed after 60 s (and the test fails).
    Subprocess.killIfStillRunning(process)
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(killed)
    #expect(process.terminationStatus != 0)
    #expect(seconds < 30, "the run ended \(seconds) s after a rank died")
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
