#!/usr/bin/env bash
# topolearn generate: every bad input exits 2 with exactly one line on stderr naming the
# problem, and leaves no file (neither the output nor a temporary) behind.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
T=$TMP/w # outputs only: the assertions keep their own files in $TMP
mkdir "$T"

expect_refused_in "$T" "/nonexistent-dir/out.h5: cannot create" \
  "$BIN" generate --out /nonexistent-dir/out.h5 --n 5 --quiet
"$BIN" generate --out "$T/exists.h5" --n 5 --L 8 --quiet >/dev/null || { echo "FAIL setup"; exit 1; }
expect_refused_in "$T" "exists (use --force to overwrite)" \
  "$BIN" generate --out "$T/exists.h5" --n 5 --L 8 --quiet
expect_refused_in "$T" "--n: 0 is out of range" "$BIN" generate --out "$T/x.h5" --n 0
expect_refused_in "$T" "--n: 'ten' is not an integer" "$BIN" generate --out "$T/x.h5" --n ten
expect_refused_in "$T" "x.h5: needs about" "$BIN" generate --out "$T/x.h5" --n 1000000000 --L 1000000
expect_refused_in "$T" "--out FILE.h5 is required" "$BIN" generate --n 5
expect_refused_in "$T" "winding 0 cannot be reached" \
  "$BIN" generate --out "$T/x.h5" --n 10 --L 8 --balanced --v-range 0:0.5 --w-range 1:2 --quiet
expect_refused_in "$T" "--v-range: '2:1' has a > b" "$BIN" generate --out "$T/x.h5" --v-range 2:1
expect_refused_in "$T" "both given" "$BIN" generate --out "$T/x.h5" --hop 0:1,1:1 --v-range 0:1
expect_refused_in "$T" "unknown option '--bogus'" "$BIN" generate --out "$T/x.h5" --bogus
expect_refused_in "$T" "--threads: 0 is out of range" "$BIN" generate --out "$T/x.h5" --threads 0
expect_refused_in "$T" "--compress: 12 is out of range" "$BIN" generate --out "$T/x.h5" --compress 12
expect_refused_in "$T" "is a directory" "$BIN" generate --out "$T" --n 5 --quiet

# --force replaces an existing file
checks=$((checks + 1))
"$BIN" generate --out "$T/exists.h5" --n 7 --L 8 --force --quiet >/dev/null || fail "--force"
"$BIN" info "$T/exists.h5" | grep -q "^chains       7" || fail "--force did not replace"
finish
