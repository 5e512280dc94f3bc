#!/usr/bin/python3
"""Benchmark: topolearn.rswn from Python vs the C core vs the NumPy way, L = 1000 SSH.

    /usr/bin/python3 bench/python_rswn.py [BUILD_DIR]        (default: build)

One disordered plain-SSH chain (v = 0.5, w = 1, D = 1, seed 1, OBC), three ways:

  python  topolearn.rswn(t): ctypes call into tl_arrays_rswn (chain wrap, solver,
          marker), marker returned as a NumPy array.
  C core  what `topolearn winding` does after parsing and before printing
          (cmd_winding.c): tl_solver_new, tl_solver_run, tl_rswn_from_qab,
          tl_solver_free on a built chain -- timed inside a small C driver compiled
          here against the same library. Timing the CLI process instead would add
          exec, dynamic loading of OpenBLAS/HDF5 and JSON printing, which are not the
          core; its wall time is printed too, for reference.
  numpy   the NumPy way: dense H (2L x 2L), numpy.linalg.eigh, Q = V sign(E) V^T,
          marker with BLAS products; timed twice: with NumPy's OpenBLAS at its default
          thread count (all cores), and in a child process with OPENBLAS_NUM_THREADS=1
          -- the same thread count as ours, which decomposes one chain on one thread
          (SPEC 6: results independent of the thread count).

Rounds alternate C and Python so that load from other processes hits both alike; each
side reports the minimum over rounds of its median. Prints the ratios against the
targets of the issue (python within 1.2x of C core; numpy at least 10x python). Not a
test: nothing is asserted.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build"))
os.environ.setdefault("TOPOLEARN_LIB", os.path.join(BUILD, "libtopolearn.so"))
sys.path.insert(0, os.path.join(SRC, "python"))
import topolearn as tl  # noqa: E402

L, V, W_HOP, D, SEED = 1000, 0.5, 1.0, 1.0, 1
REPS, ROUNDS, NUMPY_REPS = 15, 3, 3

C_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "topolearn.h"
static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
                          return ts.tv_sec + 1e-9 * ts.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b;
                                               return (x > y) - (x < y); }
int main(int argc, char **argv) {
  int L = atoi(argv[1]), reps = atoi(argv[2]);
  tl_family_t f; tl_family_ssh(&f, L, atof(argv[3]), atof(argv[4]));
  f.disorder[0] = f.disorder[1] = atof(argv[5]);
  tl_rng_t rng; tl_rng_init(&rng, (uint64_t)atoll(argv[6]), 0);
  tl_error err = {0}; tl_chain_t *c;
  if (tl_chain_build(&c, &f, &rng, &err)) { fprintf(stderr, "%s\n", err.msg); return 1; }
  tl_rswn_opts_t o; tl_rswn_opts_default(&o);
  double *marker = malloc(L * sizeof *marker), *t = malloc(reps * sizeof *t), W = 0;
  for (int i = 0; i < reps; i++) {
    double t0 = now();
    tl_solver_t *s; tl_rswn_t r;   /* cmd_winding.c's full path */
    if (tl_solver_new(&s, c->L, c->r_min, c->r_max, c->boundary, &err) ||
        tl_solver_run(s, c, TL_PATH_AUTO, &err)) { fprintf(stderr, "%s\n", err.msg); return 1; }
    tl_rswn_from_qab(s->qab, c->L, c->boundary, &o, &r, marker);
    tl_solver_free(s);
    t[i] = now() - t0; W = r.W;
  }
  qsort(t, reps, sizeof *t, cmp);
  printf("%.17g %.9f\n", W, t[reps / 2]);
  return 0;
}
"""


def build_driver(tmp):
    src, exe = os.path.join(tmp, "drv.c"), os.path.join(tmp, "drv")
    with open(src, "w") as f:
        f.write(C_DRIVER)
    subprocess.run(["cc", "-O2", "-o", exe, src, "-I", os.path.join(SRC, "include"),
                    "-L", BUILD, "-ltopolearn", "-Wl,-rpath," + BUILD], check=True)
    return exe


