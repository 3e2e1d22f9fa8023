#!/usr/bin/env python3
"""Assembles the benchmark suite's JSON lines into one table and one JSON file.

    python3 benchmarks/report.py results/latest.jsonl [--meta meta.json] [--out results/latest.json]

Each input line is one measurement from BackpropBench, torch_bench.py or
numpy_bench.py (impl, column, config, name, threads, value, unit, samples …).
The table has one row per figure and thread count and one column per
implementation; the ratios compare Backprop with its default backend against
each peer: per dtype, the column of the backend `backprop info --json` says the
library chooses when BACKPROP_BLAS is unset (meta.backend_info.default), else the
system-BLAS column, or the built-in one where that is missing;
oriented so that above 1 means Backprop is ahead (faster, or less latency or
memory). Standard library only: it runs on any python3.
"""
import argparse
import json
import sys

COLUMNS = [
    ("backprop-blas", "Backprop (system BLAS)"),
    ("backprop-builtin", "Backprop (built-in)"),
    ("torch", "PyTorch CPU"),
    ("numpy", "NumPy"),
]
NAME_ORDER = ["mnist-mlp.train", "mnist-mlp.peak_rss", "cat-l.train", "tiny.train", "infer.latency1", "infer.batch1024"]
LOWER_IS_BETTER = {"us", "MB", "s"}


def label(name, unit, record):
    if name == "mnist-mlp.train":
        return f"mnist-mlp train, {record.get('examples', '?')} ex, samples/s"
    if name == "mnist-mlp.peak_rss":
        return f"mnist-mlp peak RSS, MB (min {record.get('min_mb', float('nan')):.1f})"
    if name == "cat-l.train":
        return f"cat-l train ({record.get('iterations', '?')} it), it/s"
    if name == "tiny.train":
        return f"tiny train ({record.get('iterations', '?')} it), it/s"
    if name == "infer.latency1":
        return "infer 1 sample, µs (median)"
    if name == "infer.batch1024":
        return "infer batch 1024, samples/s"
    if name.startswith("gemm."):
        _, dtype, n = name.split(".")
        return f"{'sgemm' if dtype == 'f32' else 'dgemm'} n={n[1:]}, GFLOP/s"
    return f"{name}, {unit}"


def sort_key(name):
    if name in NAME_ORDER:
        return (NAME_ORDER.index(name), 0, "")
    if name.startswith("gemm."):  # by size, sgemm before dgemm
        _, dtype, n = name.split(".")
        return (len(NAME_ORDER), int(n[1:]), dtype)
    return (len(NAME_ORDER) + 1, 0, name)


def fmt(value, unit):
    if value is None:
        return "n/a"
    if 0 < value < 1:
        return f"{value:.2g}"
    if unit == "GFLOP/s":
        return f"{value:.1f}"
    if unit in ("us", "MB"):
        return f"{value:.1f}" if value < 1000 else f"{value:.0f}"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def ratio(bp, peer, unit):
    if bp is None or peer is None or bp <= 0 or peer <= 0:
        return None
    return peer / bp if unit in LOWER_IS_BETTER else bp / peer


def default_column(row, default_info, record):
    """The Backprop column that shows the library's default for this row's dtype."""
    dtype = record.get("dtype", "float32")
    chosen = default_info.get(f"backend_{dtype}") if isinstance(default_info, dict) else None
    if chosen == "builtin" and "backprop-builtin" in row["values"]:
        return "backprop-builtin"
    if chosen == "system-blas" and "backprop-blas" in row["values"]:
        return "backprop-blas"
    return "backprop-blas" if "backprop-blas" in row["values"] else "backprop-builtin"


def assemble(records, default_info=None):
    """Rows keyed by (name, threads): the unit, a representative record and each column's value."""
    rows = {}
    for r in records:
        key = (r["name"], int(r["threads"]))
        row = rows.setdefault(key, {"name": r["name"], "threads": int(r["threads"]), "unit": r["unit"],
                                    "label": label(r["name"], r["unit"], r), "values": {}, "extra": {},
                                    "record": r})
        row["values"][r["column"]] = r["value"]
        if "ratio_to_min" in r:
            row["extra"][r["column"]] = r["ratio_to_min"]
    out = []
    for key in sorted(rows, key=lambda k: (sort_key(k[0]), k[1])):
        row = rows[key]
        row["default_column"] = default_column(row, default_info or {}, row.pop("record"))
        bp = row["values"].get(row["default_column"])
        row["ratio_torch"] = ratio(bp, row["values"].get("torch"), row["unit"])
        row["ratio_numpy"] = ratio(bp, row["values"].get("numpy"), row["unit"])
        out.append(row)
    return out


def render(rows):
    header = ["figure", "thr"] + [title for _, title in COLUMNS] + ["Backprop/PyTorch", "Backprop/NumPy"]
    lines = []
    for row in rows:
        cells = [row["label"], str(row["threads"])]
        for column, _ in COLUMNS:
            text = fmt(row["values"].get(column), row["unit"])
            if column in row["extra"]:
                text += f" ({row['extra'][column]:.2f}× min)"
            cells.append(text)
        mark = "ᵇ" if row.get("default_column") == "backprop-builtin" and "backprop-blas" in row["values"] else ""
        for key in ("ratio_torch", "ratio_numpy"):
            cells.append("n/a" if row[key] is None else f"{row[key]:.2f}×{mark}")
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) if lines else len(h) for i, h in enumerate(header)]

    def line(cells):
        parts = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)]
        return "| " + " | ".join(parts) + " |"

    text = [line(header), "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"]
    text += [line(c) for c in lines]
    return "\n".join(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("jsonl", nargs="+", help="files of JSON lines (measurements)")
    p.add_argument("--meta", help="a JSON file of run information to include")
    p.add_argument("--out", help="write the assembled JSON here")
    args = p.parse_args()
    records = []
    for path in args.jsonl:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    print(f"{path}:{n}: skipped, not JSON ({error})", file=sys.stderr)
    meta = {}
    if args.meta:
        with open(args.meta) as f:
            meta = json.load(f)
    rows = assemble(records, meta.get("backend_info", {}).get("default"))
    table = render(rows)
    print(table)
    print()
    print("Ratios use the backend Backprop chooses by default for the row's dtype (`backprop info`: a system")
    print("BLAS found is used only where it measured faster than the built-in kernel); ᵇ marks rows where that")
    print("is the built-in kernel. Above 1× means Backprop is ahead: more throughput, or less latency or memory.")
    backends = {}
    for r in records:
        backends.setdefault(r["column"], set()).add(r.get("backend", "?"))
    for column, title in COLUMNS:
        if column in backends:
            print(f"  {title}: {', '.join(sorted(backends[column]))}")
        elif column in meta.get("skipped", {}):
            print(f"  {title}: n/a ({meta['skipped'][column]})")
    machine = meta.get("machine", {})
    if machine:
        print(f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores; load average (1, 5, 15 min)"
              f" {machine.get('load_average_start', '?')} at the start, {machine.get('load_average_end', '?')} at the end.")
        try:
            before = float(machine["load_average_start"].split()[0])
            if before > 0.5:
                print(f"  Warning: the machine was busy before the run began (1-min load {before:.1f}): figures,"
                      " the multi-threaded ones above all, understate what an idle machine gives.")
        except (KeyError, ValueError):
            pass
    for column, info in meta.get("backend_info", {}).items():
        print(f"  {column} — backprop info: {json.dumps(info) if not isinstance(info, str) else info}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"meta": meta, "columns": dict(COLUMNS), "rows": rows, "table": table,
                       "measurements": records}, f, indent=1, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
