#!/usr/bin/env python3
"""Writes the IDX, gzip and content-sniffing fixtures for Backprop's tests.

Deterministic: run it again and every file comes out byte for byte the same
(gzip members carry a fixed mtime, np.savez stamps entries 1980-01-01, and
zlib is deterministic for fixed input and level).

    python3 Tests/Fixtures/idx/make_fixtures.py

Expected values go to expected.json, each array's elements in C order as
strings (the integer in decimal, or Python's repr of the float, so that inf,
nan and -0.0 survive JSON). When ../shared/data/mnist (beside the checkout)
exists, the script also records facts about the MNIST test set there (first
labels, pixel sums) for the tests that read it; otherwise it keeps the values
already in expected.json.
"""
import gzip
import io
import json
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "mnist"))

# IDX type byte for each dtype (big-endian data).
IDX_TYPES = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C, "float32": 0x0D, "float64": 0x0E}


def out(name):
    return os.path.join(HERE, name)


def write(name, data):
    with open(out(name), "wb") as f:
        f.write(data)


def as_strings(a):
    flat = np.ascontiguousarray(a).reshape(-1)
    if a.dtype.kind in "iu":
        return [str(int(v)) for v in flat]
    return [repr(float(v)) for v in flat]


def idx_bytes(a):
    header = bytes([0, 0, IDX_TYPES[a.dtype.name], a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape)
    return header + np.ascontiguousarray(a).astype(a.dtype.newbyteorder(">")).tobytes()


def gzip_member(data, level=9, mtime=1_700_000_000):
    """One gzip member with no optional fields, as the gzip module writes it."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=level, fileobj=buffer, mtime=mtime) as f:
        f.write(data)
    return buffer.getvalue()


def raw_deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


expected = {"idx": [], "gzip": [], "sniff": [], "npz": []}


def describe(a):
    return {"shape": list(a.shape), "dtype": a.dtype.name, "values": as_strings(a)}


def save_idx(name, a):
    data = idx_bytes(a)
    write(name, data)
    write(name + ".gz", gzip_member(data))
    for file in (name, name + ".gz"):
        expected["idx"].append({"file": file, **describe(a)})
    return data


# --- IDX files of every type, 1-D to 4-D -------------------------------------
u1 = np.array([0, 1, 127, 128, 254, 255], dtype=np.uint8)
i1 = np.array([[-128, -1, 0], [1, 100, 127]], dtype=np.int8)
i2 = np.array([-32768, -256, -1, 0, 1, 255, 256, 1000, -1000, 12345, -12345, 32767], dtype=np.int16).reshape(2, 2, 3)
i4 = np.array(
    [-(2**31), -65536, -1, 0, 1, 65535, 65536, 2**31 - 1, 123456789, -123456789, 7, -7], dtype=np.int32
).reshape(2, 1, 2, 3)
f4 = np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 1e-40, 3.4e38, 0.1], dtype=np.float32).reshape(5, 2)
f8 = np.array([0.0, -0.0, 1 / 3, -1e300, np.inf, np.nan, 5e-324, 2.0**53 + 2], dtype=np.float64).reshape(2, 2, 2)
images = ((np.arange(4 * 3 * 2) * 37 + 11) % 256).astype(np.uint8).reshape(4, 3, 2)

save_idx("u1_1d.idx", u1)
save_idx("i1_2d.idx", i1)
save_idx("i2_3d.idx", i2)
save_idx("i4_4d.idx", i4)
save_idx("f4_2d.idx", f4)
f8_bytes = save_idx("f8_3d.idx", f8)
images_bytes = save_idx("images_u1_3d.idx", images)

# --- gzip variants ------------------------------------------------------------
# Every optional header field set: FEXTRA (one subfield), FNAME, FCOMMENT and FHCRC.
flags = 0x04 | 0x08 | 0x10 | 0x02
header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1_700_000_000) + b"\x02\x03"
extra = b"AP" + struct.pack("<H", 4) + b"\x01\x02\x03\x04"
header += struct.pack("<H", len(extra)) + extra
header += b"images_u1_3d.idx\x00" + b"Backprop test fixture\x00"
header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
all_flags = header + raw_deflate(images_bytes) + struct.pack("<II", zlib.crc32(images_bytes), len(images_bytes))
assert gzip.decompress(all_flags) == images_bytes
write("header_fields.gz", all_flags)

# Two members whose contents joined make one IDX file (as `cat a.gz b.gz` or `gzip -c a b` make).
half = len(f8_bytes) // 2
two = gzip_member(f8_bytes[:half]) + gzip_member(f8_bytes[half:], level=1)
assert gzip.decompress(two) == f8_bytes
write("two_members.idx.gz", two)

# Stored (level 0) deflate blocks, and zero padding after the member (ignored by gzip and Python).
stored = gzip_member(images_bytes, level=0) + b"\x00" * 7
assert gzip.decompress(stored) == images_bytes
write("stored_padded.idx.gz", stored)

# An empty member: decompresses to nothing.
write("empty_member.gz", gzip_member(b""))

# Larger than one deflate window with repeats, dynamic Huffman blocks: 40,000 bytes.
big = bytes(((i * 2654435761) >> 13) % 7 + (i % 251 == 0) * 200 for i in range(40_000))
write("dynamic.bin.gz", gzip_member(big))

for name, content, members in [
    ("header_fields.gz", "images_u1_3d.idx", 1),
    ("two_members.idx.gz", "f8_3d.idx", 2),
    ("stored_padded.idx.gz", "images_u1_3d.idx", 1),
    ("empty_member.gz", None, 1),
    ("dynamic.bin.gz", None, 1),
]:
    data = gzip.decompress(open(out(name), "rb").read())
    expected["gzip"].append(
        {"file": name, "size": len(data), "crc32": zlib.crc32(data), "members": members, "content": content}
    )
expected["idx"].append({"file": "header_fields.gz", **describe(images)})
expected["idx"].append({"file": "two_members.idx.gz", **describe(f8)})
expected["idx"].append({"file": "stored_padded.idx.gz", **describe(images)})

# --- NumPy files, and sniffing by content -----------------------------------
weights = np.array([[0.5, -1.25, 2.0], [3.0, 0.0, -0.125]], dtype=np.float64)
labels = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.int64)


def npy_bytes(a):
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


write("weights.npy.gz", gzip_member(npy_bytes(weights)))
write("npy_named.idx", npy_bytes(weights))  # a .npy file under an IDX name
write("idx_named.npy", idx_bytes(i2))  # an IDX file under a .npy name
expected["sniff"] = [
    {"file": "weights.npy.gz", "format": "npy", "gzipped": True, **describe(weights)},
    {"file": "npy_named.idx", "format": "npy", "gzipped": False, **describe(weights)},
    {"file": "idx_named.npy", "format": "idx", "gzipped": False, **describe(i2)},
]

np.savez(out("two_arrays.npz"), x=weights, y=labels)
np.savez(out("one_array.npz"), only=labels)
np.savez(out("no_arrays.npz"))
os.replace(out("one_array.npz"), out("npz_named.gz"))
expected["npz"] = [
    {"file": "two_arrays.npz", "keys": ["x", "y"], "arrays": [describe(weights), describe(labels)]},
    {"file": "npz_named.gz", "keys": ["only"], "arrays": [describe(labels)]},
    {"file": "no_arrays.npz", "keys": [], "arrays": []},
]
write("two_arrays.npz.gz", gzip_member(open(out("two_arrays.npz"), "rb").read()))

# --- MNIST facts ---------------------------------------------------------------
old = {}
if os.path.exists(out("expected.json")):
    with open(out("expected.json")) as f:
        old = json.load(f).get("mnist", {})
images_path = os.path.join(MNIST, "t10k-images-idx3-ubyte.gz")
labels_path = os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz")
if os.path.exists(images_path) and os.path.exists(labels_path):
    raw = gzip.decompress(open(images_path, "rb").read())
    assert raw[:4] == b"\x00\x00\x08\x03"
    n, rows, cols = struct.unpack(">III", raw[4:16])
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    raw_labels = gzip.decompress(open(labels_path, "rb").read())
    assert raw_labels[:4] == b"\x00\x00\x08\x01"
    digits = np.frombuffer(raw_labels, dtype=np.uint8, offset=8)
    expected["mnist"] = {
        "images": "mnist/t10k-images-idx3-ubyte.gz",
        "labels": "mnist/t10k-labels-idx1-ubyte.gz",
        "shape": [int(n), int(rows), int(cols)],
        "first_labels": [int(v) for v in digits[:10]],
        "label_counts": [int((digits == d).sum()) for d in range(10)],
        "first_image_pixel_sum": int(pixels[0].sum(dtype=np.int64)),
        "last_image_pixel_sum": int(pixels[-1].sum(dtype=np.int64)),
        "pixel_sum": int(pixels.sum(dtype=np.int64)),
        "first_image_center_row": [int(v) for v in pixels[0, 14]],
    }
elif old:
    expected["mnist"] = old

with open(out("expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")

total = sum(os.path.getsize(out(n)) for n in os.listdir(HERE))
print(f"wrote {len(os.listdir(HERE))} files, {total} bytes")
