#!/usr/bin/env bash
# Outputs lost or clobbered (issue 17). Every case here exited 0 or wrote before:
# - the same output twice, or an output that is an input (also through a symlink, a hard
#   link or a symlinked directory): refused in one line, nothing written;
# - character devices and FIFOs are written in place (never replaced by a regular file);
#   outputs written by name through another library (HDF5) must be regular files;
# - train --test with a set the model cannot read: refused before any training;
# - a file that appears under the output name while a run works (another run of the
#   same command) is never replaced without --force: exit 2, the other file kept;
# - temporaries left by ended runs are removed on the next run and named; others named.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
D=$TMP/d
mkdir "$D"
"$BIN" generate --out "$D/g.h5" --n 40 --L 6 --quiet >/dev/null 2>&1 &&
  "$BIN" generate --out "$D/g8.h5" --n 40 --L 8 --quiet >/dev/null 2>&1 &&
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/m.h5" --quiet >/dev/null 2>&1 ||
  { fail "setup"; finish; exit 1; }

# ---- the same output twice, an output that is an input
expect_refused_in "$D" "--metrics $D/x.h5: is the same file as --out $D/x.h5 (expected two different outputs" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/x.h5" --metrics "$D/x.h5"
expect_refused_in "$D" "--vectors $D/p.csv: is the same file as --out $D/p.csv" \
  "$BIN" prune --model "$D/m.h5" --data "$D/g.h5" --out "$D/p.csv" --vectors "$D/p.csv"
mkdir "$D/sub" && ln -s sub "$D/sublink"
expect_refused_in "$D" "--vectors $D/sublink/p.csv: is the same file as --out $D/sub/p.csv" \
  "$BIN" prune --model "$D/m.h5" --data "$D/g.h5" --out "$D/sub/p.csv" --vectors "$D/sublink/p.csv"
cp "$D/m.h5" "$D/m2.h5" && ln -s m2.h5 "$D/m2link.h5"
expect_refused_in "$D" "--metrics $D/m2link.h5: is the same file as --out $D/m2.h5" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/m2.h5" --metrics "$D/m2link.h5" --force
expect_refused_in "$D" "--per-chain $D/g.h5: is the input --data $D/g.h5 (expected an output that is not read" \
  "$BIN" eval --model "$D/m.h5" --data "$D/g.h5" --per-chain "$D/g.h5" --force
ln "$D/g.h5" "$D/hard.h5"
expect_refused_in "$D" "--per-chain $D/hard.h5: is the input --data $D/g.h5" \
  "$BIN" eval --model "$D/m.h5" --data "$D/g.h5" --per-chain "$D/hard.h5" --force
expect_refused_in "$D" "--out $D/g.h5: is the input --data $D/g.h5" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/g.h5" --force
expect_refused_in "$D" "--metrics $D/g.h5: is the input --data $D/g.h5" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/y.h5" --metrics "$D/g.h5" --force
expect_refused_in "$D" "--out $D/m.h5: is the input --model $D/m.h5" \
  "$BIN" prune --model "$D/m.h5" --data "$D/g.h5" --out "$D/m.h5" --force
expect_refused_in "$D" "--vectors $D/g.h5: is the input --data $D/g.h5" \
  "$BIN" prune --model "$D/m.h5" --data "$D/g8.h5" --data "$D/g.h5" --vectors "$D/g.h5" --force
cmp -s "$D/m.h5" "$D/m2.h5" || fail "a refused run changed an input"
rm "$D/hard.h5" "$D/m2link.h5" "$D/m2.h5" && rm -r "$D/sub" "$D/sublink"
# /dev/null twice is harmless: both written in place
expect_ok "$BIN" prune --model "$D/m.h5" --data "$D/g.h5" --out /dev/null --vectors /dev/null

# ---- non-regular outputs: a character device and a FIFO are written in place
expect_ok "$BIN" eval --model "$D/m.h5" --data "$D/g.h5" --per-chain "$D/pc.csv"
if [ "$(id -u)" = 0 ] && mknod "$D/null" c 1 3 2>/dev/null; then
  expect_ok "$BIN" eval --model "$D/m.h5" --data "$D/g.h5" --per-chain "$D/null" --force
  checks=$((checks + 1))
  [ -c "$D/null" ] || fail "eval --per-chain DEV --force replaced the character device"
  rm -f "$D/null"
else
  echo "skip: mknod needs root (the device case)"
