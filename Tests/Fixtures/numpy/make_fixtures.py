#!/usr/bin/env python3
"""Writes the NumPy fixtures for Backprop's .npy/.npz/DEFLATE tests.

Deterministic: run it again and every file comes out byte for byte the same
(np.savez stamps entries 1980-01-01, zlib is deterministic for fixed input).

    python3 Tests/Fixtures/numpy/make_fixtures.py

Expected values go to expected.json, each array's elements in C order as
strings (Python's repr of the float, or the integer in decimal, so that
inf, nan, -0.0 and 64-bit integers survive JSON). The one exception is the
8000-element 'digits' array in savez_compressed.npz, whose elements follow
the formula given in expected.json: ((i * 1103515245 + 12345) // 65536) % 16.
"""
import io
import json
import os
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def as_strings(a):
    """Elements in C order as strings: integers exactly, floats by repr."""
    flat = np.ascontiguousarray(a).reshape(-1)
    if a.dtype.kind == "b":
        return ["1" if v else "0" for v in flat]
    if a.dtype.kind in "iu":
        return [str(int(v)) for v in flat]
    return [repr(float(v)) for v in flat]


def describe(a):
    return {"shape": list(a.shape), "dtype": a.dtype.name, "values": as_strings(a)}


def header_of(path):
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    return version, shape, fortran, dtype


expected = {"npy": [], "npz": [], "inflate": []}


def save(name, a, version=None, expect_fortran=False):
    path = out(name)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=version)
    v, shape, fortran, dtype = header_of(path)
    assert fortran == expect_fortran, (name, fortran)
    assert shape == a.shape and dtype == a.dtype
    entry = describe(a)
    entry.update({"file": name, "descr": a.dtype.str, "fortran_order": fortran, "version": list(v)})
    expected["npy"].append(entry)


# --- every dtype, little- and big-endian -------------------------------------
values = {
    "b1": ([True, False, True, True, False, False], (2, 3)),
    "u1": ([0, 1, 127, 128, 254, 255], (6,)),
    "i1": ([-128, -1, 0, 1, 126, 127], (3, 2)),
    "u2": ([0, 1, 255, 256, 65534, 65535], (2, 3)),
    "i2": ([-32768, -1, 0, 1, 300, 32767], (2, 3)),
    "u4": ([0, 1, 65536, 2**31, 2**32 - 2, 2**32 - 1], (2, 1, 3)),
    "i4": ([-2**31, -1, 0, 1, 123456789, 2**31 - 1], (1, 2, 3)),
    "u8": ([0, 1, 2**53, 2**53 + 1, 2**63, 2**64 - 1], (6,)),
    "i8": ([-2**63, -2**53 - 1, -1, 0, 2**53 + 1, 2**63 - 1], (2, 3)),
    "f2": ([0.0, -0.0, 1.5, 65504.0, 6e-8, -np.inf, np.inf, np.nan, 0.1], (3, 3)),
    "f4": ([0.0, -0.0, 1 / 3, 3.4028235e38, 1e-45, -np.inf, np.inf, np.nan], (2, 2, 2)),
    "f8": ([0.0, -0.0, 1 / 3, 1.7976931348623157e308, 5e-324, -np.inf, np.inf, np.nan, np.pi], (3, 3)),
}
for code, (vals, shape) in values.items():
    orders = ["|"] if code[1] == "1" else ["<", ">"]
    for order in orders:
        a = np.array(vals, dtype=order + code).reshape(shape)
        suffix = {"|": "", "<": "_le", ">": "_be"}[order]
        save(f"dtype_{code}{suffix}.npy", a)

# --- Fortran order, 2-D to 4-D ------------------------------------------------
save("fortran_f8_2d.npy", np.asfortranarray(np.arange(12.0).reshape(3, 4) / 4), expect_fortran=True)
save("fortran_i2_be_3d.npy", np.asfortranarray((np.arange(24) - 12).reshape(2, 3, 4).astype(">i2")),
     expect_fortran=True)
save("fortran_u1_4d.npy", np.asfortranarray((np.arange(120) * 7 % 251).reshape(2, 3, 4, 5).astype("u1")),
     expect_fortran=True)

# --- format versions 2.0 and 3.0 ----------------------------------------------
save("version_2_0.npy", (np.arange(6, dtype="<f4") - 2.5).reshape(2, 3), version=(2, 0))
save("version_3_0.npy", (np.arange(6, dtype=">i4") * -1000).reshape(3, 2), version=(3, 0))

# --- shapes -----------------------------------------------------------------
save("scalar_0d.npy", np.array(3.5))
save("empty_0x3.npy", np.zeros((0, 3)))
samples = np.arange(30, dtype="u1").reshape(5, 2, 3) * 3
save("samples_u1_5x2x3.npy", samples)
images = (np.arange(3 * 4 * 4 * 3) * 37 % 256).astype("u1").reshape(3, 4, 4, 3)
save("images_u1_3x4x4x3.npy", images)
expected["samples"] = [
    {"file": "samples_u1_5x2x3.npy", "rows": 6, "columns": 5,
     "row_major": as_strings(samples.reshape(5, -1).T)},
    {"file": "images_u1_3x4x4x3.npy", "rows": 48, "columns": 3,
     "row_major": as_strings(images.reshape(3, -1).T)},
]

