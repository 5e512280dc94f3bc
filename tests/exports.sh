#!/usr/bin/env bash
# libtopolearn.so exports exactly the functions that include/topolearn declares (issue 14).
# The declared set is read here independently of the build's version script
# (cmake/exports.cmake preprocesses the headers; this test asks gcc's -aux-info for every
# prototype the headers declare), and the exported set from the library's dynamic symbols.
# Fails on any exported symbol that no header declares, and on any declared function that
# the library does not export (a public function lost from the build).
set -u
LIB=$1 SRC=$2 CC=${3:-gcc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! "$CC" -aux-info "$TMP/probe" -fsyntax-only -x c /dev/null 2>/dev/null; then
  echo "skip: $CC has no -aux-info (gcc has)"; exit 0
fi
{ echo '#include "topolearn.h"'
  for h in "$SRC"/include/topolearn/*.h; do echo "#include \"topolearn/$(basename "$h")\""; done
} >"$TMP/all.c"
"$CC" -std=c11 -D_XOPEN_SOURCE=700 -I"$SRC/include" -fsyntax-only -aux-info "$TMP/aux" "$TMP/all.c" ||
  { echo "FAIL: the public headers do not compile on their own"; exit 1; }
# aux-info lines: /* FILE:LINE:XX */ PROTOTYPE; keep ours, skip static inline helpers
grep "include/topolearn" "$TMP/aux" | grep -v "static" | grep -o "tl_[A-Za-z0-9_]* (" | sed 's/ ($//' |
  sort -u >"$TMP/declared"
nm -D --defined-only "$LIB" | awk '$2 ~ /[TDBRW]/ {print $3}' | grep -v -e '^_' -e '^$' | sort -u >"$TMP/exported"
fail=0
extra=$(comm -23 "$TMP/exported" "$TMP/declared")
missing=$(comm -13 "$TMP/exported" "$TMP/declared")
[ -z "$extra" ] || { echo "FAIL: exported but declared in no public header: $(echo $extra)"; fail=1; }
[ -z "$missing" ] || { echo "FAIL: declared in include/topolearn but not exported: $(echo $missing)"; fail=1; }
echo "$(wc -l <"$TMP/exported") exported symbols, $(wc -l <"$TMP/declared") declared"
exit $fail
