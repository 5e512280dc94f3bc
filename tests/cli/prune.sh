#!/usr/bin/env bash
# topolearn prune: the pruning curve of a trained mlp on two data sets. Checked against
# facts independent of the code: the full-rank point is the unpruned model (eval's
# accuracy, to the last digit), k runs 1, 2, 4, ... up to min(rows, cols), singular
# values descend, the CSV and JSON agree; bad input gives one line, exit 2, no file.
. "$(dirname "$0")/lib/assert.sh"
B=$TL_BIN
expect_ok "$B" generate --out "$TMP/tr.h5" --n 600 --L 16 --seed 1 --quiet
expect_ok "$B" generate --out "$TMP/te.h5" --n 300 --L 16 --seed 2 --disorder 1 --quiet
expect_ok "$B" generate --out "$TMP/l20.h5" --n 50 --L 20 --seed 3 --quiet
expect_ok "$B" train --data "$TMP/tr.h5" --model mlp --hidden 32 --epochs 3 --out "$TMP/m.h5" --quiet
expect_ok "$B" train --data "$TMP/tr.h5" --model topo --epochs 1 --out "$TMP/topo.h5" --quiet

expect_ok "$B" prune --model "$TMP/m.h5" --data "$TMP/tr.h5" --data "$TMP/te.h5" --json \
  --out "$TMP/curve.csv" --vectors "$TMP/vec.csv"
cp "$TMP/out" "$TMP/prune.json"
expect_ok "$B" eval --model "$TMP/m.h5" --data "$TMP/te.h5" --json
cp "$TMP/out" "$TMP/eval.json"
checks=$((checks + 1))
/usr/bin/python3 - "$TMP" <<'PY' || fail "prune JSON/CSV checks (above)"
import json, sys, csv
d = sys.argv[1]
p = json.load(open(f"{d}/prune.json")); e = json.load(open(f"{d}/eval.json"))
K = min(p["rows"], p["cols"])
assert (p["rows"], p["cols"], p["K"]) == (32, 2 * 16 * 16, 32), (p["rows"], p["cols"], p["K"])
ks = [c["k"] for c in p["curve"]]
assert ks == [1, 2, 4, 8, 16, 32], ks
s = p["sigma"]
assert len(s) == K and all(a >= b for a, b in zip(s, s[1:])) and s[-1] >= 0, s
# full rank = the unpruned model: eval's accuracy on the same set, exactly
assert p["curve"][-1]["accuracy"][1] == e["accuracy"], (p["curve"][-1], e["accuracy"])
for c in p["curve"]:
    assert len(c["accuracy"]) == 2 and all(0 <= a <= 1 for a in c["accuracy"])
assert p["k_needed"] in ks
assert p["sets"] == [f"{d}/tr.h5", f"{d}/te.h5"]
v = p["vectors"]
assert len(v) == 4 and v[0]["edge_uniform"] == 0.25 and v[0]["lowstate_uniform"] == 2 / 16
rows = [r for r in csv.reader(open(f"{d}/curve.csv")) if not r[0].startswith("#")]
assert rows[0] == ["k", "rank", "acc_set1", "acc_set2"], rows[0]
for r, c in zip(rows[1:], p["curve"]):
    assert int(r[0]) == c["k"] and int(r[1]) == K
    assert abs(float(r[3]) - c["accuracy"][1]) < 1e-6
# each vector's weights over (state, cell) sum to 1
w = {}
for r in list(csv.DictReader(open(f"{d}/vec.csv"))):
    w[r["vector"]] = w.get(r["vector"], 0) + float(r["weight"])
assert sorted(w) == ["1", "2", "3", "4"] and all(abs(x - 1) < 1e-4 for x in w.values()), w
print("ok   prune: full rank = eval, k = 1..32, CSV = JSON")
PY
expect_ok "$B" prune --model "$TMP/m.h5" --data "$TMP/te.h5"
grep -q "full rank: the unpruned model" "$TMP/out" || fail "text output: $(cat "$TMP/out")"

# bad input: one line, exit 2, no output file
expect_refused_in "$TMP" "prune: a topo model has no dense layer to prune (expected mlp or cnn)" \
  "$B" prune --model "$TMP/topo.h5" --data "$TMP/tr.h5" --out "$TMP/bad.csv"
expect_refused_in "$TMP" "--data SET.h5 is required" "$B" prune --model "$TMP/m.h5" --out "$TMP/bad.csv"
expect_refused_in "$TMP" "--data: given more than 4 times" "$B" prune --model "$TMP/m.h5" \
  --data "$TMP/tr.h5" --data "$TMP/tr.h5" --data "$TMP/tr.h5" --data "$TMP/tr.h5" --data "$TMP/tr.h5"
expect_refused_in "$TMP" "edge cells: 9 at each end of 16 (expected 0..8)" "$B" prune --model "$TMP/m.h5" --data "$TMP/tr.h5" --edge-cells 9 --out "$TMP/bad.csv"
expect_refused_in "$TMP" "nope.h5" "$B" prune --model "$TMP/m.h5" --data "$TMP/nope.h5" --out "$TMP/bad.csv"
expect_refused_in "$TMP" "tr.h5" "$B" prune --model "$TMP/tr.h5" --data "$TMP/tr.h5" --out "$TMP/bad.csv"
expect_refused_in "$TMP" "L = 20" "$B" prune --model "$TMP/m.h5" --data "$TMP/l20.h5" --out "$TMP/bad.csv"
expect_refused_in "$TMP" "exists" "$B" prune --model "$TMP/m.h5" --data "$TMP/tr.h5" --out "$TMP/curve.csv"
finish
