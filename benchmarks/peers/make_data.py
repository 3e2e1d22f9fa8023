#!/usr/bin/env python3
"""Writes the CLI configurations' data sets as .npy files, once, from fixed seeds.

    python3 benchmarks/peers/make_data.py benchmarks/.data [--quick]

Every implementation reads the same files, as a user's script would:

    mnist-x.npy  (60000, 784) float32, uniform [0, 1)    mnist-y.npy  (60000,) int64, 0…9      seed 1
    cat-x.npy    (209, 12288) float64, uniform [0, 1)    cat-y.npy    (209,)   int64, 0/1      seed 2
    tiny-x.npy   (400, 2)     float32, standard normal   tiny-y.npy   (400,)   int64, 0/1      seed 3

With --quick, mnist-quick-{x,y}.npy instead of mnist's: the first 2,048 examples'
worth, drawn the same way. A file already there with the right shape and dtype is
kept (a stamp file records the generator's version); one that is not is rewritten.
"""
import argparse
import json
import os
import sys

import numpy as np

VERSION = 1  # bump when the data change: the stamp then no longer matches and every file is rewritten


def specs(quick):
    mnist_m = 2048 if quick else 60000
    mnist = "mnist-quick" if quick else "mnist"
    return {
        mnist: (1, lambda rng: (rng.random((mnist_m, 784), dtype=np.float32),
                                rng.integers(0, 10, mnist_m, dtype=np.int64))),
        "cat": (2, lambda rng: (rng.random((209, 12288)),
                                rng.integers(0, 2, 209, dtype=np.int64))),
        "tiny": (3, lambda rng: (rng.standard_normal((400, 2), dtype=np.float32),
                                 rng.integers(0, 2, 400, dtype=np.int64))),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("--quick", action="store_true", help="the small MNIST-shaped set instead of the full one")
    args = p.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    stamp_path = os.path.join(args.folder, "stamp.json")
    try:
        with open(stamp_path) as f:
            stamp = json.load(f)
    except (OSError, ValueError):
        stamp = {}
    for name, (seed, make) in specs(args.quick).items():
        x_path = os.path.join(args.folder, f"{name}-x.npy")
        y_path = os.path.join(args.folder, f"{name}-y.npy")
        if stamp.get(name) == VERSION and os.path.exists(x_path) and os.path.exists(y_path):
            continue
        x, y = make(np.random.default_rng(seed))
        for path, array in ((x_path, x), (y_path, y)):
            np.save(path + ".part.npy", array)  # whole files only: a run never reads a half-written one
            os.replace(path + ".part.npy", path)
        stamp[name] = VERSION
        with open(stamp_path, "w") as f:
            json.dump(stamp, f)
        print(f"make_data: wrote {name}-x.npy {x.shape} {x.dtype}, {name}-y.npy {y.shape} {y.dtype}", file=sys.stderr)


if __name__ == "__main__":
    main()
