#!/usr/bin/env bash
# The flag tables from the outside: `--flag=value` gives what `--flag value` gives in every
# command (real runs, outputs compared byte for byte); `--` ends the options; `topolearn
# help CMD` is `topolearn CMD --help`; --help lists --version and the exit status and
# names no file outside the repository; the generated bash completion offers every flag
# --help lists, and the generated man page renders without warnings.
. "$(dirname "$0")/lib/assert.sh"
BIN=$TL_BIN
BUILD=$(dirname "$BIN")
cd "$TMP" || exit 1

# ---- --flag=value against --flag value, on real outputs
same() { # same WHAT FILE_A FILE_B
  checks=$((checks + 1))
  cmp -s "$2" "$3" || fail "$1: --flag=value and --flag value differ: $(diff "$2" "$3" | head -5)"
}
"$BIN" winding --hop 0:0.5,1:1 --L 40 --disorder 0.2 --seed 3 --json >w1.json 2>/dev/null
"$BIN" winding --hop=0:0.5,1:1 --L=40 --disorder=0.2 --seed=3 --json >w2.json 2>/dev/null
same winding w1.json w2.json
expect_ok "$BIN" winding --hop=0:1,1:1 --L=40 --json # the issue's command
[ "$(json_get "$TMP/out" "j['L'] == 40 and j['r_min'] == 0 and j['r_max'] == 1")" = True ] || fail "winding --hop=0:1,1:1 --L=40: $(cat "$TMP/out")"

expect_ok "$BIN" generate --out g1.h5 --n 120 --L 10 --seed 4 --v-range 0:1.5 --threads 1 --quiet
expect_ok "$BIN" generate --out=g2.h5 --n=120 --L=10 --seed=4 --v-range=0:1.5 --threads=1 --quiet
h5diff -q g1.h5 g2.h5 /eigvecs >/dev/null && h5diff -q g1.h5 g2.h5 /label >/dev/null || fail "generate: the two forms differ"
checks=$((checks + 1))

expect_ok "$BIN" phase-diagram --n 4 --L 12 --v-range 0:2 --out pd1 --threads 1
expect_ok "$BIN" phase-diagram --n=4 --L=12 --v-range=0:2 --out=pd2 --threads=1
same phase-diagram pd1.csv pd2.csv

expect_ok "$BIN" train --data g1.h5 --model mlp --hidden 16 --epochs 2 --seed 5 --threads 1 --out m1.h5 --quiet
expect_ok "$BIN" train --data=g1.h5 --model=mlp --hidden=16 --epochs=2 --seed=5 --threads=1 --out=m2.h5 --quiet
"$BIN" eval --model m1.h5 --data g2.h5 --json >e1.json
"$BIN" eval --model=m2.h5 --data=g2.h5 --json >e2.json
same "train + eval" e1.json e2.json
"$BIN" prune --model m1.h5 --data g1.h5 --edge-cells 3 --json >p1.json
"$BIN" prune --model=m1.h5 --data=g1.h5 --edge-cells=3 --json >p2.json
same prune p1.json p2.json

S="--L 8 --n-train 64 --n-test 32 --epochs 1 --seeds 1 --models mlp:eigvec --threads 1 --quiet"
expect_ok "$BIN" study trainability $S --out st1
expect_ok "$BIN" study trainability --L=8 --n-train=64 --n-test=32 --epochs=1 --seeds=1 --models=mlp:eigvec \
  --threads=1 --quiet --out=st2
same study st1/summary.json st2/summary.json
# the name anywhere among the flags, or after --
expect_ok "$BIN" study $S --out st3 -- trainability
same "study NAME after --" st1/summary.json st3/summary.json

# ---- -- ends the options: a file whose name starts with a dash
cp g1.h5 ./-g.h5
expect_ok "$BIN" info -- -g.h5
grep -q "^chains       120" "$TMP/out" || fail "info -- -g.h5: $(cat "$TMP/out")"
expect_refused "unknown option '-g.h5'" "$BIN" info -g.h5
expect_refused "unexpected argument '--L'" "$BIN" winding -- --L 5

# ---- help: every command, two ways, identical; the top level lists --version
for c in winding phase-diagram generate info train eval prune study reproduce; do
  "$BIN" "$c" --help >h1 2>&1; r1=$?
  "$BIN" help "$c" >h2 2>&1; r2=$?
  checks=$((checks + 1))
  [ $r1 = 0 ] && [ $r2 = 0 ] && cmp -s h1 h2 || fail "help $c differs from $c --help (exit $r1/$r2)"
  grep -q "130 interrupted" h1 || fail "$c --help does not state the exit status 130"
  grep -q "SPEC" h1 && fail "$c --help refers to SPEC (not in the repository)"
  "$BIN" "$c" -h >h3 2>&1
  cmp -s h1 h3 || fail "$c -h differs from --help"
