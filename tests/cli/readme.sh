# Every example in README.md runs as written. The indented code blocks are extracted in
# order and every line is exercised, in a scratch copy of the repository layout (build/
# holds the binary under test, examples/ and python/ link to the source tree), so the
# commands run with their relative paths from the directory a reader types them in:
#   - `topolearn NAME   description` (the command table): `build/topolearn NAME --help`;
#   - `path/   description` (the layout): the path exists in the source tree;
#   - `make TARGET ...`: TARGET is a rule of the Makefile. Make lines are not run here,
#     they would rebuild the tree under test; CI runs make test/sanitize/fuzz/memcheck,
#     and `make install` is done as its `cmake --install` into a scratch prefix that the
#     following commands see through PKG_CONFIG_PATH, CMAKE_PREFIX_PATH, LD_LIBRARY_PATH
#     (install.sh tests the installed files themselves);
#   - a block starting with `import`/`from`: one Python script (skipped with the reason
#     when it imports torch and PyTorch is not installed);
#   - any other line: a shell command, run; a nonzero exit fails.
# Commands that take minutes as written run scaled down (the SCALE table: each entry
# must still match one README command), unless TL_README_FULL=1; claims made in README
# comments are checked (the CHECK table).
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC must point to the source tree}"
BUILD=$(cd "$(dirname "$TL_BIN")" && pwd)
if ldd "$TL_BIN" 2>/dev/null | grep -q libasan; then # make sanitize
  echo "skip: sanitizer build (its Python blocks and installed examples would need the ASan runtime preloaded); make test runs this test"
  exit 0
fi
PY=/usr/bin/python3

# match|from|to: in the README command containing `match`, replace `from` by `to`.
SCALE=(
  "phase-diagram --grid wD|--samples 20|--samples 2"
  "--L 100000 --method window|--L 100000|--L 20000"
  "generate --out results/train.h5|--n 4096|--n 512"
  "generate --out results/test.h5|--n 1024|--n 256"
  "--augment gauge|--epochs 20|--epochs 2"
  "--model topo --init exact+noise:0.1|--out results/topo.h5|--out results/topo.h5 --epochs 2"
  "study trainability|--seeds 5|--seeds 1 --L 8 --n-train 64 --n-test 32 --epochs 2"
  "reproduce --out results/full|--out results/full|--out results/full --quick --seeds 1 --L 16 --n-train 64 --n-test 32 --epochs 2"
)
# match|Python expression on the command's stdout `out` (and json `j` if it parses)
CHECK=(
  "--hop -1:1,0:0.2 --L 100 --json|j['label'] == -1 and j['W_kspace'] == -1"
  "--hoppings examples/chain.csv|'0.927935092576' in out.split()"
  "print(tl.rswn(tl.chain(100|abs(float(out) - 1) < 1e-6"
  "eval --model results/mlp.h5|0 <= j['accuracy'] <= 1 and j['n'] > 0"
  "build-examples/chain_rswn &&|'k-space winding 1: agree' in out and 'topo (exact): test accuracy 1.0000' in out"
)
[ "${TL_README_FULL:-0}" = 1 ] && SCALE=()

R=$TMP/repo
mkdir -p "$R/build"
ln -s "$TL_BIN" "$R/build/topolearn"
ln -s "$BUILD/libtopolearn.so" "$R/build/libtopolearn.so"
ln -s "$TL_SRC/examples" "$R/examples"
ln -s "$TL_SRC/python" "$R/python"

# The README's code blocks as records "kind<TAB>text" (NUL-separated): kind is block
# (a separator), help, path, make, python (a whole script) or sh.
"$PY" - "$TL_SRC/README.md" >"$TMP/cmds" <<'PY'
import re, sys
blocks, cur, prev_blank = [], [], True
for line in open(sys.argv[1]).read().split("\n"):
    if line.startswith("    ") and (cur or prev_blank):
        cur.append(line[4:])
    elif cur and line.strip() == "":
        cur.append("")
    else:
        if cur:
            blocks.append(cur)
        cur = []
    prev_blank = line.strip() == ""
if cur:
    blocks.append(cur)
