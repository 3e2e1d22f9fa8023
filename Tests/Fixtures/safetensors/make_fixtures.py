#!/usr/bin/env python3
"""Writes the safetensors fixtures for Backprop's safetensors tests.

Deterministic: run it again and every file comes out byte for byte the same
(each file's metadata has at most one key, so the reference writer's
unordered metadata map cannot reorder it).

    pip install safetensors numpy
    python3 Tests/Fixtures/safetensors/make_fixtures.py

Files are written by the reference package itself: `safetensors.numpy.save_file`
for the types NumPy has, and `safetensors.serialize_file` over raw bytes for
BF16 and the 8-bit floats, which NumPy lacks. Expected values go to
expected.json, each tensor's elements in C order as strings (Python's repr of
the float, or the integer in decimal, so that inf, nan, -0.0 and 64-bit
integers survive JSON), computed independently of the Swift decoder: BF16 as
the top half of a float32, F8_E5M2 as the top byte of a float16, F8_E4M3 and
F8_E8M0 from their definitions.
"""
import json
import math
import os

import numpy as np
import safetensors
from safetensors import TensorSpec, serialize_file
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def as_strings(flat, kind):
    if kind == "b":
        return ["1" if v else "0" for v in flat]
    if kind in "iu":
        return [str(int(v)) for v in flat]
    return [repr(float(v)) for v in flat]