done
expect_ok "$BIN" --help
grep -q -- "--version" "$TMP/out" || fail "--help does not list --version"
grep -q "130 interrupted" "$TMP/out" || fail "--help does not state the exit status 130"
expect_ok "$BIN" help
expect_ok "$BIN" --version
grep -qx "topolearn [0-9.]*\( (MPI)\)\?" "$TMP/out" || fail "--version: $(cat "$TMP/out")"
# the defaults --help shows are the library's: generate's n and train's epochs
"$BIN" generate --help | grep -q -- "--n N .*chains to store (default 1000)" || fail "generate --help: no default n"
"$BIN" train --help | grep -q -- "--epochs E .*(default 20)" || fail "train --help: no default epochs"
"$BIN" study --help | grep -q -- "--seeds S .*(default 5; --quick: 2)" || fail "study --help: no quick default"
checks=$((checks + 3))

# ---- bash completion: every flag of every command, as --help lists them
COMP=$BUILD/completion/topolearn
checks=$((checks + 1))
if [ ! -s "$COMP" ]; then
  fail "no generated completion at $COMP"
else
  # shellcheck disable=SC1090
  . "$COMP"
  complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _topolearn; printf '%s\n' "${COMPREPLY[@]}" | sort; }
  complete_words topolearn "" >words
  for c in winding phase-diagram generate info train eval prune study reproduce help --version; do
    grep -qx -- "$c" words || fail "completion: no command $c"
  done
  for c in winding phase-diagram generate info train eval prune study reproduce; do
    "$BIN" "$c" --help | grep -oE '^  --[A-Za-z0-9-]+' | sed 's/^  //' | sort -u >want
    complete_words topolearn "$c" -- | sort -u >got
    checks=$((checks + 1))
    [ -s want ] && [ -z "$(comm -23 want got)" ] || fail "completion of $c lacks: $(comm -23 want got | tr '\n' ' ')"
    [ -z "$(comm -13 want got)" ] || fail "completion of $c offers flags --help does not list: $(comm -13 want got | tr '\n' ' ')"
  done
  complete_words topolearn train --optim "" >got
  printf 'adam\nsgd\n' | cmp -s - got || fail "completion of --optim: $(cat got)"
  complete_words topolearn winding --method = w >got
  [ "$(cat got)" = window ] || fail "completion of --method=w: $(cat got)"
  complete_words topolearn study t >got
  [ "$(cat got)" = trainability ] || fail "completion of study NAME: $(cat got)"
  complete_words topolearn help ev >got
  [ "$(cat got)" = eval ] || fail "completion of help CMD: $(cat got)"
  # the model kinds, from the registry: --help, the completion and the refusal of an
  # unknown kind list the same ones
  "$BIN" train --help | sed -n 's/^  --model \([^ ]*\).*/\1/p' | tr '|' '\n' | sort >want
  complete_words topolearn train --model "" >got
  grep -qx topo want && cmp -s want got || fail "completion of --model: $(tr '\n' ' ' <got), --help: $(tr '\n' ' ' <want)"
  "$BIN" train --model nosuch 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' | tr '|' '\n' | sort >got
  cmp -s want got || fail "--model nosuch lists $(tr '\n' ' ' <got), --help $(tr '\n' ' ' <want)"
  checks=$((checks + 6))
fi

# ---- the man page: generated, renders without warnings, documents every command
MAN=$BUILD/man/topolearn.1
checks=$((checks + 1))
if [ ! -s "$MAN" ]; then
  fail "no generated man page at $MAN"
elif command -v groff >/dev/null; then
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" 2>warn || fail "groff failed on $MAN"
  [ ! -s warn ] || fail "man page warnings: $(head -3 warn)"
  LC_ALL=C.UTF-8 groff -man -Tascii "$MAN" 2>/dev/null | col -b >man.txt
  for c in winding phase-diagram generate info train eval prune study reproduce; do
    grep -q "topolearn $c" man.txt || fail "man page: no section for $c"
  done
  for f in --hop --schedule --sweep --threads --train-ranges --hop-range --per-chain --vectors; do
    grep -q -- "$f" man.txt || fail "man page: no $f"
  done
  checks=$((checks + 2))
else
  echo "skip: groff not installed (the man page is not rendered)"
fi

finish
