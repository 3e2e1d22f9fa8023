import ArgumentParser
import Backprop
import Foundation

/// `--distributed`: data-parallel training when a launcher started several processes.
enum DistributedMode: String, ExpressibleByArgument, CaseIterable {
  /// Data-parallel over MPI when `mpirun`, `mpiexec` or `srun` started more than one process.
  case auto
  /// One independent training per process, even under a launcher.
  case off
}

/// The command line's side of a data-parallel run: MPI's world for `train` under a launcher,
/// one rank (0) that prints and writes, and MPI finalised at the end.
enum Distributed {
  /// The world this process trains in, once `train` asked for it.
  nonisolated(unsafe) private(set) static var world: MPICommunicator?

  /// Whether this process prints and writes: rank 0, or any process outside a data-parallel run.
  static var isLeader: Bool { (world?.rank ?? 0) == 0 }

  /// MPI's world when a launcher started several processes and `mode` is auto, else nil.
  /// - Throws: a usage error when the launcher started several processes but MPI cannot be used.
  static func start(_ mode: DistributedMode) throws -> MPICommunicator? {
    guard mode == .auto, let size = MPICommunicator.launcherSize, size > 1 else { return nil }
    do {
      let communicator = try MPICommunicator.world()
      world = communicator
      if communicator.rank != 0 {
        // One run, one output: only rank 0's standard output is seen.
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, STDOUT_FILENO) }
      }
      return communicator
    } catch {
      throw ValidationError(
        "launched as \(size) processes (mpirun, mpiexec or srun), but MPI cannot be used: \(error). "
          + "Install Open MPI (libopenmpi3) or MPICH, set BACKPROP_MPI to the library's path, "
          + "or pass --distributed off to run \(size) independent trainings")
    }
  }

  /// Ends MPI after a run that every rank finished (MPI_Finalize waits for them all).
  static func finish() {
    world?.finalize()
  }
}
