#!/usr/bin/env bash
# Same command with --threads 1 and --threads 2 (and OMP_NUM_THREADS 1 vs 2): identical
# data in every dataset (compared with h5dump, not file bytes: 'created' differs), and a
# balanced set that is balanced; the h5py example reads it.
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC=source dir}"

common=(--n 700 --L 32 --disorder 0.4 --balanced --seed 7 --quiet)
expect_ok "$TL_BIN" generate --out "$TMP/a.h5" --threads 1 "${common[@]}"
expect_ok "$TL_BIN" generate --out "$TMP/b.h5" --threads 2 "${common[@]}"
expect_ok env OMP_NUM_THREADS=1 "$TL_BIN" generate --out "$TMP/c.h5" "${common[@]}"
expect_ok env OMP_NUM_THREADS=2 "$TL_BIN" generate --out "$TMP/d.h5" "${common[@]}"
# Every dataset bit for bit (h5py), a.h5 against b, c and d; then h5dump's text of the
# small ones as an independent reader.
checks=$((checks + 1))
/usr/bin/python3 - "$TMP"/a.h5 "$TMP"/b.h5 "$TMP"/c.h5 "$TMP"/d.h5 <<'PY' || fail "bitwise comparison"
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
  checks=$((checks + 1))
  h5dump -d "/$ds" "$TMP/a.h5" | tail -n +2 >"$TMP/a.txt"
  h5dump -d "/$ds" "$TMP/b.h5" | tail -n +2 >"$TMP/o.txt"
  cmp -s "$TMP/a.txt" "$TMP/o.txt" || fail "h5dump: dataset $ds differs between a.h5 and b.h5"
done
checks=$((checks + 1))
"$TL_BIN" info "$TMP/a.h5" | grep -q "labels       0: 350 (.* ambiguous), 1: 350" || fail "info label counts"
checks=$((checks + 1))
/usr/bin/python3 "$TL_SRC/examples/load_dataset.py" "$TMP/a.h5" >"$TMP/ex.txt" || fail "examples/load_dataset.py"
grep -q "700 chains" "$TMP/ex.txt" || fail "example output: $(cat "$TMP/ex.txt")"
finish
