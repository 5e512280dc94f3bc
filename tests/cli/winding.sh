# topolearn winding: JSON contract and values against known windings, files, bad input.
. "$(dirname "$0")/lib/assert.sh"

# JSON: required keys, L markers, k-space winding; plain SSH |w| > |v| gives +1.
expect_ok "$TL_BIN" winding --v 0.5 --w 1 --L 60 --json
cp "$TMP/out" "$TMP/ssh.json"
[ "$(json_get "$TMP/ssh.json" "sorted(k for k in ['L','W','W_kspace','label','ambiguous','chiral','local_marker'] if k in j) == sorted(['L','W','W_kspace','label','ambiguous','chiral','local_marker'])")" = True ] || fail "missing JSON keys"
[ "$(json_get "$TMP/ssh.json" "j['L'], len(j['local_marker']), j['label'], j['W_kspace'], j['chiral'], j['ambiguous'], abs(j['W']-1) < 1e-6")" = "(60, 60, 1, 1, True, False, True)" ] || fail "SSH JSON values: $(cat "$TMP/ssh.json" | head -c 300)"
# the marker averaged over the bulk window reproduces W
[ "$(json_get "$TMP/ssh.json" "abs(sum(j['local_marker'][j['bulk_start']:j['bulk_start']+j['bulk_cells']])/j['bulk_cells'] - j['W']) < 1e-12")" = True ] || fail "marker bulk average != W"

# Negative winding with a negative range; disorder leaves W_kspace null.
expect_ok "$TL_BIN" winding --hop -1:1,0:0.2 --L 50 --json
[ "$(json_get "$TMP/out" "j['label'], j['W_kspace']")" = "(-1, -1)" ] || fail "negative winding"
expect_ok "$TL_BIN" winding --v 0.5 --w 2 --disorder 1 --L 200 --seed 3 --json
[ "$(json_get "$TMP/out" "j['label'], j['W_kspace'], abs(j['W']-1) < 1e-2")" = "(1, None, True)" ] || fail "disordered chain"

# On-site disorder: chiral false and a warning on stderr, exit 0.
"$TL_BIN" winding --v 0.3 --w 1 --onsite 0.01 --json >"$TMP/out" 2>"$TMP/err" || fail "onsite run failed"
checks=$((checks + 1))
grep -q "break chiral symmetry" "$TMP/err" || fail "no chiral-symmetry warning"
[ "$(json_get "$TMP/out" "j['chiral']")" = False ] || fail "chiral should be false"

# Hoppings files: CSV equals the flags; HDF5 with the same field.
printf '# SSH, v = 0.5, w = 1\nt_0,t_1\n' >"$TMP/h.csv"
for i in $(seq 60); do echo "0.5,1" >>"$TMP/h.csv"; done
expect_ok "$TL_BIN" winding --hoppings "$TMP/h.csv" --json
[ "$(json_get "$TMP/out" "j['W']")" = "$(json_get "$TMP/ssh.json" "j['W']")" ] || fail "CSV chain differs from flags"
/usr/bin/python3 - "$TMP/h.h5" <<'PY' || fail "could not write HDF5 fixture"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    t = np.tile([0.5, 1.0], (60, 1)); t[-1, 1] = 0.0
    f["hoppings"] = t[None, :, :]
    f.attrs["r_min"] = 0
PY
expect_ok "$TL_BIN" winding --hoppings "$TMP/h.h5" --json
[ "$(json_get "$TMP/out" "j['W']")" = "$(json_get "$TMP/ssh.json" "j['W']")" ] || fail "HDF5 chain differs from flags"

# Bad input: exit 2, one line naming the problem.
expect_error 2 "--L: 0 is out of range" "$TL_BIN" winding --L 0
expect_error 2 "--L: -3 is out of range" "$TL_BIN" winding --L -3
expect_error 2 "--hop: 'nan' is not finite" "$TL_BIN" winding --hop 1:nan
expect_error 2 "--bulk-fraction: 1.5 is out of range" "$TL_BIN" winding --bulk-fraction 1.5
expect_error 2 "--delta" "$TL_BIN" winding --delta 0
expect_error 2 "unknown option '--bogus'" "$TL_BIN" winding --bogus
expect_error 2 "--L needs a value" "$TL_BIN" winding --L
expect_error 2 "--hop and --v/--w both given" "$TL_BIN" winding --hop 0:1,1:2 --v 1
: >"$TMP/empty.csv"
expect_error 2 "empty.csv: file is empty" "$TL_BIN" winding --hoppings "$TMP/empty.csv"
printf 't_0,t_1\n1,2\n3\n' >"$TMP/short.csv"
expect_error 2 "short.csv:3: row has 1 columns \(expected 2" "$TL_BIN" winding --hoppings "$TMP/short.csv"
printf 't_0,t_1\n1,two\n' >"$TMP/word.csv"
expect_error 2 "word.csv:2: column 2 'two' is not a number" "$TL_BIN" winding --hoppings "$TMP/word.csv"
expect_error 2 "missing.csv: cannot open \(No such file" "$TL_BIN" winding --hoppings "$TMP/missing.csv"
echo "not hdf5" >"$TMP/fake.h5"
expect_error 2 "fake.h5: not an HDF5 file" "$TL_BIN" winding --hoppings "$TMP/fake.h5"
expect_error 2 "chain index 5 is out of range" "$TL_BIN" winding --hoppings "$TMP/h.h5" --index 5
expect_error 2 "unknown command 'windng'" "$TL_BIN" windng
expect_error 2 "--L conflicts with --hoppings" "$TL_BIN" winding --hoppings "$TMP/h.csv" --L 5
finish
