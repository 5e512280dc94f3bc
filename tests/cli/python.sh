# The Python package (python/) with Debian's python3 + NumPy: its unittest suite
# (values against this CLI and NumPy, layouts, errors, memory), then installation:
# `pip install` offline into a fresh venv and the library discovery order.
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC must point to the source tree}"
PY=/usr/bin/python3
LIB="$(cd "$(dirname "$TL_BIN")" && pwd)/libtopolearn.so"
export TOPOLEARN_LIB="$LIB" PYTHONPATH="$TL_SRC/python${PYTHONPATH:+:$PYTHONPATH}"
# Sanitizer build (make sanitize): the ASan runtime must be loaded first, Python's own
# allocations at exit are not leaks of ours, huge requests must return NULL (the
# MemoryError test), and RSS is meaningless under ASan's quarantine (test_memory skips;
# the C side's leak check is the cmocka suite under LSan).
if ldd "$LIB" | grep -q libasan; then
  export LD_PRELOAD="$(gcc -print-file-name=libasan.so)" TL_SANITIZED=1
  export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
  echo "python: sanitizer build: ASan preloaded, RSS test skipped"
fi

# 1. unittest: count its tests as checks.
"$PY" -m unittest discover -v -s "$TL_SRC/python/tests" -t "$TL_SRC/python/tests" >"$TMP/ut.log" 2>&1
rc=$?
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in.*/\1/p' "$TMP/ut.log")
bad=$(sed -n 's/^FAILED (\(.*\))/\1/p' "$TMP/ut.log" | tr ',' '\n' |
      awk -F= '/failures|errors/ {n += $2} END {print n + 0}')
skipped=$(sed -n 's/^\(OK\|FAILED\) (.*skipped=\([0-9]*\).*/\2/p' "$TMP/ut.log")
ran=${ran:-0}; bad=${bad:-0}; skipped=${skipped:-0}
[ "$rc" = 0 ] || [ "$bad" != 0 ] || bad=1
checks=$((checks + ran - skipped))
if [ "$bad" != 0 ] || [ "$ran" = 0 ]; then
  cat "$TMP/ut.log" >&2
  failures=$((failures + bad)); [ "$ran" = 0 ] && fail "unittest ran no tests"
else
  grep -E "VmRSS growth" "$TMP/ut.log" | sed 's/^ */python: /; s/)ok$/)/'
fi
echo "python unittest: $((ran - bad - skipped)) passed, $bad failed, $skipped skipped"
# why: e.g. the PyTorch dataset tests without python3-torch
sed -n "s/.* skipped '\(.*\)'$/python: skipped: \1/p" "$TMP/ut.log" | sort | uniq -c

# 2. pip install offline into a venv (from a copy: pip builds in the source tree).
cp -r "$TL_SRC/python" "$TMP/pysrc"
checks=$((checks + 1))
if "$PY" -m venv --system-site-packages "$TMP/venv" >"$TMP/pip.log" 2>&1 &&
   "$TMP/venv/bin/python" -m pip install --no-index --no-build-isolation --no-deps -q \
     "$TMP/pysrc" >>"$TMP/pip.log" 2>&1; then
  got=$(cd "$TMP" && env -u PYTHONPATH "$TMP/venv/bin/python" -c \
        "import topolearn as tl; print(tl.__file__, round(tl.rswn(tl.chain(40, hop={0: 0.5, 1: 1}))[0]))")
  case "$got" in
    "$TMP/venv/"*" 1") ;;
    *) fail "pip-installed package: got '$got'" ;;
  esac
else
  fail "pip install ./python into a venv failed: $(tail -5 "$TMP/pip.log")"
fi

# 3. The examples still run (small sizes); the training loop only with PyTorch installed.
expect_ok "$PY" "$TL_SRC/examples/phase_diagram.py" --L 24 --n 9 --out "$TMP/pd"
grep -q "equals the k-space winding at \([0-9]*\)/\1 gapped points" "$TMP/out" ||
  fail "phase_diagram.py: $(cat "$TMP/out")"
[ -s "$TMP/pd/phase_diagram.csv" ] || fail "phase_diagram.py wrote no CSV"
if "$PY" -c "import torch" 2>/dev/null; then
  expect_ok "$PY" "$TL_SRC/examples/train_torch.py" --n 300 --L 16 --epochs 3
  grep -q "^test accuracy: " "$TMP/out" || fail "train_torch.py: $(cat "$TMP/out")"
else
  echo "python: PyTorch not installed: examples/train_torch.py not run"
fi

# 4. Discovery without TOPOLEARN_LIB: libpath.txt (written by make install), then
# ../build/libtopolearn.so relative to the package; neither -> ImportError.
mkdir -p "$TMP/tree/python" "$TMP/tree/build"
cp -r "$TL_SRC/python/topolearn" "$TMP/tree/python/"
probe() { (cd "$TMP" && env -u TOPOLEARN_LIB PYTHONPATH="$TMP/tree/python" "$PY" -c \
          "import topolearn as tl; print(tl.library_path)" 2>&1); }
checks=$((checks + 1))
echo "$LIB" >"$TMP/tree/python/topolearn/libpath.txt"
[ "$(probe)" = "$LIB" ] || fail "libpath.txt not used: $(probe)"
rm "$TMP/tree/python/topolearn/libpath.txt"
if ! "$PY" -c "import ctypes.util, sys; sys.exit(ctypes.util.find_library('topolearn') is not None)"; then
  echo "python: skipped the source-tree fallback check (a system libtopolearn is installed)"
else
  checks=$((checks + 1))
  out=$(probe)
  echo "$out" | grep -q "ImportError: topolearn: cannot load libtopolearn.so; tried .*tree/build/libtopolearn.so (source tree build): no such file" ||
    fail "missing library: $out"
  checks=$((checks + 1))
  ln -s "$LIB" "$TMP/tree/build/libtopolearn.so"
  [ "$(probe)" = "$TMP/tree/build/libtopolearn.so" ] || fail "source-tree fallback: $(probe)"
fi
finish
