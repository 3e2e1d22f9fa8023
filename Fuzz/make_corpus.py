#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under Fuzz/corpus/<target>/: small valid files
of every format Backprop reads, plus a model and checkpoints Backprop itself wrote.

    python3 Fuzz/make_corpus.py [--backprop PATH]

NumPy writes the .npy and .npz seeds; gzip and zipfile (Python's) the gzip, IDX.gz
and ZIP64 ones; the safetensors seeds are built byte by byte (as the format says:
an 8-byte little-endian header length, the JSON header, the data). The model and
checkpoint seeds come from `backprop train --save` and `--checkpoint-dir` (PATH,
default: built with `swift build --product backprop`). Rerunning it rewrites the
same bytes, except for the training times a checkpoint's history records.
"""

import argparse
import gzip
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def gz(data, level=9, name=None):
    """gzip bytes with a fixed mtime, so the seeds do not change from run to run."""
    out = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", compresslevel=level, fileobj=out, mtime=0) as f:
        f.write(data)
    return out.getvalue()


def gz_with_flags(data):
    """A gzip member with every optional header field: FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT."""
    flags = 0x01 | 0x02 | 0x04 | 0x08 | 0x10
    header = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\x00\x00\x00\x00\x02\x03")
    extra = b"AB\x03\x00xyz"
    header += struct.pack("<H", len(extra)) + extra
    header += b"name.txt\x00" + b"a comment\x00"
    header += struct.pack("<H", zlib.crc32(bytes(header)) & 0xFFFF)
    compress = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compress.compress(data) + compress.flush()
    return bytes(header) + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def npy(array, version=None):
    out = io.BytesIO()
    if version is None:
        np.save(out, array)
    else:
        np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


def npz(arrays, compressed=False):
    out = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(out, **arrays)
    return out.getvalue()


def zip_of(entries, compression=zipfile.ZIP_STORED, zip64=False):
    """A ZIP of (name, bytes) entries with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression, allowZip64=True) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            with archive.open(info, "w", force_zip64=zip64) as f:
                f.write(data)
    return out.getvalue()


IDX_TYPES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def idx(array):
    """An IDX file: 00 00 <type> <dimensions>, big-endian sizes, big-endian elements."""
    code = IDX_TYPES[array.dtype.type]
    head = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return head + array.astype(array.dtype.newbyteorder(">")).tobytes()


def safetensors(tensors, metadata=None):
    """A safetensors file: tensors as (name, dtype, shape, raw bytes), laid out in order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def csv_seeds():
    put("csv", "header_labels.csv", b"sepal,petal,species\n5.1,1.4,setosa\n6.2,4.5,versicolor\n7.7,6.9,virginica\n")
    put("csv", "numeric_no_header.csv", b"0.5,1,0\n-2.5e-3,+3,1\n.5,7,0\n")
    put("csv", "semicolon_crlf.csv", b"a;b;y\r\n1;2;0\r\n3;4;1\r\n")
    put("csv", "tab_cr.csv", b"a\tb\ty\r1\t2\t1\r3\t4\t2")
    put("csv", "quoted.csv", b'"x, one","x ""two""",label\n"1","2","a\nb"\n3, 4 ,"c"\n')
    put("csv", "bom_blank_lines.csv", b"\xef\xbb\xbfx,y\n\n1,2\n\n3,4\n")
    put("csv", "regression.csv", b"f1,f2,f3,target\n0.1,0.2,0.3,1.5\n0.4,0.5,0.6,-2.25\n1e-3,2E2,3,0\n")


def serve_request_seeds():
    # The first byte picks the content type (even: JSON, odd: CSV) and the model's
    # features: 1 + (byte >> 1) % 4 of them, named unless bit 3 is set.
    seeds = {
        "json_one_feature": (0, b'{"instances": [[5.1]]}'),
        "json_arrays": (6, b'{"instances": [[5.1, 3.5, 1.4, 0.2], [6.2, -2.9e0, 4, 1.3E+1]]}'),
        "json_objects": (
            6,
            b'{"instances": [{"petal_width": 0.2, "sepal_length": 5.1, "petal_length": 1.4, "sepal_width": 3.5}]}',
        ),
        "json_escapes_null": (
            2,
            b'{"signature_name": "x", "instances": [{"sepal_length": "\\u00e9\\ud83d\\ude00", "sepal_width": null}]}',
        ),
        "json_non_finite": (14, b'{"instances": [[1, 2, NaN, -Infinity], [true, false, [], {}]]}'),
        "json_bare_numbers": (0, b'{"instances": [1.5, 2, -0.0, 1e-320, 1e999]}'),
        "csv_header_crlf": (7, b'sepal_length,sepal_width,petal_length,petal_width\r\n5.1,3.5,1.4,0.2\r\n\r\n"6.2", 2.9 ,4.3,1.3\n'),
        "csv_semicolon_reordered": (7, b"petal_width;sepal_length;petal_length;sepal_width\n0.2;5.1;1.4;3.5\n"),
        "csv_tabs": (3, b"1\t2\n3\t4\n"),
        "csv_bad_fields": (15, b'1,2,3,nan\n1,2,,4\n"a""b",2,3,4\n'),
    }
    for name, (selector, body) in seeds.items():
        put("serve-request", name, bytes([selector]) + body)


