# Under mpirun (SPEC 6 "Scale"): `generate` on two ranks writes the same data as one
# process; `study` splits its grid of cells over the ranks and ends with the same
# summary.json and tables. Skipped when the build has no MPI or mpirun is missing.
. "$(dirname "$0")/lib/assert.sh"
if ! "$TL_BIN" --version | grep -q "(MPI)" || ! command -v mpirun >/dev/null; then
  echo "skip: built without MPI or no mpirun"
  finish
  exit 0
fi
# Open MPI's own allocations outlive MPI_Finalize: leak checking (the ASan build) would
# report them as ours, so it is off for the ranks; our code's leaks are checked by the
# one-process runs of every other test.
MPI="env ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -np 2"
# ---- generate: every dataset equal to the 1-process file (h5diff, object by object:
# the root attributes 'created' and 'command' differ by design) ----
same_data() {
  checks=$((checks + 1))
  local d
  for d in $(h5ls "$1" | awk '{print $1}'); do
    h5diff -q "$1" "$2" "/$d" "/$d" || { fail "$3: dataset $d differs between 1 and 2 ranks"; return; }
  done
  [ "$(h5ls "$1" | awk '{print $1}')" = "$(h5ls "$2" | awk '{print $1}')" ] || fail "$3: datasets differ"
}
# several blocks (n > 648 chains per block at L = 32), disorder; 3 ranks too
G="generate --n 1500 --disorder 0.5 --seed 3 --threads 1 --quiet"
expect_ok "$TL_BIN" $G --out "$TMP/g1.h5"
expect_ok $MPI "$TL_BIN" $G --out "$TMP/g2.h5"
grep -q "1500 chains.*2 ranks" "$TMP/out" || fail "2-rank generate did not report its ranks: $(cat "$TMP/out")"
same_data "$TMP/g1.h5" "$TMP/g2.h5" "plain"
expect_ok ${MPI/-np 2/-np 3} "$TL_BIN" $G --out "$TMP/g3.h5"
same_data "$TMP/g1.h5" "$TMP/g3.h5" "plain, 3 ranks"
# balanced over windings 0..2 with on-site disorder (full-H path), float32, 2 threads per rank
G="generate --n 300 --L 16 --hop 0:1,1:1,2:1 --hop-range 0:0:1.5,1:0:1.5,2:0:1.5 --disorder 0.3 --onsite 0.2 --balanced --float32 --seed 5 --quiet"
expect_ok "$TL_BIN" $G --threads 1 --out "$TMP/b1.h5"
expect_ok $MPI "$TL_BIN" $G --threads 2 --out "$TMP/b2.h5"
same_data "$TMP/b1.h5" "$TMP/b2.h5" "balanced"
# long-chain mode (windowed RSWN, W_error)
G="generate --n 6 --L 90 --method window --block 30 --buffer 10 --disorder 1 --seed 2 --threads 1 --quiet"
expect_ok "$TL_BIN" $G --out "$TMP/w1.h5"
expect_ok $MPI "$TL_BIN" $G --out "$TMP/w2.h5"
same_data "$TMP/w1.h5" "$TMP/w2.h5" "long-chain"
# an existing output: one line (rank 0's), exit 2, the file untouched
cp "$TMP/g1.h5" "$TMP/keep.h5"
checks=$((checks + 1))
$MPI "$TL_BIN" generate --n 10 --out "$TMP/g1.h5" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 2 ] || fail "existing output under mpirun: exit $rc, expected 2"
[ "$(grep -c '^topolearn generate:' "$TMP/err")" = 1 ] || fail "expected one error line: $(cat "$TMP/err")"
grep -q "exists (use --force" "$TMP/err" || fail "no 'exists' message: $(cat "$TMP/err")"
cmp -s "$TMP/g1.h5" "$TMP/keep.h5" || fail "the existing file was changed"
# killed (SIGTERM to mpirun, forwarded to the ranks): nothing under the output name
checks=$((checks + 1))
$MPI "$TL_BIN" generate --n 400000 --threads 1 --quiet --out "$TMP/killed.h5" >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 50); do compgen -G "$TMP/killed.h5.tmp-*" >/dev/null && break; sleep 0.1; done
sleep 0.5
kill -TERM "$pid"
wait "$pid" && fail "killed mpirun generate exited 0"
expect_absent "$TMP/killed.h5" "$TMP/killed.h5.partial" # checkpoints: one process only
[ "$(grep -c 'interrupted' "$TMP/err")" -le 1 ] || fail "every rank announced the interruption: $(cat "$TMP/err")"
# --resume on several ranks: refused in one line (rank 0's), the checkpoint untouched
"$TL_BIN" generate --n 3000 --L 64 --quiet --out "$TMP/r.h5" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do compgen -G "$TMP/r.h5.tmp-*" >/dev/null && break; sleep 0.02; done
kill -TERM "$pid"
wait "$pid"
if [ -e "$TMP/r.h5.partial" ]; then
  cp "$TMP/r.h5.partial" "$TMP/r.keep"
  checks=$((checks + 1))
  $MPI "$TL_BIN" generate --n 3000 --L 64 --quiet --out "$TMP/r.h5" --resume >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ "$rc" = 2 ] || fail "--resume under mpirun -np 2: exit $rc, expected 2"
  [ "$(grep -c '^topolearn generate:' "$TMP/err")" = 1 ] &&
    grep -q "resumed by one process" "$TMP/err" || fail "expected one 'one process' line: $(cat "$TMP/err")"
  cmp -s "$TMP/r.h5.partial" "$TMP/r.keep" || fail "the checkpoint was changed"
  expect_absent "$TMP/r.h5"
