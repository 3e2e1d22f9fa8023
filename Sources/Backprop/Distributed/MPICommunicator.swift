#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// MPI, found at run time with `dlopen` as the system BLAS is: nothing is needed to build, and
/// a process that never asks for it never loads it.
///
/// The library is the one named by `BACKPROP_MPI` (a file name or a path), else Open MPI's
/// `libmpi.so.40`, MPICH's `libmpi.so.12` or `libmpich.so.12` (Debian's name; Intel MPI,
/// MVAPICH and Cray MPICH share the ABI), then `libmpi.so` — the launcher's own first (Hydra
/// and PMI set `PMI_RANK`, Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`). Both ABIs are spoken: Open MPI's handles are the addresses of
/// its predefined objects (`ompi_mpi_comm_world`, `ompi_mpi_double`, `ompi_mpi_op_sum`, taken
/// with `dlsym`), MPICH's are the integer constants of its `mpi.h`.
///
/// ```swift
/// if MPICommunicator.launcherSize != nil {                 // under mpirun, mpiexec or srun
///   let world = try MPICommunicator.world()                  // MPI_Init_thread, MPI_COMM_WORLD
///   print(world.rank, world.size, MPICommunicator.library!.version)
/// }
/// ```
///
/// Errors are returned, not fatal (`MPI_ERRORS_RETURN` on the world communicator), and thrown
/// as ``CommunicationError``. A rank that dies is noticed by the launcher, which ends the job
/// (Open MPI's `mpirun` kills the other ranks at once).
public final class MPICommunicator: Communicator, @unchecked Sendable {
  public let rank: Int
  public let size: Int
  private let mpi: MPILibrary

  private init(mpi: MPILibrary, rank: Int, size: Int) {
    self.mpi = mpi
    self.rank = rank
    self.size = size
  }

  /// The number of processes the launcher started, from its environment (Open MPI's
  /// `OMPI_COMM_WORLD_SIZE`, PMI's `PMI_SIZE`, Slurm's `SLURM_NTASKS` under `srun`), or nil
  /// when this process was not started by one.
  public static var launcherSize: Int? {
    for name in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS"] {
      if name == "SLURM_NTASKS" && getenv("SLURM_STEP_ID") == nil { continue }  // an allocation, not an srun step
      if let text = getenv(name), let size = Int(String(cString: text)) { return size }
    }
    return nil
  }

  /// This process's rank as the launcher set it (`OMPI_COMM_WORLD_RANK`, `PMI_RANK`,
  /// `PMIX_RANK`, Slurm's `SLURM_PROCID` in an `srun` step), known before MPI is initialised;
  /// nil when no launcher started this process.
  public static var launcherRank: Int? {
    for name in ["OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "MPI_LOCALRANKID", "SLURM_PROCID"] {
      if name == "SLURM_PROCID" && getenv("SLURM_STEP_ID") == nil { continue }
      if let text = getenv(name), let rank = Int(String(cString: text)) { return rank }
    }
    return nil
  }

  /// The loaded library (`nil` when none could be loaded), and why not.
  public static var library: MPILibrary? { loaded.library }
  /// Why no MPI library could be loaded (each candidate and its `dlopen` error), or nil.
  public static var loadProblem: String? { loaded.problem }

  private static let loaded: (library: MPILibrary?, problem: String?) = MPILibrary.load()

  private nonisolated(unsafe) static var worldCommunicator: MPICommunicator?
  private static let worldLock = PthreadMutex()

  /// The world communicator, MPI initialised on first use (`MPI_Init_thread` asking for
  /// `MPI_THREAD_FUNNELED`: only this thread calls MPI; the kernel threads never do).
  /// - Throws: ``CommunicationError`` when no MPI library can be loaded or initialisation fails.
  public static func world() throws(CommunicationError) -> MPICommunicator {
    worldLock.lock()
    defer { worldLock.unlock() }
    if let existing = worldCommunicator { return existing }
    guard let mpi = library else {
      throw CommunicationError("no MPI library could be loaded: \(loadProblem ?? "none found")")
    }
    try mpi.initialize()
    let (rank, size) = try mpi.rankAndSize()
    if let launched = launcherSize, launched != size {
      throw CommunicationError(
        "\(mpi.path) sees \(size) process\(size == 1 ? "" : "es") but the launcher started \(launched): "
          + "it is not the launcher's MPI; set BACKPROP_MPI to the library of the MPI that runs mpirun")
    }
    let world = MPICommunicator(mpi: mpi, rank: rank, size: size)
    worldCommunicator = world
    return world
  }

  /// Ends MPI (`MPI_Finalize`) after the last operation; every rank must call it.
  public func finalize() { mpi.finalize() }

  /// Ends every rank of the job at once (`MPI_Abort`), with `code` as the exit status.
  public func abort(code: Int32) -> Never { mpi.abort(code: code) }

  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(CommunicationError) {
    try mpi.allReduceSum(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, float64: false)
  }

  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws(CommunicationError) {
    try mpi.allReduceSum(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, float64: true)
  }
}

