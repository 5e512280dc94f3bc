#!/usr/bin/env bash
# Runs every built benchmark (BUILD_DIR/bench/bench_*) with the thread count set
# explicitly for both our side and the reference (OpenMP OpenBLAS and NumPy read the same
# variables), and prints the machine and its load first: other jobs on a small machine
# move the numbers, so the load belongs next to them.
#
#   bash bench/run_all.sh BUILD_DIR [THREADS...]      (default threads: 1; `make bench`)
#
# Benchmarks print; they never assert time (STYLE). A benchmark that fails is reported
# and the others still run; the exit status is 1 if any failed.
set -u
build=${1:?usage: bash bench/run_all.sh BUILD_DIR [THREADS...]}
shift
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1)
here=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
benches=("$build"/bench/bench_*)
if [ ${#benches[@]} -eq 0 ]; then
  echo "run_all.sh: no benchmarks in $build/bench (build with -DTL_BENCH=ON)" >&2
  exit 2
fi

echo "# date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores"
echo "# commit:  $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
status=0
for t in "${threads[@]}"; do
  for b in "${benches[@]}"; do
    [ -x "$b" ] || continue
    echo
    echo "## $(basename "$b"), OMP_NUM_THREADS=$t"
    echo "# load before: $(uptime | sed 's/.*load average/load average/')"
    if ! OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$b"; then
      echo "run_all.sh: $(basename "$b") failed" >&2
      status=1
    fi
    echo "# load after:  $(uptime | sed 's/.*load average/load average/')"
  done
done
exit $status