# --- what np.save writes for Backprop's own matrices (for byte-for-byte comparison)
np.save(out("save_f8_2x3.npy"), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
np.save(out("save_f4_3x2.npy"), np.array([[0.5, -1.0], [2.25, 1e-3], [-0.0, 7.0]], dtype="<f4"))

# --- .npz: stored (np.savez) and deflated (np.savez_compressed) ----------------
digits = np.array([((i * 1103515245 + 12345) // 65536) % 16 for i in range(8000)], dtype="u1")
stored = {
    "W1": np.arange(6.0).reshape(2, 3) / 8,
    "b1": np.zeros((2, 1)),
    "labels": np.array([1, 0, 1], dtype="<i8"),
    "half": np.array([0.5, -2.0, 1024.0], dtype="<f2"),
}
np.savez(out("savez.npz"), **stored)
compressed = {
    "W1": (np.arange(12, dtype="<f4").reshape(3, 4) / 7),
    "digits": digits,
    "b1": np.array([[0.25], [-1.5], [3.0]], dtype=">f8"),
    "mask": np.array([True, False, False, True]),
}
np.savez_compressed(out("savez_compressed.npz"), **compressed)


def first_block_type(path, member):
    """The BTYPE of the first deflate block of a ZIP member."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        f.seek(info.header_offset + 30 + name_length + extra_length)
        return (f.read(1)[0] >> 1) & 3


assert first_block_type(out("savez_compressed.npz"), "digits.npy") == 2, "digits must use a dynamic block"
with zipfile.ZipFile(out("savez_compressed.npz")) as z:
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
with zipfile.ZipFile(out("savez.npz")) as z:
    assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())


def npz_entry(name, arrays, skip=()):
    items = []
    for key, a in arrays.items():
        d = {"name": key, "shape": list(a.shape), "dtype": a.dtype.name}
        if key not in skip:
            d["values"] = as_strings(a)
        items.append(d)
    return {"file": name, "arrays": items}


expected["npz"].append(npz_entry("savez.npz", stored))
expected["npz"].append(npz_entry("savez_compressed.npz", compressed, skip=("digits",)))
expected["digits_formula"] = "((i * 1103515245 + 12345) // 65536) % 16 for i in range(8000), uint8"

# --- an .npz with ZIP64 everywhere: extra fields in the central directory, ZIP64 end records
saved_limit = zipfile.ZIP64_LIMIT
zipfile.ZIP64_LIMIT = -1  # every size and offset "needs" ZIP64
try:
    with zipfile.ZipFile(out("zip64.npz"), "w", compression=zipfile.ZIP_STORED) as z:
        for key in ("W1", "labels"):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, stored[key])
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, buffer.getvalue())
finally:
    zipfile.ZIP64_LIMIT = saved_limit
with open(out("zip64.npz"), "rb") as f:
    raw = f.read()
assert struct.pack("<I", 0x06064B50) in raw and struct.pack("<I", 0x07064B50) in raw, "ZIP64 end records"
expected["npz"].append(npz_entry("zip64.npz", {k: stored[k] for k in ("W1", "labels")}))

# --- raw DEFLATE streams: stored, fixed and dynamic blocks ----------------------
def text(n):
    words = ["deflate", "huffman", "block", "literal", "length", "distance", "code", "tree"]
    lines = []
    i = 0
    while sum(len(l) for l in lines) < n:
        lines.append(f"{i:05d} {words[i % 8]} {words[(i * 5) % 8]} {i * i % 997}\n")
        i += 1
    return "".join(lines).encode()[:n]


def pseudo_random(n, seed):
    x = seed
    data = bytearray()
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2**31
        data.append(x >> 23)
    return bytes(data)


def deflate(data, level, flush_every=None):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    if flush_every is None:
        return c.compress(data) + c.flush()
    parts = []
    for start in range(0, len(data), flush_every):
        parts.append(c.compress(data[start:start + flush_every]))
        parts.append(c.flush(zlib.Z_SYNC_FLUSH))  # ends with an empty stored block
    return b"".join(parts) + c.flush()


block = pseudo_random(3000, 7)
streams = {
    "stored": (text(1500), 0, None, 0),
    "fixed": (b"hello hello hello hello, deflate! hello again.", 9, None, 1),
    # A 3000-byte block repeated ~29 KB later: matches near the 32 KB window's far end.
    "dynamic": (block + text(26000) + block + text(2000), 9, None, 2),
    "mixed": (text(6000) + pseudo_random(500, 3), 6, 2048, None),
}
for name, (data, level, flush_every, btype) in streams.items():
    compressed_bytes = deflate(data, level, flush_every)
    assert zlib.decompress(compressed_bytes, -15) == data
    if btype is not None:
        assert (compressed_bytes[0] >> 1) & 3 == btype, (name, compressed_bytes[0])
    with open(out(f"inflate_{name}.deflate"), "wb") as f:
        f.write(compressed_bytes)
    with open(out(f"inflate_{name}.bin"), "wb") as f:
        f.write(data)
    expected["inflate"].append({"name": name, "size": len(data), "crc32": zlib.crc32(data)})

with open(out("expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")

# --- values from the shared cat data set, when it is present ----------------------
shared = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cat"))
if os.path.isdir(shared):
    x = np.load(os.path.join(shared, "train_x.npy"))
    y = np.load(os.path.join(shared, "train_y.npy"))
    X = x.reshape(x.shape[0], -1).T
    picks = [(0, 0), (1, 0), (12287, 0), (0, 208), (6000, 100), (12287, 208), (4095, 17)]
    cat = {
        "train_x": {"shape": list(x.shape), "dtype": x.dtype.name, "sum": int(x.astype(np.int64).sum()),
                    "samples": [{"row": r, "column": c, "value": int(X[r, c])} for r, c in picks]},
        "train_y": {"shape": list(y.shape), "dtype": y.dtype.name, "sum": int(y.sum()),
                    "first": [int(v) for v in y[:10]]},
    }
    with open(out("cat_train.json"), "w") as f:
        json.dump(cat, f, indent=1, sort_keys=True)
        f.write("\n")
