#!/usr/bin/env bash
# topolearn generate: every bad input exits 2 with exactly one line on stderr naming the
# problem, and leaves no file (neither the output nor a temporary) behind.
set -u
BIN=${TL_BIN:?TL_BIN=path to topolearn}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# expect NAME NEEDLE CMD...: status 2, one stderr line containing NEEDLE, nothing new in $T
expect() {
  local name=$1 needle=$2
  shift 2
  local before after
  before=$(ls -A "$T" | sort)
  "$@" >"$T.out" 2>"$T.err"
  local rc=$?
  after=$(ls -A "$T" | sort)
  local lines
  lines=$(wc -l <"$T.err")
  if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -qF -- "$needle" "$T.err" || [ "$before" != "$after" ]; then
    echo "FAIL $name: rc=$rc, $lines stderr lines (want 2, 1, containing '$needle'), files before/after: [$before] [$after]"
    cat "$T.err"
    fails=$((fails + 1))
  else
    echo "ok   $name: $(cat "$T.err")"
  fi
  rm -f "$T.out" "$T.err"
}

expect "unwritable path" "/nonexistent-dir/out.h5: cannot create" \
  "$BIN" generate --out /nonexistent-dir/out.h5 --n 5 --quiet
"$BIN" generate --out "$T/exists.h5" --n 5 --L 8 --quiet >/dev/null || { echo "FAIL setup"; exit 1; }
expect "existing output" "exists (use --force to overwrite)" \
  "$BIN" generate --out "$T/exists.h5" --n 5 --L 8 --quiet
expect "--n 0" "--n: 0 is out of range" "$BIN" generate --out "$T/x.h5" --n 0
expect "--n not a number" "--n: 'ten' is not an integer" "$BIN" generate --out "$T/x.h5" --n ten
expect "larger than the free disk" "x.h5: needs about" "$BIN" generate --out "$T/x.h5" --n 1000000000 --L 1000000
expect "no --out" "--out FILE.h5 is required" "$BIN" generate --n 5
expect "impossible --balanced" "winding 0 cannot be reached" \
  "$BIN" generate --out "$T/x.h5" --n 10 --L 8 --balanced --v-range 0:0.5 --w-range 1:2 --quiet
expect "bad range" "--v-range: '2:1' has a > b" "$BIN" generate --out "$T/x.h5" --v-range 2:1
expect "mixed families" "both given" "$BIN" generate --out "$T/x.h5" --hop 0:1,1:1 --v-range 0:1
expect "unknown flag" "unknown option '--bogus'" "$BIN" generate --out "$T/x.h5" --bogus
expect "bad --threads" "--threads: 0 is out of range" "$BIN" generate --out "$T/x.h5" --threads 0
expect "bad --compress" "--compress: 12 is out of range" "$BIN" generate --out "$T/x.h5" --compress 12
expect "output is a directory" "is a directory" "$BIN" generate --out "$T" --n 5 --quiet

# --force replaces an existing file
"$BIN" generate --out "$T/exists.h5" --n 7 --L 8 --force --quiet >/dev/null || { echo "FAIL --force"; fails=$((fails + 1)); }
"$BIN" info "$T/exists.h5" | grep -q "^chains       7" || { echo "FAIL --force did not replace"; fails=$((fails + 1)); }

[ "$fails" = 0 ] && echo "generate_bad_input: all passed"
exit $((fails > 0))