out = []
for b in blocks:
    while b and b[-1] == "":
        b.pop()
    out.append(("block", b[0]))
    if re.match(r"(import|from) \w", b[0]):
        out.append(("python", "\n".join(b)))
        continue
    joined = []
    for l in b:
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + " " + l.strip()
        elif l.startswith(" ") and joined:  # a description's continuation (layout)
            continue
        elif l.strip():
            joined.append(l)
    for l in joined:
        if re.match(r"topolearn [a-z-]+( NAME)?\s{2,}\S", l):
            out.append(("help", l.split()[1]))
        elif re.match(r"[\w.-]+/(\S*)\s{2,}\S", l):
            out.append(("path", l.split()[0]))
        elif re.match(r"(\w+=\S+ )*make\b", l):
            out.append(("make", l))
        else:
            out.append(("sh", l))
sys.stdout.write("".join(f"{k}\t{t}\0" for k, t in out))
PY

# apply TABLE COMMAND: the table's entry whose match is in COMMAND, or nothing.
apply() {
  local -n table=$1
  local e
  for e in "${table[@]}"; do
    case "$2" in *"${e%%|*}"*) echo "$e"; return ;; esac
  done
}
used=""
torch_ok=0; "$PY" -c "import torch" 2>/dev/null && torch_ok=1
cd "$R" || exit 1
n_sh=0; n_py=0; n_help=0; n_path=0; n_make=0
while IFS= read -r -d '' rec; do
  kind=${rec%%$'\t'*} text=${rec#*$'\t'}
  case $kind in
    block) ;;
    help)
      n_help=$((n_help + 1))
      expect_ok build/topolearn "$text" --help
      grep -q "^usage: topolearn $text" "$TMP/out" || fail "topolearn $text --help: $(head -2 "$TMP/out")" ;;
    path)
      n_path=$((n_path + 1)); checks=$((checks + 1))
      [ -e "$TL_SRC/$text" ] || fail "README layout names $text, which does not exist" ;;
    make)
      n_make=$((n_make + 1)); checks=$((checks + 1))
      target=$(echo "$text" | sed -E 's/^(\w+=\S+ )*make +//; s/ .*//')
      grep -qE "^$target:" "$TL_SRC/Makefile" || fail "README: '$text': no rule '$target' in the Makefile"
      if [ "$target" = install ]; then
        expect_ok cmake --install "$BUILD" --prefix "$TMP/prefix"
        export PKG_CONFIG_PATH=$TMP/prefix/lib/pkgconfig CMAKE_PREFIX_PATH=$TMP/prefix \
          LD_LIBRARY_PATH=$TMP/prefix/lib
        echo "readme: '$text' done as cmake --install into a scratch prefix"
      fi ;;
    python)
      n_py=$((n_py + 1))
      if ! [ $torch_ok = 1 ] && grep -q "import torch" <<<"$text"; then
        echo "readme: skipped the PyTorch block (PyTorch is not installed: apt install python3-torch)"
        continue
      fi
      printf '%s\n' "$text" >"$TMP/block.py"
      expect_ok env PYTHONPATH="$R/python" TOPOLEARN_LIB="$BUILD/libtopolearn.so" "$PY" "$TMP/block.py" ;;
    sh)
      n_sh=$((n_sh + 1)); cmd=$text
      s=$(apply SCALE "$cmd")
      if [ -n "$s" ]; then
        rest=${s#*|}; from=${rest%%|*}; to=${rest#*|}
        case "$cmd" in *"$from"*) ;; *) fail "SCALE entry '$s' does not apply to: $cmd" ;; esac
        cmd=${cmd/"$from"/"$to"}; used="$used|${s%%|*}"
        echo "readme: scaled: $cmd"
      fi
      checks=$((checks + 1))
      eval "$cmd" >"$TMP/out" 2>"$TMP/err" </dev/null || { fail "README command failed (exit $?): $cmd: $(tail -3 "$TMP/err")"; continue; }
      c=$(apply CHECK "$cmd")
      if [ -n "$c" ]; then
        checks=$((checks + 1)); used="$used|${c%%|*}"
        "$PY" - "$TMP/out" "${c#*|}" <<'PY' || fail "README claim '${c#*|}' does not hold for: $cmd: $(head -c 300 "$TMP/out")"
import json, sys
out = open(sys.argv[1]).read()
try:
    j = json.loads(out)
except ValueError:
    j = None
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
      fi ;;
  esac
done <"$TMP/cmds"

# Every table entry was used: a README edit must not leave a command unscaled or unchecked.
for e in "${SCALE[@]}" "${CHECK[@]}"; do
  checks=$((checks + 1))
  case "$used|" in *"|${e%%|*}|"*) ;; *) fail "no README command matches the entry '${e%%|*}'" ;; esac
done
echo "readme: $n_sh shell commands, $n_py Python blocks, $n_help --help, $n_path paths, $n_make make rules"
finish
