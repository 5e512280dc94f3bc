#!/usr/bin/env bash
# Installs what topolearn needs from Debian's archive, only what is missing.
# Safe to run repeatedly; does nothing (and needs no root) when all is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libopenblas-openmp-dev liblapacke-dev      # BLAS/LAPACK (OpenMP threading) + LAPACKE
  libhdf5-dev hdf5-tools                     # data sets and model files
  libcmocka-dev                              # unit tests
  gnuplot-nox                                # figures
  libopenmpi-dev openmpi-bin                 # scale-out (optional at build time)
  python3 python3-numpy python3-scipy python3-h5py   # reference scripts, interop tests
  clang libclang-rt-14-dev                   # libFuzzer harnesses (make fuzz)
  valgrind                                   # make memcheck
  python3-setuptools python3-wheel python3-pip python3-venv   # pip install ./python, offline
)
[ "${TL_WITH_TORCH:-0}" = 1 ] && packages+=(python3-torch)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "install-deps: need root to run: $*" >&2; exit 2; fi; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# One OpenBLAS in the process, the OpenMP build: our OpenMP loops over chains then run
# BLAS single-threaded inside them instead of oversubscribing a pthread pool, and
# Debian's NumPy (the benchmark reference) links the same library.
dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
for alt in libblas.so.3 libblas.so liblapack.so.3 liblapack.so libopenblas.so.0 libopenblas.so; do
  name="$alt-x86_64-linux-gnu"
  cur=$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')
  if [ -e "$dir/$alt" ] && [ "$cur" != "$dir/$alt" ]; then
    as_root update-alternatives --quiet --set "$name" "$dir/$alt"
  fi
done
exit 0
