#!/usr/bin/env bash
# Injects the faults a long training run meets and checks that nothing is lost:
#   1. SIGINT or SIGTERM at random points: a checkpoint, exit 130/143, and
#      `--resume` ends with the same model bytes as an uninterrupted run;
#   2. a second signal: immediate exit, every existing checkpoint still readable;
#   3. kill -9 at random points while checkpoints are written every epoch: every
#      checkpoint left is complete and resumes to the uninterrupted result;
#   4. a full disk (a file-size limit, ulimit -f): a clear error, exit non-zero,
#      the earlier model and checkpoints untouched;
#   5. corrupted checkpoints (truncated, bytes flipped): refused with a message, no crash;
#   6. an unwritable output: refused before training starts.
#
#   scripts/fault-injection.sh [path/to/backprop] [trials]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(cd "$(dirname "${1:-$root/.build/release/backprop}")" && pwd)/$(basename "${1:-backprop}")
[ -x "$binary" ] || binary="$root/.build/release/backprop"
trials=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
# Whether two model files hold the same bytes in every tensor and the same metadata, apart from the
# recorded command line and folder (the interrupted runs name a checkpoint folder, the reference not).
same_model() {
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    hyper = json.loads(meta.pop("hyperparameters", "{}"))
    for key in ("command", "working_directory"):
        hyper.pop(key, None)
    tensors = {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}
    return tensors, {k: (v["dtype"], v["shape"]) for k, v in header.items()}, meta, hyper
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
}

# A data set big enough that a run takes several seconds: 12,000 examples, 40 features, 4 classes.
python3 - <<'PY'
import random
random.seed(5)
with open("data.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(40)) + ",label\n")
    for j in range(12000):
        k = j % 4
        f.write(",".join(f"{random.gauss(k * (i % 3 == 0), 1):.5f}" for i in range(40)) + f",{k}\n")
PY
args=(--data data.csv --layers 40,64,32,4 --activation relu --output softmax --standardize
  --epochs 60 --batch-size 32 --optimizer adam --learning-rate 0.001 --dropout 0.2 --batch-norm
  --print-every 0 --threads 1)
if [ -z "${NEW_ONLY:-}" ]; then
"$binary" train "${args[@]}" --save reference.safetensors >/dev/null 2>&1 || { echo "the reference run failed"; exit 1; }

# 1. One signal at a random point, then resume.
for trial in $(seq 1 "$trials"); do
  for sig in INT TERM; do
    rm -rf run model.safetensors
    "$binary" train "${args[@]}" --checkpoint-dir run --save model.safetensors >log 2>&1 &
    pid=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 200) / 100 }')"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    expected=$([ "$sig" = INT ] && echo 130 || echo 143)
    if [ "$status" = 0 ]; then
      ok "SIG$sig trial $trial arrived after the run had finished"
      continue
    fi
    if [ "$status" != "$expected" ] || ! grep -q "Resume with: backprop train --resume run" log; then
      fail "SIG$sig trial $trial: exit $status, expected $expected; $(tail -1 log)"
      continue
    fi
    "$binary" train --resume run --threads 1 >resume.log 2>&1
    if same_model model.safetensors reference.safetensors; then
      ok "SIG$sig trial $trial: $(grep -o 'epoch [0-9]* after [0-9]* examples' log), resumed to identical tensors"
    else
      fail "SIG$sig trial $trial: the resumed model differs from the uninterrupted one"
    fi
  done
done

# 2. Two signals: the second exits at once; what is on disk stays readable.
rm -rf run
"$binary" train "${args[@]}" --checkpoint-dir run --checkpoint-every 1 >log 2>&1 &
pid=$!
sleep 1.5
kill -INT "$pid"; kill -INT "$pid"
wait "$pid"
status=$?
bad=0
for file in run/checkpoint-*.safetensors; do
  [ -e "$file" ] || continue
  "$binary" inspect "$file" >/dev/null 2>&1 || bad=1
done
if [ "$status" = 130 ] && [ "$bad" = 0 ]; then ok "two signals: exit 130 at once, every checkpoint readable"; else fail "two signals: exit $status, unreadable checkpoint $bad"; fi

