# topolearn study / reproduce on tiny configurations: the documented CSV columns,
# plausible values (exact inits succeed, random labels give chance, full-rank pruning
# equals the unpruned accuracy), summary.json, bad input, interruption and --resume.
. "$(dirname "$0")/lib/assert.sh"
T="--L 16 --n-train 192 --n-test 256 --epochs 3 --seeds 1 --quiet"

expect_ok "$TL_BIN" study trainability $T --models topo:exact,topo:random,mlp:eigvec --out "$TMP/tr"
/usr/bin/python3 - "$TMP/tr" <<'PY' || fail "trainability outputs"
import csv, json, sys
d = sys.argv[1]
rows = {r["model"]: r for r in csv.DictReader(open(d + "/data/trainability.csv"))}
cols = "model,fit_fraction,learned_fraction,epochs_median,epochs_q25,epochs_q75,fit_acc_median".split(",")
assert all(c in rows["topo:exact"] for c in cols), "columns"
assert float(rows["topo:exact"]["fit_fraction"]) == 1.0 and float(rows["topo:exact"]["learned_fraction"]) == 1.0
assert 0.3 <= float(rows["control:random-labels"]["fit_acc_median"]) <= 0.7, "control not at chance"
ex = {(r["model"], r["set"]): r for r in csv.DictReader(open(d + "/data/expressivity.csv"))}
assert float(ex[("topo:exact", "bond_disorder_2")]["accuracy"]) == 1.0
assert float(ex[("topo:exact", "clean")]["W_max_err"]) < 1e-4
s = json.load(open(d + "/summary.json"))
assert s["trainability"]["topo:exact/learned_fraction"] == 1.0
assert s["expressivity"]["topo:exact/acc_clean"] == 1.0
curves = list(csv.DictReader(open(d + "/data/trainability_curves.csv")))
assert len(curves) == 3 * 3 and "loss_q25" in curves[0]
PY

expect_ok "$TL_BIN" study prune $T --models mlp:eigvec,mlp:hopping --out "$TMP/pr"
/usr/bin/python3 - "$TMP/pr" <<'PY' || fail "prune outputs"
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/data/prune_curves.csv")))
for model in ("mlp:eigvec", "mlp:hopping"):
    full = [r for r in rows if r["model"] == model and r["k"] == r["rank"]]
    cell = dict(l.strip().split(",") for l in open(d + "/cells/prune/%s__s0.cell" % model.replace(":", "_")))
    assert len(full) == 1 and float(full[0]["acc_clean"]) == round(float(cell["fit_acc"]), 4), (full, cell["fit_acc"])
vec = list(csv.DictReader(open(d + "/data/prune_vectors.csv")))
assert {"edge_frac", "edge_uniform", "lowstate_frac", "lowstate_uniform"} <= set(vec[0])
PY

expect_ok "$TL_BIN" study disorder $T --models topo:exact,mlp:hopping --sweep 0,2 --out "$TMP/di"
/usr/bin/python3 - "$TMP/di" <<'PY' || fail "disorder outputs"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/data/disorder.csv")))
topo = [r for r in rows if r["model"] == "topo:exact" and r["disorder_kind"] == "bond"]
assert len(topo) == 4 and all(float(r["accuracy_mean"]) == 1.0 for r in topo)
assert any(r["model"] == "baseline:loghop" for r in rows) and any(r["model"] == "baseline:edge" for r in rows)
PY

expect_ok "$TL_BIN" study unseen $T --models topo:exact,mlp:eigvec --out "$TMP/un"
grep -q "^topo:exact,.*,yes$" "$TMP/un/data/unseen.csv" || fail "topo exact should label winding 2"
grep -q "^mlp:eigvec,.*,no$" "$TMP/un/data/unseen.csv" || fail "an MLP cannot label an unseen class"
expect_ok "$TL_BIN" study size $T --models sym:exact,mlp:eigvec --out "$TMP/sz"
grep -q "^sym:exact,16,32,1," "$TMP/sz/data/size.csv" || fail "sym applies at 2L"
grep -q "^mlp:eigvec,16,32,0," "$TMP/sz/data/size.csv" || fail "mlp is not applicable at 2L"

# Progress in a log (stderr not a terminal): the planned work and its estimate, then one
# line per cell naming study, cell count, model, seed and setting, with the ETA.
"$TL_BIN" study unseen --L 16 --n-train 192 --n-test 256 --epochs 3 --seeds 2 --models topo:exact \
  --out "$TMP/prog" >/dev/null 2>"$TMP/prog.err" || fail "study with progress lines: $(cat "$TMP/prog.err")"
