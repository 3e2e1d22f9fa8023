#!/usr/bin/env bash
# `backprop serve` under load, beside a minimal Python baseline on the same model:
# FastAPI + uvicorn running ONNX Runtime on the model that `backprop export` wrote
# (benchmarks/serve/onnx_server.py), same JSON in and out.
#
#   benchmarks/serve-load.sh [--seconds N] [--connections "1 16 64"] [--out FILE] [--no-build]
#
# The model: iris-sized, 4 features → 16 tanh → 3 softmax, float32, with --standardize,
# trained on a synthetic three-class table (fixed seed), so that the figures measure the
# servers (HTTP, JSON, batching), not the network. Every request is one row,
# {"instances": [[5.1, 3.5, 1.4, 0.2]]}, sent by wrk (benchmarks/serve/post.lua) with
# --latency, at each connection count, one server after the other in the same run.
#
# Same conditions on this 2-core machine: each server is pinned to CPU 0 (taskset) with one
# compute thread (backprop --threads 1; ONNX Runtime intra_op_num_threads=1; uvicorn one
# worker), and wrk to CPU 1 with one thread (wrk -t1). Both servers run throughout; only
# the one under load works.
#
# Writes requests/s and p50/p99 latency per server and connection count to --out (default
# benchmarks/results/serve-YYYY-MM-DD.json) and prints the table. Needs wrk, taskset and
# python3 with fastapi, uvicorn, onnxruntime, numpy.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=10
connections="1 16 64"
out="benchmarks/results/serve-$(date -u +%Y-%m-%d).json"
build=1
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "serve-load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "serve-load.sh: needs $tool" >&2; exit 2; }
done
python3 -c "import fastapi, uvicorn, onnxruntime, numpy" 2>/dev/null \
  || { echo "serve-load.sh: needs python3 with fastapi uvicorn onnxruntime numpy (pip install …)" >&2; exit 2; }

if ((build)); then swift build -c release --product backprop; fi
backprop="$(swift build -c release --show-bin-path)/backprop"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The model: trained here, exported to ONNX.
python3 - "$work/iris.csv" <<'PY'
import random, sys
random.seed(7)
centres = {"setosa": (5.0, 3.4, 1.5, 0.2), "versicolor": (5.9, 2.8, 4.3, 1.3), "virginica": (6.6, 3.0, 5.6, 2.0)}
rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
for j in range(300):
    name = list(centres)[j % 3]
    rows.append(",".join("%.2f" % (c + random.gauss(0, 0.3)) for c in centres[name]) + "," + name)
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
"$backprop" train --data "$work/iris.csv" --target species --layers 4,16,3 --activation tanh --output softmax \
  --standardize --optimizer adam --learning-rate 0.01 --epochs 200 --print-every 0 --save "$work/iris.safetensors" \
  >/dev/null
"$backprop" export --model "$work/iris.safetensors" --out "$work/iris.onnx" 2>/dev/null

# The servers, each on CPU 0.
taskset -c 0 "$backprop" serve --model "$work/iris.safetensors" --port 0 --threads 1 \
  >"$work/backprop.out" 2>"$work/backprop.err" &
pids+=($!)
onnx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd benchmarks/serve && MODEL="$work/iris.onnx" ORT_THREADS=1 exec taskset -c 0 python3 -m uvicorn onnx_server:app \
  --host 127.0.0.1 --port "$onnx_port" --workers 1 --no-access-log --log-level info) >"$work/onnx.out" 2>"$work/onnx.err" &
pids+=($!)
for _ in $(seq 200); do
  grep -q "Serving" "$work/backprop.out" && grep -q "Uvicorn running on" "$work/onnx.err" && break
  sleep 0.1
done
backprop_url=$(grep -o 'http://[0-9.:]*' "$work/backprop.out" | head -1)
onnx_url=$(grep -o 'http://[0-9.:]*' "$work/onnx.err" | head -1)
[[ -n $backprop_url && -n $onnx_url ]] || { cat "$work"/*.err >&2; echo "serve-load.sh: a server did not start" >&2; exit 1; }
body='{"instances": [[5.1, 3.5, 1.4, 0.2]]}'
echo "backprop serve at $backprop_url: $(curl -s "$backprop_url/predict" -d "$body")"
echo "FastAPI + ONNX Runtime at $onnx_url: $(curl -s "$onnx_url/predict" -H 'Content-Type: application/json' -d "$body")"

: >"$work/results.jsonl"
for c in $connections; do
  for server in backprop onnxruntime; do
    url=$backprop_url
    [[ $server == onnxruntime ]] && url=$onnx_url
    # A short warm-up, then the measurement.
    BODY="$body" taskset -c 1 wrk -t1 -c"$c" -d2s -s benchmarks/serve/post.lua "$url/predict" >/dev/null
    BODY="$body" taskset -c 1 wrk -t1 -c"$c" -d"${seconds}s" --latency -s benchmarks/serve/post.lua "$url/predict" \
      >"$work/wrk-$server-$c.txt"
    python3 - "$work/wrk-$server-$c.txt" "$server" "$c" >>"$work/results.jsonl" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]
percentile = lambda p: ms(re.search(r"^\s+%s%%\s+(\S+)" % p, text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
socket_errors = re.search(r"Socket errors: (.*)", text)
print(json.dumps({
    "server": sys.argv[2], "connections": int(sys.argv[3]),
    "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
    "p50_ms": percentile(50), "p99_ms": percentile(99),
    "requests": int(re.search(r"(\d+) requests in", text).group(1)),
    "non_2xx": int(errors.group(1)) if errors else 0,
    "socket_errors": socket_errors.group(1) if socket_errors else "",
}))
PY
  done
done
"$backprop" info >"$work/info.txt" 2>&1 || true
kill -TERM "${pids[0]}"
wait "${pids[0]}" || true
python3 - "$work/results.jsonl" "$out" "$seconds" "$work/backprop.err" <<'PY'
import json, os, platform, subprocess, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
stopped = open(sys.argv[4]).read().strip()
meta = {
    "date": subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip(),
    "commit": subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip(),
    "machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
    "model": "iris-sized MLP 4-16(tanh)-3(softmax), float32, standardize; one row per request",
    "conditions": "each server pinned to CPU 0 with one compute thread; wrk -t1 pinned to CPU 1; "
                  "%s s per measurement after a 2 s warm-up" % sys.argv[3],
    "backprop": "backprop serve --threads 1 (FlyingFox; micro-batching, --max-delay 2 ms)",
    "baseline": "FastAPI + uvicorn (1 worker) + ONNX Runtime (intra_op_num_threads=1) on the exported model",
    "backprop_at_exit": stopped.splitlines()[-1] if stopped else "",
}
os.makedirs(os.path.dirname(sys.argv[2]) or ".", exist_ok=True)
json.dump({"meta": meta, "rows": rows}, open(sys.argv[2], "w"), indent=1)
print("\n%-12s %-22s %12s %10s %10s %8s" % ("connections", "server", "requests/s", "p50 ms", "p99 ms", "errors"))
for row in rows:
    name = {"backprop": "backprop serve", "onnxruntime": "FastAPI+ONNX Runtime"}[row["server"]]
    print("%-12d %-22s %12.0f %10.3f %10.3f %8d" % (row["connections"], name, row["requests_per_second"],
          row["p50_ms"], row["p99_ms"], row["non_2xx"]))
print("\nwrote %s; %s" % (sys.argv[2], stopped.splitlines()[-1] if stopped else ""))
PY