# 3. kill -9 at random points during checkpointing every epoch.
for trial in $(seq 1 "$trials"); do
  rm -rf run model.safetensors
  "$binary" train "${args[@]}" --checkpoint-dir run --checkpoint-every 1 --keep 2 --save model.safetensors >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.5 + (r % 250) / 100 }')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  latest=$(ls run/checkpoint-*.safetensors 2>/dev/null | tail -1)
  if [ -z "$latest" ]; then ok "kill -9 trial $trial: killed before the first checkpoint"; continue; fi
  bad=0
  for file in run/checkpoint-*.safetensors; do "$binary" inspect "$file" >/dev/null 2>&1 || bad=1; done
  "$binary" train --resume run --threads 1 >resume.log 2>&1
  if [ "$bad" = 0 ] && same_model model.safetensors reference.safetensors; then
    ok "kill -9 trial $trial: $(basename "$latest") complete, resumed to identical tensors"
  else
    fail "kill -9 trial $trial: unreadable checkpoint ($bad) or a different resumed model; $(tail -1 resume.log)"
  fi
done

# 4. A full disk: an 8 KB file-size limit while saving over an existing (20 KB) model.
cp reference.safetensors model.safetensors
before=$(sha256sum model.safetensors | cut -d' ' -f1)
(ulimit -f 8; "$binary" train "${args[@]}" --epochs 1 --save model.safetensors >log 2>&1)
status=$?
after=$(sha256sum model.safetensors | cut -d' ' -f1)
if [ "$status" != 0 ] && [ "$before" = "$after" ] && grep -q "model.safetensors" log && ! ls .model.safetensors.*.tmp >/dev/null 2>&1; then
  ok "full disk while saving: exit $status, '$(grep -o 'cannot write: .*' log | head -1)', the earlier model intact, no temporary file left"
else
  fail "full disk: exit $status, model changed: $([ "$before" = "$after" ] && echo no || echo yes); $(tail -2 log)"
fi
rm -rf run
(ulimit -f 8; "$binary" train "${args[@]}" --checkpoint-dir run --checkpoint-every 1 >log 2>&1)
status=$?
if [ "$status" != 0 ] && grep -q "cannot write" log; then ok "full disk while checkpointing: exit $status, a clear error"; else fail "full disk while checkpointing: exit $status; $(tail -1 log)"; fi

# 5. Corrupted checkpoints.
rm -rf run
"$binary" train "${args[@]}" --epochs 2 --checkpoint-dir run >/dev/null 2>&1
good=$(ls run/checkpoint-*.safetensors | tail -1)
size=$(stat -c %s "$good")
corrupt_ok=0
for cut in 0 8 100 $((size / 2)) $((size - 1)); do
  head -c "$cut" "$good" >bad.safetensors
  "$binary" train --resume bad.safetensors >log 2>&1
  status=$?
  if [ "$status" = 0 ] || [ "$status" -ge 128 ]; then corrupt_ok=1; echo "  truncated at $cut: exit $status"; fi
done
for offset in 9 20 $((size / 3)); do
  cp "$good" bad.safetensors
  printf '\xff\xfe' | dd of=bad.safetensors bs=1 seek="$offset" conv=notrunc 2>/dev/null
  "$binary" train --resume bad.safetensors >log 2>&1
  status=$?
  if [ "$status" -ge 128 ]; then corrupt_ok=1; echo "  flipped at $offset: crashed with $status"; fi
done
if [ "$corrupt_ok" = 0 ]; then ok "corrupted checkpoints (5 truncations, 3 flips): refused or resumed, never a crash"; else fail "a corrupted checkpoint crashed the program"; fi

# 6. Unwritable outputs are refused before training.
mkdir -p locked && chmod 500 locked
start=$(date +%s)
"$binary" train "${args[@]}" --save locked/model.safetensors >log 2>&1
status=$?
if [ "$(id -u)" = 0 ]; then
  ok "unwritable folder: skipped as root (permissions do not apply)"
elif [ "$status" != 0 ] && [ $(( $(date +%s) - start )) -lt 3 ]; then
  ok "unwritable --save refused before training: $(head -1 log)"
else
  fail "unwritable --save: exit $status"
