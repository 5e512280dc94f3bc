#!/usr/bin/env bash
# Layers may include only their own and lower layers' headers (docs/architecture.md).
# Order, low to high: core physics data nn models report study cli. A header's layer is
# its folder under src/, or for a public header (include/topolearn/NAME.h) the row below.
# Exit 1 listing every include of a higher layer, and every public header not in the table.
set -u
SRC=${1:-$(dirname "$0")/..}
cd "$SRC" || exit 2
layers=(core physics data nn models report study cli)
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
# public header -> layer (where its functions are implemented)
public_layer() {
  case "$1" in
    error.h|parse.h|rng.h|outfile.h|ranks.h) echo core ;;
    chain.h|invariant.h|window.h|arrays.h|baseline.h|phase.h|family.h|lyapunov.h) echo physics ;;
    hopfile.h|dataset.h|samples.h) echo data ;;
    nn.h) echo nn ;;
    model.h|train.h) echo models ;;
    json.h|report.h) echo report ;;
    study.h) echo study ;;
    *) echo "" ;;
  esac
}
header_layer() { # "topolearn/x.h" | "core/x.h" | "topolearn.h"
  case "$1" in
    topolearn.h) echo cli ;;
    topolearn/*) public_layer "${1#topolearn/}" ;;
    */*) echo "${1%%/*}" ;;
    *) echo "" ;;
  esac
}
bad=0
check_file() { # FILE LAYER
  local f=$1 own=$2 inc l
  while read -r inc; do
    l=$(header_layer "$inc")
    if [ -z "$l" ]; then
      echo "$f: includes \"$inc\", whose layer is unknown (add it to scripts/check_layers.sh)"; bad=1
    elif [ "$(rank "$l")" -gt "$(rank "$own")" ]; then
      echo "$f ($own) includes \"$inc\" ($l, a higher layer)"; bad=1
    fi
  done < <(grep -ho '^#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' | grep -v '\.inc\.h$')
}
for h in include/topolearn/*.h; do
  l=$(public_layer "$(basename "$h")")
  if [ -z "$l" ]; then echo "$h: public header not assigned to a layer in scripts/check_layers.sh"; bad=1; continue; fi
  check_file "$h" "$l"
done
for l in "${layers[@]}"; do # a layer's subfolders (src/models/kinds) belong to it
  while read -r f; do check_file "$f" "$l"; done < <(find src/"$l" -name '*.[ch]' | sort)
done
[ $bad = 0 ] && echo "layers: every include goes to the same or a lower layer"
exit $bad
