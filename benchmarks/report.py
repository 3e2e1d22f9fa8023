#!/usr/bin/env python3
"""Assembles the benchmark suite's JSON lines into one table and one JSON file.

    python3 benchmarks/report.py results/latest.jsonl [--meta meta.json] [--out results/latest.json]
    python3 benchmarks/report.py results/latest.json --compare results/before.json

Each input line is one measurement from BackpropBench, torch_bench.py,
numpy_bench.py, jax_bench.py or cli_bench.py (impl, column, config, name, threads,
value, unit, samples …); an input may also be a results JSON that this script
wrote (its measurements and meta are read back).
Every figure is the median of its runs' samples and is shown with its spread,
±(max − min) / median / 2; a ratio's spread is the sum of its two figures'.
--compare OLD.json prints, per figure, old → new, the change, and whether it moved
by more than the spread of both runs.
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
    ("jax", "JAX CPU"),
]
PEERS = [("torch", "PyTorch"), ("numpy", "NumPy"), ("jax", "JAX")]
NAME_ORDER = ["mnist-mlp.train", "mnist-mlp.peak_rss", "cat-l.train", "tiny.train", "infer.latency1", "infer.batch1024",
              "cli-mnist-mlp.rate", "cli-mnist-mlp.fixed", "cli-mnist-mlp.peak_rss", "cli-cat-l.rate", "cli-cat-l.fixed",
              "cli-tiny.rate", "cli-tiny.fixed"]
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
    if name.startswith("cli-"):
        config, kind = name.rsplit(".", 1)
        counts = f"{record.get('short', '?')} vs {record.get('long', '?')}"
        if kind == "rate":
            what = "epochs" if config == "cli-mnist-mlp" else "it"
            return f"{config} train ({counts} {what}), {unit}"
        if kind == "fixed":
            return f"{config} start-up + loading, s"
        if kind == "peak_rss":
            return f"{config} peak RSS ({record.get('epochs', '?')} epochs), MB"
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


def spread(record):
    """±(max − min) / median / 2 of a measurement's samples, as a fraction; None for a single sample."""
    samples = [x for x in record.get("samples", []) if x is not None]
    if len(samples) < 2 or not record.get("value"):
        return None
    return (max(samples) - min(samples)) / abs(record["value"]) / 2


def fmt_spread(s):
    if s is None:
        return ""
    return f" ±{s * 100:.0f}%" if s >= 0.005 else " ±0%"


def ratio_spread(a, b):
    return None if a is None or b is None else a + b


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
        row.setdefault("spreads", {})[r["column"]] = spread(r)
        if r.get("pairs_dropped"):
            row.setdefault("dropped", {})[r["column"]] = (len(r.get("samples", [])), r["pairs_dropped"])
        if "ratio_to_min" in r:
            row["extra"][r["column"]] = r["ratio_to_min"]
    out = []
    for key in sorted(rows, key=lambda k: (sort_key(k[0]), k[1])):
        row = rows[key]
        row["default_column"] = default_column(row, default_info or {}, row.pop("record"))
        bp = row["values"].get(row["default_column"])
        bp_spread = row["spreads"].get(row["default_column"])
        for peer, _ in PEERS:
            row[f"ratio_{peer}"] = ratio(bp, row["values"].get(peer), row["unit"])
            row[f"ratio_{peer}_spread"] = ratio_spread(bp_spread, row["spreads"].get(peer))
        out.append(row)
    return out


def render(rows):
    header = ["figure", "thr"] + [title for _, title in COLUMNS] + [f"Backprop/{title}" for _, title in PEERS]
    lines = []
    for row in rows:
        cells = [row["label"], str(row["threads"])]
        for column, _ in COLUMNS:
            text = fmt(row["values"].get(column), row["unit"])
            if column in row["values"]:
                text += fmt_spread(row.get("spreads", {}).get(column))
            if column in row.get("dropped", {}):
                kept, dropped = row["dropped"][column]
                text += f" ({kept} of {kept + dropped} runs)"
            if column in row["extra"]:
                text += f" ({row['extra'][column]:.2f}× min)"
            cells.append(text)
        mark = "ᵇ" if row.get("default_column") == "backprop-builtin" and "backprop-blas" in row["values"] else ""
        for peer, _ in PEERS:
            key = f"ratio_{peer}"
            cells.append("n/a" if row.get(key) is None
                         else f"{row[key]:.2f}×{mark}{fmt_spread(row.get(key + '_spread'))}")
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) if lines else len(h) for i, h in enumerate(header)]

    def line(cells):
        parts = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)]
        return "| " + " | ".join(parts) + " |"

    text = [line(header), "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"]
    text += [line(c) for c in lines]
    return "\n".join(text)


def load(paths):
    """Measurements (and meta, from a results JSON) from JSON-lines files or results JSON files."""
    records, meta = [], {}
    for path in paths:
        with open(path) as f:
            text = f.read()
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict) and "measurements" in whole:
            records += whole["measurements"]
            meta = meta or whole.get("meta", {})
            continue
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                print(f"{path}:{n}: skipped, not JSON ({error})", file=sys.stderr)
    return records, meta


