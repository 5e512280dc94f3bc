#!/usr/bin/env bash
# The layer rule (docs/architecture.md): the source tree passes scripts/check_layers.sh,
# and the script does fail on a tree that breaks the rule (a lower layer, or a kind file
# in a subfolder, including a higher layer's header; a public header of no layer).
set -u
SRC=${1:?usage: layers.sh SRC}
check=$SRC/scripts/check_layers.sh
bash "$check" "$SRC" || { echo "FAIL: the source tree breaks the layer rule (above)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect_refused() { # what-it-is: the tree in $tmp must fail with a line naming $2
  local out
  if out=$(bash "$check" "$tmp" 2>&1); then echo "FAIL: $1 passed"; exit 1; fi
  grep -q "$2" <<<"$out" || { echo "FAIL: $1: no line naming $2 in: $out"; exit 1; }
}
mkdir -p "$tmp/include/topolearn" "$tmp/src/core" "$tmp/src/models/kinds"
printf '#include "topolearn/error.h"\n' >"$tmp/include/topolearn/error.h"
printf '#include "study/study_internal.h"\n' >"$tmp/src/core/x.c"
expect_refused "core including study" "src/core/x.c (core) includes \"study/study_internal.h\""
rm "$tmp/src/core/x.c"
printf '#include "topolearn/study.h"\n' >"$tmp/src/models/kinds/k.c"
printf '\n' >"$tmp/include/topolearn/study.h"
expect_refused "a kind file including study.h" "src/models/kinds/k.c (models) includes"
rm "$tmp/src/models/kinds/k.c"
printf '\n' >"$tmp/include/topolearn/nolayer.h"
expect_refused "a public header of no layer" "nolayer.h: public header not assigned"
echo "layers: the tree keeps the rule, and the check fails on 3 trees that break it"
