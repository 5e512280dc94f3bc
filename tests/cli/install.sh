# The installed library as a user's build sees it. `cmake --install` (what `make install`
# runs) into a DESTDIR staging directory under a prefix nothing else uses, then
# examples/*.c built with pkg-config and with find_package(topolearn) against that copy
# alone, and run. "Alone" is checked, not assumed: the compilers' dependency files name
# only staged headers, the linker opens only the staged library, and the programs load it
# at run time. Both package files are relocatable, so neither PKG_CONFIG_SYSROOT_DIR nor
# anything but the staged prefix is needed (setting the sysroot would prefix it twice).
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC must point to the source tree}"
BUILD=$(cd "$(dirname "$TL_BIN")" && pwd)
if ldd "$TL_BIN" 2>/dev/null | grep -q libasan; then # make sanitize
  echo "skip: sanitizer build (the installed examples and python3 would need the ASan runtime preloaded); make test runs this test"
  exit 0
fi
PREFIX=/opt/topolearn-install-test
STAGE=$TMP/stage
S=$STAGE$PREFIX
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR CMAKE_PREFIX_PATH LD_LIBRARY_PATH

expect_ok env DESTDIR="$STAGE" cmake --install "$BUILD" --prefix "$PREFIX"
checks=$((checks + 1))
[ -e "$PREFIX" ] && fail "$PREFIX exists: the install did not stay in DESTDIR"
pc=$(find "$S" -name topolearn.pc)
cfg=$(find "$S" -name topolearnConfig.cmake)
lib=$(find "$S" -name libtopolearn.so)
for f in "$S/bin/topolearn" "$S/include/topolearn.h" "$S/include/topolearn/model.h" "$pc" "$cfg" \
         "$(dirname "$cfg")/topolearnConfigVersion.cmake" "$(dirname "$cfg")/topolearnTargets.cmake" "$lib"; do
  checks=$((checks + 1))
  [ -n "$f" ] && [ -e "$f" ] || fail "not installed: ${f:-a file}"
done
LIBDIR=$(dirname "$lib")
VERSION=$(sed -n 's/^project(topolearn VERSION \([0-9.]*\).*/\1/p' "$TL_SRC/CMakeLists.txt")

# headers_staged DEPFILE: every topolearn header the compiler read is the staged copy.
headers_staged() {
  checks=$((checks + 1))
  local read
  read=$(tr ' \\' '\n\n' <"$1" | grep -E 'topolearn(\.h|/[a-z_]+\.h)$' | sort -u)
  [ -n "$read" ] || { fail "$1 names no topolearn header"; return; }
  echo "$read" | grep -v "^$S/" | grep -q . && fail "headers from outside the stage: $(echo "$read" | grep -v "^$S/")"
  echo "$read" | grep "^$S/" | xargs -r -n1 realpath | grep -v "^$S/" | grep -q . &&
    fail "a staged header is a link out of the stage"
}

# runs_staged BIN: the dynamic linker resolves libtopolearn to the staged file.
runs_staged() {
  checks=$((checks + 1))
  local got
  got=$(ldd "$1" | sed -n 's/.*libtopolearn\.so\.[0-9]* => \([^ ]*\).*/\1/p')
  [ "$(realpath "$got")" = "$(realpath "$LIBDIR/libtopolearn.so.0")" ] || fail "$1 loads libtopolearn from '$got'"
}

