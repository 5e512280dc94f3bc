#!/usr/bin/env bash
# The progress bar of generate and phase-diagram is drawn on a terminal (faked with
# script(1)), never with --quiet and never when stderr is not a terminal; the summary
# line says where the output went.
. "$(dirname "$0")/lib/assert.sh"
# on_tty NAME CMD: runs CMD (one string) under a pseudo-terminal, output in $TMP/NAME
on_tty() { checks=$((checks + 1)); script -qc "$2" /dev/null >"$TMP/$1" 2>&1; }
if command -v script >/dev/null; then
  on_tty tty "'$TL_BIN' generate --out '$TMP/a.h5' --n 2000 --L 16"
  grep -q "100% 2000/2000 chains" "$TMP/tty" || fail "no bar on a terminal"
  on_tty quiet "'$TL_BIN' generate --out '$TMP/b.h5' --n 2000 --L 16 --quiet"
  grep -q "%" "$TMP/quiet" && fail "bar despite --quiet"
  # phase-diagram counts realisations: 6 x 6 points x 200 samples, a few tenths of a second
  on_tty tty "'$TL_BIN' phase-diagram --grid wD --n 6 --samples 200 --L 40 --out '$TMP/pd'"
  grep -Eq "[0-9]+/7200 chains" "$TMP/tty" || fail "no phase-diagram bar on a terminal"
  on_tty quiet "'$TL_BIN' phase-diagram --grid wD --n 6 --samples 200 --L 40 --out '$TMP/pq' --quiet"
  grep -q "chains" "$TMP/quiet" && fail "phase-diagram bar despite --quiet"
else
  echo "skip terminal checks: no script(1)"
fi
expect_ok "$TL_BIN" generate --out "$TMP/c.h5" --n 2000 --L 16
[ -s "$TMP/err" ] && fail "stderr not empty without a terminal: $(cat "$TMP/err")"
grep -q "^wrote $TMP/c.h5: 2000 chains" "$TMP/out" || fail "summary line: $(cat "$TMP/out")"
finish
