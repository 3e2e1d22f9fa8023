"""Limits JAX (XLA on the CPU) to N threads; import and call before importing jax.

XLA's CPU client has no thread-count setting. What its maintainers give
(jax-ml/jax#743, #1539): the flags `--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1` in XLA_FLAGS for one thread (they keep the
generated code and Eigen's products on the calling thread), and the process's CPU
affinity, from which XLA sizes its thread pool, for any count. So for N threads
fewer than the CPUs this process may use: the affinity is narrowed to N of them
(os.sched_setaffinity), and for N = 1 the flags are set too. JAX_PLATFORMS=cpu
keeps a CUDA build of jaxlib from probing for GPUs.
"""
import os


def limit(threads):
    """Returns a description of what was set."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    done = ["JAX_PLATFORMS=cpu"]
    if threads is None:
        return ", ".join(done)
    if threads == 1:
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flags).strip()
        done.append(f"XLA_FLAGS='{flags}'")
    try:
        cpus = sorted(os.sched_getaffinity(0))
        if threads < len(cpus):
            os.sched_setaffinity(0, cpus[:threads])
            done.append(f"affinity CPUs {cpus[:threads]}")
    except (AttributeError, OSError):
        pass  # no affinity on this system: the flags alone
    return ", ".join(done)
