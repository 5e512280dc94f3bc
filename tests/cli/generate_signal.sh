#!/usr/bin/env bash
# SIGTERM and SIGINT during topolearn generate: exit 130, no file under the output name
# and no temporary left beside it.
set -u
BIN=${TL_BIN:?TL_BIN=path to topolearn}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
for sig in TERM INT; do
  # long chains (windowed, ~0.3 s each) and only 100 MB of output: minutes of work that
  # fit any disk, so the signal surely lands mid-generation
  "$BIN" generate --out "$T/big.h5" --n 400 --L 20000 --quiet >/dev/null 2>"$T/err" &
  pid=$!
  for _ in $(seq 100); do # wait until the temporary exists (generation has started)
    ls "$T"/big.h5.tmp-* >/dev/null 2>&1 && break
    sleep 0.05
  done
  sleep 0.3
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  left=$(ls -A "$T" | grep -v '^err$')
  if [ "$rc" != 130 ] || [ -n "$left" ]; then
    echo "FAIL SIG$sig: rc=$rc (want 130), left behind: [$left]"
    fails=$((fails + 1))
  else
    echo "ok   SIG$sig: rc=130, nothing left"
  fi
done
exit $((fails > 0))
