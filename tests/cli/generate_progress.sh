#!/usr/bin/env bash
# The progress bar of generate and phase-diagram is drawn on a terminal (faked with
# script(1)), never with --quiet and never when stderr is not a terminal; the summary
# line says where the output went.
set -u
BIN=${TL_BIN:?TL_BIN=path to topolearn}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
if command -v script >/dev/null; then
  script -qc "'$BIN' generate --out '$T/a.h5' --n 2000 --L 16" /dev/null >"$T/tty" 2>&1
  grep -q "100% 2000/2000 chains" "$T/tty" || { echo "FAIL no bar on a terminal"; fails=$((fails + 1)); }
  script -qc "'$BIN' generate --out '$T/b.h5' --n 2000 --L 16 --quiet" /dev/null >"$T/quiet" 2>&1
  grep -q "%" "$T/quiet" && { echo "FAIL bar despite --quiet"; fails=$((fails + 1)); }
  # phase-diagram counts realisations: 6 x 6 points x 200 samples, a few tenths of a second
  script -qc "'$BIN' phase-diagram --grid wD --n 6 --samples 200 --L 40 --out '$T/pd'" /dev/null >"$T/tty" 2>&1
  grep -Eq "[0-9]+/7200 chains" "$T/tty" || { echo "FAIL no phase-diagram bar on a terminal"; fails=$((fails + 1)); }
  script -qc "'$BIN' phase-diagram --grid wD --n 6 --samples 200 --L 40 --out '$T/pq' --quiet" /dev/null >"$T/quiet" 2>&1
  grep -q "chains" "$T/quiet" && { echo "FAIL phase-diagram bar despite --quiet"; fails=$((fails + 1)); }
else
  echo "skip terminal checks: no script(1)"
fi
"$BIN" generate --out "$T/c.h5" --n 2000 --L 16 >"$T/out" 2>"$T/err"
[ -s "$T/err" ] && { echo "FAIL stderr not empty without a terminal: $(cat "$T/err")"; fails=$((fails + 1)); }
grep -q "^wrote $T/c.h5: 2000 chains" "$T/out" || { echo "FAIL summary line: $(cat "$T/out")"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "generate_progress: ok"
exit $((fails > 0))
