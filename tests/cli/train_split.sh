# train's summary says how the chains were split, and the numbers add up: training +
# validation + ambiguous (left out) = the chains in the file, with the ambiguous count
# read by `topolearn info` and validation = floor(val_fraction x usable chains).
. "$(dirname "$0")/lib/assert.sh"
expect_ok "$TL_BIN" generate --quiet --out "$TMP/d.h5" --n 400 --L 16 --seed 1
expect_ok "$TL_BIN" info "$TMP/d.h5"
amb=$(sed -n 's/^ambiguous *\([0-9]*\) of 400$/\1/p' "$TMP/out")
checks=$((checks + 1))
[ -n "$amb" ] && [ "$amb" -gt 0 ] || fail "info gives no ambiguous chains to leave out: $(cat "$TMP/out")"

# split_is FLAGS... -- TRAIN VAL AMB: the line train prints with those flags.
split_is() {
  local flags=() want
  while [ "$1" != -- ]; do flags+=("$1"); shift; done; shift
  want="split: 400 chains = $1 training + $2 validation + $3 ambiguous (left out)"
  expect_ok "$TL_BIN" train --data "$TMP/d.h5" --model mlp --hidden 4 --epochs 1 --quiet \
    --out "$TMP/m.h5" --force "${flags[@]}"
  checks=$((checks + 1))
  grep -qxF "$want" "$TMP/out" || fail "[${flags[*]}] expected '$want', got: $(grep split "$TMP/out")"
  [ $(($1 + $2 + $3)) = 400 ] || fail "test arithmetic: $1 + $2 + $3"
}
usable=$((400 - amb))
split_is -- $((usable - usable / 10)) $((usable / 10)) "$amb"                      # default 0.1
split_is --val-fraction 0.25 -- $((usable - usable / 4)) $((usable / 4)) "$amb"
split_is --val-fraction 0 -- "$usable" 0 "$amb"
split_is --keep-ambiguous --val-fraction 0.5 -- 200 200 0
finish
