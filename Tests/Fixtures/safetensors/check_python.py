#!/usr/bin/env python3
"""Checks safetensors files written by Backprop against the reference reader.

    python3 check_python.py SPEC_JSON

SPEC_JSON is a list of checks, each naming a "file" and its expected content:
  {"file": "m.safetensors", "metadata": {"format": "pt"},
   "tensors": [{"name": "W1", "dtype": "F32", "shape": [2, 3], "values": ["1.0", ...]}, ...],
   "same_bytes_as_reference": true}
Values are C-order strings ("nan", "inf", "-0.0", integers in decimal).

Each file must load with safetensors.deserialize (the reference's Rust reader,
raw bytes for every type), with safetensors.numpy.load_file when NumPy has all
its types, and with safetensors.torch.load_file when torch is installed; the
names, types, shapes, values and metadata must be the expected ones. With
"same_bytes_as_reference", serializing the same tensors and metadata with the
reference writer must give exactly the file's bytes.
Prints OK and exits 0, or prints each mismatch and exits 1.

    python3 check_python.py --verdicts PATHS_JSON

prints, for each path in the JSON list, "accepted", "refused" or "panicked":
whether the reference reader (safetensors.deserialize) accepts the file.
"""
import json
import math
import sys

import numpy as np
import safetensors
from safetensors import TensorSpec, deserialize, safe_open, serialize
from safetensors.numpy import load_file

NUMPY = {
    "BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "U16": np.uint16, "I16": np.int16, "U32": np.uint32,
    "I32": np.int32, "U64": np.uint64, "I64": np.int64, "F16": np.float16, "F32": np.float32, "F64": np.float64,
}
SPEC_NAMES = {
    "BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16", "U32": "uint32",
    "I32": "int32", "U64": "uint64", "I64": "int64", "F16": "float16", "F32": "float32", "F64": "float64",
    "BF16": "bfloat16", "F8_E5M2": "float8_e5m2", "F8_E4M3": "float8_e4m3fn", "F8_E8M0": "float8_e8m0fnu",
    "C64": "complex64",
}


def e4m3(b):
    sign = -1.0 if b & 0x80 else 1.0
    exponent, fraction = (b >> 3) & 0xF, b & 7
    if exponent == 15 and fraction == 7:
        return math.nan
    if exponent == 0:
        return sign * fraction * 2.0**-9
    return sign * (1 + fraction / 8) * 2.0 ** (exponent - 7)


def decode(dtype, data):
    """The elements of raw little-endian bytes as Python numbers."""
    if dtype in NUMPY:
        return np.frombuffer(bytes(data), dtype=np.dtype(NUMPY[dtype]).newbyteorder("<")).tolist()
    raw = np.frombuffer(bytes(data), dtype=np.uint8)
    if dtype == "BF16":
        return (raw.view("<u2").astype(np.uint32) << 16).view(np.float32).tolist()
    if dtype == "F8_E5M2":
        return (raw.astype(np.uint16) << 8).view(np.float16).tolist()
    if dtype == "F8_E4M3":
        return [e4m3(int(b)) for b in raw]
    if dtype == "F8_E8M0":
        return [math.nan if b == 0xFF else 2.0 ** (int(b) - 127) for b in raw]
    raise ValueError(f"no decoder for {dtype}")


def same(values, expected, dtype):
    if len(values) != len(expected):
        return f"{len(values)} elements, expected {len(expected)}"
    for k, (v, e) in enumerate(zip(values, expected)):
        if dtype == "BOOL" or dtype[0] in "IU":
            if int(v) != int(e):
                return f"element {k}: {v!r} != {e}"
        else:
            f, g = float(v), float(e)
            if math.isnan(g):
                if not math.isnan(f):
                    return f"element {k}: {f!r} is not nan"
            elif f != g or math.copysign(1, f) != math.copysign(1, g):
                return f"element {k}: {f!r} != {g!r}"
    return None


