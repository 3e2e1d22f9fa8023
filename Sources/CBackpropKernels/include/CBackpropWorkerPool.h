#ifndef CBACKPROP_WORKER_POOL_H
#define CBACKPROP_WORKER_POOL_H

/// The persistent worker threads that every parallel kernel shares
/// (`Kernels.WorkerPool`): the blocks of a matrix product, the column ranges
/// of the fused elementwise kernels.
///
/// A job is `tasks` independent calls `task(context, i)`, i = 0 … tasks − 1,
/// handed out one at a time from an atomic counter to the calling thread and
/// up to `threads` − 1 workers. Workers are started on first use and never
/// exit. Between jobs a worker spins (with the CPU's pause hint) for about
/// `bp_pool_spin_microseconds`, so that the next product of a training step
/// starts without a system call, then parks on its own condition variable
/// until the next job wakes it.
///
/// A worker that has not picked its share up by the time the caller has run
/// every task is released from the job (it is not waited for): a parked or
/// descheduled worker never delays a job it was not needed for.
///
/// One job runs at a time: a call made while another thread's job runs (or
/// from inside a task) runs all its tasks on the calling thread, in order.
/// Which thread runs a task never changes what it computes, so results are
/// the same whatever the thread count, as long as `task` writes only what
/// belongs to index i.

#ifdef __cplusplus
extern "C" {
#endif

/// One task of a job: `index` in 0 ..< tasks.
typedef void (*bp_pool_task)(void *context, long index);

/// Runs `task(context, i)` for every i in 0 ..< tasks, on the calling thread
/// and up to `threads` − 1 workers (fewer when `tasks` is smaller), and
/// returns when all have finished. `threads` ≤ 1 or `tasks` ≤ 1 runs
/// everything on the calling thread.
void bp_pool_run(long tasks, long threads, bp_pool_task task, void *context);

/// Makes spinning workers park at once instead of at the end of their spin
/// time (before handing the cores to other threads, e.g. a system BLAS's).
void bp_pool_park(void);

/// The workers started so far (they are started on first use, up to the
/// largest `threads` − 1 asked for, at most 255).
long bp_pool_worker_count(void);

/// How long an idle worker spins before it parks, in microseconds
/// (default 1000; 0 parks at once). Read by the workers on each wait.
void bp_pool_set_spin_microseconds(long microseconds);
long bp_pool_spin_microseconds(void);

#ifdef __cplusplus
}
#endif

#endif
