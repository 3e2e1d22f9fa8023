import CBackpropKernels

extension Kernels {
  /// The persistent threads that every parallel kernel shares: the blocks of a
  /// matrix product and the column ranges of the fused elementwise kernels.
  ///
  /// A job is a number of independent tasks, handed out one at a time to the
  /// calling thread and up to `threads − 1` workers. The workers are started on
  /// first use and stay: between jobs each spins for ``spinMicroseconds`` (so
  /// the next product of a training step starts without a system call, where
  /// `DispatchQueue.concurrentPerform` woke a thread per call), then parks
  /// until the next job. A worker that has not picked its share up by the time
  /// the caller has run every task is not waited for. One job runs at a time: a
  /// call made while another thread's job runs, or from inside a task, runs its
  /// tasks on the calling thread (nothing waits, nothing deadlocks).
  ///
  /// Which thread runs a task never changes what the task computes, so a
  /// kernel whose tasks write disjoint parts of its output gives the same bits
  /// whatever the thread count. Implemented in C (`CBackpropWorkerPool.h`):
  /// atomics and a condition variable per worker, no allocation per job on the
  /// C side (Swift boxes the closure it makes escapable: a few dozen bytes).
  @usableFromInline
  enum WorkerPool {
    /// Runs `body(i)` for every i in `0..<tasks` on up to `threads` threads
    /// (the calling one included) and returns when all have run.
    ///
    /// - Parameters:
    ///   - tasks: the number of tasks.
    ///   - threads: the most threads to use, the caller included; 1 runs every
    ///     task on the calling thread, in order.
    ///   - body: one task; it must write only what belongs to index `i`.
    @inlinable
    static func run(tasks: Int, threads: Int, _ body: (Int) -> Void) {
      guard tasks > 1, threads > 1 else {
        for i in 0..<max(tasks, 0) { body(i) }
        return
      }
      withoutActuallyEscaping(body) { task in
        var task = task
        withUnsafeMutablePointer(to: &task) { pointer in
          bp_pool_run(
            tasks, threads,
            { context, index in
              context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
            }, pointer)
        }
      }
    }

    /// Makes the spinning workers park now, before their spin time is up:
    /// called before work that runs on other threads (a system BLAS's), which
    /// would otherwise share the cores with workers spinning for nothing. The
    /// next job wakes them.
    @inlinable
    static func park() { bp_pool_park() }

    /// The workers started so far (each job uses at most `threads − 1`).
    static var workerCount: Int { bp_pool_worker_count() }

    /// How long an idle worker spins before it parks, in microseconds
    /// (default 1,000). Spinning keeps the gap between the products of a
    /// training step free of wake-ups; 0 parks at once (a process that
    /// shares its cores with busy neighbours may prefer that).
    static var spinMicroseconds: Int {
      get { bp_pool_spin_microseconds() }
      set { bp_pool_set_spin_microseconds(newValue) }
    }
  }
}
