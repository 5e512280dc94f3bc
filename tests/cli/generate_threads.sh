#!/usr/bin/env bash
# Same command with --threads 1 and --threads 2 (and OMP_NUM_THREADS 1 vs 2): identical
# data in every dataset (compared with h5dump, not file bytes: 'created' differs), and a
# balanced set that is balanced; the h5py example reads it.
set -u
BIN=${TL_BIN:?TL_BIN=path to topolearn}
SRC=${TL_SRC:?TL_SRC=source dir}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

common=(--n 700 --L 32 --disorder 0.4 --balanced --seed 7 --quiet)
"$BIN" generate --out "$T/a.h5" --threads 1 "${common[@]}" >/dev/null || fail "generate --threads 1"
"$BIN" generate --out "$T/b.h5" --threads 2 "${common[@]}" >/dev/null || fail "generate --threads 2"
OMP_NUM_THREADS=1 "$BIN" generate --out "$T/c.h5" "${common[@]}" >/dev/null || fail "OMP_NUM_THREADS=1"
OMP_NUM_THREADS=2 "$BIN" generate --out "$T/d.h5" "${common[@]}" >/dev/null || fail "OMP_NUM_THREADS=2"
# Every dataset bit for bit (h5py), a.h5 against b, c and d; then h5dump's text of the
# small ones as an independent reader.
/usr/bin/python3 - "$T"/a.h5 "$T"/b.h5 "$T"/c.h5 "$T"/d.h5 <<'PY' || fail "bitwise comparison"
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")
for other in sys.argv[2:]:
    b = h5py.File(other, "r")
    assert sorted(a.keys()) == sorted(b.keys())
    for k in a.keys():
        x, y = a[k][()], b[k][()]
        assert x.dtype == y.dtype and x.shape == y.shape, k
        assert x.tobytes() == y.tobytes(), f"{k} differs in {other}"
lab = a["label"][()]
assert (np.bincount(lab) == [350, 350]).all(), np.bincount(lab)
PY
for ds in W label ambiguous candidate; do
  h5dump -d "/$ds" "$T/a.h5" | tail -n +2 >"$T/a.txt"
  h5dump -d "/$ds" "$T/b.h5" | tail -n +2 >"$T/o.txt"
  cmp -s "$T/a.txt" "$T/o.txt" || fail "h5dump: dataset $ds differs between a.h5 and b.h5"
done
"$BIN" info "$T/a.h5" | grep -q "labels       0: 350 (.* ambiguous), 1: 350" || fail "info label counts"
/usr/bin/python3 "$SRC/examples/load_dataset.py" "$T/a.h5" >"$T/ex.txt" || fail "examples/load_dataset.py"
grep -q "700 chains" "$T/ex.txt" || fail "example output: $(cat "$T/ex.txt")"
[ "$fails" = 0 ] && echo "generate_threads: identical data with 1 and 2 threads"
exit $((fails > 0))