/// A lock usable from a static context without Foundation: a pthread mutex.
final class PthreadMutex: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  init() { pthread_mutex_init(mutex, nil) }
  func lock() { pthread_mutex_lock(mutex) }
  func unlock() { pthread_mutex_unlock(mutex) }
}

/// The MPI functions a data-parallel run uses, taken from the library with `dlsym`.
public final class MPILibrary: @unchecked Sendable {
  /// The library file, its links resolved.
  public let path: String
  /// What `MPI_Get_library_version` says, first line (e.g. "Open MPI v4.1.4, …").
  public private(set) var version: String = ""
  /// Which ABI the library speaks.
  public let abi: ABI

  /// The two MPI ABIs in use.
  public enum ABI: String, Sendable {
    /// Open MPI: handles are pointers to predefined objects.
    case openMPI = "Open MPI"
    /// MPICH and its derivatives: handles are integers.
    case mpich = "MPICH"
  }

  private let library: DynamicLibrary
  // Open MPI's handles (addresses), or MPICH's constants as raw values.
  private let comm: Int
  private let float32: Int
  private let float64: Int
  private let sum: Int
  private let errorsReturn: Int
  private let inPlace: UnsafeRawPointer?
  /// `MPI_Allreduce`, looked up once (every training step calls it).
  private let allreduceAddress: UnsafeMutableRawPointer?

  private typealias Initialized = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
  private typealias InitThread =
    @convention(c) (
      UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32,
      UnsafeMutablePointer<Int32>?
    ) -> Int32
  private typealias Finalize = @convention(c) () -> Int32
  private typealias LibraryVersion =
    @convention(c) (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
  private typealias ErrorString =
    @convention(c) (Int32, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) ->
    Int32
  // Open MPI's signatures (handles are pointers) …
  private typealias CommIntO = @convention(c) (UnsafeRawPointer?, UnsafeMutablePointer<Int32>?) -> Int32
  private typealias AllreduceO =
    @convention(c) (
      UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeRawPointer?, UnsafeRawPointer?, UnsafeRawPointer?
    ) -> Int32
  private typealias SetErrhandlerO = @convention(c) (UnsafeRawPointer?, UnsafeRawPointer?) -> Int32
  private typealias AbortO = @convention(c) (UnsafeRawPointer?, Int32) -> Int32
  // … and MPICH's (handles are 32-bit integers).
  private typealias CommIntM = @convention(c) (Int32, UnsafeMutablePointer<Int32>?) -> Int32
  private typealias AllreduceM =
    @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Int32, Int32, Int32) -> Int32
  private typealias SetErrhandlerM = @convention(c) (Int32, Int32) -> Int32
  private typealias AbortM = @convention(c) (Int32, Int32) -> Int32

