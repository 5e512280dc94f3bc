# Shared assertions for the CLI tests (sourced; not a test itself).
# TL_BIN: the topolearn binary; TL_SRC: the source tree.
set -u
: "${TL_BIN:?TL_BIN must point to the topolearn binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_error CODE PATTERN CMD...: exit status CODE, exactly one stderr line matching
# PATTERN (grep -E), nothing on stdout.
expect_error() { expect_failure -E "$@"; }

# expect_refused NEEDLE CMD...: exit status 2, exactly one stderr line containing the
# fixed string NEEDLE, nothing on stdout.
expect_refused() { expect_failure -F 2 "$@"; }

# expect_refused_in DIR NEEDLE CMD...: expect_refused, and no file appeared in or
# vanished from DIR (no output, no temporary left behind).
expect_refused_in() {
  local dir=$1; shift
  local before after
  before=$(ls -A "$dir" | sort)
  expect_refused "$@"
  after=$(ls -A "$dir" | sort)
  [ "$before" = "$after" ] || fail "[${*:2}] files in $dir before/after: [$before] [$after]"
}

# expect_failure GREP_MODE CODE PATTERN CMD...: the two above.
expect_failure() {
  local mode=$1 code=$2 pattern=$3; shift 3
  checks=$((checks + 1))
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$TMP/err")
  if [ "$rc" != "$code" ]; then fail "[$*] exit $rc, expected $code (stderr: $(cat "$TMP/err"))"; return; fi
  if [ "$lines" != 1 ]; then fail "[$*] $lines stderr lines, expected 1: $(cat "$TMP/err")"; return; fi
  if ! grep -q "$mode" -- "$pattern" "$TMP/err"; then fail "[$*] stderr '$(cat "$TMP/err")' does not match '$pattern'"; return; fi
  if [ -s "$TMP/out" ]; then fail "[$*] printed on stdout on error: $(cat "$TMP/out")"; fi
}

# expect_ok CMD...: exit 0; stdout saved in $TMP/out.
expect_ok() {
  checks=$((checks + 1))
  "$@" >"$TMP/out" 2>"$TMP/err" || fail "[$*] exit $?: $(cat "$TMP/err")"
}

# expect_absent PATH...: no such file (no partial output left behind).
expect_absent() {
  for p in "$@"; do
    checks=$((checks + 1))
    if [ -e "$p" ]; then fail "$p exists (partial output left behind)"; fi
    # temporaries too
    if compgen -G "$p.tmp-*" >/dev/null; then fail "temporary $p.tmp-* left behind"; fi
  done
}

# json_get FILE EXPR: evaluates a Python expression on the parsed JSON object `j`.
json_get() { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); v=($2); print(v)" "$1"; }

# wait_catching PID SIG: waits (up to 60 s) until process PID catches SIG, i.e. until
# its handler is installed (the SigCgt mask of /proc/PID/status). A signal sent before
# that kills the process with the default action, which is not what these tests are
# about; under a sanitizer on a loaded machine start-up alone can take a second.
wait_catching() {
  local pid=$1 num mask i
  num=$(kill -l "$2")
  for ((i = 0; i < 600; i++)); do
    mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 0
    [ -n "$mask" ] || return 0
    (((16#$mask >> (num - 1)) & 1)) && return 0
    sleep 0.1
  done
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" = 0 ]
}