# check_examples DIR SUFFIX: run chain_rswn and train_eval built in DIR, and check their
# numbers: W equal to the CLI's for the same chain, the clean chain's RSWN equal to its
# k-space winding, the exact topo network exact, the MLP fitting clean chains but not
# gauge-flipped ones (SPEC 3).
check_examples() {
  local dir=$1 W_cli
  W_cli=$("$TL_BIN" winding --L 200 --v 0.5 --w 1 --disorder 1 --seed 7 --json |
          /usr/bin/python3 -c "import json,sys; print('%.12f' % json.load(sys.stdin)['W'])")
  expect_ok "$dir/chain_rswn"
  grep -q "^W = $W_cli, label 1" "$TMP/out" || fail "$dir/chain_rswn: W differs from the CLI's $W_cli: $(cat "$TMP/out")"
  grep -q "^clean chain: W = .*k-space winding 1: agree" "$TMP/out" || fail "$dir/chain_rswn: $(cat "$TMP/out")"
  mkdir -p "$TMP/run$2"
  expect_ok "$dir/train_eval" "$TMP/run$2"
  /usr/bin/python3 - "$TMP/out" <<'PY' || fail "$dir/train_eval: $(cat "$TMP/out")"
import re, sys
t = open(sys.argv[1]).read()
clean, flipped, _ = map(float, re.search(r"test accuracy (\S+) clean, (\S+) clean gauge-flipped, (\S+) at D = 1", t).groups())
acc, wmax = re.search(r"topo \(exact\): test accuracy (\S+) on \d+ chains at D = 1, max \|W - RSWN\| (\S+)", t).groups()
assert clean >= 0.95 and flipped <= 0.8 and float(acc) == 1.0 and float(wmax) < 1e-4, t
PY
  # the staged CLI reads what the example wrote (and finds its library by its run path)
  expect_ok "$S/bin/topolearn" info "$TMP/run$2/mlp.h5"
  grep -q "^model        mlp" "$TMP/out" || fail "staged CLI info: $(cat "$TMP/out")"
}

# 1. pkg-config: the relocatable .pc of the staged tree, and no system directory.
export PKG_CONFIG_LIBDIR=$(dirname "$pc")
checks=$((checks + 1))
[ "$(pkg-config --modversion topolearn)" = "$VERSION" ] || fail "pkg-config version $(pkg-config --modversion topolearn), project $VERSION"
mkdir -p "$TMP/pc"
for ex in chain_rswn train_eval; do
  expect_ok sh -c "cc -std=c11 -Wall -Wextra -Werror -MD -MF '$TMP/pc/$ex.d' '$TL_SRC/examples/$ex.c' \
    \$(pkg-config --cflags --libs topolearn) -lm -Wl,--trace -o '$TMP/pc/$ex'"
  checks=$((checks + 1))
  opened=$(grep -E 'libtopolearn\.so' "$TMP/out")
  [ "$(realpath "${opened%% *}" 2>/dev/null)" = "$(realpath "$lib")" ] || fail "$ex: the linker opened '$opened', not $lib"
  headers_staged "$TMP/pc/$ex.d"
done
# no run path from pkg-config: the user points LD_LIBRARY_PATH at the library
LD_LIBRARY_PATH=$LIBDIR runs_staged "$TMP/pc/chain_rswn"
LD_LIBRARY_PATH=$LIBDIR check_examples "$TMP/pc" pc
unset PKG_CONFIG_LIBDIR

# 2. CMake: find_package(topolearn) through CMAKE_PREFIX_PATH = the staged prefix.
expect_ok cmake -S "$TL_SRC/examples" -B "$TMP/cm" -DCMAKE_PREFIX_PATH="$S" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-Wall -Wextra -Werror"
checks=$((checks + 1))
grep -q "^-- topolearn $VERSION: $LIBDIR/libtopolearn.so" "$TMP/out" || fail "find_package: $(grep topolearn "$TMP/out")"
expect_ok cmake --build "$TMP/cm"
for ex in chain_rswn train_eval; do
  headers_staged "$(find "$TMP/cm" -name "$ex.c.o.d")"
  runs_staged "$TMP/cm/$ex"  # CMake's build run path names the imported library's directory
done
check_examples "$TMP/cm" cm

# 3. The version file: 0.x promises nothing across minor versions.
mkdir -p "$TMP/ver"
cat >"$TMP/ver/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(v LANGUAGES C)
foreach(want 0.1 0.1.0 0.2 1.0)
  find_package(topolearn ${want} QUIET)
  message(STATUS "want ${want}: ${topolearn_FOUND}")
  unset(topolearn_FOUND)
  unset(topolearn_DIR CACHE)
endforeach()
EOF
expect_ok cmake -S "$TMP/ver" -B "$TMP/ver/b" -DCMAKE_PREFIX_PATH="$S"
checks=$((checks + 1))
[ "$(grep -c -E 'want (0.1|0.1.0): 1$' "$TMP/out")" = 2 ] && [ "$(grep -c -E 'want (0.2|1.0): 0$' "$TMP/out")" = 2 ] \
  || fail "version compatibility: $(grep want "$TMP/out")"
finish
