#!/usr/bin/env bash
# Family flags of topolearn generate resolve to the stored ranges (hop_lo/hop_hi,
# r_min..r_max, disorder), the per-chain mean hoppings lie in them, and `topolearn
# winding --hoppings FILE --index i` recomputes the stored W of chain i exactly.
. "$(dirname "$0")/lib/assert.sh"
expect_ok "$TL_BIN" generate --quiet --n 50 --L 12 --out "$TMP/ssh.h5" --v 0.5 --w-range 1:2 --disorder 0.2
expect_ok "$TL_BIN" generate --quiet --n 50 --L 12 --out "$TMP/hop.h5" --hop 0:1,1:0.5 --hop-range 2:0:1.5 --disorder 1:0.3
expect_ok "$TL_BIN" generate --quiet --n 50 --L 12 --out "$TMP/neg.h5" --hop-range -1:0.5:1,1:0:2 --pbc --onsite 0.1
checks=$((checks + 1))
/usr/bin/python3 - "$TMP" <<'PY' || fail "stored ranges (python check above)"
import sys, h5py, numpy as np
d = sys.argv[1]
def chk(name, rmin, rmax, lo, hi, dis, bc):
    with h5py.File(f"{d}/{name}", "r") as f:
        a = f.attrs
        assert (a["r_min"], a["r_max"]) == (rmin, rmax), (name, a["r_min"], a["r_max"])
        assert list(a["hop_lo"]) == lo and list(a["hop_hi"]) == hi, (name, a["hop_lo"], a["hop_hi"])
        assert list(a["disorder"]) == dis and a["boundary"] == bc, (name, a["disorder"])
        t = f["hoppings"][()]
        # the cell-n mean is unknown under disorder; clean ranges must sit inside [lo, hi]
        for k in range(len(lo)):
            if dis[k] == 0:
                x = t[:, 0, k] if bc == "pbc" or rmin + k >= 0 else t[:, 1, k]
                assert (x >= lo[k]).all() and (x <= hi[k]).all(), (name, k)
                if lo[k] < hi[k]:
                    assert np.ptp(x) > 0, (name, k)  # drawn per chain, not fixed
        if name == "neg.h5":
            assert "onsite" in f and np.isnan(f["W_kspace"][()]).all()
    print("ok  ", name)
chk("ssh.h5", 0, 1, [0.5, 1.0], [0.5, 2.0], [0.2, 0.2], "obc")
chk("hop.h5", 0, 2, [1.0, 0.5, 0.0], [1.0, 0.5, 1.5], [0.0, 0.3, 0.0], "obc")
chk("neg.h5", -1, 1, [0.5, 0.0, 0.0], [1.0, 0.0, 2.0], [0.0, 0.0, 0.0], "pbc")
PY
# topolearn winding reads a chain back from the data set and finds the stored W exactly
for i in 0 17 49; do
  checks=$((checks + 1))
  w_cli=$("$TL_BIN" winding --hoppings "$TMP/hop.h5" --index $i --json | /usr/bin/python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["W"]))')
  w_file=$(/usr/bin/python3 -c "import h5py; print(repr(float(h5py.File('$TMP/hop.h5', 'r')['W'][$i])))")
  [ "$w_cli" = "$w_file" ] || fail "chain $i: winding says W = $w_cli, file says $w_file"
done
finish
