#!/usr/bin/env bash
# SIGTERM and SIGINT during topolearn generate: exit 130, no file under the output name
# and no temporary left beside it.
. "$(dirname "$0")/lib/assert.sh"
mkdir "$TMP/run"
for sig in TERM INT; do
  checks=$((checks + 1))
  # long chains (windowed, ~0.3 s each) and only 100 MB of output: minutes of work that
  # fit any disk, so the signal surely lands mid-generation
  "$TL_BIN" generate --out "$TMP/run/big.h5" --n 400 --L 20000 --quiet >/dev/null 2>"$TMP/err" &
  pid=$!
  for _ in $(seq 100); do # wait until the temporary exists (generation has started)
    compgen -G "$TMP/run/big.h5.tmp-*" >/dev/null && break
    sleep 0.05
  done
  sleep 0.3
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  left=$(ls -A "$TMP/run")
  if [ "$rc" != 130 ] || [ -n "$left" ]; then
    fail "SIG$sig: rc=$rc (want 130), left behind: [$left]"
  else
    echo "ok   SIG$sig: rc=130, nothing left"
  fi
done
finish
