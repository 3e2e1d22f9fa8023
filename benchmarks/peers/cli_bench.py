#!/usr/bin/env python3
"""The CLI configurations: what a user runs, timed end to end as whole processes.

    python3 cli_bench.py --impl backprop --backprop PATH --column backprop-blas --threads 1 [--quick]
    python3 cli_bench.py --impl torch|numpy|jax --threads 1 [--configs cli-tiny] [--runs 3]

Each configuration runs one command, as its user would type it (`backprop train …`,
or a peer's script in peers/cli_*.py), from the same .npy files (peers/make_data.py
writes them into --data), for a short and a long count (epochs or iterations)
n1 < n2. Each run times both processes (wall clock, start to exit) and gives

    per unit = (t(n2) − t(n1)) / (n2 − n1)      start-up, loading, compiling cancel out
    fixed    = t(n1) − n1 · per unit           what the process spends besides training

The figures are the medians over --runs such pairs, after one untimed short run (it
fills the file cache; not with --quick). One JSON line per figure on standard output, progress on
standard error; the implementations' own output is checked for a "Train accuracy"
line, recorded with the figure.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib as B  # noqa: E402

CONFIGS = ["cli-mnist-mlp", "cli-cat-l", "cli-tiny"]

# (short, long) counts; mnist in epochs, the others in iterations.
COUNTS = {
    "cli-mnist-mlp": ((1, 3), (1, 2)),
    "cli-cat-l": ((25, 125), (2, 10)),
    "cli-tiny": ((2000, 10000), (20, 500)),
}
# Which peer runs which configuration (the others get n/a in the table).
PEERS = {"torch": set(CONFIGS), "jax": set(CONFIGS), "numpy": {"cli-cat-l"}}


def counts(config, quick):
    return COUNTS[config][1 if quick else 0]


def data_files(folder, config, quick):
    stem = {"cli-mnist-mlp": "mnist-quick" if quick else "mnist", "cli-cat-l": "cat", "cli-tiny": "tiny"}[config]
    return os.path.join(folder, f"{stem}-x.npy"), os.path.join(folder, f"{stem}-y.npy")


def command(args, config, n):
    """The command line for `n` epochs or iterations, and the environment it runs in."""
    x, y = data_files(args.data, config, args.quick)
    t = str(args.threads)
    env = dict(os.environ)
    if args.impl == "backprop":
        env.update(BACKPROP_THREADS=t, OPENBLAS_NUM_THREADS=t, OMP_NUM_THREADS=t)
        if args.column == "backprop-builtin":
            env["BACKPROP_BLAS"] = "none"
        elif args.column == "backprop-blas":
            env["BACKPROP_BLAS"] = "system"
        train = [args.backprop, "train", "--x", x, "--y", y, "--quiet"]
        if config == "cli-mnist-mlp":
            return train + ["--layers", "784,256,128,10", "--activation", "relu", "--output", "softmax",
                            "--learning-rate", "0.1", "--batch-size", "128", "--epochs", str(n),
                            "--dtype", "float32"], env
        if config == "cli-cat-l":
            return train + ["--layers", "12288,20,7,5,1", "--activation", "relu", "--output", "sigmoid",
                            "--learning-rate", "0.0075", "--iterations", str(n), "--dtype", "float64"], env
        return train + ["--layers", "2,16,16,1", "--activation", "tanh", "--output", "sigmoid",
                        "--learning-rate", "0.5", "--iterations", str(n), "--dtype", "float32"], env
    task = {"cli-mnist-mlp": "mnist", "cli-cat-l": "cat", "cli-tiny": "tiny"}[config]
    count = ["--epochs", str(n)] if config == "cli-mnist-mlp" else ["--iterations", str(n)]
    script = os.path.join(HERE, f"cli_{args.impl}.py")
    if args.impl == "torch":
        env.update(OMP_NUM_THREADS=t, MKL_NUM_THREADS=t)
    elif args.impl == "numpy":
        env.update(OPENBLAS_NUM_THREADS=t, OMP_NUM_THREADS=t)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    return [args.python, script, task, "--x", x, "--y", y, "--threads", t] + count, env


def run_once(argv, env):
    """Wall seconds from start to exit, the peak resident set (bytes), and the output."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - t0
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"exit {process.returncode}: {' '.join(argv)}\n{text[-2000:]}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return seconds, peak, text


def accuracy_in(text):
    found = re.findall(r"Train accuracy:\s*([0-9.]+)", text)
    if not found:
        raise RuntimeError(f"no 'Train accuracy' line in the output:\n{text[-1000:]}")
    return float(found[-1])


