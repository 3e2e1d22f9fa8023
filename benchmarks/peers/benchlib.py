"""What torch_bench.py and numpy_bench.py share with each other and with
BackpropBench: the command line, the configurations' sizes, the clock, the
JSON line per measurement, peak memory and its theoretical minimum.

Import order matters to the callers: `parse_args` sets the thread variables
(OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS) before NumPy or
PyTorch is imported, which is when the BLAS libraries read them.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

CONFIGS = ["mnist-mlp", "cat-l", "tiny", "infer", "gemm"]

MNIST_SIZES = [784, 256, 128, 10]
MNIST_BATCH = 128
CAT_SIZES = [12288, 20, 7, 5, 1]
CAT_EXAMPLES = 209
TINY_SIZES = [2, 16, 16, 1]
TINY_EXAMPLES = 400


def parse_args(impl):
    p = argparse.ArgumentParser(description=f"{impl} side of the Backprop benchmark suite (JSON lines on stdout)")
    p.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated, from " + ", ".join(CONFIGS))
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke test, not a measurement")
    p.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up (the median is reported)")
    p.add_argument("--threads", type=int, default=None, help="threads for the BLAS / intra-op pool")
    p.add_argument("--column", default=impl, help="the table column these measurements belong to")
    args = p.parse_args()
    names = [c for c in args.configs.split(",") if c]
    for c in names:
        if c not in CONFIGS:
            p.error(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")
    args.configs = [c for c in CONFIGS if c in names]  # mnist-mlp first: its peak memory is its own
    if args.threads is not None:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    args.impl = impl
    return args


def now():
    return time.perf_counter()


def log(message):
    print(message, file=sys.stderr, flush=True)


def mnist_examples(quick):
    return 2048 if quick else 60000


def cat_iterations(quick):
    return 5 if quick else 100


def tiny_iterations(quick):
    return 100 if quick else 2000


def infer_calls(quick):
    return 500 if quick else 10000


def gemm_sizes(quick):
    return [64, 128] if quick else [256, 512, 1024, 2048]


def timed_target(quick, full=0.2):
    """Seconds one timed run of a repeated call should last."""
    return full / 10 if quick else full


def timed_reps(reps, limit, body):
    """Calls body() reps times, or fewer when that takes over `limit` seconds (a
    loaded machine can make the calibrated count far too many); returns the
    calls made and the seconds they took."""
    t0 = time.perf_counter()
    done = 0
    while done < reps:
        body()
        done += 1
        if time.perf_counter() - t0 > limit:
            break
    return done, time.perf_counter() - t0


def iteration_rates(train, iterations, runs):
    """`runs` timed calls of train(iterations) → (iterations/s per run, the last call's value)."""
    samples = []
    value = float("nan")
    for _ in range(runs):
        t0 = now()
        value = train(iterations)
        samples.append(iterations / (now() - t0))
    return samples, value


def mnist_parameters():
    s = MNIST_SIZES
    return sum(s[l] * s[l - 1] + s[l] for l in range(1, len(s)))


def mnist_minimum_bytes(m):
    """Data (X and the labels) + parameters + gradients + one batch's activations
    (the input batch, Z[l] and A[l] of every layer), 4 bytes each."""
    s = MNIST_SIZES
    activations = MNIST_BATCH * (s[0] + 2 * sum(s[1:]))
    return 4 * (m * s[0] + m + 2 * mnist_parameters() + activations)


def measure_mnist_epochs(epoch, batch_count, m, args, report):
    """Warms up on 20 batches, then times `args.runs` epochs of `epoch(batch_count)`
    (which returns the mean loss) and reports samples/s and the peak resident memory."""
    epoch(min(20, batch_count))  # warm-up
    samples = []
    loss = float("nan")
    for run in range(args.runs):
        t0 = now()
        loss = epoch(batch_count)
        dt = now() - t0
        samples.append(m / dt)
        log(f"  mnist-mlp run {run + 1}: {m / dt:.0f} samples/s, mean loss {loss:.4f}")
    report.emit("mnist-mlp", "mnist-mlp.train", "float32", "samples/s", samples,
                examples=m, batch=MNIST_BATCH, mean_loss=loss)
    peak = peak_resident_bytes()
    minimum = mnist_minimum_bytes(m)
    report.emit("mnist-mlp", "mnist-mlp.peak_rss", "float32", "MB", [peak / 1e6],
                min_mb=minimum / 1e6, ratio_to_min=peak / minimum)


def measure_inference(predict, one, many, calls, args, report):
    """Single-example latency (median µs over `calls` calls, per run) and
    batch-1024 throughput (samples/s), after a warm-up; the same for every peer."""
    for _ in range(min(calls, 1000)):
        predict(one)  # warm-up
    latencies = []
    times = [0.0] * calls
    clock = now
    for _ in range(args.runs):
        for i in range(calls):
            t0 = clock()
            predict(one)
            times[i] = clock() - t0
        latencies.append(statistics.median(times) * 1e6)
    report.emit("infer", "infer.latency1", "float32", "us", latencies, calls=calls)

    t0 = now()
    predict(many)  # warm-up, and the calibration
    target = timed_target(args.quick, 0.25)
    reps = max(1, int(target / max(now() - t0, 1e-6)))
    throughput = []
    for _ in range(args.runs):
        count, seconds = timed_reps(reps, 4 * target, lambda: predict(many))
        throughput.append(1024 * count / seconds)
    report.emit("infer", "infer.batch1024", "float32", "samples/s", throughput, reps=reps)


def peak_resident_bytes():
    """VmHWM from /proc/self/status, else getrusage's ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Reporter:
    def __init__(self, args, backend, threads):
        self.args = args
        self.backend = backend
        self.threads = threads

    def emit(self, config, name, dtype, unit, samples, **extra):
        m = statistics.median(samples)
        record = {
            "impl": self.args.impl, "column": self.args.column, "config": config, "name": name,
            "backend": self.backend, "threads": self.threads, "dtype": dtype, "value": m, "unit": unit,
            "runs": len(samples), "samples": list(samples), "median": m, "quick": "yes" if self.args.quick else "no",
        }
        record.update(extra)
        print(json.dumps(record), flush=True)


def main_loop(args, reporter, benches):
    """Runs each chosen config; a failure is logged and makes the exit status 1."""
    failed = False
    for config in args.configs:
        log(f"{args.impl} [{args.column}, threads {reporter.threads}] {config}…")
        t0 = now()
        try:
            benches[config](args, reporter)
        except Exception as error:  # keep going: the other configs still measure
            log(f"{args.impl}: {config} failed: {error!r}")
            failed = True
        log(f"  {config} took {now() - t0:.1f} s")
    sys.exit(1 if failed else 0)