def compare(old_records, new_records):
    """Per figure (name, threads, column) in both: old, new, the change and whether it moved
    by more than the spread of both runs (a single-sample figure has no spread: never 'moved')."""
    def index(records):
        return {(r["name"], int(r["threads"]), r["column"]): r for r in records}

    old, new = index(old_records), index(new_records)
    keys = sorted(set(old) & set(new), key=lambda k: (sort_key(k[0]), k[1], [c for c, _ in COLUMNS].index(k[2])
                                                     if k[2] in dict(COLUMNS) else 99))
    out = []
    for key in keys:
        o, n = old[key], new[key]
        if not o.get("value") or n.get("value") is None:
            continue
        change = (n["value"] - o["value"]) / abs(o["value"])
        so, sn = spread(o), spread(n)
        if so is None or sn is None:
            verdict = "no spread"
        elif abs(change) > max(so, sn):
            better = (change < 0) if n["unit"] in LOWER_IS_BETTER else (change > 0)
            verdict = "better" if better else "WORSE"
        else:
            verdict = "within spread"
        out.append({"name": key[0], "threads": key[1], "column": key[2], "unit": n["unit"],
                    "label": label(n["name"], n["unit"], n), "old": o["value"], "old_spread": so,
                    "new": n["value"], "new_spread": sn, "change": change, "verdict": verdict})
    return out, sorted(set(old) - set(new)), sorted(set(new) - set(old))


def render_comparison(rows):
    titles = dict(COLUMNS)
    header = ["figure", "thr", "column", "old", "new", "change", "moved?"]
    lines = [[r["label"], str(r["threads"]), titles.get(r["column"], r["column"]),
              fmt(r["old"], r["unit"]) + fmt_spread(r["old_spread"]),
              fmt(r["new"], r["unit"]) + fmt_spread(r["new_spread"]),
              f"{r['change'] * 100:+.1f}%", r["verdict"]] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in lines)) if lines else len(h) for i, h in enumerate(header)]

    def line(cells):
        return "| " + " | ".join(c.ljust(widths[i]) if i in (0, 2, 6) else c.rjust(widths[i])
                                 for i, c in enumerate(cells)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(c) for c in lines])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("inputs", nargs="+", help="files of JSON lines (measurements), or results JSON files")
    p.add_argument("--meta", help="a JSON file of run information to include")
    p.add_argument("--out", help="write the assembled JSON here")
    p.add_argument("--compare", metavar="OLD.json", help="an earlier results JSON (or JSON lines) to compare with")
    args = p.parse_args()
    records, meta = load(args.inputs)
    if args.meta:
        with open(args.meta) as f:
            meta = json.load(f)
    rows = assemble(records, meta.get("backend_info", {}).get("default"))
    table = render(rows)
    print(table)
    print()
    print("Each figure is the median of its runs, ± half their range ((max − min) / median / 2); a ratio's ± is")
    print("the sum of its two figures'. Ratios use the backend Backprop chooses by default for the row's dtype")
    print("(`backprop info`: a system BLAS found is used only where it measured faster than the built-in kernel);")
    print("ᵇ marks rows where that is the built-in kernel. Above 1× means Backprop is ahead: more throughput, or")
    print("less latency, start-up or memory. cli-* rows time whole processes (`backprop train`, or the peer's script):")
    print("(t(long) − t(short)) / (long − short) per epoch or iteration; start-up + loading = t(short) − short × that;")
    print("'(1 of 3 runs)': the other runs' long process was not slower than the short one (noise), so they were dropped.")
    backends = {}
    for r in records:
        backends.setdefault(r["column"], set()).add(r.get("backend", "?"))
    for column, title in COLUMNS:
        if column in backends:
            print(f"  {title}: {'; '.join(sorted(backends[column]))}")
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
    comparison = None
    if args.compare:
        old_records, old_meta = load([args.compare])
        comparison, gone, added = compare(old_records, records)
        print()
        print(f"Compared with {args.compare} ({old_meta.get('date', 'date unknown')}, commit "
              f"{old_meta.get('git_commit', '?')}{'-dirty' if old_meta.get('git_dirty') else ''}"
              f"{', quick' if old_meta.get('quick') else ''}) → this run ({meta.get('date', '?')}, commit "
              f"{meta.get('git_commit', '?')}{'-dirty' if meta.get('git_dirty') else ''}"
              f"{', quick' if meta.get('quick') else ''}):")
        print(render_comparison(comparison))
        print("moved?: 'better' or 'WORSE' when the change is larger than the ± spread of both runs, else")
        print("'within spread' (the runs cannot tell the difference from noise).")
        if old_meta.get("quick") != meta.get("quick") or \
                old_meta.get("machine", {}).get("cpu") != meta.get("machine", {}).get("cpu"):
            print("  Warning: the two runs differ in --quick or in the machine: their figures are not comparable.")
        if gone:
            print(f"  Only in the old run: {len(gone)} figure(s), e.g. {', '.join(f'{n} t{t} {c}' for n, t, c in gone[:3])}")
        if added:
            print(f"  Only in this run: {len(added)} figure(s), e.g. {', '.join(f'{n} t{t} {c}' for n, t, c in added[:3])}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"meta": meta, "columns": dict(COLUMNS), "rows": rows, "table": table,
                       "measurements": records, "comparison": comparison}, f, indent=1, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
