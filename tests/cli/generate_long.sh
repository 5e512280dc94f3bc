#!/usr/bin/env bash
# topolearn generate, long-chain mode (docs/FORMAT.md): at L >= 2000 (auto) the file has
# no spectrum, a W_error field, a bulk-only marker and method = "window"; 1 and 2 threads
# give the same data; info shows the method and W_error; train refuses the file in one
# line; --method full at L = 2400 still stores the spectrum; bad --method values and
# impossible windows exit 2 with one line and leave no file.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
T=$TMP/w # outputs only: the assertions keep their own files in $TMP
mkdir "$T"

common=(--L 2400 --n 4 --disorder 0.5 --seed 3 --quiet)
checks=$((checks + 3)) # the generate runs, the file contents, info
"$BIN" generate --out "$T/a.h5" --threads 1 "${common[@]}" >"$T/gen.txt" || fail "generate --threads 1"
grep -q "long-chain mode" "$T/gen.txt" || fail "generate does not say long-chain mode: $(cat "$T/gen.txt")"
"$BIN" generate --out "$T/b.h5" --threads 2 "${common[@]}" >/dev/null || fail "generate --threads 2"
"$BIN" generate --out "$T/full.h5" --method full --L 2400 --n 1 --no-qab --float32 --seed 3 \
  --disorder 0.5 --quiet >/dev/null || fail "generate --method full at L = 2400"
/usr/bin/python3 - "$T/a.h5" "$T/b.h5" "$T/full.h5" <<'PY' || fail "file contents"
import sys, h5py, numpy as np
a, b, full = (h5py.File(x, "r") for x in sys.argv[1:])
keys = sorted(a.keys())
assert keys == sorted(["hoppings", "W", "label", "ambiguous", "W_kspace", "local_marker",
                       "candidate", "W_error"]), keys
assert a.attrs["method"] == "window", a.attrs["method"]
assert a.attrs["window_block"] == 200 and a.attrs["window_buffer0"] == 50
assert a.attrs["window_buffer_limit"] == 16384 and a.attrs["window_tol"] == 1e-8
for k in keys:  # 1 vs 2 threads: bit for bit (NaNs included)
    assert a[k][()].tobytes() == b[k][()].tobytes(), k
W, lab, mk, err = a["W"][()], a["label"][()], a["local_marker"][()], a["W_error"][()]
assert (lab == np.round(W)).all() and (err >= 0).all()
L, f = 2400, a.attrs["bulk_fraction"]
Lp = max(1, int(np.floor(f * L + 0.5))); s = (L - Lp) // 2
assert np.isnan(mk[:, :s]).all() and np.isnan(mk[:, s + Lp:]).all()
assert np.isfinite(mk[:, s:s + Lp]).all()
assert np.allclose(mk[:, s:s + Lp].mean(axis=1), W, atol=1e-12, rtol=0)
# --method full at the same L and seed: the spectrum is there, and chain 0 is the same
assert full.attrs["method"] == "full"
assert full["eigvecs"].shape == (1, L, 2 * L) and full["eigvecs"].dtype == np.float32
assert full["energies"].shape == (1, 2 * L) and "qab" not in full and "W_error" not in full
assert (full["hoppings"][0] == a["hoppings"][0]).all()
assert abs(full["W"][0] - W[0]) <= err[0] + 1e-12, (full["W"][0], W[0], err[0])
PY
"$BIN" info "$T/a.h5" >"$T/info" || fail "info on a long-chain file"
for want in "method       window (long-chain mode: block 200, first buffer 50" "W_error      max " \
            "no spectrum" "chains       4"; do
  grep -qF "$want" "$T/info" || fail "info lacks '$want'"
done
"$BIN" info "$T/full.h5" | grep -q "method       full" || fail "info of a full file lacks the method"
expect_refused_in "$T" "has no spectrum: generated with --method window; models need eigenvectors" \
  "$BIN" train --data "$T/a.h5" --model topo --out "$T/m.h5"
expect_refused_in "$T" "--method: 'fast' is unknown (expected full, window or auto)" \
  "$BIN" generate --out "$T/x.h5" --method fast
expect_refused_in "$T" "too short for windows" \
  "$BIN" generate --out "$T/x.h5" --method window --L 100 --n 2 --quiet
expect_refused_in "$T" "needs a chiral family" \
  "$BIN" generate --out "$T/x.h5" --method window --L 500 --onsite 0.3 --n 2 --quiet
expect_refused_in "$T" "--tol" "$BIN" generate --out "$T/x.h5" --method window --L 500 --tol 0

finish
