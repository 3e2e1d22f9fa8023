import ArgumentParser
import Backprop
import Foundation

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Show the version, the matrix-product backend (system BLAS or built-in kernel), threads and CPU features.",
    discussion: """
      The backend is a CBLAS library found at run time (OpenBLAS, BLIS, oneMKL, Accelerate, …) or the \
      built-in kernel. BACKPROP_BLAS chooses: unset searches the usual library names and uses a library \
      found only for the precisions (float32, float64) where a quick measurement shows it faster than the \
      built-in kernel; system uses the library found, unmeasured; none forces the built-in kernel; a path \
      or file name loads that library and uses it (when it cannot, a warning names it on standard error and \
      the built-in kernel is used).

      Threads: --threads, else BACKPROP_THREADS, else the processors available to the process.

      MPI (for `mpirun -np N backprop train …`, data-parallel training) is found at run time too: \
      BACKPROP_MPI names the library, else Open MPI's libmpi.so.40 or MPICH's libmpi.so.12 \
      (libmpich.so.12 on Debian), the launcher's own first.

        backprop info
        BACKPROP_BLAS=none backprop info --json
      """
  )

  @Flag(help: "Print the report as JSON.")
  var json = false

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  func run() throws {
    runtime.apply()
    let report = InfoReport(threadsOption: runtime.threads)
    print(json ? try report.json() : report.text())
  }
}

/// What `backprop info` reports, gathered once.
struct InfoReport {
  var version = backpropVersion
  var choice = Kernels.backendChoice
  var blas = SystemBLAS.current
  var blasStatus = SystemBLAS.status
  var blasSetting = ProcessInfo.processInfo.environment["BACKPROP_BLAS"]
  var threads = Kernels.threadCount
  var threadsSource: String
  var processors = Kernels.availableProcessorCount
  var cpuModel = CPUFeatures.modelName
  var cpuSIMD = CPUFeatures.simd
  var kernel = builtinKernelSIMD()
  var mpi = MPICommunicator.library
  var mpiProblem = MPICommunicator.loadProblem
  var launcherSize = MPICommunicator.launcherSize

  init(threadsOption: Int?) {
    if threadsOption != nil {
      threadsSource = "--threads"
    } else if let text = ProcessInfo.processInfo.environment["BACKPROP_THREADS"], let value = Int(text), value > 0 {
      threadsSource = "BACKPROP_THREADS"
    } else {
      threadsSource = "processors available"
    }
  }

  func text() -> String {
    var lines = ["Backprop \(version)"]
    func row(_ label: String, _ value: String) {
      lines.append(label.padding(toLength: 18, withPad: " ", startingAt: 0) + value)
    }
    if let blas {
      func name(_ backend: Kernels.Backend) -> String {
        backend == .systemBLAS ? "system BLAS (\(blas.name))" : "built-in kernel"
      }
      row(
        "Matrix products:",
        choice.float == choice.double
          ? name(choice.float) : "float32: \(name(choice.float)); float64: \(name(choice.double))")
      row("  Library:", blas.path)
      row("  Version:", blas.version ?? "not reported")
      row("  Chosen:", choice.reason)
    } else {
      row("Matrix products:", "built-in kernel")
      row("  Why:", blasStatus)
    }
    var threadLine = "\(threads) (\(threadsSource))"
    if let blasThreads = blas?.threadCount { threadLine += "; the BLAS uses \(blasThreads)" }
    row("Threads:", threadLine)
    row("Processors:", "\(processors) available to this process")
    if let cpuModel { row("CPU:", cpuModel) }
    row("CPU SIMD:", cpuSIMD.isEmpty ? "not reported" : cpuSIMD.joined(separator: " "))
    row(
      "Built-in kernel:",
      kernel.description + (kernel.features.isEmpty ? "" : " — " + kernel.features.joined(separator: " ")))
    if let mpi {
      row("MPI:", "\(mpi.version.isEmpty ? mpi.abi.rawValue : mpi.version) (\(mpi.abi.rawValue) ABI)")
      row("  Library:", mpi.path)
    } else {
      row("MPI:", "none (train runs in one process): \(mpiProblem ?? "not found")")
    }
    if let launcherSize { row("  Launched:", "\(launcherSize) processes (mpirun, mpiexec or srun)") }
    return lines.joined(separator: "\n")
  }

  func json() throws -> String {
    func orNull(_ value: Any?) -> Any { value ?? NSNull() }
    let object: [String: Any] = [
      "version": version,
      "backend": choice.float == .systemBLAS ? "system-blas" : "builtin",
      "backend_float32": choice.float == .systemBLAS ? "system-blas" : "builtin",
      "backend_float64": choice.double == .systemBLAS ? "system-blas" : "builtin",
      "backend_reason": choice.reason,
      "calibration": choice.measurements.map { m -> [String: Any] in
        ["dtype": m.dtype, "size": m.size, "builtin_gflops": m.builtinGFLOPS, "library_gflops": m.libraryGFLOPS]
      },
      "blas": orNull(
        blas.map { blas -> [String: Any] in
          ["name": blas.name, "path": blas.path, "version": orNull(blas.version), "threads": orNull(blas.threadCount)]
        }),
      "blas_status": blasStatus,
      "blas_setting": orNull(blasSetting),
      "threads": threads,
      "threads_source": threadsSource,
      "processors_available": processors,
      "cpu": ["model": orNull(cpuModel), "simd": cpuSIMD],
      "builtin_kernel": ["description": kernel.description, "simd": kernel.features],
      "mpi": orNull(
        mpi.map { mpi -> [String: Any] in ["path": mpi.path, "version": mpi.version, "abi": mpi.abi.rawValue] }),
      "mpi_status": orNull(mpiProblem),
      "launcher_processes": orNull(launcherSize),
    ]
    let data = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }
}

/// What the built-in kernel's vector code uses: its micro-kernel, chosen at
/// run time (`BACKPROP_SIMD=avx2` or `portable` forces a narrower one).
func builtinKernelSIMD() -> (description: String, features: [String]) {
  let name = Kernels.microKernelName
  let description: String
  if name.hasPrefix("avx512") {
    description = "AVX-512 micro-kernels (512-bit, 32×12 float / 16×12 double tiles), chosen at run time"
  } else if name.hasPrefix("avx2") {
    description = "AVX2 + FMA micro-kernels (256-bit, 16×6 float / 8×6 double tiles), chosen at run time"
  } else {
    description = "portable SIMD micro-kernel, 128-bit vectors (SIMD4<Float>, SIMD2<Double>)"
  }
  return (description, name.split(separator: "+").map(String.init))
}
