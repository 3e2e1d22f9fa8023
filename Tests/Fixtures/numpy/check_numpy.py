#!/usr/bin/env python3
"""Checks a .npy or .npz file written by Backprop against what NumPy reads.

    python3 check_numpy.py SPEC_JSON

SPEC_JSON is a list of checks, each naming a "file" and its expected content:
  {"file": "W1.npy", "kind": "npy", "shape": [2, 3], "dtype": "float64", "values": ["1.0", ...],
   "same_bytes_as_np_save": true}
  {"file": "m.npz", "kind": "npz", "arrays": [{"name": "W1", "shape": ..., "dtype": ..., "values": ...}, ...]}
Values are C-order strings ("nan", "inf", "-0.0", integers in decimal).
For .npz the entry order in the archive must match the spec's order.
Prints OK and exits 0, or prints each mismatch and exits 1.
"""
import io
import json
import sys
import zipfile

import numpy as np


def same(a, expected):
    flat = np.ascontiguousarray(a).reshape(-1)
    if len(flat) != len(expected):
        return f"{len(flat)} elements, expected {len(expected)}"
    for k, (v, e) in enumerate(zip(flat, expected)):
        if a.dtype.kind in "biu":
            if int(v) != int(e):
                return f"element {k}: {v!r} != {e}"
        else:
            f, g = float(v), float(e)
            if np.isnan(g):
                if not np.isnan(f):
                    return f"element {k}: {f!r} is not nan"
            elif f != g or np.signbit(f) != np.signbit(g):
                return f"element {k}: {f!r} != {g!r}"
    return None


def check_array(label, a, spec, problems):
    if list(a.shape) != spec["shape"]:
        problems.append(f"{label}: shape {a.shape}, expected {tuple(spec['shape'])}")
    if a.dtype.name != spec["dtype"]:
        problems.append(f"{label}: dtype {a.dtype.name}, expected {spec['dtype']}")
    problem = same(a, spec["values"])
    if problem:
        problems.append(f"{label}: {problem}")


def main():
    with open(sys.argv[1]) as f:
        specs = json.load(f)
    problems = []
    for spec in specs:
        check(spec["file"], spec, problems)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"OK ({len(specs)} files)")


def check(path, spec, problems):
    if spec["kind"] == "npy":
        a = np.load(path, allow_pickle=False)
        check_array(path, a, spec, problems)
        if spec.get("same_bytes_as_np_save"):
            buffer = io.BytesIO()
            np.save(buffer, a)
            with open(path, "rb") as f:
                if f.read() != buffer.getvalue():
                    problems.append(f"{path}: bytes differ from np.save of the same array")
    else:
        names = [n[:-4] for n in zipfile.ZipFile(path).namelist()]
        wanted = [a["name"] for a in spec["arrays"]]
        if names != wanted:
            problems.append(f"{path}: entries {names}, expected {wanted}")
        with np.load(path, allow_pickle=False) as archive:
            for item in spec["arrays"]:
                if item["name"] in archive:
                    check_array(f"{path}[{item['name']}]", archive[item["name"]], item, problems)
                else:
                    problems.append(f"{path}: no array {item['name']}")


if __name__ == "__main__":
    main()
