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
"$BIN" generate --out "$H/good_onsite.h5" --n 40 --L 8 --onsite 0.5 --disorder 0.5 --quiet >/dev/null 2>&1 &&
  "$BIN" generate --out "$H/good_balanced.h5" --n 40 --L 8 --balanced --quiet >/dev/null 2>&1 ||
  { fail "setup: generate (on-site, balanced)"; finish; exit 1; }
"$PY" "$CORPUS/make_h5_cases.py" "$H" || { fail "setup: make_h5_cases.py (h5py)"; finish; exit 1; }

# Data-set cases read by info, train --data, train --test, eval --data: all four must give
# the same one-line error. Outputs that must not appear: $W/m.h5, $W/pc.csv.
# (timeout: a case that makes a reader loop must fail, not hang the suite; exit 124)
data() { # data NAME PATTERN
  local f=$H/$1.h5 p="$1.h5: $2" T="timeout 120"
  bad "$p" $T "$BIN" info "$f"
  bad "$p" $T "$BIN" train --data "$f" --model mlp --input eigvec --epochs 1 --out "$W/m.h5" --quiet
  bad "$p" $T "$BIN" train --data "$H/good.h5" --test "$f" --model mlp --input eigvec --epochs 1 \
    --out "$W/m.h5" --metrics "$W/met.csv" --quiet
  bad "$p" $T "$BIN" eval --model "$H/model.h5" --data "$f" --per-chain "$W/pc.csv"
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
# corrupt but finite values: one case per value rule (docs/FORMAT.md "Validation")
data hop_bound      "dataset 'hoppings', chain 2, cell 3, range 0 is 5 \(expected 0..2: hop_lo..hop_hi -\+ disorder/2\)"
data hop_open_bond  "dataset 'hoppings', chain 1, cell 7, range 1 is 0.5 \(expected 0: the bond leaves the open chain\)"
data hop_range_attr "attributes of range 0: hop_lo = 0, hop_hi = -1, disorder = 0 \(expected finite hop_lo <= hop_hi"
data disorder_attr  "attributes of range 0: hop_lo = 0, hop_hi = 2, disorder = -1 \(expected finite"
data energies_order "dataset 'energies', chain 0: entry 0 = .* exceeds entry 1 = .* \(expected ascending\)"
data energies_pair  "dataset 'energies', chain 0: entries 0 and 15 are .* \(expected E and -E: the spectrum of a chiral chain"
data energies_huge  "dataset 'energies', chain 0, entry 0 is -1e\+300 \(expected \|E\| <= 2.95.*, the bound of the chain's hoppings\)"
data eigvec_huge    "dataset 'eigvecs', chain 3, state 2 has norm\^2 inf \(expected 1 within 1e-09: states are normalised\)"
data eigvec_scaled  "dataset 'eigvecs', chain 3, state 2 has norm\^2 1.00200.* \(expected 1 within 1e-09"
data qab_row        "dataset 'qab', chain 4, row 1 has norm\^2 2.37.* \(expected 1 within 1e-09: Q_AB is orthogonal\)"
data marker_huge    "dataset 'local_marker', chain 0, cell 3 is 1e\+300 \(expected \|w_loc\| <= L = 8\)"
data marker_off     "dataset 'local_marker', chain 0, cell 0 is .* but Q_AB gives .* \(expected equal within 8e-09\)"
data W_marker       "chain [0-9]+ has W = 1.0099.* but its bulk marker averages 0.99999.* \(expected equal within"
data kspace_range   "dataset 'W_kspace', chain 0 is 7 \(expected NaN or an integer in r_min..r_max = 0..1\)"
data kspace_fraction "dataset 'W_kspace', chain 0 is 0.5 \(expected NaN or an integer"
data kspace_disordered "dataset 'W_kspace', chain [0-9]+ is 0 \(expected NaN: its hoppings of range 0 differ between cells\)"
data candidate      "dataset 'candidate', chain 5 is 6 \(expected 5: without balancing chain i is candidate i\)"
data onsite_bound   "dataset 'onsite', chain 1, site 2 is 0.29.* \(expected \|eps\| <= onsite_disorder/2 = 0.25\)"
data onsite_kspace  "dataset 'W_kspace', chain 0 is 1 \(expected NaN: the chain has on-site terms\)"
data onsite_qab_row "dataset 'qab', chain 2, row 0 has norm\^2 .* \(expected at most 1 within 1e-09: Q_AB is a block of sign\(H\)\)"
data candidate_order "dataset 'candidate', chain 3 is 2 \(expected above 2, the one before, and >= 3"
# claims the file cannot back: refused from the chunk index and the layout, at once
data claim_chunked  "dataset 'hoppings' stores 1 of the 25000000 chunks that its 1000000000 chains fill \(expected every chain written\)"
data claim_contiguous "dataset 'hoppings' stores 0 bytes, its 1000000000 chains fill 128000000000 \(expected every chain written\)"
data external       "dataset 'W_kspace' keeps its values outside the file \(external storage; expected them in the file\)"
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
bad "--index: 99999999999999999999 is out of range \(expected 0..2147483647\)" "$BIN" winding --hoppings "$H/good.h5" --index 99999999999999999999

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
model optim_step_neg "attribute optim_step = -1 is out of range \(expected 0..2\^53: the optimiser steps taken\)"
model v_negative    "dataset 'optim/v/dense1_w' holds -1 at entry 0 \(expected >= 0: second moments"
model frozen_two    "attribute frozen of 'params/dense1_w' = 2 \(expected 0 or 1\)"
model init_sigma_nan "attribute init_sigma = nan \(expected a finite number >= 0\)"
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
bad "--n: 99999999999999999999 is out of range \(expected 1..1000000000\)" "$BIN" generate --out "$W/g.h5" --n 99999999999999999999
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
bad "--L: 0 is out of range \(expected 1..10000000\)" "$BIN" reproduce --L 0 --out "$W/rp"
bad "--L: 2 is out of range for a study \(expected 4..4096\)" "$BIN" reproduce --L 2 --out "$W/rp"
bad "--L: 5000 is out of range for a study \(expected 4..4096\)" "$BIN" study size --L=5000 --out "$W/st"
bad "--epochs: 999999999999999 is out of range" "$BIN" reproduce --epochs 999999999999999 --out "$W/rp"
expect_absent "$W/g.h5" "$W/pd.csv" "$W/pd.png" "$W/m.h5" "$W/st" "$W/rp"

# ---------------------------------------------------------------- numbers and lists (issue 17)
# Each accepted before one parser per type: a value cut at 63 characters, sscanf's partial
# parse and int wrap-around, a list cut at 511 characters, a float range cast to ints,
# empty list fields skipped, a model spec cut at 48 characters, a second input or init
# in a spec silently winning, a relative noise that overflows float32 (exit 1).
Z70=$(printf '0%.0s' $(seq 1 70))
Z600=$(printf '0%.0s' $(seq 1 600))
bad "--v-range: ${Z70}9999999 is out of range \(expected -1e\+06..1e\+06\)" \
  "$BIN" phase-diagram --v-range "${Z70}9999999:2" --n 2 --L 8 --out "$W/pd"
bad "--v-range: ${Z70}9999999 is out of range" "$BIN" generate --out "$W/g.h5" --v-range "${Z70}9999999:2"
bad "--hop-range: ${Z70}9999999 is out of range" "$BIN" generate --out "$W/g.h5" --hop-range "2:${Z70}9999999:1"
bad "--schedule step:K:GAMMA: '0.5junk' is not a number \(expected 0..1\)" \
  "$BIN" train --data "$H/good.h5" --model mlp --schedule step:5:0.5junk --out "$W/m.h5"
bad "--schedule step:K: 99999999999 is out of range \(expected 1..1000000\)" \
  "$BIN" train --data "$H/good.h5" --model mlp --schedule step:99999999999:0.5 --out "$W/m.h5"
bad "--schedule: 'step:5' is unknown" "$BIN" train --data "$H/good.h5" --model mlp --schedule=step:5 --out "$W/m.h5"
bad "--sweep: '0.5${Z600:0:300}" "$BIN" study disorder --sweep "0,1,0.5${Z600}9junk" --out "$W/st"
bad "--sweep: value 2 of '0,,1' is empty" "$BIN" study disorder --sweep 0,,1 --out "$W/st"
bad "--train-ranges: '0.5' is not an integer \(expected -3..3\)" "$BIN" study trainability --train-ranges 0.5:1.7 --out "$W/st"
bad "--train-ranges: -1:0 does not hold 0 and 1" "$BIN" study trainability --train-ranges=-1:0 --out "$W/st"
bad "--hop: '' is not r:value" "$BIN" winding --hop 0:1,,1:2
bad "--disorder: '' is not r:value" "$BIN" winding --hop 0:1,1:1 --disorder 0:1,
bad "--hop: '1junk' is not a number" "$BIN" winding --hop 0:1,1:1junk
bad "noise '0.1000000000000000000000000000000000junk' \(expected a number in \(0, 1e\+06\]\)" \
  "$BIN" study trainability --models "topo:exact+noise:0.1000000000000000000000000000000000junk" --out "$W/st"
bad "--input : unknown" "$BIN" study trainability --models "mlp::eigvec" --out "$W/st"
bad "model spec 'mlp:eigvec:hopping': 'hopping' is a second input" \
  "$BIN" study trainability --models mlp:eigvec:hopping --out "$W/st"
bad "--models: model 2 of 'topo:exact,,mlp:eigvec' is empty" "$BIN" study trainability --models topo:exact,,mlp:eigvec --out "$W/st"
bad "--init exact\+noise:1e300: noise '1e300' \(expected a number in \(0, 1e\+06\]\)" \
  "$BIN" train --data "$H/good.h5" --model topo --init exact+noise:1e300 --out "$W/m.h5"
bad "layer widths ' 64'" "$BIN" train --data "$H/good.h5" --model mlp --hidden " 64" --out "$W/m.h5"
bad "--freeze: '' is not a tensor name" "$BIN" train --data "$H/good.h5" --model topo --freeze lambda,,K --out "$W/m.h5"
bad "--quiet takes no value \(given '--quiet=1'\)" "$BIN" generate --out "$W/g.h5" --quiet=1
bad "unknown option '--bogus' \(see topolearn winding --help\)" "$BIN" winding --bogus=3
# the same bound for a flag in every command (the table test reads them; here the words)
for c in "train --data $H/good.h5 --model mlp --out $W/m.h5" "study trainability --out $W/st" \
         "reproduce --out $W/rp"; do
  bad "--lr: 1001 is out of range \(expected 1e-12..1000\)" "$BIN" $c --lr=1001
  bad "--batch: 65537 is out of range \(expected 1..65536\)" "$BIN" $c --batch 65537
  bad "--threads: 1025 is out of range \(expected 1..1024\)" "$BIN" $c --threads=1025
  bad "--epochs: 1000001 is out of range \(expected 1..1000000\)" "$BIN" $c --epochs 1000001
done
bad "--threads: 1025 is out of range \(expected 1..1024\)" "$BIN" generate --out "$W/g.h5" --threads 1025
bad "--threads: 1025 is out of range \(expected 1..1024\)" "$BIN" phase-diagram --out "$W/pd" --threads 1025
# hoppings CSV: one number parser (hexadecimal is no number; a long field is read whole)
printf 't_0,t_1\n0x1p1,1\n1,1\n' >"$W/hex.csv"
bad "hex.csv:2: column 1 '0x1p1' is not a number" "$BIN" winding --hoppings "$W/hex.csv"
{ echo "t_0,t_1"; for i in 1 2 3 4 5 6 7 8; do echo "0.5${Z600:0:200}1,1.0"; done; } >"$W/long.csv"
expect_ok "$BIN" winding --hoppings "$W/long.csv" --json
[ "$(json_get "$TMP/out" "j['L'] == 8 and j['label'] == 1")" = True ] || fail "long fields: $(cat "$TMP/out")"
expect_absent "$W/m.h5" "$W/g.h5" "$W/pd.csv" "$W/st" "$W/rp"

# Messages that echo what was typed stay one line: control bytes are escaped.
bad "unknown command 'gen\\\\nerate'" "$BIN" $'gen\nerate'
bad "a\\\\nb.h5: " "$BIN" info $'a\nb.h5'
bad "unknown option '--L\\\\x1b\[2J'" "$BIN" winding $'--L\e[2J'
# No command, or a study without its name: one line and a pointer to --help, exit 2.
bad "^topolearn: a command is required \(expected one of: winding, .*; see topolearn --help\)$" "$BIN"
bad "^topolearn study: NAME is required \(trainability, disorder, size, unseen or prune; see topolearn study --help\)$" "$BIN" study
bad "^topolearn info: FILE is required" "$BIN" info
bad "unknown command 'bogus'" "$BIN" help bogus

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
# A bad OMP_NUM_THREADS: the OpenMP runtime would print its own warning when it loads
# (before main) and then use every core. The executable checks the variable first (an
# ELF .preinit_array entry): exactly our one line, exit 2, no output.
for v in abc 0 -2 "2," "" "1,0" 3x 5000 99999999999 "2,2000"; do
  checks=$((checks + 1))
  env OMP_NUM_THREADS="$v" "$BIN" generate --n 10 --L 8 --out "$W/env.h5" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ "$rc" != 2 ] || [ "$(wc -l <"$TMP/err")" != 1 ] || [ -s "$TMP/out" ] ||
     ! grep -q "^topolearn generate: OMP_NUM_THREADS='$v' is not a thread count (expected a positive integer up to 1024" "$TMP/err"; then
    fail "OMP_NUM_THREADS='$v': exit $rc, stderr: $(cat "$TMP/err")"
  fi
  expect_absent "$W/env.h5"
