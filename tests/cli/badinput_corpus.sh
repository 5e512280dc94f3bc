#!/usr/bin/env bash
# Bad-input corpus (SPEC 6, issue 6 item 3) across every command: malformed hoppings CSV
# (fixtures in tests/badinput/*.csv), HDF5 data sets and models with non-finite values,
# wrong shapes, dtypes and attributes, truncated/empty/foreign HDF5 (built at test time
# by tests/badinput/make_h5_cases.py from a small valid file), huge and negative sizes in
# flags, read-only and full output locations (as root: tmpfs mounts; otherwise skipped),
# and gnuplot missing at run time.
# Each bad case: exit 2, exactly one stderr line naming the file/field/value, nothing on
# stdout, and no output file or temporary (*.tmp-*) left behind.
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC must point to the source tree}"
BIN=$TL_BIN
CORPUS=$TL_SRC/tests/badinput
PY=/usr/bin/python3
MOUNTS=()
cleanup() {
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
W=$TMP/work
mkdir -p "$W"

# no temporary anywhere under $TMP
no_temporaries() {
  local left
  left=$(find "$TMP" -name '*.tmp-*' 2>/dev/null)
  checks=$((checks + 1))
  if [ -n "$left" ]; then fail "temporaries left behind: $left"; rm -f $left; fi
}

# bad PATTERN CMD...: exit 2, one stderr line matching PATTERN, empty stdout, no temporaries.
bad() {
  local before=$failures
  expect_error 2 "$@"
  no_temporaries
  if [ "$failures" = "$before" ]; then echo "ok   $(head -c 200 "$TMP/err")"; fi
}


# ---------------------------------------------------------------- CSV hoppings files
csv() { # csv NAME PATTERN: winding, plain and --json
  bad "$2" "$BIN" winding --hoppings "$CORPUS/$1"
  bad "$2" "$BIN" winding --hoppings "$CORPUS/$1" --json
}
csv nan.csv              "nan.csv:4: column 1 'nan' is not finite"
csv inf.csv              "inf.csv:3: column 1 'inf' is not finite"
csv neginf.csv           "neginf.csv:3: column 2 '-inf' is not finite"
csv overflow.csv         "overflow.csv:2: column 2 '1e999' is not finite"
csv onsite_nan.csv       "onsite_nan.csv:2: column 4 'nan' is not finite"
csv header_gap.csv       "header_gap.csv:1: header column 2 't_2' breaks the order"
csv header_name.csv      "header_name.csv:1: header column 2 't_x' is not a range name"
csv header_range.csv     "header_range.csv:1: header column 2 't_17' is not a range name"
csv header_only.csv      "header_only.csv: no cells after the header"
csv comments_only.csv    "comments_only.csv: no header line"
csv row_long.csv         "row_long.csv:3: row has 3 columns \(expected 2"
csv row_semicolon.csv    "row_semicolon.csv:2: row has 1 columns \(expected 2"
csv field_empty.csv      "field_empty.csv:2: column 2 '' is not a number"
csv field_trailing.csv   "field_trailing.csv:2: column 2 '1 x' is not a number"
csv binary.csv           "binary.csv:1: header column 1 .* is not a range name"

# ---------------------------------------------------------------- HDF5 cases
H=$TMP/h5
mkdir -p "$H"
"$BIN" generate --out "$H/good.h5" --n 40 --L 8 --quiet >/dev/null 2>&1 || { fail "setup: generate"; finish; exit 1; }
"$BIN" train --data "$H/good.h5" --model mlp --input eigvec --epochs 1 --out "$H/model.h5" --quiet \
  >/dev/null 2>&1 || { fail "setup: train"; finish; exit 1; }
"$PY" "$CORPUS/make_h5_cases.py" "$H" || { fail "setup: make_h5_cases.py (h5py)"; finish; exit 1; }

# Data-set cases read by info, train --data, train --test, eval --data: all four must give
# the same one-line error. Outputs that must not appear: $W/m.h5, $W/pc.csv.
data() { # data NAME PATTERN
  local f=$H/$1.h5 p="$1.h5: $2"
  bad "$p" "$BIN" info "$f"
  bad "$p" "$BIN" train --data "$f" --model mlp --input eigvec --epochs 1 --out "$W/m.h5" --quiet
  bad "$p" "$BIN" train --data "$H/good.h5" --test "$f" --model mlp --input eigvec --epochs 1 \
    --out "$W/m.h5" --metrics "$W/met.csv" --quiet
  bad "$p" "$BIN" eval --model "$H/model.h5" --data "$f" --per-chain "$W/pc.csv"
  expect_absent "$W/m.h5" "$W/pc.csv" "$W/met.csv"
}
data hop_nan        "dataset 'hoppings', chain 3, entry 4 is nan \(expected a finite number\)"
data hop_inf        "dataset 'hoppings', chain 0, entry 1 is inf"
data eigvec_nan     "dataset 'eigvecs', chain 5, entry 17 is nan"
data W_inf          "dataset 'W', chain 7, entry 0 is -inf"
data qab_nan        "dataset 'qab', chain 1, entry 9 is nan"
data hop_shape      "dataset 'hoppings' has shape \(40, 9, 2\) \(expected \(40, 8, 2\)"
data hop_rank       "dataset 'hoppings' has shape \(40, 16\) \(expected \(40, 8, 2\)"
data label_shape    "dataset 'label' has shape \(39,\) \(expected \(40,\)"
data eigvec_shape   "dataset 'eigvecs' has shape \(40, 8, 8\) \(expected \(40, 8, 16\)"
data hop_string     "dataset 'hoppings' has shape \(40,\)"
data label_float    "dataset 'label' has type float64 \(expected int32\)"
data hop_int        "dataset 'hoppings' has type int32 \(expected float64\)"
data no_hoppings    "no dataset 'hoppings'"
data no_label       "no dataset 'label'"
data L_negative     "attributes n = 40, L = -5, .* out of range"
data L_huge         "attributes n = 40, L = 1099511627776, .* out of range"
data format_future  "format_version 99 is not supported \(expected 1\)"
data kind_int       "attribute 'kind' is not a string"
data kind_array     "attribute 'kind' holds 200 strings \(expected one\)"
data kind_vlen_array "attribute 'kind' holds 200 strings \(expected one\)"
data command_binary "attribute 'command' has byte 0xff at 10, not text"
data command_array  "attribute 'command' holds 3 strings \(expected one\)"
data no_rmin        "missing attribute 'r_min'"
data label_range    "chain 0 has label 9"
data W_huge         "chain 0 has W = 2e\+09 \(expected \|W\| <= L = 8\)"
data foreign        "not a topolearn file \(no 'kind' attribute"
data truncated      "HDF5 cannot open it \(truncated or corrupt\?\)"
data truncated_head "HDF5 cannot open it \(truncated or corrupt\?\)"
data empty          "not an HDF5 file, or truncated"
# a model file where a data set is expected (info accepts it as a model: covered elsewhere)
bad "kind_model.h5: is a topolearn 'model' file, not a data set" \
  "$BIN" train --data "$H/kind_model.h5" --model mlp --epochs 1 --out "$W/m.h5" --quiet
bad "kind_model.h5: is a topolearn 'model' file, not a data set" \
  "$BIN" eval --model "$H/model.h5" --data "$H/kind_model.h5"

# winding --hoppings on HDF5 (it reads only 'hoppings', 'onsite' and r_min)
bad "hop_nan.h5: chain 3: hopping t_0\(2\) = nan is not finite" "$BIN" winding --hoppings "$H/hop_nan.h5" --index 3
bad "hop_inf.h5: chain 0: hopping t_1\(0\) = inf is not finite" "$BIN" winding --hoppings "$H/hop_inf.h5" --json
bad "onsite_nan.h5: chain 0: on-site term of site 0 = nan is not finite" "$BIN" winding --hoppings "$H/onsite_nan.h5"
bad "rmin_huge.h5: .*r_min 1099511627776 is out of range" "$BIN" winding --hoppings "$H/rmin_huge.h5"
bad "hop_string.h5: 'hoppings' has rank 1" "$BIN" winding --hoppings "$H/hop_string.h5"
bad "hop_int.h5: dataset 'hoppings' is not floating point" "$BIN" winding --hoppings "$H/hop_int.h5"
bad "no_hoppings.h5: no dataset 'hoppings'" "$BIN" winding --hoppings "$H/no_hoppings.h5"
bad "foreign.h5: missing attribute 'r_min'" "$BIN" winding --hoppings "$H/foreign.h5"
bad "truncated.h5: HDF5 cannot open it" "$BIN" winding --hoppings "$H/truncated.h5"
bad "empty.h5: not an HDF5 file" "$BIN" winding --hoppings "$H/empty.h5"
bad "--index: -1 is out of range" "$BIN" winding --hoppings "$H/good.h5" --index -1
bad "--index: '99999999999999999999' is not an integer" "$BIN" winding --hoppings "$H/good.h5" --index 99999999999999999999

# Model cases: info, eval --model, train --resume (which must not touch the file).
model() { # model NAME PATTERN
  local f=$H/model_$1.h5 p="model_$1.h5: $2" sum
  bad "$p" "$BIN" info "$f"
  bad "$p" "$BIN" eval --model "$f" --data "$H/good.h5" --per-chain "$W/pc.csv"
  sum=$(cksum <"$f")
  bad "$p" "$BIN" train --data "$H/good.h5" --model mlp --input eigvec --epochs 2 --out "$f" --resume --quiet
  checks=$((checks + 1))
  [ "$(cksum <"$f")" = "$sum" ] || fail "train --resume modified the bad model $f"
  expect_absent "$W/pc.csv"
}
model w_shape       "dataset 'params/dense1_w' has shape 64 x 127 \(expected 64 x 128\)"
model no_param      "no dataset 'params/out_b'"
model model_unknown "attribute model is 'transformer' \(expected topo\|sym\|mlp\|cnn\)"
model L_zero        "model: L = 0 \(expected 2..4096\)"
model widths_bad    "attribute widths '64,-3'"
model classes_huge  "attribute cmin = -2000000000 is out of range"
model truncated     "HDF5 cannot open it"
bad "model_kind_dataset.h5: attribute kind is 'dataset' \(expected 'model'" \
  "$BIN" eval --model "$H/model_kind_dataset.h5" --data "$H/good.h5"
bad "model_epochs_done_neg.h5: attribute epochs_done = -1 is out of range" \
  "$BIN" train --data "$H/good.h5" --model mlp --input eigvec --epochs 2 --out "$H/model_epochs_done_neg.h5" --resume --quiet
# a NaN weight in a model file is found when the model is read
bad "model_w_nan.h5: dataset 'params/dense1_w' holds a non-finite value" "$BIN" info "$H/model_w_nan.h5"
bad "model_w_nan.h5: dataset 'params/dense1_w' holds a non-finite value" \
  "$BIN" eval --model "$H/model_w_nan.h5" --data "$H/good.h5" --per-chain "$W/nan_pc.csv"
expect_absent "$W/nan_pc.csv"
bad "model_w_nan.h5: dataset 'params/dense1_w' holds a non-finite value" \
  "$BIN" train --data "$H/good.h5" --model mlp --input eigvec --epochs 2 --out "$H/model_w_nan.h5" --resume --quiet

# ---------------------------------------------------------------- huge / negative sizes in flags
bad "--n: '99999999999999999999' is not an integer" "$BIN" generate --out "$W/g.h5" --n 99999999999999999999
bad "--n: 2000000000 is out of range \(expected 1..1000000000\)" "$BIN" generate --out "$W/g.h5" --n 2000000000
bad "--L: -1 is out of range" "$BIN" generate --out "$W/g.h5" --L -1
bad "--L: '1e9' is not an integer" "$BIN" generate --out "$W/g.h5" --L 1e9
bad "--threads: 99999999 is out of range" "$BIN" generate --out "$W/g.h5" --threads 99999999
bad "--L: 2147483648 is out of range" "$BIN" winding --L 2147483648
bad "--disorder: -1 is out of range" "$BIN" winding --disorder -1
bad "--n: 1000000000 is out of range \(expected 1..2000\)" "$BIN" phase-diagram --n 1000000000 --out "$W/pd"
bad "--L: 99999999 is out of range" "$BIN" phase-diagram --L 99999999 --n 2 --out "$W/pd"
bad "--samples: -4 is out of range" "$BIN" phase-diagram --samples -4 --out "$W/pd"
bad "layer widths '999999999,999999999'" "$BIN" train --data "$H/good.h5" --model mlp --hidden 999999999,999999999 --out "$W/m.h5"
bad "--batch: 99999999999 is out of range" "$BIN" train --data "$H/good.h5" --model mlp --batch 99999999999 --out "$W/m.h5"
bad "--epochs: '1e3' is not an integer" "$BIN" train --data "$H/good.h5" --model mlp --epochs 1e3 --out "$W/m.h5"
bad "--kernel: 0 is out of range" "$BIN" train --data "$H/good.h5" --model cnn --kernel 0 --out "$W/m.h5"
bad "--seeds: -1 is out of range" "$BIN" study trainability --seeds -1 --out "$W/st"
bad "--n-train: 99999999999 is out of range" "$BIN" study trainability --n-train 99999999999 --out "$W/st"
bad "--L: 0 is out of range \(expected 4..4096\)" "$BIN" reproduce --L 0 --out "$W/rp"
bad "--epochs: 999999999999999 is out of range" "$BIN" reproduce --epochs 999999999999999 --out "$W/rp"
expect_absent "$W/g.h5" "$W/pd.csv" "$W/pd.png" "$W/m.h5" "$W/st" "$W/rp"

# ---------------------------------------------------------------- output locations
S="--L 16 --n-train 64 --n-test 64 --epochs 1 --seeds 1 --quiet"
if [ "$(id -u)" != 0 ]; then
  echo "skip: read-only and full-disk cases need root for tmpfs mounts"
else
  RO=$TMP/ro FULL=$TMP/full
  mkdir -p "$RO" "$FULL"
  if mount -t tmpfs -o size=64k,ro tmpfs "$RO" 2>/dev/null; then
    MOUNTS+=("$RO")
    bad "ro/x.h5: cannot create \(Read-only file system\)" "$BIN" generate --out "$RO/x.h5" --n 5 --L 8 --quiet
    bad "ro/pd.csv: cannot create \(Read-only file system\)" "$BIN" phase-diagram --n 3 --L 20 --out "$RO/pd"
    bad "ro/m.h5: cannot create \(Read-only file system\)" "$BIN" train --data "$H/good.h5" --model mlp --epochs 1 --out "$RO/m.h5" --quiet
    bad "ro/pc.csv: cannot create \(Read-only file system\)" "$BIN" eval --model "$H/model.h5" --data "$H/good.h5" --per-chain "$RO/pc.csv"
    bad "ro/st: cannot create directory \(Read-only file system\)" "$BIN" study trainability $S --out "$RO/st"
    bad "ro/rp: cannot create directory \(Read-only file system\)" "$BIN" reproduce $S --out "$RO/rp"
  else
    echo "skip: cannot mount a read-only tmpfs"
  fi
  if mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
    MOUNTS+=("$FULL")
    empty_full() { checks=$((checks + 1)); [ -z "$(ls -A "$FULL")" ] || { fail "full disk: left $(ls -A "$FULL")"; rm -rf "${FULL:?}"/*; }; }
    # phase-diagram: 60 x 60 grid, CSV > 64 KiB
    bad "full/pd.csv: (write failed|no space|No space)" "$BIN" phase-diagram --n 60 --L 8 --out "$FULL/pd"
    empty_full
    # generate and train report the full disk in one line and leave nothing
    bad "x.h5: needs about .* GB, only .* GB free" "$BIN" generate --out "$FULL/x.h5" --n 200 --L 16 --quiet
    empty_full
    # one that passes the size check (compressed small fields) and still fills the disk
    bad "y.h5: .*(disk full|No space|write failed|cannot)" "$BIN" generate --out "$FULL/y.h5" --n 28 --L 8 --quiet
    empty_full
    bad "m.h5: .*(disk full|No space|write failed|cannot)" \
      "$BIN" train --data "$H/good.h5" --model mlp --hidden 256,256 --epochs 1 --out "$FULL/m.h5" --quiet
    empty_full
    no_temporaries
  else
    echo "skip: cannot mount a 64 KiB tmpfs"
  fi
fi

# ---------------------------------------------------------------- environment
# A bad OMP_NUM_THREADS: the OpenMP runtime prints its own warning when it loads (before
# main) and would then use every core; we refuse with our one line, exit 2, no output.
for v in abc 0 -2 "2," "" "1,0" 3x; do
  checks=$((checks + 1))
  env OMP_NUM_THREADS="$v" "$BIN" generate --n 10 --L 8 --out "$W/env.h5" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  ours=$(grep -c "^topolearn generate: OMP_NUM_THREADS='$v' is not a thread count (expected a positive integer" "$TMP/err")
  others=$(grep -v -e '^$' -e '^libgomp: ' -e '^topolearn generate: OMP_NUM_THREADS=' "$TMP/err" | wc -l)
  if [ "$rc" != 2 ] || [ "$ours" != 1 ] || [ "$others" != 0 ] || [ -s "$TMP/out" ]; then
    fail "OMP_NUM_THREADS='$v': exit $rc, stderr: $(cat "$TMP/err")"
  fi
  expect_absent "$W/env.h5"
done
for v in 1 2 "2,1" " 2 "; do
  expect_ok env OMP_NUM_THREADS="$v" "$BIN" winding --L 20 --v 0.5 --w 1 --json
  [ -s "$TMP/err" ] && fail "OMP_NUM_THREADS='$v' (valid) gave stderr: $(cat "$TMP/err")"
done

# ---------------------------------------------------------------- gnuplot missing at run time
NOGP="env TL_GNUPLOT=/nonexistent/gnuplot"
checks=$((checks + 1))
if $NOGP "$BIN" phase-diagram --n 3 --L 20 --out "$W/nogp" >"$TMP/out" 2>"$TMP/err"; then
  [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "gnuplot not found: TL_GNUPLOT='/nonexistent/gnuplot' is not an executable file" "$TMP/err" ||
    fail "phase-diagram without gnuplot: stderr $(cat "$TMP/err")"
  [ -s "$W/nogp.csv" ] || fail "phase-diagram without gnuplot: no CSV"
  expect_absent "$W/nogp.png"
else
  fail "phase-diagram without gnuplot: exit $? ($(cat "$TMP/err"))"
fi
checks=$((checks + 1))
if $NOGP "$BIN" study trainability $S --models topo:exact --out "$W/st" >"$TMP/out" 2>"$TMP/err"; then
  [ "$(grep -c "warning: gnuplot not found" "$TMP/err")" = 1 ] || fail "study without gnuplot: $(cat "$TMP/err")"
  [ -s "$W/st/summary.json" ] && [ -s "$W/st/data/trainability.csv" ] || fail "study without gnuplot: tables/summary missing"
  [ -z "$(find "$W/st" -name '*.png')" ] || fail "study without gnuplot: PNG written"
else
  fail "study without gnuplot: exit $? ($(cat "$TMP/err"))"
fi
checks=$((checks + 1))
if $NOGP "$BIN" reproduce $S --models mlp:eigvec --out "$W/rp" >"$TMP/out" 2>"$TMP/err"; then
  [ "$(grep -c "warning: gnuplot not found" "$TMP/err")" = 1 ] || fail "reproduce without gnuplot: $(cat "$TMP/err")"
  [ -s "$W/rp/report.md" ] && [ -s "$W/rp/summary.json" ] && [ -s "$W/rp/data/phase_diagram.csv" ] \
    || fail "reproduce without gnuplot: report/tables/summary missing"
  [ -z "$(find "$W/rp" -name '*.png')" ] || fail "reproduce without gnuplot: PNG written"
else
  fail "reproduce without gnuplot: exit $? ($(cat "$TMP/err"))"
fi
no_temporaries

finish
