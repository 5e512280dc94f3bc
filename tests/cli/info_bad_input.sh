#!/usr/bin/env bash
# topolearn info: a good file is summarised; a truncated file, an HDF5 file from another
# program, a data set with a wrong shape, a text file and a missing file each exit 2
# with one line naming the file and the problem; another kind of topolearn file (a
# model) gets its kind and provenance.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
T=$TMP
"$BIN" generate --out "$T/good.h5" --n 40 --L 10 --quiet >/dev/null || { echo "FAIL setup"; exit 1; }
checks=$((checks + 1))
"$BIN" info "$T/good.h5" >"$T/info" || fail "info on a good file"
for want in "chains       40" "L = 10, ranges 0..1" "t_0 uniform in \[0, 2\]" "ambiguous    " "seed         1" \
            "command      topolearn generate --out $T/good.h5 --n 40 --L 10 --quiet" "created      20"; do
  grep -q "$want" "$T/info" || fail "info lacks '$want'"
done
# label counts add up to N
sum=$(sed -n 's/^labels *//p' "$T/info" | grep -o '[0-9-]*: [0-9]*' | awk -F': ' '{s += $2} END {print s}')
[ "$sum" = 40 ] || fail "label counts sum to $sum, not 40"

head -c 5000 "$T/good.h5" >"$T/trunc.h5"
expect_refused "$T/trunc.h5: " "$BIN" info "$T/trunc.h5"
/usr/bin/python3 - "$T" <<'PY'
import sys, h5py, numpy as np, shutil
d = sys.argv[1]
with h5py.File(d + "/foreign.h5", "w") as f:
    f["x"] = np.arange(10)
shutil.copy(d + "/good.h5", d + "/shape.h5")
with h5py.File(d + "/shape.h5", "a") as f:
    del f["local_marker"]
    f["local_marker"] = np.zeros((40, 9))
shutil.copy(d + "/good.h5", d + "/model.h5")
with h5py.File(d + "/model.h5", "a") as f:
    f.attrs["kind"] = "model"
PY
expect_refused "$T/foreign.h5: not a topolearn file (no 'kind' attribute" "$BIN" info "$T/foreign.h5"
expect_refused "$T/shape.h5: dataset 'local_marker' has shape (40, 9) (expected (40, 10)" \
  "$BIN" info "$T/shape.h5"
# a data set relabelled as a model: the model reader names what is missing
expect_refused "$T/model.h5: missing attribute" "$BIN" info "$T/model.h5"
echo "plain text" >"$T/text.h5"
expect_refused "$T/text.h5: not an HDF5 file" "$BIN" info "$T/text.h5"
expect_refused "$T/absent.h5: cannot open" "$BIN" info "$T/absent.h5"
expect_refused "FILE is required" "$BIN" info
finish