def check(spec, problems, torch):
    path = spec["file"]
    expected = {t["name"]: t for t in spec["tensors"]}
    with open(path, "rb") as f:
        content = f.read()
    try:
        loaded = deserialize(content)
    except Exception as error:  # the reference refuses the file
        problems.append(f"{path}: safetensors.deserialize: {error}")
        return
    names = [name for name, _ in loaded]
    if sorted(names) != sorted(expected):
        problems.append(f"{path}: tensors {sorted(names)}, expected {sorted(expected)}")
        return
    for name, view in loaded:
        t = expected[name]
        if view["dtype"] != t["dtype"] or list(view["shape"]) != t["shape"]:
            problems.append(f"{path}: '{name}' is {view['dtype']} {view['shape']}, expected {t['dtype']} {t['shape']}")
            continue
        problem = same(decode(t["dtype"], view["data"]), t["values"], t["dtype"])
        if problem:
            problems.append(f"{path}: '{name}': {problem}")
    with safe_open(path, framework="np") as f:
        metadata = f.metadata() or {}
    if metadata != spec.get("metadata", {}):
        problems.append(f"{path}: metadata {metadata}, expected {spec.get('metadata', {})}")
    if all(t["dtype"] in NUMPY for t in spec["tensors"]):
        arrays = load_file(path)
        for name, a in arrays.items():
            t = expected[name]
            if list(a.shape) != t["shape"] or a.dtype != np.dtype(NUMPY[t["dtype"]]):
                problems.append(f"{path}: numpy '{name}' is {a.dtype} {a.shape}")
            problem = same(np.ascontiguousarray(a).reshape(-1).tolist(), t["values"], t["dtype"])
            if problem:
                problems.append(f"{path}: numpy '{name}': {problem}")
    if torch is not None:
        from safetensors.torch import load_file as torch_load_file

        for name, tensor in torch_load_file(path).items():
            t = expected[name]
            if list(tensor.shape) != t["shape"]:
                problems.append(f"{path}: torch '{name}' has shape {list(tensor.shape)}")
            values = tensor.reshape(-1).to(torch.float64).tolist() if tensor.is_floating_point() \
                else tensor.reshape(-1).tolist()
            problem = same(values, t["values"], t["dtype"])
            if problem:
                problems.append(f"{path}: torch '{name}': {problem}")
    if spec.get("same_bytes_as_reference"):
        keep = [np.frombuffer(bytes(view["data"]), dtype=np.uint8).copy() for _, view in loaded]
        specs = {
            name: TensorSpec(dtype=SPEC_NAMES[view["dtype"]], shape=list(view["shape"]),
                             data_ptr=data.ctypes.data, data_len=data.nbytes)
            for (name, view), data in zip(loaded, keep)
        }
        reference = bytes(serialize(specs, metadata=spec.get("metadata") or None))
        if reference != content:
            problems.append(f"{path}: the reference writes {reference[:200]!r}…, we wrote {content[:200]!r}…")


def verdicts(paths):
    for path in paths:
        with open(path, "rb") as f:
            content = f.read()
        try:
            deserialize(content)
            print("accepted")
        except Exception:
            print("refused")
        except BaseException as error:  # a Rust panic (pyo3's PanicException) is no Exception
            if isinstance(error, KeyboardInterrupt):
                raise
            print("panicked")


def main():
    if sys.argv[1] == "--verdicts":
        with open(sys.argv[2]) as f:
            verdicts(json.load(f))
        return
    with open(sys.argv[1]) as f:
        specs = json.load(f)
    try:
        import torch
    except ImportError:
        torch = None
    problems = []
    for spec in specs:
        check(spec, problems, torch)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"OK ({len(specs)} files, safetensors {safetensors.__version__}"
          + (f", torch {torch.__version__})" if torch is not None else ", no torch)"))


if __name__ == "__main__":
    main()