def measure(config, args, report):
    n1, n2 = counts(config, args.quick)
    unit, per = ("samples/s", "epoch") if config == "cli-mnist-mlp" else ("iterations/s", "iteration")
    scale = (2048 if args.quick else 60000) if config == "cli-mnist-mlp" else 1  # samples per epoch
    short, env = command(args, config, n1)
    long_, _ = command(args, config, n2)
    B.log(f"  {' '.join(short)}")
    if not args.quick:  # (a smoke test skips it: start-ups dominate --quick's time)
        run_once(short, env)  # warm-up: the file cache, the shared libraries
    rates, fixed, peaks, t1s, t2s = [], [], [], [], []
    accuracy = None
    for run in range(args.runs):
        t1, _, _ = run_once(short, env)
        t2, peak, text = run_once(long_, env)
        accuracy = accuracy_in(text)
        t1s.append(t1)
        t2s.append(t2)
        peaks.append(peak / 1e6)
        each = (t2 - t1) / (n2 - n1)
        if each <= 0:  # the long run was not longer: noise swamped it; this pair says nothing
            B.log(f"  {config} run {run + 1}: t({n1}) = {t1:.2f} s ≥ t({n2}) = {t2:.2f} s, pair dropped")
            continue
        rates.append(scale / each)
        fixed.append(t1 - n1 * each)
        B.log(f"  {config} run {run + 1}: t({n1}) = {t1:.2f} s, t({n2}) = {t2:.2f} s → "
              f"{scale / each:,.0f} {unit}, fixed {fixed[-1]:.2f} s; train accuracy {accuracy}")
    if not rates and args.quick:  # a smoke test: that it ran is what counts
        B.log(f"  {config}: no pair measured a difference at --quick sizes; no figure")
        return
    if not rates:
        raise RuntimeError("every long run was as fast as its short one: the machine is too noisy to measure")
    extra = dict(short=n1, long=n2, per=per, pairs_dropped=args.runs - len(rates), t_short=t1s, t_long=t2s, train_accuracy=accuracy,
                 command=" ".join(os.path.basename(a) if a.endswith(".npy") else a for a in long_))
    if config == "cli-mnist-mlp":
        extra["examples"] = scale
    dtype = "float64" if config == "cli-cat-l" else "float32"
    report.emit(config, f"{config}.rate", dtype, unit, rates, **extra)
    report.emit(config, f"{config}.fixed", dtype, "s", fixed, short=n1, long=n2, pairs_dropped=args.runs - len(rates))
    if config == "cli-mnist-mlp":
        report.emit(config, f"{config}.peak_rss", dtype, "MB", peaks, epochs=n2)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--impl", required=True, choices=["backprop", "torch", "numpy", "jax"])
    p.add_argument("--column", default=None, help="the table column (default: --impl)")
    p.add_argument("--configs", default=",".join(CONFIGS))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--backprop", help="the backprop executable (--impl backprop)")
    p.add_argument("--python", default=sys.executable, help="the Python that runs a peer's script")
    p.add_argument("--data", default=os.path.join(HERE, "..", ".data"), help="where make_data.py wrote the files")
    args = p.parse_args()
    args.column = args.column or args.impl
    args.data = os.path.abspath(args.data)
    names = [c for c in args.configs.split(",") if c]
    for c in names:
        if c not in CONFIGS:
            p.error(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")
    if args.impl == "backprop" and not args.backprop:
        p.error("--impl backprop needs --backprop PATH")
    args.configs = [c for c in CONFIGS if c in names and (args.impl == "backprop" or c in PEERS[args.impl])]
    if not args.configs:
        B.log(f"{args.impl}: none of {', '.join(names)} has a {args.impl} peer; nothing to run")
        return
    # The data, once (a no-op when the files are there).
    subprocess.run([args.python if args.impl != "backprop" else sys.executable,
                    os.path.join(HERE, "make_data.py"), args.data] + (["--quick"] if args.quick else []), check=True)
    if args.impl == "backprop":
        backend = {"backprop-builtin": "BACKPROP_BLAS=none", "backprop-blas": "BACKPROP_BLAS=system"}.get(
            args.column, "BACKPROP_BLAS unset")
        backend = f"backprop train, {backend}"
    else:
        backend = f"{args.impl} script peers/cli_{args.impl}.py"
    report = B.Reporter(args, backend, args.threads)
    B.main_loop(args, report, {c: (lambda c: lambda a, r: measure(c, a, r))(c) for c in args.configs})


if __name__ == "__main__":
    main()
