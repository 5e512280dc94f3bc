# mpirun -np 2 topolearn study: the grid of cells split over two ranks ends with the same
# summary.json and tables as one process (SPEC 6 "Scale"). Skipped when the build has no
# MPI or mpirun is missing.
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