  private init(library: DynamicLibrary, path: String, abi: ABI) {
    self.library = library
    self.path = path
    self.abi = abi
    allreduceAddress = library.address(of: "MPI_Allreduce")
    switch abi {
    case .openMPI:
      func address(_ symbol: String) -> Int { Int(bitPattern: library.address(of: symbol)) }
      comm = address("ompi_mpi_comm_world")
      float32 = address("ompi_mpi_float")
      float64 = address("ompi_mpi_double")
      sum = address("ompi_mpi_op_sum")
      errorsReturn = address("ompi_mpi_errors_return")
      inPlace = UnsafeRawPointer(bitPattern: 1)
    case .mpich:
      comm = 0x4400_0000
      float32 = 0x4c00_040a
      float64 = 0x4c00_080b
      sum = 0x5800_0003
      errorsReturn = 0x5400_0001
      inPlace = UnsafeRawPointer(bitPattern: -1)
    }
  }

  /// The library `BACKPROP_MPI` names, else the first of the usual names that loads.
  static func load() -> (library: MPILibrary?, problem: String?) {
    let requested = getenv("BACKPROP_MPI").map { String(cString: $0) }
    // The launcher's own library first: Open MPI's mpirun sets OMPI_*, MPICH's Hydra (and Slurm's
    // PMI) set PMI_*; an MPI that is not the launcher's would see a world of one process.
    let openMPI = ["libmpi.so.40"]
    let mpich = ["libmpi.so.12", "libmpich.so.12"]  // upstream's name, and Debian's
    let launchedByMPICH = getenv("PMI_RANK") != nil && getenv("OMPI_COMM_WORLD_SIZE") == nil
    let candidates = requested.map { [$0] } ?? (launchedByMPICH ? mpich + openMPI : openMPI + mpich) + ["libmpi.so"]
    var problems = [String]()
    for name in candidates {
      switch DynamicLibrary.open(name, global: true) {
      case .failure(let error):
        problems.append("\(name): \(error.message)")
      case .success(let library):
        guard let anchor = library.address(of: "MPI_Allreduce") else {
          problems.append("\(name): no MPI_Allreduce")
          continue
        }
        let abi: ABI = library.address(of: "ompi_mpi_comm_world") != nil ? .openMPI : .mpich
        let path = DynamicLibrary.file(containing: anchor) ?? name
        let mpi = MPILibrary(library: library, path: path, abi: abi)
        guard mpi.comm != 0, mpi.float32 != 0, mpi.float64 != 0, mpi.sum != 0 else {
          problems.append("\(name): Open MPI's predefined handles are missing")
          continue
        }
        mpi.version = mpi.libraryVersion()
        return (mpi, nil)
      }
    }
    return (nil, problems.joined(separator: "; "))
  }

  private func function<F>(_ name: String, _ type: F.Type) throws(CommunicationError) -> F {
    guard let function = library.function(name, as: type) else {
      throw CommunicationError("\(path) has no \(name)")
    }
    return function
  }

