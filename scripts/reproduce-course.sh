#!/usr/bin/env bash
# Trains the course's week-4 cat classifier with the release build and checks
# the notebook's published numbers line by line. Skips (exit 0, with a message)
# when ../shared/data/cat is absent.
#
#   scripts/reproduce-course.sh [path/to/backprop] [path/to/cat]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-"$root/.build/release/backprop"}
cat_dir=${2:-"$root/../shared/data/cat"}
if [ ! -f "$cat_dir/train_x.npy" ]; then
  echo "reproduce-course: $cat_dir not found; skipping the cat check"
  exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$binary" train --x "$cat_dir/train_x.npy" --y "$cat_dir/train_y.npy" \
  --test-x "$cat_dir/test_x.npy" --test-y "$cat_dir/test_y.npy" --scale 255 \
  --layers 12288,20,7,5,1 --activation relu --output sigmoid --learning-rate 0.0075 \
  --iterations 2500 --dtype float64 --rng numpy --seed 1 --initializer course --print-every 100 | tee "$out"
failed=0
for line in "Cost after iteration 0: 0.771749" "Cost after iteration 100: 0.672053" \
  "Cost after iteration 2400: 0.092878" "Train accuracy: 0.985646" "Test accuracy: 0.800000"; do
  if grep -qxF "$line" "$out"; then
    echo "ok: $line"
  else
    echo "MISMATCH: expected the line '$line'"
    failed=1
  fi
done
if [ "$failed" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit "$failed"
