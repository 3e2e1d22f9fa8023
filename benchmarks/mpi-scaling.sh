#!/usr/bin/env bash
# mpi-scaling.sh: data-parallel scaling of `backprop train` on this machine, and MPI_Allreduce
# against the message size (the inputs of docs/Scaling.md).
#
#   benchmarks/mpi-scaling.sh [--binary PATH] [--examples M] [--ranks N] [--batch-size B] [--json FILE]
#
# mnist-mlp (784-256-128-10, relu/softmax, float32, global batch 128, 60,000 generated
# examples; --batch-size changes it): one process on one thread against N ranks (mpirun -np N)
# on one thread each;
# per-epoch samples/s from the difference of a 1-epoch and a 3-epoch run (start-up and
# loading cancel), median of 3. Then AllreduceBench under mpirun -np N (the α–β fit).
# Needs: mpirun (openmpi-bin), python3 with numpy, a release build (swift build -c release).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="$root/.build/release/backprop"
examples=60000
ranks=2
batch=128
json=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --examples) examples="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mpi-scaling: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
command -v mpirun >/dev/null || { echo "mpi-scaling: mpirun not found (apt-get install openmpi-bin)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$examples" <<'PY'
import sys, numpy as np
folder, m = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
np.save(folder + "/x.npy", rng.random((m, 784), dtype=np.float32))
np.save(folder + "/y.npy", (np.arange(m) % 10).astype(np.int64))
PY
mpi=(mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$ranks")
train=(train --x "$work/x.npy" --y "$work/y.npy" --layers 784,256,128,10 --activation relu --output softmax
  --learning-rate 0.1 --batch-size "$batch" --dtype float32 --threads 1 --quiet)
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
rate() {  # samples/s per epoch of the command prefix "$@"
  local t1 t3
  t1=$(seconds "$@" "$binary" "${train[@]}" --epochs 1)
  t3=$(seconds "$@" "$binary" "${train[@]}" --epochs 3)
  echo "2 * $examples / ($t3 - $t1)" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
one=(); many=()
for _ in 1 2 3; do
  one+=("$(rate env)")
  many+=("$(rate "${mpi[@]}")")
done
single=$(median "${one[@]}")
parallel=$(median "${many[@]}")
ratio=$(echo "$parallel / $single" | bc -l)
printf "mnist-mlp, batch %d, 1 thread per process: 1 process %.0f samples/s, %d ranks %.0f samples/s: %.2fx\n" \
  "$batch" "$single" "$ranks" "$parallel" "$ratio"
bench="$root/benchmarks/.build/release/AllreduceBench"
if [[ ! -x "$bench" ]]; then swift build -c release --package-path "$root/benchmarks" --product AllreduceBench >&2; fi
"${mpi[@]}" "$bench" ${json:+--json "$work/allreduce.json"}
if [[ -n "$json" ]]; then
  python3 - "$work/allreduce.json" "$json" "$single" "$parallel" "$ranks" "$batch" <<'PY'
import json, sys
allreduce = json.load(open(sys.argv[1]))
json.dump({"mnist_mlp_samples_per_second": {"one_process": float(sys.argv[3]), "ranks": int(sys.argv[5]),
           "data_parallel": float(sys.argv[4]), "batch_size": int(sys.argv[6])}, "allreduce": allreduce},
          open(sys.argv[2], "w"), indent=2)
PY
fi
