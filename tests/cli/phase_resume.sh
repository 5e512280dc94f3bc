#!/usr/bin/env bash
# phase-diagram's checkpoint and --resume (docs/FORMAT.md "Phase-diagram checkpoints"):
# SIGTERM or SIGINT at a random moment of a real run keeps PREFIX.partial.h5 and writes
# no PREFIX.csv/.png (exit 130, one line); the same command plus --resume, on another
# thread count, writes a CSV byte for byte equal to an uninterrupted run's and removes the
# checkpoint. Refusals (other parameters, no checkpoint, a corrupt one, another file,
# outputs existing, a fresh run over a checkpoint) exit 2 in one line and change nothing.
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/interrupt.sh"
D="$TMP/d"
mkdir "$D"

# interrupt NAME SIGNAL ARGS...: SIGNAL after a random 0.2-0.9 s; expects the checkpoint
interrupt() {
  local name=$1 sig=$2; shift 2
  checks=$((checks + 1))
  signal_midrun "$sig" 0.2 0.9 "$TL_BIN" phase-diagram --out "$D/$name" "$@" --quiet --threads 2
  expect_interrupted phase-diagram realisations "$D/$name.partial.h5" $? "$sig" || return 1
  [ -s "$TMP/out" ] && fail "$name: printed on stdout when interrupted: $(cat "$TMP/out")"
  expect_absent "$D/$name.csv" "$D/$name.png"
  echo "ok   $name: $(cut -d' ' -f4-6 "$TMP/err" | tr -d ';') after SIG$sig"
}

# About 2 s on two free cores each (the disordered grid: 2400 realisations at L = 200;
# the clean one: 784 at L = 300), so a signal at 0.2-0.9 s lands mid-run, also under ASan.
A="--grid wD --L 200 --n 10 --samples 24 --seed 5"
configs=("$A" "--L 300 --n 28")
signals=(TERM INT)
for i in "${!configs[@]}"; do
  c=${configs[$i]}
  # shellcheck disable=SC2086
  expect_ok "$TL_BIN" phase-diagram --out "$D/ref$i" $c --quiet --threads 2
  # shellcheck disable=SC2086
  interrupt "run$i" "${signals[$i]}" $c || continue
  # shellcheck disable=SC2086
  expect_ok "$TL_BIN" phase-diagram --out "$D/run$i" $c --quiet --threads 1 --resume
  grep -q "resumed" "$TMP/out" || fail "run$i: no 'resumed' in: $(cat "$TMP/out")"
  [ -e "$D/run$i.partial.h5" ] && fail "run$i: the checkpoint survived a finished resume"
  checks=$((checks + 1))
  cmp -s "$D/ref$i.csv" "$D/run$i.csv" || fail "run$i ($c): CSV differs from the uninterrupted run's"
  rm -f "$D"/ref$i.* "$D"/run$i.*
done

# ---- refusals: exit 2, one line, no file appears or vanishes, the checkpoint unchanged
interrupt r TERM $A || true
expect_checkpoint_info "$D/r.partial.h5" realisations
cp "$D/r.partial.h5" "$TMP/keep"
# shellcheck disable=SC2086
{
expect_refused_in "$D" "checkpoint of other parameters: seed=5 there, seed=6 in this command" "$TL_BIN" phase-diagram --out "$D/r" $A --seed 6 --resume
expect_refused_in "$D" "samples=24 there, samples=20 in this command" "$TL_BIN" phase-diagram --out "$D/r" $A --samples 20 --resume
expect_refused_in "$D" "D_range=0:4 there, D_range=0:3 in this command" "$TL_BIN" phase-diagram --out "$D/r" $A --D-range 0:3 --resume
expect_refused_in "$D" "grid=wD there, grid=vw in this command" "$TL_BIN" phase-diagram --out "$D/r" $A --grid vw --resume
expect_refused_in "$D" "$D/r.partial.h5: holds an interrupted run of $D/r (use --resume to continue it, or --force to start over)" "$TL_BIN" phase-diagram --out "$D/r" $A
expect_refused_in "$D" "$D/other.partial.h5: no checkpoint to resume" "$TL_BIN" phase-diagram --out "$D/other" $A --resume
cmp -s "$D/r.partial.h5" "$TMP/keep" || fail "a refused resume changed the checkpoint"
# outputs exist: refused as without --resume
echo x >"$D/r.csv"
expect_refused_in "$D" "$D/r.{csv,png}: exists (use --force" "$TL_BIN" phase-diagram --out "$D/r" $A --resume
rm "$D/r.csv"
# truncated checkpoint, and a data set posing as one
head -c 3000 "$TMP/keep" >"$D/r.partial.h5"
expect_refused_in "$D" "$D/r.partial.h5:" "$TL_BIN" phase-diagram --out "$D/r" $A --resume
"$TL_BIN" generate --out "$D/small.h5" --n 10 --quiet >/dev/null
mv "$D/small.h5" "$D/r.partial.h5"
expect_refused_in "$D" "expected kind 'phase_checkpoint'" "$TL_BIN" phase-diagram --out "$D/r" $A --resume
cp "$TMP/keep" "$D/r.partial.h5"
# --force starts over (here with other parameters): the finished run removes the old checkpoint
expect_ok "$TL_BIN" phase-diagram --out "$D/r" --n 3 --quiet --force
[ -e "$D/r.partial.h5" ] && fail "--force left the abandoned checkpoint"
[ -s "$D/r.csv" ] || fail "--force over a checkpoint wrote no CSV"
}

# ---- the second signal exits at once; an earlier checkpoint stays as it was -----------
# realisations of about 0.2 s (L = 1500, full SVD), 25 of them: two signals back to back
# land before the realisations under way end, and a single one mid-run
B="--L 1500 --n 5 --method full"
double_signal() {
  checks=$((checks + 1))
  local pid
  # shellcheck disable=SC2086
  "$TL_BIN" phase-diagram --out "$D/two" $B --quiet --threads 2 "$@" >/dev/null 2>&1 &
  pid=$!
  sleep 0.3
  kill -TERM "$pid"
  kill -INT "$pid"
  wait "$pid"
  local rc=$?
  [ "$rc" = 130 ] || fail "second signal ($*): exit $rc, expected 130"
  expect_absent "$D/two.csv" "$D/two.png"
  compgen -G "$D/two.partial.h5.tmp-*" >/dev/null && fail "second signal ($*) left a temporary checkpoint"
}
double_signal
[ -e "$D/two.partial.h5" ] && fail "second signal of a fresh run left a checkpoint"
# shellcheck disable=SC2086
interrupt two TERM $B || true
cp "$D/two.partial.h5" "$TMP/keep"
double_signal --resume
[ -e "$D/two.partial.h5" ] || fail "second signal during --resume removed the earlier checkpoint"
cmp -s "$D/two.partial.h5" "$TMP/keep" || fail "second signal during --resume changed the earlier checkpoint"
finish
