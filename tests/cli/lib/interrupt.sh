# Shared steps of the checkpoint tests (sourced after assert.sh; not a test itself):
# a signal in the middle of a real run, the interrupted run's one line, and what
# `topolearn info` says of the checkpoint it kept.

# signal_midrun SIG LO HI CMD...: runs CMD (stdout in $TMP/out, stderr in $TMP/err),
# sends SIG a random LO..HI s after CMD installed its handler and returns CMD's exit
# status.
signal_midrun() {
  local sig=$1 lo=$2 hi=$3 pid
  shift 3
  "$@" >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  wait_catching "$pid" "$sig"
  sleep "$(awk -v r=$RANDOM -v lo="$lo" -v hi="$hi" 'BEGIN { printf "%.2f", lo + (hi - lo) * r / 32767 }')"
  kill "-$sig" "$pid"
  wait "$pid"
}

# expect_interrupted COMMAND UNIT CHECKPOINT RC SIG: the run that got SIG exited 130 with
# one stderr line "topolearn COMMAND: interrupted; K of N UNIT kept in CHECKPOINT (...)"
# and left CHECKPOINT. Returns 1 when it did not stop (nothing else to check then).
expect_interrupted() {
  local cmd=$1 unit=$2 ck=$3 rc=$4 sig=$5
  if [ "$rc" != 130 ]; then
    fail "$ck: exit $rc after SIG$sig, expected 130: $(cat "$TMP/err")"
    return 1
  fi
  [ "$(wc -l <"$TMP/err")" = 1 ] &&
    grep -Eq "^topolearn $cmd: interrupted; [0-9]+ of [0-9]+ $unit kept in $ck \(run the same command with --resume to finish\)$" "$TMP/err" ||
    fail "$ck: stderr after SIG$sig: $(cat "$TMP/err")"
  [ -e "$ck" ] || fail "no checkpoint $ck after SIG$sig"
}

# expect_checkpoint_info CHECKPOINT UNIT: `topolearn info` repeats the count of the
# interrupted line still in $TMP/err, and shows the parameters a --resume must match.
expect_checkpoint_info() {
  local ck=$1 unit=$2 kept
  kept=$(sed -E 's/.*interrupted; ([0-9]+ of [0-9]+) .*/\1/' "$TMP/err")
  expect_ok "$TL_BIN" info "$ck"
  grep -qx "kept         $kept $unit (the interrupted command plus --resume finishes it)" "$TMP/out" ||
    fail "info of $ck: no 'kept $kept $unit' in: $(cat "$TMP/out")"
  grep -q "^parameters   .*seed=" "$TMP/out" || fail "info of $ck: no parameters in: $(cat "$TMP/out")"
}
