#!/usr/bin/env bash
# The course's cat network (12288,20,7,5,1; 2500 iterations, float64), Backprop
# against the course's NumPy code on the same machine, side by side.
#
#   benchmarks/course-cat.sh [path/to/cat]
#
# Prints each run's training time (excluding process start and file loading is not
# attempted: both time the whole training loop, as each reports it) and the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cat_dir=${1:-"$root/../shared/data/cat"}
[ -f "$cat_dir/train_x.npy" ] || { echo "no cat data at $cat_dir"; exit 1; }
cd "$root"
swift build -c release --product backprop >/dev/null
run_backprop() {
  .build/release/backprop train --x "$cat_dir/train_x.npy" --y "$cat_dir/train_y.npy" \
    --test-x "$cat_dir/test_x.npy" --test-y "$cat_dir/test_y.npy" --scale 255 \
    --layers 12288,20,7,5,1 --activation relu --output sigmoid --learning-rate 0.0075 \
    --iterations 2500 --dtype "$1" --rng numpy --seed 1 --initializer course --print-every 0 2>&1 \
    | sed -n 's/.*iterations in \([0-9.]*\) s/\1/p'
}
numpy_seconds=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 benchmarks/peers/course_cat.py "$cat_dir" 2>&1 \
  | sed -n 's/Trained in \([0-9.]*\) s/\1/p')
b64=$(run_backprop float64)
b32=$(run_backprop float32)
b64_1=$(BACKPROP_THREADS=1 run_backprop float64)
printf '%-44s %8s s\n' "NumPy (course code, OpenBLAS)" "$numpy_seconds"
printf '%-44s %8s s   %5.1fx faster\n' "Backprop float64" "$b64" "$(echo "$numpy_seconds / $b64" | bc -l)"
printf '%-44s %8s s   %5.1fx faster\n' "Backprop float64, BACKPROP_THREADS=1" "$b64_1" "$(echo "$numpy_seconds / $b64_1" | bc -l)"
printf '%-44s %8s s   %5.1fx faster\n' "Backprop float32" "$b32" "$(echo "$numpy_seconds / $b32" | bc -l)"