fi
mkfifo "$D/fifo"
timeout 30 cat "$D/fifo" >"$TMP/from_fifo" & # (a run that replaced the FIFO never opens it)
reader=$!
expect_ok "$BIN" eval --model "$D/m.h5" --data "$D/g.h5" --per-chain "$D/fifo"
wait "$reader"
checks=$((checks + 1))
[ -p "$D/fifo" ] || fail "the FIFO was replaced"
cmp -s "$TMP/from_fifo" "$D/pc.csv" || fail "the FIFO did not receive the per-chain CSV"
expect_refused_in "$D" "$D/fifo: is a FIFO (expected a regular file: this output is written whole" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 1 --out "$D/fifo" --force
rm "$D/fifo" "$D/pc.csv"

# ---- train --test with a set of another L: refused before training, nothing written
expect_refused_in "$D" "data: L = 8, ranges 0..1, but the model was built for L = 6" \
  "$BIN" train --data "$D/g.h5" --model mlp --epochs 3 --out "$D/t.h5" --metrics "$D/t.csv" --test "$D/g8.h5"

# ---- a file appears under the output name while the run works: never replaced
# (blocks of L = 400 chains, about 2 s: the file is made once the temporary exists)
G="--n 120 --L 400 --no-qab --float32 --threads 1 --quiet"
# shellcheck disable=SC2086
"$BIN" generate --out "$D/cc.h5" $G >"$TMP/gen.out" 2>"$TMP/gen.err" &
pid=$!
for _ in $(seq 200); do compgen -G "$D/cc.h5.tmp-*" >/dev/null && break; sleep 0.05; done
echo "the other run's file" >"$D/cc.h5"
wait "$pid"
rc=$?
checks=$((checks + 1))
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/gen.err")" = 1 ] &&
  grep -q "cc.h5: exists (written by another process while this one ran; use --force to overwrite)" "$TMP/gen.err" ||
  fail "a file made during the run: exit $rc, stderr $(cat "$TMP/gen.err")"
[ "$(cat "$D/cc.h5")" = "the other run's file" ] || fail "the other run's file was replaced"
compgen -G "$D/cc.h5.tmp-*" >/dev/null && fail "temporary left after the refused commit"
rm -f "$D/cc.h5"
# two concurrent runs of one command: one writes the file, the other refuses (exit 2)
# shellcheck disable=SC2086
"$BIN" generate --out "$D/cc.h5" $G --n 30 >/dev/null 2>"$TMP/a.err" &
a=$!
# shellcheck disable=SC2086
"$BIN" generate --out "$D/cc.h5" $G --n 30 >/dev/null 2>"$TMP/b.err" &
b=$!
wait "$a"; ra=$?
wait "$b"; rb=$?
checks=$((checks + 1))
case "$ra$rb" in
  02|20) echo "ok   concurrent runs: exit $ra and $rb" ;;
  *) fail "concurrent runs: exit $ra and $rb (expected one 0 and one 2): $(cat "$TMP/a.err" "$TMP/b.err")" ;;
esac
expect_ok "$BIN" info "$D/cc.h5"
rm -f "$D/cc.h5"

# ---- temporaries of earlier runs: an ended writer's is removed, the others named
host=$(hostname | cut -d. -f1 | tr -cd 'A-Za-z0-9_-' | cut -c1-32)
echo x >"$D/s.h5.tmp-$host.999999999-AbC123"    # no such pid (above pid_max)
echo x >"$D/s.h5.tmp-Qw3rTy"                    # an older topolearn's name: unknown writer
expect_ok "$BIN" generate --out "$D/s.h5" --n 10 --L 4
checks=$((checks + 1))
grep -q "note: removed 1 temporary of $D/s.h5 that ended runs left" "$TMP/err" ||
  fail "stale temporary: $(cat "$TMP/err")"
grep -q "note: $D/s.h5.tmp-Qw3rTy may be left by an interrupted run" "$TMP/err" ||
  fail "unknown temporary: $(cat "$TMP/err")"
[ -e "$D/s.h5.tmp-$host.999999999-AbC123" ] && fail "the ended run's temporary is still there"
[ -e "$D/s.h5.tmp-Qw3rTy" ] || fail "a temporary of an unknown writer was removed"
# a refused run stays one line: the note comes once the inputs are checked
echo x >"$D/u.csv.tmp-$host.999999999-AbC123"
expect_refused "missing.h5: cannot open" "$BIN" eval --model "$D/m.h5" --data "$D/missing.h5" --per-chain "$D/u.csv"
[ -e "$D/u.csv.tmp-$host.999999999-AbC123" ] || fail "a refused run removed a temporary"
echo x >"$D/t.h5.tmp-$host.$$-AbC123"           # this test's shell: a live writer
expect_ok "$BIN" generate --out "$D/t.h5" --n 10 --L 4
grep -q "note: $D/t.h5.tmp-$host.$$-AbC123 is being written by process $$" "$TMP/err" ||
  fail "live temporary: $(cat "$TMP/err")"
[ -e "$D/t.h5.tmp-$host.$$-AbC123" ] || fail "a live writer's temporary was removed"
finish
