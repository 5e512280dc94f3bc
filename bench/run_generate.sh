#!/usr/bin/env bash
# Data-set generation benchmark (BENCHMARKS.md, "generate"): C at L = 32 and 100 with 1
# and 2 threads against the NumPy loop (bench/generate_numpy.py), same run.
#   bash bench/run_generate.sh [BUILD_DIR] [bench_generate options, e.g. --float32]
set -euo pipefail
BUILD=${1:-build}
shift || true
[ -x "$BUILD/bench/bench_generate" ] || { echo "run_generate: build first (cmake --build $BUILD)" >&2; exit 2; }
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# uptime: $(uptime)"
"$BUILD/bench/bench_generate" "$@"
echo "# load average at end: $(cat /proc/loadavg)"
