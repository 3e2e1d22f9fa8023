#!/usr/bin/env python3
"""Writes numpy_legacy.json: NumPy's legacy generator (np.random.seed / RandomState)
as the oracle for Backprop's NumPyLegacyGenerator and Matrix.randomNormal.

Deterministic; run from anywhere:  python3 Tests/Fixtures/random/make_fixtures.py
Doubles are written with float.hex() (bit exact); long arrays as the SHA-256 of
their little-endian bytes in C order ('<f8' for doubles, '<i8' for permutations,
'<u4' for the 624-word MT19937 key) together with their first values.
"""
import hashlib
import json
import os
import re

import numpy as np

SEEDS = [0, 1, 3, 42, 2**32 - 1]
HEAD = 20


def sha(array, dtype):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(array).astype(dtype)).tobytes()).hexdigest()


def hexes(values):
    return [float(v).hex() for v in np.asarray(values, dtype=np.float64).ravel()]


def key_record(rs):
    key = rs.get_state()[1]
    return {"keySHA256": sha(key, "<u4"), "keyHead": [int(v) for v in key[:8]],
            "keyTail": [int(v) for v in key[-4:]], "position": int(rs.get_state()[2])}


def seed_record(seed):
    rec = {"seed": seed}
    rec.update(key_record(np.random.RandomState(seed)))
    # One raw 32-bit MT19937 word per value (legacy randint with rng == 2**32-1 returns next_uint32).
    rec["uint32"] = [int(v) for v in np.random.RandomState(seed).randint(0, 2**32, size=HEAD, dtype=np.uint64)]
    # One next_uint64 (two words, first high) per value.
    rec["uint64"] = [str(int(v)) for v in np.random.RandomState(seed).randint(0, 2**64, size=10, dtype=np.uint64)]
    u = np.random.RandomState(seed).random_sample(1000)
    rec["uniformHead"] = hexes(u[:HEAD])
    rec["uniformSHA256"] = sha(u, "<f8")
    g = np.random.RandomState(seed).randn(1001)
    rec["gaussianHead"] = hexes(g[:HEAD + 1])
    rec["gaussianLast"] = float(g[-1]).hex()
    rec["gaussianSHA256"] = sha(g, "<f8")
    # permutation(1), permutation(2), ..., permutation(50) drawn one after another from one stream.
    rs = np.random.RandomState(seed)
    rec["permutations1to50"] = [[int(v) for v in rs.permutation(n)] for n in range(1, 51)]
    # Large n, each from a freshly seeded generator.
    rec["largePermutations"] = []
    for n in [209, 12288, 100000]:
        p = np.random.RandomState(seed).permutation(n)
        rec["largePermutations"].append({"n": n, "head": [int(v) for v in p[:HEAD]], "sha256": sha(p, "<i8")})
    # randint(low, high) with the default int64 dtype, one after another.
    rs = np.random.RandomState(seed)
    rec["randint"] = [{"low": lo, "high": hi, "value": int(rs.randint(lo, hi))}
                      for lo, hi in [(0, 10), (-5, 5), (7, 8), (0, 2**31), (0, 2**32), (-2**40, 2**40), (0, 3)]]
    # Interleaved calls: the cached second Gaussian survives uniform draws and shuffles.
    rs = np.random.RandomState(seed)
    rec["interleaved"] = [
        {"op": "randn", "value": float(rs.randn()).hex()},
        {"op": "rand", "value": float(rs.rand()).hex()},
        {"op": "randn", "value": float(rs.randn()).hex()},
        {"op": "randn", "value": float(rs.randn()).hex()},
        {"op": "permutation5", "permutation": [int(v) for v in rs.permutation(5)]},
        {"op": "randn", "value": float(rs.randn()).hex()},
        {"op": "randn", "value": float(rs.randn()).hex()},
    ]
    return rec


def array_seed_record(words):
    rs = np.random.RandomState(np.array(words, dtype=np.int64))
    rec = {"words": [int(w) for w in words]}
    rec.update(key_record(rs))
    rec["uint32"] = [int(v) for v in rs.randint(0, 2**32, size=5, dtype=np.uint64)]
    return rec


def course():
    # Course 1 week 4 (deep network application): initialize_parameters_deep with seed 1.
    np.random.seed(1)
    dims = [12288, 20, 7, 5, 1]
    weights = []
    for l in range(1, len(dims)):
        weights.append(np.random.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1]))
    deep = {
        "seed": 1,
        "layerDims": dims,
        "weightSHA256": [sha(w, "<f8") for w in weights],
        "w1Row0Head": hexes(weights[0][0, :5]),
        "w4": hexes(weights[3]),
    }
    # Course 1 week 3 (planar data): initialize_parameters(n_x=2, n_h=4, n_y=1) with seed 2.
    np.random.seed(2)
    w1 = np.random.randn(4, 2) * 0.01
    w2 = np.random.randn(1, 4) * 0.01
    shallow = {"seed": 2, "layerDims": [2, 4, 1], "w1": hexes(w1), "w2": hexes(w2)}
    return {"deep": deep, "shallow": shallow}


def main():
    out = {
        "numpyVersion": np.__version__,
        "seeds": [seed_record(s) for s in SEEDS],
        "arraySeeds": [array_seed_record(w) for w in
                       [[1, 2], [0, 0], [2**32 - 1, 5, 7], [(i * 2654435761) % 2**32 for i in range(700)]]],
        "course": course(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_legacy.json")
    text = json.dumps(out, indent=1, separators=(",", ": "))
    # Lists of numbers and strings on one line each.
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