def tensor_order(path):
    """Tensor names in the order of their data in the file."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return sorted(header, key=lambda k: tuple(header[k]["data_offsets"]))


expected = {"safetensors_version": safetensors.__version__, "files": []}


def record(name, metadata, described):
    """Adds a fixture: described maps each tensor name to (dtype, shape, values)."""
    path = out(name)
    tensors = []
    for tensor in tensor_order(path):
        dtype, shape, values = described[tensor]
        tensors.append({"name": tensor, "dtype": dtype, "shape": list(shape), "values": values})
    expected["files"].append({"file": name, "metadata": metadata or {}, "tensors": tensors})


NUMPY_NAMES = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "uint16": "U16", "int16": "I16", "uint32": "U32",
    "int32": "I32", "uint64": "U64", "int64": "I64", "float16": "F16", "float32": "F32", "float64": "F64",
}


def save_numpy(name, arrays, metadata=None):
    save_file(arrays, out(name), metadata=metadata)
    loaded = load_file(out(name))
    described = {}
    for key, a in arrays.items():
        assert np.array_equal(loaded[key], a, equal_nan=a.dtype.kind == "f")
        flat = np.ascontiguousarray(a).reshape(-1)
        described[key] = (NUMPY_NAMES[a.dtype.name], a.shape, as_strings(flat, a.dtype.kind))
    record(name, metadata, described)


# --- every NumPy type, with 0-d to 3-D and empty shapes ------------------------
save_numpy(
    "dtypes.safetensors",
    {
        "bool": np.array([[True, False, True], [False, False, True]]),
        "u8": np.array([0, 1, 127, 128, 254, 255], np.uint8),
        "i8": np.array([[-128, -1], [0, 1], [126, 127]], np.int8),
        "u16": np.array([0, 1, 256, 65535], np.uint16).reshape(2, 2),
        "i16": np.array([-32768, -1, 0, 32767], np.int16),
        "u32": np.array([0, 1, 2**31, 2**32 - 1], np.uint32).reshape(2, 1, 2),
        "i32": np.array([-2**31, -1, 0, 123456789, 2**31 - 1, 7], np.int32).reshape(1, 2, 3),
        "u64": np.array([0, 1, 2**53, 2**63, 2**64 - 1], np.uint64),
        "i64": np.array([-2**63, -2**53, -1, 0, 2**53, 2**63 - 1], np.int64).reshape(3, 2),
        "f16": np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, np.inf, -np.inf, np.nan], np.float16),
        "f32": np.array([[0.1, -0.2, 3.4e38], [1e-45, -np.inf, np.nan]], np.float32),
        "f64": np.array([[[math.pi, -0.0], [1e308, 5e-324]], [[np.inf, np.nan], [-1.5, 2.0]]], np.float64),
        "scalar": np.array(42.5, np.float64),
        "empty": np.zeros((0, 3), np.float32),
        "empty_i8": np.zeros((2, 0), np.int8),
    },
    metadata={"format": "np"},
)

# --- a small model, as a PyTorch state dict stores it --------------------------
w1 = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 4
b1 = np.array([0.5, -0.25, 0.125], np.float32)
w2 = np.array([[1.5, -2.0, 0.75]], np.float64)
b2 = np.array([-0.5], np.float64)
save_numpy(
    "model.safetensors",
    {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": w2, "fc2.bias": b2},
    metadata={"format": "pt"},
)

# --- names that sort differently by bytes and by Unicode, and need escaping ----
save_numpy(
    "names.safetensors",
    {
        "a": np.array([1], np.float32),
        "B": np.array([2], np.float32),
        "\u00e9": np.array([3], np.float32),
        "\uff21": np.array([4], np.float32),
        "\U0001F600": np.array([5], np.float32),
        'q"\\/\n\t\x01': np.array([6], np.float32),
        "": np.array([7], np.float32),
    },
    metadata={"note": 'caf\u00e9 "quoted" \\ / \n \x1f \U0001F600'},
)

# --- no tensors at all, with and without metadata ------------------------------
save_numpy("empty.safetensors", {})
save_numpy("metadata_only.safetensors", {}, metadata={"format": "pt"})


# --- BF16 and the 8-bit floats, as raw bytes ----------------------------------
def e4m3(b):
    sign = -1.0 if b & 0x80 else 1.0
    exponent, fraction = (b >> 3) & 0xF, b & 7
    if exponent == 15 and fraction == 7:
        return math.nan
    if exponent == 0:
        return sign * fraction * 2.0**-9
    return sign * (1 + fraction / 8) * 2.0 ** (exponent - 7)


def e8m0(b):
    return math.nan if b == 0xFF else 2.0 ** (b - 127)


bf16_bits = np.array(
    [0x0000, 0x8000, 0x3F80, 0xBF80, 0x4049, 0x7F7F, 0xFF7F, 0x0080, 0x0001, 0x807F, 0x7F80, 0xFF80, 0x7FC0,
     0x3DCD, 0xC2F7, 0x4780], np.uint16).reshape(4, 4)
all_bytes = np.arange(256, dtype=np.uint8)
raw = {
    "bf16": ("bfloat16", "BF16", bf16_bits, (bf16_bits.astype(np.uint32) << 16).view(np.float32)),
    "f8_e5m2": ("float8_e5m2", "F8_E5M2", all_bytes, (all_bytes.astype(np.uint16) << 8).view(np.float16)),
    "f8_e4m3": ("float8_e4m3fn", "F8_E4M3", all_bytes.reshape(16, 16),
                np.array([e4m3(b) for b in range(256)]).reshape(16, 16)),
    "f8_e8m0": ("float8_e8m0fnu", "F8_E8M0", all_bytes, np.array([e8m0(b) for b in range(256)])),
}
serialize_file(
    {key: TensorSpec(dtype=spec, shape=list(bits.shape), data_ptr=bits.ctypes.data, data_len=bits.nbytes)
     for key, (spec, _, bits, _) in raw.items()},
    out("bf16_f8.safetensors"),
    metadata={"values": "raw bytes"},
)
record("bf16_f8.safetensors", {"values": "raw bytes"},
       {key: (dtype, bits.shape, as_strings(np.asarray(values).reshape(-1), "f"))
        for key, (_, dtype, bits, values) in raw.items()})

with open(out("expected.json"), "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=True)
    f.write("\n")
print("wrote", ", ".join(e["file"] for e in expected["files"]), "and expected.json")
