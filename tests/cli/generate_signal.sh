#!/usr/bin/env bash
# SIGTERM, SIGINT and SIGHUP (a closed terminal; issue 17: it exited 129 and left its
# temporary) during topolearn generate: exit 130, the finished chains kept in
# OUT.partial (a checkpoint for --resume, tests/cli/generate_resume.sh), nothing under
# the output name and no temporary left; under nohup (SIGHUP ignored) the run goes on.
# A killed generate (SIGKILL, no chance to clean up) leaves nothing under the output
# name either, and the next run removes the temporary it left, saying so.
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
for sig in TERM INT HUP; do
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
# the next run removes the killed run's temporary (its writer has ended) and says so
left=$(cd "$TMP/run" && ls big.h5.tmp-* 2>/dev/null)
[ -n "$left" ] || fail "SIGKILL left no temporary (nothing to sweep: the case below tests nothing)"
expect_ok "$TL_BIN" generate --out "$TMP/run/big.h5" --n 10 --L 4 --quiet
grep -q "note: removed 1 temporary of $TMP/run/big.h5 that ended runs left" "$TMP/err" ||
  fail "after SIGKILL: no note of the removed temporary: $(cat "$TMP/err")"
[ "$(ls -A "$TMP/run")" = big.h5 ] || fail "after SIGKILL and a new run: $(ls -A "$TMP/run")"
rm -f "$TMP/run/big.h5"
# nohup: SIGHUP ignored at start stays ignored, the run finishes
checks=$((checks + 1))
# shellcheck disable=SC2086
(trap '' HUP; exec "$TL_BIN" generate --out "$TMP/run/big.h5" $G --n 60) >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do compgen -G "$TMP/run/big.h5.tmp-*" >/dev/null && break; sleep 0.05; done
kill -s HUP "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && [ "$(ls -A "$TMP/run")" = big.h5 ] ||
  fail "SIGHUP under nohup: rc=$rc, left [$(ls -A "$TMP/run")], stderr $(cat "$TMP/err")"
finish
