# topolearn phase-diagram: the grid matches the k-space phase boundary, outputs are
# complete or absent, gnuplot absence is a warning.
. "$(dirname "$0")/lib/assert.sh"

expect_ok "$TL_BIN" phase-diagram --L 40 --n 5 --out "$TMP/pd"
[ -s "$TMP/pd.csv" ] || fail "no CSV"
[ "$(head -1 "$TMP/pd.csv")" = "v,w,D,samples,W_mean,W_std,frac_ambiguous,W_kspace,W_error" ] || fail "CSV header"
[ "$(wc -l <"$TMP/pd.csv")" = 26 ] || fail "CSV rows"
# every gapped clean point: round(W) equals the k-space winding
/usr/bin/python3 - "$TMP/pd.csv" <<'PY' || fail "phase diagram disagrees with k-space winding"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = [r for r in rows if r["W_kspace"] != "nan" and abs(float(r["v"]) - float(r["w"])) > 0.4
       and round(float(r["W_mean"])) != int(r["W_kspace"])]
sys.exit(1 if bad or len(rows) != 25 else 0)
PY
if command -v gnuplot >/dev/null; then
  [ -s "$TMP/pd.png" ] || fail "no PNG"
  [ "$(head -c 4 "$TMP/pd.png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "PNG signature"
fi

# Disorder grid is thread-count independent (bit-identical CSV).
expect_ok env OMP_NUM_THREADS=1 "$TL_BIN" phase-diagram --grid wD --L 30 --n 4 --samples 3 --out "$TMP/t1"
expect_ok env OMP_NUM_THREADS=2 "$TL_BIN" phase-diagram --grid wD --L 30 --n 4 --samples 3 --out "$TMP/t2"
cmp -s "$TMP/t1.csv" "$TMP/t2.csv" || fail "CSV differs between 1 and 2 threads"

# Long chains go through windows: same W as the full path within the reported estimate.
expect_ok "$TL_BIN" phase-diagram --L 2400 --n 2 --v-range 0.3:0.5 --w-range 1:1.2 --method window --out "$TMP/win"
expect_ok "$TL_BIN" phase-diagram --L 2400 --n 2 --v-range 0.3:0.5 --w-range 1:1.2 --method full --out "$TMP/full"
/usr/bin/python3 - "$TMP/win.csv" "$TMP/full.csv" <<'PY' || fail "windowed phase diagram differs from the full one"
import csv, sys
win = list(csv.DictReader(open(sys.argv[1]))); full = list(csv.DictReader(open(sys.argv[2])))
ok = len(win) == 4 and all(abs(float(a["W_mean"]) - float(b["W_mean"])) <= float(a["W_error"]) + 1e-12
                           and float(b["W_error"]) == 0 for a, b in zip(win, full))
sys.exit(0 if ok else 1)
PY

# Existing outputs are kept without --force; bad values leave nothing behind.
expect_error 2 "exists \(use --force" "$TL_BIN" phase-diagram --L 40 --n 5 --out "$TMP/pd"
expect_error 2 "--samples: 0 is out of range" "$TL_BIN" phase-diagram --samples 0 --out "$TMP/bad"
expect_error 2 "--grid: 'xy' is unknown" "$TL_BIN" phase-diagram --grid xy --out "$TMP/bad"
expect_error 2 "--D-range: '3:1' has a > b" "$TL_BIN" phase-diagram --grid wD --D-range 3:1 --out "$TMP/bad"
expect_absent "$TMP/bad.csv" "$TMP/bad.png"
mkdir "$TMP/ro" && chmod 500 "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
  expect_error 2 "cannot create" "$TL_BIN" phase-diagram --n 3 --out "$TMP/ro/x"
fi

# gnuplot missing: the CSV is written, the PNG skipped with one warning, exit 0.
"$TL_BIN" phase-diagram --n 3 --out "$TMP/nogp" >"$TMP/out" 2>"$TMP/err" </dev/null \
  && checks=$((checks + 1)) || fail "run without gnuplot failed"
TL_GNUPLOT=/nonexistent/gnuplot "$TL_BIN" phase-diagram --n 3 --out "$TMP/nogp2" >"$TMP/out" 2>"$TMP/err" || fail "exit status without gnuplot"
grep -q "gnuplot not found" "$TMP/err" || fail "no gnuplot warning: $(cat "$TMP/err")"
[ -s "$TMP/nogp2.csv" ] || fail "CSV missing without gnuplot"
expect_absent "$TMP/nogp2.png"
finish
