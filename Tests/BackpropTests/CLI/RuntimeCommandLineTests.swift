import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// `backprop info`, `BACKPROP_BLAS` and `--threads` end to end.
@Suite(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
struct RuntimeCommandLineTests {
  /// Runs `backprop arguments…` with `environment` added (`NAME=value`),
  /// `BACKPROP_THREADS` otherwise unset and `BACKPROP_BLAS` as this process
  /// has it (so the child finds the library this process found).
  func run(_ arguments: [String], environment: [String] = []) throws -> Subprocess.Result {
    guard let url = BackpropExecutable.url else { throw CocoaError(.fileNoSuchFile) }
    return try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/env"), ["-u", "BACKPROP_THREADS"] + environment + [url.path] + arguments)
  }

  func json(_ result: Subprocess.Result) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(result.output)")
  }

  @Test func infoReportsVersionBackendThreadsAndCPU() throws {
    let result = try run(["info"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.isEmpty, "\(result.error)")
    for fragment in ["Backprop \(backpropVersion)", "Matrix products:", "Threads:", "CPU SIMD:", "Built-in kernel:"] {
      #expect(result.output.contains(fragment), "info lacks '\(fragment)': \(result.output)")
    }
    if let blas = SystemBLAS.current {
      // The subprocess searches the same way as this process.
      #expect(result.output.contains("system BLAS (\(blas.name))") && result.output.contains(blas.path))
    } else {
      #expect(result.output.contains("built-in kernel"))
    }
  }

  @Test func infoAsJSON() throws {
    let report = try json(try run(["info", "--json", "--threads", "1"]))
    #expect(report["version"] as? String == backpropVersion)
    #expect(report["threads"] as? Int == 1 && report["threads_source"] as? String == "--threads")
    #expect((report["processors_available"] as? Int ?? 0) >= 1)
    let cpu = try #require(report["cpu"] as? [String: Any])
    #expect(cpu["simd"] is [String])
    if SystemBLAS.current != nil {
      #expect(report["backend"] as? String == "system-blas")
      let blas = try #require(report["blas"] as? [String: Any])
      #expect((blas["path"] as? String)?.hasPrefix("/") == true)
      if blas["threads"] is Int { #expect(blas["threads"] as? Int == 1) }
    } else {
      #expect(report["backend"] as? String == "builtin")
    }
  }

  @Test func backpropThreadsIsTheDefaultAndTheOptionOverridesIt() throws {
    let fromEnvironment = try json(try run(["info", "--json"], environment: ["BACKPROP_THREADS=3"]))
    #expect(
      fromEnvironment["threads"] as? Int == 3 && fromEnvironment["threads_source"] as? String == "BACKPROP_THREADS")
    let overridden = try json(try run(["info", "--json", "--threads", "2"], environment: ["BACKPROP_THREADS=3"]))
    #expect(overridden["threads"] as? Int == 2 && overridden["threads_source"] as? String == "--threads")
  }

  @Test func blasNoneForcesTheBuiltInKernel() throws {
    let result = try run(["info", "--json"], environment: ["BACKPROP_BLAS=none"])
    #expect(result.status == 0 && result.error.isEmpty, "\(result.error)")
    let report = try json(result)
    #expect(report["backend"] as? String == "builtin")
    #expect(report["blas"] is NSNull)
    #expect((report["blas_status"] as? String)?.contains("BACKPROP_BLAS=none") == true)
  }

  /// A library that cannot be loaded is a warning naming it on standard
  /// error, and the built-in kernel: the command still runs.
  @Test func aMissingLibraryWarnsAndFallsBack() throws {
    let result = try run(["info"], environment: ["BACKPROP_BLAS=/nonexistent.so"])
    #expect(result.status == 0)
    #expect(
      result.error.contains("warning") && result.error.contains("BACKPROP_BLAS=/nonexistent.so"), "\(result.error)")
    #expect(result.output.contains("Matrix products:  built-in kernel"))
    #expect(result.output.contains("/nonexistent.so"))
    // Training works the same way.
    let trained = try run(
      ["gradcheck", "--layers", "3,2,1", "--activation", "tanh"], environment: ["BACKPROP_BLAS=/nonexistent.so"])
    #expect(trained.status == 0 && trained.output.contains("PASS"))
    #expect(trained.error.split(separator: "\n").count == 1, "one warning: \(trained.error)")
  }

  @Test func threadsOnEveryCommand() throws {
    let commands = ["demo", "train", "predict", "evaluate", "inspect", "gradcheck", "info"]
    for command in commands {
      let help = try run([command, "--help"])
      #expect(help.status == 0 && help.output.contains("--threads <n>"), "\(command) --help lacks --threads")
    }

    // --threads 0 and a non-number are errors naming the option, on every command.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-threads-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = folder.appendingPathComponent("t.csv").path
    var rows = ["a,b,label"]
    for i in 0..<40 { rows.append("\(Double(i % 7) / 7),\(Double(i % 5) / 5),\(i % 7 > 3 ? 1 : 0)") }
    try (rows.joined(separator: "\n") + "\n").write(toFile: table, atomically: true, encoding: .utf8)
    let model = folder.appendingPathComponent("m.safetensors").path
    let arguments: [String: [String]] = [
      "demo": ["demo", "--iterations", "20", "--no-plots"],
      "train": [
        "train", "--data", table, "--layers", "2,3,1", "--iterations", "20", "--print-every", "0", "--save", model,
      ],
      "predict": ["predict", "--model", model, "--data", table],
      "evaluate": ["evaluate", "--model", model, "--data", table],
      "inspect": ["inspect", model],
      "gradcheck": ["gradcheck", "--layers", "3,2,1", "--activation", "tanh"],
      "info": ["info"],
    ]
    for command in commands {
      let base = try #require(arguments[command])
      for bad in ["0", "-2", "many"] {
        let result = try run(base + ["--threads", bad])
        #expect(result.status != 0, "\(command) --threads \(bad) should fail")
        #expect(result.error.contains("--threads"), "\(command) --threads \(bad): \(result.error)")
        #expect(!result.error.contains("Fatal error"))
      }
      // train comes first in `commands` order after demo, so the model exists for the others.
      let good = try run(base + ["--threads", "2"])
      #expect(good.status == 0, "\(command) --threads 2: \(good.error)")
    }
  }
}