def numpy_seeds():
    rng = np.random.RandomState(0)
    x = rng.randn(3, 4)
    seeds = {
        "f8_2d.npy": npy(x),
        "f4_2d.npy": npy(x.astype(np.float32)),
        "f2_1d.npy": npy(np.array([1.5, -2, 0.25], dtype=np.float16)),
        "u1_3d.npy": npy(np.arange(24, dtype=np.uint8).reshape(2, 3, 4)),
        "i8_big_endian.npy": npy(np.arange(5, dtype=">i8")),
        "u2_u4_u8.npy": npy(np.arange(6, dtype=np.uint32).reshape(2, 3)),
        "i1.npy": npy(np.array([-128, 0, 127], dtype=np.int8)),
        "bool.npy": npy(np.array([[True, False], [False, True]])),
        "fortran.npy": npy(np.asfortranarray(x)),
        "scalar.npy": npy(np.float64(3.25)),
        "empty.npy": npy(np.zeros((0, 3))),
        "version2.npy": npy(x[:2], version=(2, 0)),
        "version3.npy": npy(x[:1], version=(3, 0)),
    }
    for name, data in seeds.items():
        put("npy", name, data)
    arrays = {"W1": rng.randn(2, 3), "b1": np.zeros((2, 1)), "labels": np.array([0, 1, 1], dtype=np.uint8)}
    put("npz", "stored.npz", npz(arrays))
    put("npz", "deflated.npz", npz(arrays, compressed=True))
    put("npz", "zip64.npz", zip_of([("x.npy", npy(x))], zip64=True))
    put("npz", "zip64_deflated.npz", zip_of([("x.npy", npy(x)), ("y.npy", npy(x[0]))], zipfile.ZIP_DEFLATED, True))
    put("npz", "empty.npz", zip_of([]))
    put("npz", "not_npy_entry.npz", zip_of([("readme.txt", b"hello"), ("a.npy", npy(np.arange(3)))]))
    return seeds, arrays


def idx_seeds():
    seeds = {
        "images_u1.idx": idx(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)),
        "labels_u1.idx": idx(np.array([3, 1, 4, 1, 5], dtype=np.uint8)),
        "i1.idx": idx(np.array([-1, 2], dtype=np.int8)),
        "i2.idx": idx(np.array([[-300, 2], [7, 8]], dtype=np.int16)),
        "i4.idx": idx(np.array([1 << 20, -5], dtype=np.int32)),
        "f4.idx": idx(np.array([0.5, -1.25], dtype=np.float32)),
        "f8.idx": idx(np.array([[1e-3], [2e3]], dtype=np.float64)),
    }
    for name, data in seeds.items():
        put("idx", name, data)
    put("idx", "images_u1.idx.gz", gz(seeds["images_u1.idx"], name="images"))
    put("idx", "f8.idx.gz", gz(seeds["f8.idx"], level=1))
    return seeds


def gzip_seeds(npy_seeds, idx_files):
    text = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % k for k in range(40))
    put("gzip", "dynamic.gz", gz(text))
    put("gzip", "fixed.gz", gz(b"hello hello hello"))
    put("gzip", "stored.gz", gz(bytes(range(256)), level=0))
    put("gzip", "empty.gz", gz(b""))
    put("gzip", "multi_member_padded.gz", gz(b"first ") + gz(b"second") + b"\x00" * 4)
    put("gzip", "all_header_fields.gz", gz_with_flags(b"flags"))
    put("gzip", "binary.gz", gz(npy_seeds["f8_2d.npy"]))
    put("gzip", "long_distance.gz", gz(bytes(range(200)) * 3 + b"x" * 300 + bytes(range(200))))


def array_seeds(npy_seeds, arrays, idx_files):
    """The sniffing reader: one seed of each container, plain and gzip-compressed."""
    put("array", "plain.npy", npy_seeds["f4_2d.npy"])
    put("array", "plain.npy.gz", gz(npy_seeds["u1_3d.npy"]))
    put("array", "single.npz", npz({"x": arrays["W1"]}))
    put("array", "single.npz.gz", gz(npz({"x": arrays["b1"]}, compressed=True)))
    put("array", "plain.idx", idx_files["images_u1.idx"])
    put("array", "labels.idx.gz", gz(idx_files["labels_u1.idx"]))


