#!/usr/bin/env bash
# Mini-batch training on the real data sets in ../shared/data, with the release
# build, checking the accuracy each run must reach (issue 5's targets):
#   digits.csv, seeded 80/20 stratified split          ≥ 97% test accuracy
#   breast_cancer.csv, seeded 80/20 stratified split   ≥ 96%
#   MNIST test files: first 8,000 to train, last 2,000 to test   ≥ 96%
#   MNIST, 5 epochs: Adam (α 0.001) ends at a lower training cost than SGD (α 0.1)
# Skips a run (with a message) when its data are absent.
#
#   scripts/real-data.sh [path/to/backprop] [path/to/data]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-"$root/.build/release/backprop"}
data=${2:-"$root/../shared/data"}
failed=0
passed=0
# run NAME THRESHOLD ARGS… — trains, prints the output, checks "Test accuracy: X" ≥ THRESHOLD.
run() {
  local name=$1 threshold=$2
  shift 2
  local out start
  start=$(date +%s.%N)
  out=$("$binary" train "$@" 2>&1) || { echo "$out"; echo "FAILED: $name (exit status)"; failed=$((failed + 1)); return; }
  local seconds
  seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
  local accuracy
  accuracy=$(echo "$out" | sed -n 's/^Test accuracy: //p')
  if awk -v a="$accuracy" -v t="$threshold" 'BEGIN { exit !(a >= t) }'; then
    printf 'ok: %-14s test accuracy %s ≥ %s (%.1f s)\n' "$name" "$accuracy" "$threshold" "$seconds"
    passed=$((passed + 1))
  else
    echo "$out" | tail -20
    printf 'FAILED: %s test accuracy %s < %s\n' "$name" "$accuracy" "$threshold"
    failed=$((failed + 1))
  fi
}
tabular=$data/tabular
if [ -f "$tabular/digits.csv" ]; then
  run digits 0.97 --data "$tabular/digits.csv" --layers 64,128,10 --activation relu --output softmax \
    --standardize --test-split 0.2 --stratify --seed 1 --initializer he \
    --epochs 60 --batch-size 32 --optimizer adam --learning-rate 0.001 --dropout 0.2 --print-every 0
else
  echo "real-data: $tabular/digits.csv not found; skipping"
fi
if [ -f "$tabular/breast_cancer.csv" ]; then
  run breast-cancer 0.96 --data "$tabular/breast_cancer.csv" --layers 30,16,1 --activation relu --output sigmoid \
    --standardize --test-split 0.2 --stratify --seed 1 --initializer he \
    --epochs 60 --batch-size 32 --optimizer adam --learning-rate 0.001 --print-every 0
else
  echo "real-data: $tabular/breast_cancer.csv not found; skipping"
fi
mnist=$data/mnist
images=$mnist/t10k-images-idx3-ubyte.gz
labels=$mnist/t10k-labels-idx1-ubyte.gz
if [ -f "$images" ] && [ -f "$labels" ]; then
  split=(--x "$images" --y "$labels" --examples :8000 --test-x "$images" --test-y "$labels" --test-examples 8000:
    --scale 255 --activation relu --output softmax --initializer he --seed 1)
  run mnist 0.96 "${split[@]}" --layers 784,256,128,10 --epochs 15 --batch-size 64 \
    --optimizer adam --learning-rate 0.001 --dropout 0.2 --print-every 0
  # Adam against plain SGD: the same network, data and seed, 5 epochs each.
  final_cost() { "$binary" train "${split[@]}" --layers 784,128,10 --epochs 5 --batch-size 64 "$@" --print-every 1 2>/dev/null \
    | sed -n 's/^Epoch 5\/5: cost \([0-9.]*\).*/\1/p'; }
  sgd=$(final_cost --optimizer sgd --learning-rate 0.1)
  adam=$(final_cost --optimizer adam --learning-rate 0.001)
  if awk -v a="$adam" -v s="$sgd" 'BEGIN { exit !(a != "" && s != "" && a < s) }'; then
    echo "ok: adam-vs-sgd   training cost after 5 epochs: adam $adam < sgd $sgd"
    passed=$((passed + 1))
  else
    echo "FAILED: adam-vs-sgd: adam $adam is not below sgd $sgd"
    failed=$((failed + 1))
  fi
else
  echo "real-data: $mnist not found; skipping"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
