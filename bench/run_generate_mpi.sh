#!/usr/bin/env bash
# Strong scaling of `topolearn generate` over MPI ranks (BENCHMARKS.md, "generate over
# MPI ranks"): the same data set with 1 rank and with P ranks, one OpenMP thread per
# rank, best of R interleaved rounds; prints chains/s and the speed-up, and checks that
# every dataset of the P-rank file equals the 1-rank file (h5diff).
#   bash bench/run_generate_mpi.sh [BUILD_DIR] [P=2] [ROUNDS=3] [OUT_DIR=${TMPDIR:-/tmp}]
set -euo pipefail
BUILD=${1:-build}
P=${2:-2}
ROUNDS=${3:-3}
OUT=${4:-${TMPDIR:-/tmp}}
TL="$BUILD/topolearn"
[ -x "$TL" ] || { echo "run_generate_mpi: build first (cmake --build $BUILD)" >&2; exit 2; }
"$TL" --version | grep -q "(MPI)" || { echo "run_generate_mpi: $TL was built without MPI" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "run_generate_mpi: mpirun not found (apt-get install openmpi-bin)" >&2; exit 2; }
command -v h5diff >/dev/null || { echo "run_generate_mpi: h5diff not found (apt-get install hdf5-tools)" >&2; exit 2; }
MPI=(mpirun --allow-run-as-root --oversubscribe -np "$P")
DIR=$(mktemp -d "$OUT/tl_bench_mpi_XXXXXX")
trap 'rm -rf "$DIR"' EXIT

# seconds of the generation as the command reports it (after MPI start-up; the column
# "+mpirun start" is the whole mpirun command, launch and teardown included)
seconds() { sed -n 's/.*candidates, \([0-9.]*\) s .*/\1/p'; }
best() { printf '%s\n' "$@" | sort -g | head -1; }

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $("$TL" --version)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT; best of $ROUNDS interleaved rounds"
printf '%-5s %7s %10s %10s %14s %10s %9s %9s\n' L chains "1 rank s" "$P ranks s" "+mpirun start" "1r x${P}t s" speedup "same data"
for L in 32 100; do
  n=$([ "$L" = 32 ] && echo 20000 || echo 3000)
  args=(generate --L "$L" --n "$n" --seed 7 --disorder 0.5 --threads 1 --quiet --force)
  one=() many=() threads=() walls=()
  for ((r = 0; r < ROUNDS; r++)); do
    # fresh outputs: replacing a file would time the kernel freeing the old one
    rm -f "$DIR"/*.h5
    one+=("$("$TL" "${args[@]}" --out "$DIR/one.h5" | seconds)")
    t0=$(date +%s.%N)
    many+=("$("${MPI[@]}" "$TL" "${args[@]}" --out "$DIR/many.h5" | seconds)")
    walls+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')")
    # for comparison: the same cores as OpenMP threads of one process
    threads+=("$("$TL" "${args[@]}" --threads "$P" --out "$DIR/threads.h5" | seconds)")
  done
  same=yes
  for d in hoppings energies eigvecs qab W label ambiguous W_kspace local_marker candidate; do
    h5diff -q "$DIR/one.h5" "$DIR/many.h5" "/$d" "/$d" || same=NO
  done
  t1=$(best "${one[@]}") tp=$(best "${many[@]}") tt=$(best "${threads[@]}") tw=$(best "${walls[@]}")
  printf '%-5s %7s %10s %10s %14s %10s %8.2fx %9s\n' "$L" "$n" "$t1" "$tp" "$tw" "$tt" \
    "$(awk -v a="$t1" -v b="$tp" 'BEGIN { print a / b }')" "$same"
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