def safetensors_seeds():
    f32 = np.array([1.5, -2.0, 0.25, 4.0], dtype="<f4")
    seeds = {
        "f32_metadata.safetensors": safetensors(
            [("weight", "F32", [2, 2], f32.tobytes()), ("bias", "F32", [2], f32[:2].tobytes())],
            {"format": "pt", "note": "a \"quoted\" \\ value \u00e9"}),
        "dtypes.safetensors": safetensors([
            ("f64", "F64", [2], np.array([1e300, -0.5], dtype="<f8").tobytes()),
            ("f16", "F16", [2], np.array([1, -2], dtype="<f2").tobytes()),
            ("bf16", "BF16", [2], b"\x80\x3f\x00\xc0"),
            ("i64", "I64", [1], np.array([-7], dtype="<i8").tobytes()),
            ("u16", "U16", [2], np.array([1, 65535], dtype="<u2").tobytes()),
            ("i32", "I32", [1, 1], np.array([5], dtype="<i4").tobytes()),
            ("u8", "U8", [3], b"\x00\x01\xff"),
            ("bool", "BOOL", [2], b"\x01\x00"),
            ("f8", "F8_E4M3", [2], b"\x38\xb8"),
            ("f8e5", "F8_E5M2", [1], b"\x3c"),
        ]),
        "scalar_and_empty.safetensors": safetensors(
            [("scalar", "F64", [], np.array([2.5], dtype="<f8").tobytes()), ("empty", "F32", [0, 3], b"")]),
        "metadata_only.safetensors": safetensors([], {"a": "b"}),
        "empty_header.safetensors": safetensors([]),
    }
    for name, data in seeds.items():
        put("safetensors", name, data)
    fixtures = os.path.join(ROOT, "Tests", "Fixtures", "safetensors")
    for name in sorted(os.listdir(fixtures)):
        if name.endswith(".safetensors"):
            with open(os.path.join(fixtures, name), "rb") as f:
                put("safetensors", "fixture_" + name, f.read())


def backprop_seeds(backprop):
    """Models and checkpoints written by Backprop itself, from tiny training runs.

    They run in a fixed folder with relative paths, since a checkpoint records the
    folder and the command line."""
    work = os.path.join(tempfile.gettempdir(), "backprop-fuzz-seeds")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        with open(os.path.join(work, "table.csv"), "w") as f:
            f.write("a,b,label\n")
            for k in range(12):
                f.write("%g,%g,%s\n" % (k * 0.5, (k % 3) - 1, ["cat", "dog", "fox"][k % 3]))
        common = ["--data", "table.csv", "--seed", "1", "--print-every", "0", "--threads", "1"]
        models = {
            "softmax_standardized": ["--layers", "2,4,3", "--activation", "relu", "--output", "softmax",
                                     "--standardize", "--iterations", "3", "--dtype", "float64"],
            "batch_norm_prelu": ["--layers", "2,3,3", "--activation", "prelu", "--output", "softmax",
                                 "--batch-norm", "--min-max", "--iterations", "2"],
        }
        for name, options in models.items():
            run(backprop, work, ["train"] + common + options + ["--save", name + ".safetensors"])
            shutil.copy(os.path.join(work, name + ".safetensors"), os.path.join(CORPUS, "model"))
        checkpoints = {
            "adam_early_stopping": ["--layers", "2,3,3", "--activation", "tanh", "--output", "softmax",
                                    "--epochs", "2", "--batch-size", "5", "--optimizer", "adam",
                                    "--early-stopping", "5", "--validation-split", "0.25", "--dtype", "float64"],
            "momentum_batch_norm": ["--layers", "2,2,3", "--activation", "leaky-relu:0.1", "--output", "softmax",
                                    "--batch-norm", "--epochs", "1", "--batch-size", "4", "--optimizer", "momentum"],
        }
        for name, options in checkpoints.items():
            run(backprop, work, ["train"] + common + options + ["--checkpoint-dir", name, "--checkpoint-every", "1"])
            for file in sorted(os.listdir(os.path.join(work, name))):
                shutil.copy(os.path.join(work, name, file), os.path.join(CORPUS, "checkpoint", name + "_" + file))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(backprop, folder, arguments):
    result = subprocess.run([backprop] + arguments, cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("backprop %s failed (%d):\n%s%s" % (" ".join(arguments), result.returncode, result.stdout,
                                                     result.stderr))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backprop", help="the backprop executable (default: swift build --product backprop)")
    arguments = parser.parse_args()
    backprop = arguments.backprop
    if backprop is None:
        subprocess.run(["swift", "build", "--product", "backprop"], cwd=ROOT, check=True)
        backprop = os.path.join(ROOT, ".build", "debug", "backprop")
    backprop = os.path.abspath(backprop)
    for target in ("model", "checkpoint"):
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    csv_seeds()
    serve_request_seeds()
    npy_files, arrays = numpy_seeds()
    idx_files = idx_seeds()
    gzip_seeds(npy_files, idx_files)
    array_seeds(npy_files, arrays, idx_files)
    safetensors_seeds()
    backprop_seeds(backprop)
    for target in sorted(os.listdir(CORPUS)):
        print("%-12s %d seeds" % (target, len(os.listdir(os.path.join(CORPUS, target)))))


if __name__ == "__main__":
    main()