  private func check(_ code: Int32, _ what: String) throws(CommunicationError) {
    guard code != 0 else { return }
    var text = [CChar](repeating: 0, count: 1024)
    var length: Int32 = 0
    if let errorString = try? function("MPI_Error_string", ErrorString.self) {
      _ = errorString(code, &text, &length)
    }
    let message = String(decoding: text.prefix(Int(max(0, length))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw CommunicationError("\(what) failed (MPI error \(code)\(message.isEmpty ? "" : ": \(message)"))")
  }

  private func libraryVersion() -> String {
    guard let get = try? function("MPI_Get_library_version", LibraryVersion.self) else { return "" }
    var text = [CChar](repeating: 0, count: 8192)  // MPICH's MPI_MAX_LIBRARY_VERSION_STRING, Open MPI's is 256
    var length: Int32 = 0
    guard get(&text, &length) == 0 else { return "" }
    let full = String(decoding: text.prefix(Int(max(0, length))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return full.split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters() } ?? ""
  }

  func initialize() throws(CommunicationError) {
    var done: Int32 = 0
    try check(try function("MPI_Initialized", Initialized.self)(&done), "MPI_Initialized")
    if done == 0 {
      var provided: Int32 = 0
      try check(try function("MPI_Init_thread", InitThread.self)(nil, nil, 1, &provided), "MPI_Init_thread")
    }
    // Errors come back as codes (thrown), instead of ending the process inside the library.
    switch abi {
    case .openMPI:
      let set = try function("MPI_Comm_set_errhandler", SetErrhandlerO.self)
      try check(
        set(UnsafeRawPointer(bitPattern: comm), UnsafeRawPointer(bitPattern: errorsReturn)), "MPI_Comm_set_errhandler")
    case .mpich:
      let set = try function("MPI_Comm_set_errhandler", SetErrhandlerM.self)
      try check(
        set(Int32(truncatingIfNeeded: comm), Int32(truncatingIfNeeded: errorsReturn)), "MPI_Comm_set_errhandler")
    }
  }

  func rankAndSize() throws(CommunicationError) -> (rank: Int, size: Int) {
    var rank: Int32 = 0
    var size: Int32 = 0
    switch abi {
    case .openMPI:
      let world = UnsafeRawPointer(bitPattern: comm)
      try check(try function("MPI_Comm_rank", CommIntO.self)(world, &rank), "MPI_Comm_rank")
      try check(try function("MPI_Comm_size", CommIntO.self)(world, &size), "MPI_Comm_size")
    case .mpich:
      let world = Int32(truncatingIfNeeded: comm)
      try check(try function("MPI_Comm_rank", CommIntM.self)(world, &rank), "MPI_Comm_rank")
      try check(try function("MPI_Comm_size", CommIntM.self)(world, &size), "MPI_Comm_size")
    }
    return (Int(rank), Int(size))
  }

  /// In place, in pieces of at most 2³⁰ elements (MPI counts are 32-bit).
  func allReduceSum(_ buffer: UnsafeMutableRawPointer?, count: Int, float64 wide: Bool) throws(CommunicationError) {
    guard let buffer, count > 0 else { return }
    let stride = wide ? 8 : 4
    let type = wide ? float64 : float32
    var start = 0
    while start < count {
      let piece = min(count - start, 1 << 30)
      let pointer = buffer + start * stride
      let code: Int32
      guard let allreduceAddress else { throw CommunicationError("\(path) has no MPI_Allreduce") }
      switch abi {
      case .openMPI:
        let allreduce = unsafeBitCast(allreduceAddress, to: AllreduceO.self)
        code = allreduce(
          inPlace, pointer, Int32(piece), UnsafeRawPointer(bitPattern: type), UnsafeRawPointer(bitPattern: sum),
          UnsafeRawPointer(bitPattern: comm))
      case .mpich:
        let allreduce = unsafeBitCast(allreduceAddress, to: AllreduceM.self)
        code = allreduce(
          inPlace, pointer, Int32(piece), Int32(truncatingIfNeeded: type), Int32(truncatingIfNeeded: sum),
          Int32(truncatingIfNeeded: comm))
      }
      try check(code, "MPI_Allreduce of \(piece) values")
      start += piece
    }
  }

  func finalize() {
    _ = (try? function("MPI_Finalize", Finalize.self))?()
  }

  func abort(code: Int32) -> Never {
    switch abi {
    case .openMPI: _ = (try? function("MPI_Abort", AbortO.self))?(UnsafeRawPointer(bitPattern: comm), code)
    case .mpich: _ = (try? function("MPI_Abort", AbortM.self))?(Int32(truncatingIfNeeded: comm), code)
    }
    exit(code)
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var text = Substring(self)
    while let first = text.first, first.isWhitespace || first == "\0" { text.removeFirst() }
    while let last = text.last, last.isWhitespace || last == "\0" { text.removeLast() }
    return String(text)
  }
}