done
# --help still works with it (the value is reported only when a command runs)
env OMP_NUM_THREADS=abc "$BIN" --help >"$TMP/out" 2>"$TMP/err"
checks=$((checks + 1))
[ $? = 0 ] && [ ! -s "$TMP/err" ] || fail "--help with a bad OMP_NUM_THREADS: $(cat "$TMP/err")"
for v in 1 2 "2,1" " 2 " 1024; do
  expect_ok env OMP_NUM_THREADS="$v" "$BIN" winding --L 20 --v 0.5 --w 1 --json
  [ -s "$TMP/err" ] && fail "OMP_NUM_THREADS='$v' (valid) gave stderr: $(cat "$TMP/err")"
done
# The launcher's rank variables: atoi read OMPI_COMM_WORLD_RANK=1junk as rank 1, and the
# command exited 0 at once, doing nothing.
bad "OMPI_COMM_WORLD_RANK='1junk' is not a rank of 2" env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1junk "$BIN" winding --L 10
bad "OMPI_COMM_WORLD_SIZE='2x' is not a number of ranks" env OMPI_COMM_WORLD_SIZE=2x "$BIN" winding --L 10
bad "PMI_RANK='5' is not a rank of 2" env PMI_SIZE=2 PMI_RANK=5 "$BIN" winding --L 10
# Threads that cannot be created: refused in one line before any output exists (libgomp
# printed "Thread creation failed" and left a temporary; 10^6 threads segfaulted).
if ldd "$BIN" 2>/dev/null | grep -q libasan; then
  echo "skip: ulimit -v cases (AddressSanitizer reserves terabytes of shadow memory)"
else
  checks=$((checks + 1))
  (ulimit -v 4000000; "$BIN" generate --threads 1024 --out "$W/thr.h5" --n 50 --L 8 >"$TMP/out" 2>"$TMP/err"); rc=$?
  if [ $rc != 2 ] || [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -q "^topolearn generate: --threads: 1024 threads cannot be created here" "$TMP/err"; then
    fail "generate --threads 1024 under ulimit -v: exit $rc, stderr $(cat "$TMP/err")"
  fi
  checks=$((checks + 1))
  (ulimit -v 4000000; env OMP_NUM_THREADS=1024 "$BIN" train --data "$H/good.h5" --model mlp --out "$W/m.h5" >"$TMP/out" 2>"$TMP/err"); rc=$?
  if [ $rc != 2 ] || [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -q "^topolearn train: OMP_NUM_THREADS='1024': 1024 threads cannot be created here" "$TMP/err"; then
    fail "train with OMP_NUM_THREADS=1024 under ulimit -v: exit $rc, stderr $(cat "$TMP/err")"
  fi
fi
expect_absent "$W/thr.h5" "$W/m.h5"
no_temporaries

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
