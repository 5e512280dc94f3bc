#!/usr/bin/env bash
# Throughput on a shared machine (issue 17): a training, a generation and a study cell,
# each timed alone and beside k = 1, 2, 4 other topolearn jobs (the same command in a
# loop) and beside k single-threaded busy loops, all with default threads; then
# `mpirun -np 2` with default threads against one process. Conditions are interleaved
# round by round, so a change in the machine's background load hits all of them alike.
#
# Fair share: a job beside k others of equal priority is entitled to 1/(k+1) of the
# machine, so its fair time is alone x (k+1). We print fair/time: 1 is exactly fair,
# above 1 better (a busy loop uses one core of two), below 1 the job loses time to the
# contention itself (threads spinning at OpenMP barriers while their core is wanted).
#
# Each condition runs under two wait policies: our default (no OpenMP variables set:
# idle threads spin 1000 times, then sleep: src/cli/env.c) and the libgomp
# default we shipped before (GOMP_SPINCOUNT=300000, set for the measured job and the
# background jobs alike). The "alone" rows of both give the cost on an idle machine.
#
#   bash bench/contention.sh [BUILD] [--rounds R] [--ks "1 2 4"] [--no-mpi]
set -euo pipefail
BUILD=build
ROUNDS=3
KS="1 2 4"
MPI=1
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --ks) KS=$2; shift 2 ;;
    --no-mpi) MPI=0; shift ;;
    -*) echo "contention.sh: unknown option '$1' (expected --rounds R, --ks \"1 2 4\", --no-mpi)" >&2; exit 2 ;;
    *) BUILD=$1; shift ;;
  esac
done
TL=$(cd "$BUILD" && pwd)/topolearn
[[ -x $TL ]] || { echo "contention.sh: $TL is not built (expected make build first)" >&2; exit 2; }
unset OMP_NUM_THREADS OMP_WAIT_POLICY GOMP_SPINCOUNT OPENBLAS_NUM_THREADS
WORK=$(mktemp -d)
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$TL" generate --n 4096 --L 32 --seed 7 --out "$WORK/train.h5" --quiet >/dev/null

# The workloads, each writing under the directory given as $1.
w_train() { "$TL" train --data "$WORK/train.h5" --model topo --epochs 3 --seed 1 --out "$1/m.h5" --force --quiet; }
w_generate() { "$TL" generate --n 1500 --L 32 --seed 3 --out "$1/g.h5" --force --quiet; }
w_study() {
  "$TL" study trainability --models topo:random --seeds 1 --epochs 3 --n-train 1024 --n-test 256 \
    --L 16 --out "$1/s" --force --quiet
}

# Background: k loops of the same workload (own directories) or k busy loops, each in
# its own session so that cleanup ends it with its children.
start_bg() { # kind workload k policy
  local i d
  for ((i = 0; i < $3; i++)); do
    d=$WORK/bg$i
    mkdir -p "$d"
    if [[ $1 == jobs ]]; then
      setsid env $4 bash -c "$(declare -f "w_$2"); TL='$TL' WORK='$WORK'; while :; do w_$2 '$d' >/dev/null 2>&1; done" &
    else
      setsid bash -c 'while :; do :; done' &
    fi
    BG+=($!)
  done
  sleep 0.3 # let them reach their steady state
}
stop_bg() {
  for p in "${BG[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  BG=()
}

seconds() { # workload policy -> wall seconds of one run
  local d=$WORK/fg t0 t1
  mkdir -p "$d"
  t0=$(date +%s.%N)
  env $2 bash -c "$(declare -f "w_$1"); TL='$TL' WORK='$WORK'; w_$1 '$d'" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

POLICIES=("ours:" "spin300k:GOMP_SPINCOUNT=300000")
CONDS=(alone)
for k in $KS; do CONDS+=("jobs:$k" "busy:$k"); done
declare -A T # "workload policy cond" -> space-separated times

echo "# contention: $(date -u +%F) $(nproc) cores, $(uname -r), commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo ?)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
  for w in train generate study; do
    for pol in "${POLICIES[@]}"; do
      pname=${pol%%:*} penv=${pol#*:}
      for c in "${CONDS[@]}"; do
        if [[ $c != alone ]]; then start_bg "${c%%:*}" "$w" "${c#*:}" "$penv"; fi
        t=$(seconds "$w" "$penv")
        stop_bg
        T["$w $pname $c"]+="$t "
      done
    done
  done
  echo "# round $r of $ROUNDS done, load average $(cut -d' ' -f1 /proc/loadavg)" >&2
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-9s %-9s %-7s %9s %9s %10s\n" workload policy beside "median_s" "fair_s" "fair/time"
for w in train generate study; do
  for pol in "${POLICIES[@]}"; do
    pname=${pol%%:*}
    alone=$(echo "${T["$w $pname alone"]}" | median)
    for c in "${CONDS[@]}"; do
      k=0
      [[ $c != alone ]] && k=${c#*:}
      m=$(echo "${T["$w $pname $c"]}" | median)
      fair=$(echo "$alone * ($k + 1)" | bc -l)
      printf "%-9s %-9s %-7s %9.3f %9.3f %10.2f\n" "$w" "$pname" "$c" "$m" "$fair" "$(echo "$fair / $m" | bc -l)"
    done
  done
done
ours=$(echo "${T["train ours alone"]} ${T["generate ours alone"]} ${T["study ours alone"]}" | wc -w)
echo "# idle cost of our policy (alone, ours / spin300k): train $(echo "$(echo "${T["train ours alone"]}" | median) / $(echo "${T["train spin300k alone"]}" | median)" | bc -l | cut -c1-5)," \
  "generate $(echo "$(echo "${T["generate ours alone"]}" | median) / $(echo "${T["generate spin300k alone"]}" | median)" | bc -l | cut -c1-5)," \
  "study $(echo "$(echo "${T["study ours alone"]}" | median) / $(echo "${T["study spin300k alone"]}" | median)" | bc -l | cut -c1-5) ($ours runs)"

if ((MPI)) && command -v mpirun >/dev/null; then
  # The same generation split over 2 ranks with default threads each (4 threads on 2 cores)
  # against one process: the same work, so fair/time is alone / mpirun.
  mpi_gen() { env $1 mpirun --oversubscribe -np 2 "$TL" generate --n 1500 --L 32 --seed 3 --out "$WORK/mpi.h5" --force --quiet >/dev/null 2>&1; }
  for pol in "${POLICIES[@]}"; do
    pname=${pol%%:*} penv=${pol#*:}
    a="" m=""
    for ((r = 1; r <= ROUNDS; r++)); do
      a+="$(seconds generate "$penv") "
      t0=$(date +%s.%N); mpi_gen "$penv"; t1=$(date +%s.%N)
      m+="$(echo "$t1 - $t0" | bc -l) "
    done
    am=$(echo "$a" | median) mm=$(echo "$m" | median)
    printf "%-9s %-9s %-7s %9.3f %9.3f %10.2f\n" "gen-mpi2" "$pname" "np2" "$mm" "$am" "$(echo "$am / $mm" | bc -l)"
  done
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