else
  fail "a one-process generate interrupted after it started kept no checkpoint"
fi

# ---- commands without a multi-rank design run once, on rank 0, with a note ----
checks=$((checks + 1))
$MPI "$TL_BIN" winding --L 40 --v 0.5 --w 1 --json >"$TMP/out" 2>"$TMP/err" || fail "winding under mpirun failed: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/out")" = 1 ] || fail "winding under mpirun printed $(wc -l <"$TMP/out") lines, expected one JSON line"
[ "$(json_get "$TMP/out" "j['label']")" = 1 ] || fail "winding under mpirun: label is not 1"
[ "$(grep -c '^topolearn winding: runs on rank 0 alone, 1 other rank idle' "$TMP/err")" = 1 ] ||
  fail "no single note about the idle rank: $(cat "$TMP/err")"
checks=$((checks + 1))
$MPI "$TL_BIN" winding --L 0 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 2 ] || fail "bad input to winding under mpirun: exit $rc, expected 2"
[ "$(grep -c '^topolearn winding: --L' "$TMP/err")" = 1 ] || fail "expected one error line: $(cat "$TMP/err")"

# ---- study ----
T="--L 12 --n-train 256 --n-test 128 --epochs 4 --seeds 2 --threads 1 --quiet"
M="--models topo:random,topo:exact+noise:0.1,mlp:eigvec,cnn:eigvec,sym:exact"
expect_ok "$TL_BIN" study trainability $T $M --out "$TMP/one"
expect_ok $MPI "$TL_BIN" study trainability $T $M --out "$TMP/two"
cmp -s "$TMP/one/summary.json" "$TMP/two/summary.json" || fail "2-rank summary differs from 1-rank"
cmp -s "$TMP/one/data/trainability.csv" "$TMP/two/data/trainability.csv" || fail "2-rank table differs"
# both ranks trained: the cells of the 2-rank run are those of the 1-rank run
[ "$(ls "$TMP/two/cells/trainability" | wc -l)" = "$(ls "$TMP/one/cells/trainability" | wc -l)" ] || fail "cell count"
expect_ok $MPI "$TL_BIN" study prune $T --models mlp:eigvec,mlp:hopping --out "$TMP/p2"
expect_ok "$TL_BIN" study prune $T --models mlp:eigvec,mlp:hopping --out "$TMP/p1"
cmp -s "$TMP/p1/summary.json" "$TMP/p2/summary.json" || fail "2-rank prune summary differs"
# bad input on several ranks: every rank names it and exits 2 (mpirun adds its own
# banner about the failed ranks, so only our line and the failure are checked here)
checks=$((checks + 1))
if $MPI "$TL_BIN" study bogus --out "$TMP/x" >/dev/null 2>"$TMP/err"; then fail "bad study name accepted under mpirun"; fi
grep -q "^topolearn study: unknown study 'bogus'" "$TMP/err" || fail "no error line under mpirun"
finish
