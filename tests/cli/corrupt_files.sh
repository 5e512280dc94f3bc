#!/usr/bin/env bash
# Corrupt bytes in HDF5 files (issue 17): overwrite a window of a valid data set and of
# a valid model with 0xff, 0x00 or random bytes at offsets spread over the whole file,
# then read it with info, train --data and eval. libhdf5 trusts its metadata and can crash
# or loop for ever on such files (a SIGSEGV in H5HG_read, an endless H5HG__protect); the
# probe of src/core/h5_probe.c walks the file in a child first. Every run must end with
# exit 0, or exit 2 and exactly one stderr line; what is printed must be text; no output
# file may be left by a refused run. At least one case of each kind the probe names
# (crash, endless loop) must occur, so the sweep keeps covering them.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
PY=/usr/bin/python3

"$BIN" generate --out "$TMP/good.h5" --n 12 --L 6 --quiet >/dev/null 2>&1 || { fail "setup: generate"; finish; exit 1; }
"$BIN" train --data "$TMP/good.h5" --model mlp --epochs 1 --out "$TMP/model.h5" --quiet >/dev/null 2>&1 ||
  { fail "setup: train"; finish; exit 1; }

# corrupt SRC DST OFFSET KIND: KIND ff | 00 | rand (64 bytes; rand seeded by the offset)
corrupt() {
  "$PY" - "$@" <<'EOF'
import random, sys
src, dst, off, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
b = bytearray(open(src, "rb").read())
random.seed(off)
pat = {"ff": b"\xff" * 64, "00": b"\x00" * 64,
       "rand": bytes(random.getrandbits(8) for _ in range(64))}[kind]
b[off:off + 64] = pat[:max(0, len(b) - off)]
open(dst, "wb").write(b)
EOF
}

crashed=0 looped=0 runs=0
# run_case CMD...: the contract above; counts what the probe reported.
run_case() {
  checks=$((checks + 1)) runs=$((runs + 1))
  rm -f "$TMP/out.h5" "$TMP/pc.csv"
  "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  local rc=$?
  if [ "$rc" = 2 ]; then
    [ "$(wc -l <"$TMP/stderr")" = 1 ] || fail "[$*] exit 2 with $(wc -l <"$TMP/stderr") stderr lines: $(head -c 300 "$TMP/stderr")"
    [ -e "$TMP/out.h5" ] || [ -e "$TMP/pc.csv" ] && fail "[$*] refused but left an output"
    grep -q "the HDF5 library crashed" "$TMP/stderr" && crashed=$((crashed + 1))
    grep -q "did not finish in" "$TMP/stderr" && looped=$((looped + 1))
  elif [ "$rc" != 0 ]; then
    fail "[$*] exit $rc: $(head -c 300 "$TMP/stderr")"
  fi
  if LC_ALL=C grep -q '[^[:print:][:space:]]' "$TMP/stdout" "$TMP/stderr"; then
    fail "[$*] printed bytes that are not text"
  fi
}

# Offsets: every 173rd byte of the data set's metadata-dense head (the first 4 KiB hold the
# root object header, its attributes and the global heap) and every 1021st byte of the
# rest; zero bytes and train --data at a third of them. The model: its head, every 211th.
size=$(stat -c %s "$TMP/good.h5")
i=0
for off in $(seq 0 173 4096) $(seq 4096 1021 "$size"); do
  for kind in ff rand; do
    corrupt "$TMP/good.h5" "$TMP/bad.h5" "$off" "$kind"
    run_case "$BIN" info "$TMP/bad.h5"
  done
  i=$((i + 1))
  [ $((i % 3)) = 0 ] || continue
  corrupt "$TMP/good.h5" "$TMP/bad.h5" "$off" 00
  run_case "$BIN" info "$TMP/bad.h5"
  corrupt "$TMP/good.h5" "$TMP/bad.h5" "$off" ff
  run_case "$BIN" train --data "$TMP/bad.h5" --model mlp --epochs 1 --out "$TMP/out.h5" --quiet
done
for off in $(seq 0 211 4096); do
  corrupt "$TMP/model.h5" "$TMP/badm.h5" "$off" ff
  run_case "$BIN" eval --model "$TMP/badm.h5" --data "$TMP/good.h5" --per-chain "$TMP/pc.csv"
done

# The two hazards the probe exists for, at offsets known to hit them in this layout
# (the global heap of the root's variable-length string attributes).
checks=$((checks + 1))
[ "$crashed" -ge 1 ] || fail "no case crashed libhdf5: the sweep no longer reaches the global heap"
checks=$((checks + 1))
[ "$looped" -ge 1 ] || fail "no case looped in libhdf5: the sweep no longer reaches the global heap"
echo "runs $runs: $crashed refused after a crash in the probe, $looped after an endless loop"
finish