checks=$((checks + 1))
grep -Eq "^study unseen: 2 cells to train, 0 to reload; expected time [0-9hms]+ " "$TMP/prog.err" ||
  fail "no planned work and estimate: $(head -1 "$TMP/prog.err")"
for s in 1 2; do
  grep -Eq "^\[study [0-9]+%, [0-9hms]+, ETA [0-9hms]+\] unseen $s/2: topo:exact seed $s/2 \(windings 0 and 1\) training \(3 epochs\)$" \
    "$TMP/prog.err" || fail "no progress line for seed $s: $(cat "$TMP/prog.err")"
done
grep -q "unseen writing tables" "$TMP/prog.err" || fail "the tables phase is silent"
expect_ok "$TL_BIN" study unseen --L 16 --n-train 192 --n-test 256 --epochs 3 --seeds 2 --models topo:exact \
  --out "$TMP/prog" --resume
grep -Eq "^study unseen: 0 cells to train, 2 to reload" "$TMP/err" || fail "a resume plans no training: $(head -1 "$TMP/err")"
grep -q "seed 1/2 (windings 0 and 1) reloading" "$TMP/err" || fail "a resumed cell says it reloads"

# Bad input: one line, exit 2.
expect_error 2 "unknown study 'bogus'" "$TL_BIN" study bogus --out "$TMP/x"
expect_error 2 "exists \(use --resume to continue it or --force to start over\)" \
  "$TL_BIN" study trainability $T --out "$TMP/tr"
expect_error 2 "nothing to resume" "$TL_BIN" study trainability $T --resume --out "$TMP/none"
expect_error 2 "model spec 'topo:bogus'" "$TL_BIN" study trainability $T --models topo:bogus --out "$TMP/y"
expect_absent "$TMP/x" "$TMP/y"

# Interrupted study: exit 130 with one line; --resume continues and ends with the numbers
# of an uninterrupted run.
R="--L 12 --n-train 512 --n-test 128 --epochs 6 --seeds 2 --models topo:random,mlp:eigvec,cnn:eigvec --quiet"
expect_ok "$TL_BIN" study trainability $R --out "$TMP/ref"
"$TL_BIN" study trainability $R --out "$TMP/int" 2>"$TMP/int.err" &
pid=$!
for _ in $(seq 100); do   # wait for the first finished cell, then interrupt
  [ -n "$(ls "$TMP/int/cells/trainability/"*.cell 2>/dev/null)" ] && break
  sleep 0.1
done
kill -TERM $pid; wait $pid; rc=$?
checks=$((checks + 1))
if [ -e "$TMP/int/summary.json" ]; then
  echo "note: the run finished before the signal; resume is still exercised"
elif [ $rc != 130 ] || ! grep -q "interrupted; finished cells are kept" "$TMP/int.err"; then
  fail "interrupted study: exit $rc, stderr $(cat "$TMP/int.err")"
fi
expect_ok "$TL_BIN" study trainability $R --resume --out "$TMP/int"
cmp -s "$TMP/ref/summary.json" "$TMP/int/summary.json" || fail "resumed summary differs from uninterrupted"
cmp -s "$TMP/ref/data/trainability.csv" "$TMP/int/data/trainability.csv" || fail "resumed table differs"

# A tampered finished cell is refused on --resume, in one line naming the file (strtod and
# sscanf read '5junk' as 5 and left a short learning curve's last epochs at 0).
cp -r "$TMP/int" "$TMP/tamper"
cell=$(ls "$TMP/tamper/cells/trainability/"*.cell | head -1)
sed -i 's/^\(epochs_to_success\),\(.*\)$/\1,\2junk/' "$cell"
expect_error 2 "$(basename "$cell"):[0-9]+: epochs_to_success = '.*junk' is not a number" \
  "$TL_BIN" study trainability $R --resume --out "$TMP/tamper"
cp -r "$TMP/int" "$TMP/tamper2"
curve=$(ls "$TMP/tamper2/cells/trainability/"*.curve.csv | head -1)
sed -i '$d' "$curve"
expect_error 2 "$(basename "$curve"):[0-9]+: expected epoch 6 and 5 numbers" \
  "$TL_BIN" study trainability $R --resume --out "$TMP/tamper2"
finish
