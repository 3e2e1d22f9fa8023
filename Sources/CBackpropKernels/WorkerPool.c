#include "CBackpropWorkerPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

// A job is published by writing its fields, then posting each participating
// worker's slot (release). A worker takes the job by moving its slot from
// POSTED to RUNNING (acquire), which is what makes the job's fields visible to
// it, runs tasks from the shared counter, and sets the slot back to IDLE
// (release) when the counter is spent. When the caller has run out of tasks it
// withdraws every slot still POSTED (POSTED → IDLE) and waits only for the
// RUNNING ones. A worker that wakes late finds its slot IDLE, or POSTED for a
// newer job, whose fields it then reads after its own successful take.
//
// Parking: a worker that has spun for the spin time without a post sets its
// `sleeping` flag and waits on its condition variable while the slot is not
// POSTED. The caller stores POSTED, then reads `sleeping` (both sequentially
// consistent): either the worker sees the post before it waits, or the caller
// sees the flag and signals under the worker's mutex.

enum { IDLE = 0, POSTED = 1, RUNNING = 2 };
enum { MAX_WORKERS = 255 };

typedef struct {
  _Alignas(64) _Atomic int slot;
  _Atomic int sleeping;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
} worker;

static struct {
  // The current job.
  bp_pool_task task;
  void *context;
  long tasks;
  _Alignas(64) _Atomic long next;
  // One job at a time; others run inline.
  _Alignas(64) atomic_flag busy;
  _Atomic long spin_microseconds;
  // Bumped by bp_pool_park: a spinning worker that sees it change parks.
  _Atomic unsigned long park_requests;
  long started;
  pthread_mutex_t grow;
  worker workers[MAX_WORKERS];
} pool = {
  .busy = ATOMIC_FLAG_INIT,
  .spin_microseconds = 1000,
  .grow = PTHREAD_MUTEX_INITIALIZER,
};

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static long now_microseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/// Runs tasks from the shared counter until it is spent.
static void drain(void) {
  const long tasks = pool.tasks;
  long i;
  while ((i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed)) < tasks) {
    pool.task(pool.context, i);
  }
}

/// Waits until the slot is POSTED: spinning, then parked.
static void wait_for_post(worker *w) {
  const long spin = atomic_load_explicit(&pool.spin_microseconds, memory_order_relaxed);
  if (spin > 0) {
    const unsigned long parks = atomic_load_explicit(&pool.park_requests, memory_order_relaxed);
    const long deadline = now_microseconds() + spin;
    for (;;) {
      for (int k = 0; k < 64; k++) {
        if (atomic_load_explicit(&w->slot, memory_order_relaxed) == POSTED) return;
        relax();
      }
      if (now_microseconds() >= deadline) break;
      if (atomic_load_explicit(&pool.park_requests, memory_order_relaxed) != parks) break;
    }
  }
  pthread_mutex_lock(&w->mutex);
  atomic_store(&w->sleeping, 1);
  while (atomic_load(&w->slot) != POSTED) pthread_cond_wait(&w->wake, &w->mutex);
  atomic_store(&w->sleeping, 0);
  pthread_mutex_unlock(&w->mutex);
}

static void *worker_main(void *argument) {
  worker *w = argument;
  for (;;) {
    wait_for_post(w);
    int expected = POSTED;
    if (atomic_compare_exchange_strong_explicit(
            &w->slot, &expected, RUNNING, memory_order_acquire, memory_order_relaxed)) {
      drain();
      atomic_store_explicit(&w->slot, IDLE, memory_order_release);
    }
  }
  return 0;
}

/// Starts workers until there are `count` (or as many as could be started).
static long ensure_workers(long count) {
  if (count > MAX_WORKERS) count = MAX_WORKERS;
  pthread_mutex_lock(&pool.grow);
  while (pool.started < count) {
    worker *w = &pool.workers[pool.started];
    atomic_init(&w->slot, IDLE);
    atomic_init(&w->sleeping, 0);
    pthread_mutex_init(&w->mutex, 0);
    pthread_cond_init(&w->wake, 0);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attributes, worker_main, w);
    pthread_attr_destroy(&attributes);
    if (failed) break;
    pool.started += 1;
  }
  long started = pool.started;
  pthread_mutex_unlock(&pool.grow);
  return started;
}

static void run_inline(long tasks, bp_pool_task task, void *context) {
  for (long i = 0; i < tasks; i++) task(context, i);
}

void bp_pool_run(long tasks, long threads, bp_pool_task task, void *context) {
  if (tasks <= 0) return;
  long helpers = (threads < tasks ? threads : tasks) - 1;
  if (helpers <= 0 || atomic_flag_test_and_set_explicit(&pool.busy, memory_order_acquire)) {
    run_inline(tasks, task, context);
    return;
  }
  // `started` only grows, under `grow`; the busy flag orders this read after it.
  if (helpers > pool.started) helpers = ensure_workers(helpers);
  if (helpers > pool.started) helpers = pool.started;

  pool.task = task;
  pool.context = context;
  pool.tasks = tasks;
  atomic_store_explicit(&pool.next, 0, memory_order_relaxed);
  for (long h = 0; h < helpers; h++) {
    worker *w = &pool.workers[h];
    atomic_store(&w->slot, POSTED);  // sequentially consistent: publishes the job, then reads `sleeping`
    if (atomic_load(&w->sleeping)) {
      pthread_mutex_lock(&w->mutex);
      pthread_cond_signal(&w->wake);
      pthread_mutex_unlock(&w->mutex);
    }
  }
  drain();
  for (long h = 0; h < helpers; h++) {
    worker *w = &pool.workers[h];
    int expected = POSTED;
    if (atomic_compare_exchange_strong_explicit(
            &w->slot, &expected, IDLE, memory_order_relaxed, memory_order_relaxed)) {
      continue;  // it had not taken the job: withdrawn
    }
    // RUNNING: its last task is in progress. IDLE: done.
    long spins = 0;
    while (atomic_load_explicit(&w->slot, memory_order_acquire) != IDLE) {
      relax();
      if (++spins % 4096 == 0) sched_yield();
    }
  }
  atomic_flag_clear_explicit(&pool.busy, memory_order_release);
}

void bp_pool_park(void) {
  atomic_fetch_add_explicit(&pool.park_requests, 1, memory_order_relaxed);
}

long bp_pool_worker_count(void) {
  pthread_mutex_lock(&pool.grow);
  long started = pool.started;
  pthread_mutex_unlock(&pool.grow);
  return started;
}

void bp_pool_set_spin_microseconds(long microseconds) {
  atomic_store_explicit(&pool.spin_microseconds, microseconds < 0 ? 0 : microseconds, memory_order_relaxed);
}

long bp_pool_spin_microseconds(void) {
  return atomic_load_explicit(&pool.spin_microseconds, memory_order_relaxed);
}