def numpy_way(t):
    """RSWN from the dense 2L x 2L H with eigh (sign(0) = 0 for zero modes)."""
    n = t.shape[0]
    H = np.zeros((2 * n, 2 * n))
    i = np.arange(n)
    H[2 * i, 2 * i + 1] = t[:, 0]                    # v: B_n - A_n
    H[2 * i[1:], 2 * i[:-1] + 1] = t[:-1, 1]         # w: B_n - A_{n+1}
    H += H.T
    E, Vec = np.linalg.eigh(H)
    s = np.sign(E)
    s[np.abs(E) < 1e-8 * np.abs(E).max()] = 0
    Q = (Vec * s) @ Vec.T
    q2 = Q[0::2, 1::2] ** 2
    x = np.arange(n, dtype=float)
    marker = -(q2 @ x - x * q2.sum(axis=1))
    lp = max(1, int(np.floor(0.5 * n + 0.5)))
    start = (n - lp) // 2
    return marker[start:start + lp].mean()


def median_time(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def numpy_child(threads):
    """(median time, W) of the NumPy way in a child whose OpenBLAS uses `threads` threads."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, os.path.abspath(__file__), BUILD, "--numpy-only"],
                         env=env, check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def main():
    if "--numpy-only" in sys.argv:
        t = tl.chain(L, hop={0: V, 1: W_HOP}, disorder=D, seed=SEED)
        med, W = median_time(lambda: numpy_way(t), NUMPY_REPS)
        print(f"{med!r} {W!r}")
        return
    t = tl.chain(L, hop={0: V, 1: W_HOP}, disorder=D, seed=SEED)
    with tempfile.TemporaryDirectory() as tmp:
        drv = build_driver(tmp)
        c_times, py_times = [], []
        for _ in range(ROUNDS):
            out = subprocess.run([drv, str(L), str(REPS), str(V), str(W_HOP), str(D), str(SEED)],
                                 check=True, capture_output=True, text=True).stdout.split()
            W_c, c_med = float(out[0]), float(out[1])
            c_times.append(c_med)
            py_med, (W_py, _) = median_time(lambda: tl.rswn(t), REPS)
            py_times.append(py_med)
    cli = [os.path.join(BUILD, "topolearn"), "winding", "--v", str(V), "--w", str(W_HOP),
           "--disorder", str(D), "--L", str(L), "--seed", str(SEED), "--json"]
    cli_wall, _ = median_time(lambda: subprocess.run(cli, check=True, capture_output=True), 5)
    np_med, W_np = median_time(lambda: numpy_way(t), NUMPY_REPS)
    np1_med, _ = numpy_child(1)
    c_best, py_best = min(c_times), min(py_times)
    print(f"RSWN, disordered plain SSH: L = {L}, v = {V}, w = {W_HOP}, D = {D}, seed {SEED}, OBC")
    print(f"  C core (solver_new+run+marker) : {c_best * 1e3:8.2f} ms  (median of {REPS}, best "
          f"of {ROUNDS} rounds: {', '.join(f'{x * 1e3:.2f}' for x in c_times)})")
    print(f"  topolearn.rswn (Python)        : {py_best * 1e3:8.2f} ms  (rounds: "
          f"{', '.join(f'{x * 1e3:.2f}' for x in py_times)})")
    print(f"  CLI process (winding --json)   : {cli_wall * 1e3:8.2f} ms  (wall, incl. startup "
          f"and printing; reference only)")
    print(f"  NumPy way (eigh of 2L x 2L H)  : {np_med * 1e3:8.2f} ms  (median of {NUMPY_REPS}, "
          f"OpenBLAS default threads, {os.cpu_count()} cores)")
    print(f"  NumPy way, 1 thread            : {np1_med * 1e3:8.2f} ms  (OPENBLAS_NUM_THREADS=1)")
    print(f"  W: python {W_py!r}, C {W_c!r} (equal: {W_py == W_c}), numpy {W_np!r} "
          f"(|diff| {abs(W_py - W_np):.1e})")
    print(f"  ratio python / C core = {py_best / c_best:.3f}   (target <= 1.2)")
    print(f"  ratio numpy / python  = {np_med / py_best:.1f} (default threads), "
          f"{np1_med / py_best:.1f} (1 thread, as ours)   (target >= 10)")


if __name__ == "__main__":
    main()
