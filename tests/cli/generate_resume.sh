#!/usr/bin/env bash
# generate's checkpoint and --resume (docs/FORMAT.md "Checkpoints"): SIGTERM at a random
# moment of a real run keeps OUT.partial and nothing under OUT (exit 130, one line);
# the same command plus --resume, with another thread count, finishes OUT whose every
# dataset equals an uninterrupted run's (h5diff) and removes the checkpoint. Refusals
# (other parameters, no checkpoint, a corrupt one, OUT existing, a fresh run over a
# checkpoint) exit 2 in one line and change nothing.
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/interrupt.sh"
D="$TMP/d"
mkdir "$D"

# all datasets of a file (h5diff compares named objects; attributes created/command differ)
same_data() {
  checks=$((checks + 1))
  local d
  for d in $(h5ls "$1" | awk '{print $1}'); do
    h5diff -q "$1" "$2" "/$d" "/$d" >/dev/null || { fail "$3: dataset $d differs from the uninterrupted run"; return; }
  done
  [ "$(h5ls "$1" | awk '{print $1}')" = "$(h5ls "$2" | awk '{print $1}')" ] || fail "$3: other datasets"
}

# interrupt NAME ARGS...: SIGTERM after a random 0.1-0.9 s; expects the checkpoint
interrupt() {
  local name=$1; shift
  checks=$((checks + 1))
  signal_midrun TERM 0.1 0.9 "$TL_BIN" generate --out "$D/$name.h5" "$@" --quiet --threads 2
  expect_interrupted generate chains "$D/$name.h5.partial" $? TERM || return 1
  expect_absent "$D/$name.h5"
  echo "ok   $name: $(cut -d' ' -f4-6 "$TMP/err" | tr -d ';') after SIGTERM"
}

# L = 8 and deflate 6 on the large fields: 15 blocks of 4096 chains, about 2 s on two
# threads, so a signal at 0.1-0.9 s lands mid-run
A="--L 8 --n 60000 --compress 6 --disorder 0.5 --seed 5"
configs=("$A" "$A --balanced --float32" "$A --balanced --no-qab --onsite 0.3")
for i in "${!configs[@]}"; do
  c=${configs[$i]}
  # shellcheck disable=SC2086
  expect_ok "$TL_BIN" generate --out "$D/ref$i.h5" $c --quiet --threads 2
  # shellcheck disable=SC2086
  interrupt "run$i" $c || continue
  kept=$(sed -E 's/.*interrupted; ([0-9]+) of.*/\1/' "$TMP/err")
  # shellcheck disable=SC2086
  expect_ok "$TL_BIN" generate --out "$D/run$i.h5" $c --quiet --threads 1 --resume
  grep -q "(resumed: $kept from the checkpoint)" "$TMP/out" ||
    fail "run$i: no '(resumed: $kept from the checkpoint)' in: $(cat "$TMP/out")"
  [ -e "$D/run$i.h5.partial" ] && fail "run$i: the checkpoint survived a finished resume"
  same_data "$D/ref$i.h5" "$D/run$i.h5" "run$i ($c)"
  rm -f "$D/run$i.h5" "$D/ref$i.h5"
done

