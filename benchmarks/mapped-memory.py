#!/usr/bin/env python3
"""mapped-memory.py: `backprop train` from a memory-mapped .npy larger than a quarter of memory,
against the same file loaded into memory: peak memory and speed (issue 15's "data larger than memory").

    benchmarks/mapped-memory.py [--binary PATH] [--gib 4] [--epochs 3] [--rounds 2] [--folder DIR] [--json FILE]
                                [--skip-loaded]

Makes (once, in --folder, default /tmp/backprop-mapped) a float32 .npy of --gib GiB: MNIST's test
images (../shared/data/mnist, else random pixels) tiled to fill it, 784 raw pixel values 0…255 per
row, and their labels. Then trains mnist-mlp on it (784-256-128-10, relu/softmax, Adam, batch 128,
--scale 255 applied to each batch as it is read, 2 threads) with --memory-map on and off, alternately,
--rounds times each (this machine's speed drifts by 10–20% from minute to minute: the figures are
the median and the best epoch of every run of a mode).

Memory is sampled from /proc/PID/status every 50 ms: RssAnon (the process's own memory: arrays,
buffers) and RssFile (file pages mapped into it, which are the page cache's, shared and dropped
by the system under pressure), with VmHWM and ru_maxrss (getrusage of the child, which counts
both). Speed is each epoch's seconds from the run's --history (loading excluded). The file is read
once before the runs (cat > /dev/null) so both start from the page cache.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=os.path.join(root, ".build/release/backprop"))
parser.add_argument("--gib", type=float, default=4.0)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--folder", default="/tmp/backprop-mapped")
parser.add_argument("--json")
parser.add_argument("--skip-loaded", action="store_true", help="run only the mapped training")
args = parser.parse_args()

os.makedirs(args.folder, exist_ok=True)
features = 784
rows = int(args.gib * (1 << 30)) // (features * 4)
x_path = os.path.join(args.folder, f"x-{rows}.npy")
y_path = os.path.join(args.folder, f"y-{rows}.npy")
if not (os.path.exists(x_path) and os.path.exists(y_path)):
    mnist = os.path.join(root, "..", "shared", "data", "mnist")
    try:
        import gzip
        with gzip.open(os.path.join(mnist, "t10k-images-idx3-ubyte.gz")) as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, features)
        with gzip.open(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8)
    except OSError:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (10000, features), dtype=np.uint8)
        labels = (np.arange(10000) % 10).astype(np.uint8)
    x = np.lib.format.open_memmap(x_path + ".part", mode="w+", dtype=np.float32, shape=(rows, features))
    for start in range(0, rows, len(images)):
        end = min(rows, start + len(images))
        x[start:end] = images[: end - start]
    x.flush()
    del x
    os.replace(x_path + ".part", x_path)
    np.save(y_path, np.resize(labels, rows).astype(np.float64))
size = os.path.getsize(x_path)
print(f"{x_path}: {rows} examples × {features} float32, {size / (1 << 30):.2f} GiB", flush=True)


def cache(path):
    with open(path, "rb") as f:
        while f.read(64 << 20):
            pass


def status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    values[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return values


def train(mode):
    cache(x_path)
    with tempfile.TemporaryDirectory() as work:
        history = os.path.join(work, "history.json")
        command = [args.binary, "train", "--x", x_path, "--y", y_path, "--layers", "784,256,128,10",
                   "--activation", "relu", "--output", "softmax", "--optimizer", "adam", "--batch-size", "128",
                   "--epochs", str(args.epochs), "--scale", "255", "--dtype", "float32", "--threads", "2",
                   "--memory-map", mode, "--history", history, "--quiet"]
        started = time.monotonic()
        output = open(os.path.join(work, "output.txt"), "w+")
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        peak = {"RssAnon": 0, "RssFile": 0, "VmRSS": 0, "VmHWM": 0}
        while True:
            # wait4: this child's own rusage (RUSAGE_CHILDREN would be the largest of every child so far).
            pid, code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                break
            for key, value in status(child.pid).items():
                peak[key] = max(peak[key], value)
            time.sleep(0.05)
        wall = time.monotonic() - started
        if code != 0:
            output.seek(0)
            sys.exit(f"{mode}: exit status {code}\n{output.read()}")
        maxrss = usage.ru_maxrss * 1024
        with open(history) as f:
            epochs = [record["seconds"] for record in json.load(f)["epochs"]]
    result = {
        "mode": mode, "wall_seconds": wall, "epoch_seconds": epochs,
        "samples_per_second": [rows / s for s in epochs],
        "peak_rss_anon_bytes": peak["RssAnon"], "peak_rss_file_bytes": peak["RssFile"],
        "peak_vm_rss_bytes": peak["VmRSS"], "vm_hwm_bytes": peak["VmHWM"],
        "ru_maxrss_bytes": maxrss,
    }
    gib = 1 << 30
    print(f"--memory-map {mode}: epochs {', '.join(f'{s:.1f} s' for s in epochs)} "
          f"({', '.join(f'{v:,.0f}' for v in result['samples_per_second'])} samples/s); "
          f"peak RssAnon {peak['RssAnon'] / gib:.3f} GiB, RssFile {peak['RssFile'] / gib:.2f} GiB, "
          f"VmHWM {peak['VmHWM'] / gib:.2f} GiB, ru_maxrss {maxrss / gib:.2f} GiB; wall {wall:.1f} s", flush=True)
    return result


results = {"file": x_path, "bytes": size, "examples": rows, "runs": []}
for _ in range(args.rounds):
    results["runs"].append(train("on"))
    if not args.skip_loaded:
        results["runs"].append(train("off"))


def summary(mode):
    rates = sorted(r for run in results["runs"] if run["mode"] == mode for r in run["samples_per_second"])
    return {"median": rates[len(rates) // 2] if len(rates) % 2 else (rates[len(rates) // 2 - 1] + rates[len(rates) // 2]) / 2,
            "best": rates[-1], "epochs": len(rates)}


results["mapped"] = summary("on")
print(f"mapped: median {results['mapped']['median']:,.0f}, best {results['mapped']['best']:,.0f} samples/s "
      f"over {results['mapped']['epochs']} epochs")
if not args.skip_loaded:
    results["loaded"] = summary("off")
    results["mapped_speed_vs_loaded"] = {key: results["mapped"][key] / results["loaded"][key] for key in ("median", "best")}
    print(f"loaded: median {results['loaded']['median']:,.0f}, best {results['loaded']['best']:,.0f} samples/s; "
          f"mapped / loaded: median {results['mapped_speed_vs_loaded']['median']:.3f}, "
          f"best {results['mapped_speed_vs_loaded']['best']:.3f}")
if args.json:
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