fi
"$binary" train "${args[@]}" --save /nonexistent/dir/model.safetensors >log 2>&1
if [ $? != 0 ] && grep -q "does not exist" log; then ok "missing folder refused before training: $(head -1 log)"; else fail "missing folder: $(head -1 log)"; fi
fi

# 7. A second signal while the interrupt checkpoint is written: finished, or said at once; no temp file.
for trial in $(seq 1 "$trials"); do
  rm -rf run
  "$binary" train "${args[@]}" --layers 40,512,512,4 --checkpoint-dir run --checkpoint-every 1 >log 2>&1 &
  pid=$!
  while [ -z "$(ls run 2>/dev/null | grep '^checkpoint-')" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  kill -INT "$pid"
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", (r % 50) / 1000 }')"
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  status=$?
  temporary=$(ls -a run | grep -c '\.tmp$')
  bad=0
  for file in run/checkpoint-*.safetensors; do "$binary" inspect "$file" >/dev/null 2>&1 || bad=1; done
  # Three outcomes are right: the second signal let the checkpoint being written finish, or
  # stopped the run at once and said so, or came after the first interruption had already
  # saved its checkpoint and exited (then that checkpoint must exist and read).
  saved=$(grep -Eo 'saved run/checkpoint-[0-9-]+(-final)?\.safetensors' log | head -1 | sed 's/^saved //')
  if [ "$status" = 130 ] && [ "$temporary" = 0 ] && [ "$bad" = 0 ] \
    && grep -Eq "after finishing the checkpoint|stopped at once by a second signal" log; then
    ok "second signal trial $trial: $(grep -Eo 'after finishing the checkpoint|stopped at once' log | head -1), no temporary file"
  elif [ "$status" = 130 ] && [ "$temporary" = 0 ] && [ "$bad" = 0 ] && [ -n "$saved" ] && [ -f "$saved" ]; then
    ok "second signal trial $trial: came after the interrupt checkpoint $saved was saved, no temporary file"
  else
    fail "second signal trial $trial: exit $status, $temporary temporary files, unreadable $bad; $(tail -1 log)"
  fi
done

# 8. A new run into a folder holding another run's checkpoints.
small=(--data data.csv --layers 40,8,4 --output softmax --standardize --epochs 2 --batch-size 256 --print-every 0)
rm -rf run
"$binary" train "${small[@]}" --checkpoint-dir run --checkpoint-every 1 >/dev/null 2>&1
before=$(ls run)
"$binary" train "${small[@]}" --seed 9 --checkpoint-dir run >log 2>&1
status=$?
if [ "$status" = 2 ] && [ "$(ls run)" = "$before" ] && grep -q "another run" log && grep -q -- "--overwrite" log; then
  ok "foreign checkpoint folder refused, untouched: $(head -c 120 log)…"
else
  fail "foreign checkpoint folder: exit $status; $(tail -1 log)"
fi

# 9. Resume after moving the checkpoint folder.
rm -rf run moved
"$binary" train "${small[@]}" --epochs 4 --checkpoint-dir run --checkpoint-every 1 --keep 10 >/dev/null 2>&1
find run -name 'checkpoint-*' ! -name 'checkpoint-000003-00000000.safetensors' -delete
mv run moved
"$binary" train --resume moved >log 2>&1
status=$?
if [ "$status" = 0 ] && [ ! -e run ] && [ -e moved/checkpoint-000004-final.safetensors ]; then
  ok "resume after moving the folder writes into it"
else
  fail "resume after moving: exit $status, old folder $( [ -e run ] && echo recreated || echo absent ); $(tail -1 log)"
fi

# 10. A history that cannot be written after training: the model is saved first.
rm -f model.safetensors
long=$(printf 'h%.0s' $(seq 1 240)).csv
"$binary" train "${small[@]}" --history "$long" --save model.safetensors >log 2>&1
status=$?
if [ "$status" != 0 ] && "$binary" inspect model.safetensors >/dev/null 2>&1 && grep -q "the model was saved to model.safetensors" log; then
  ok "unwritable --history after training: the model saved first"
else
  fail "unwritable --history after training: exit $status; $(tail -1 log)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