# ---- refusals: exit 2, one line, no file appears or vanishes, the checkpoint unchanged
interrupt r $A || true
expect_checkpoint_info "$D/r.h5.partial" chains
cp "$D/r.h5.partial" "$TMP/keep"
# shellcheck disable=SC2086
{
expect_refused_in "$D" "seed=5 there, seed=6 in this command" "$TL_BIN" generate --out "$D/r.h5" $A --seed 6 --resume
expect_refused_in "$D" "n=60000 there, n=50000 in this command" "$TL_BIN" generate --out "$D/r.h5" $A --n 50000 --resume
expect_refused_in "$D" "balanced=0 there, balanced=1" "$TL_BIN" generate --out "$D/r.h5" $A --balanced --resume
expect_refused_in "$D" "compress=6 there, compress=1" "$TL_BIN" generate --out "$D/r.h5" $A --compress 1 --resume
expect_refused_in "$D" "(use --resume to continue it, or --force to start over)" "$TL_BIN" generate --out "$D/r.h5" $A
expect_refused_in "$D" "$D/other.h5.partial: no checkpoint to resume" "$TL_BIN" generate --out "$D/other.h5" $A --resume
cmp -s "$D/r.h5.partial" "$TMP/keep" || fail "a refused resume changed the checkpoint"
# OUT exists: refused as without --resume
cp "$TMP/keep" "$D/r.h5"
expect_refused_in "$D" "$D/r.h5: exists (use --force" "$TL_BIN" generate --out "$D/r.h5" $A --resume
rm "$D/r.h5"
# truncated checkpoint, and a finished data set posing as one
head -c 100000 "$TMP/keep" >"$D/r.h5.partial"
expect_refused_in "$D" "$D/r.h5.partial:" "$TL_BIN" generate --out "$D/r.h5" $A --resume
"$TL_BIN" generate --out "$D/small.h5" --n 10 --quiet >/dev/null
mv "$D/small.h5" "$D/r.h5.partial"
expect_refused_in "$D" "expected kind 'dataset_checkpoint'" "$TL_BIN" generate --out "$D/r.h5" $A --resume
cp "$TMP/keep" "$D/r.h5.partial"
# tampered kept rows (issue 17): the resume validates them exactly as the reader validates
# a data set (they were resumed with exit 0 before, and only info refused the result)
tamper() { # tamper PYTHON-STATEMENTS-ON-f: a copy of the checkpoint, edited by h5py
  cp "$TMP/keep" "$D/r.h5.partial"
  /usr/bin/python3 -c "import h5py, numpy as np
f = h5py.File('$D/r.h5.partial', 'r+')
$1" || fail "tamper: $1"
  cp "$D/r.h5.partial" "$TMP/tampered"
}
tamper "f['eigvecs'][1, 0, 3] = np.nan"
expect_refused_in "$D" "r.h5.partial: dataset 'eigvecs', chain 1, entry 3 is nan" "$TL_BIN" generate --out "$D/r.h5" $A --resume
tamper "f['label'][2] = 1 - f['label'][2]"
expect_refused_in "$D" "r.h5.partial: chain 2 has label" "$TL_BIN" generate --out "$D/r.h5" $A --resume
tamper "f['eigvecs'][3, 1, 0] = 1e300"
expect_refused_in "$D" "r.h5.partial: dataset 'eigvecs', chain 3, state 1 has norm^2 inf" "$TL_BIN" generate --out "$D/r.h5" $A --resume
cmp -s "$D/r.h5.partial" "$TMP/tampered" || fail "a refused resume changed the tampered checkpoint"
cp "$TMP/keep" "$D/r.h5.partial"
# --force starts over: the finished file makes the old checkpoint go
expect_ok "$TL_BIN" generate --out "$D/r.h5" $A --quiet --force
[ -e "$D/r.h5.partial" ] && fail "--force left the abandoned checkpoint"
}

# ---- the second signal exits at once; an earlier checkpoint stays as it was -----------
# two signals back to back, 0.2 s into a run whose blocks last about 0.15 s: the second
# one lands before the first one's block ends
double_signal() {
  checks=$((checks + 1))
  local pid
  # shellcheck disable=SC2086
  "$TL_BIN" generate --out "$D/two.h5" $A --quiet --threads 2 "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do compgen -G "$D/two.h5.tmp-*" >/dev/null && break; sleep 0.02; done
  sleep 0.2
  kill -TERM "$pid"
  kill -INT "$pid"
  wait "$pid"
  local rc=$?
  [ "$rc" = 130 ] || fail "second signal ($*): exit $rc, expected 130"
  expect_absent "$D/two.h5"
}
double_signal
[ -e "$D/two.h5.partial" ] && fail "second signal of a fresh run left a checkpoint"
interrupt two $A || true
cp "$D/two.h5.partial" "$TMP/keep"
double_signal --resume
cmp -s "$D/two.h5.partial" "$TMP/keep" || fail "second signal during --resume changed the earlier checkpoint"
finish
