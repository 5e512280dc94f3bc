#!/usr/bin/env bash
# SIGTERM and SIGINT during topolearn generate: exit 130, the finished chains kept in
# OUT.partial (a checkpoint for --resume, tests/cli/generate_resume.sh), nothing under
# the output name and no temporary left; a killed generate (SIGKILL, no chance to clean
# up) leaves nothing under the output name either.
. "$(dirname "$0")/lib/assert.sh"
mkdir "$TMP/run"
# blocks of 13 chains of L = 400 (about 0.15 s each), 16 blocks: the signal surely lands
# mid-generation and the run stops soon after it
G="--n 200 --L 400 --no-qab --float32 --threads 2 --quiet"
start() {
  # shellcheck disable=SC2086
  "$TL_BIN" generate --out "$TMP/run/big.h5" $G >/dev/null 2>"$TMP/err" &
  pid=$!
  for _ in $(seq 100); do # wait until the temporary exists (generation has started)
    compgen -G "$TMP/run/big.h5.tmp-*" >/dev/null && break
    sleep 0.05
  done
  sleep 0.3
}
for sig in TERM INT; do
  checks=$((checks + 1))
  start
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  left=$(ls -A "$TMP/run")
  if [ "$rc" != 130 ] || [ "$left" != big.h5.partial ]; then
    fail "SIG$sig: rc=$rc (want 130), left behind: [$left] (want big.h5.partial)"
  elif [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -q "interrupted; .* kept in $TMP/run/big.h5.partial" "$TMP/err"; then
    fail "SIG$sig: stderr: $(cat "$TMP/err")"
  else
    echo "ok   SIG$sig: rc=130, only the checkpoint left"
  fi
  rm -f "$TMP/run/big.h5.partial"
done
checks=$((checks + 1))
start
kill -s KILL "$pid"
{ wait "$pid"; } 2>/dev/null
[ -e "$TMP/run/big.h5" ] && fail "SIGKILL: a file under the output name"
[ -e "$TMP/run/big.h5.partial" ] && fail "SIGKILL: a checkpoint from a run that never stopped cleanly"
finish
