#!/usr/bin/python3
"""RSWN of one chain "the usual way" in NumPy: the reference for bench_rswn (SPEC 6).

    /usr/bin/python3 bench/rswn_numpy.py HOPPINGS [MIN_SECONDS [MIN_REPEATS]]

HOPPINGS is the text file bench_rswn writes: a line "L r_min r_max", then L lines of
r_max - r_min + 1 hoppings t_r(n) (%.17g, so the chain is bit-identical; bonds leaving
an open chain are already 0). The usual way, as a physicist writes it:

    H (2L x 2L, site order 2n + a, H[2(n+r), 2n+1] = t_r(n)), E, V = numpy.linalg.eigh(H)
    Q = V sign(E) V^T                     (one BLAS product, 2L x 2L x 2L)
    q = Q[A rows, B cols]
    w_loc(n) = -sum_m q[n,m]^2 (m - n),   W = mean of w_loc over the bulk window (SPEC 1.4)

sign(0) = 0 for |E| < 1e-8 max|E| (SPEC 1.4: eigh pairs edge modes arbitrarily).
A "lean" variant forms only the A-B block, q = (V_A sign(E)) V_B^T (L x L x 2L), which
is what a careful NumPy user would write; it is timed too so the ratio to the C path is
not flattered by the 2L x 2L product.

Prints one line: "W <W> numpy_ms <median> lean_ms <median> repeats <n> W_lean <W>
cpu_ms <median>". Timing: time.perf_counter around everything after the hoppings are in
memory (building H included: the C path builds its band from the same hoppings inside
the timed call); cpu_ms is time.process_time of the usual way (all threads' CPU time:
on a shared machine it does not count the time other jobs hold the core).
"""
import statistics
import sys
import time

import numpy as np


def read_hoppings(path):
    with open(path) as f:
        L, r_min, r_max = (int(x) for x in f.readline().split())
        t = np.loadtxt(f, ndmin=2)
    if t.shape != (L, r_max - r_min + 1):
        raise SystemExit(f"{path}: hoppings have shape {t.shape}, expected ({L}, {r_max - r_min + 1})")
    return L, r_min, r_max, t


def hamiltonian(L, r_min, t):
    """Dense H in site order; open chain (bonds leaving it are 0 in t and skipped)."""
    H = np.zeros((2 * L, 2 * L))
    n = np.arange(L)
    for k in range(t.shape[1]):
        m = n + r_min + k
        ok = (m >= 0) & (m < L)
        H[2 * m[ok], 2 * n[ok] + 1] = t[ok, k]
    return H + H.T


def bulk_window(L, f=0.5):
    lp = min(L, max(1, int(np.floor(f * L + 0.5))))
    return (L - lp) // 2, lp


def marker_W(q, L):
    start, cells = bulk_window(L)
    x = np.arange(L, dtype=float)
    qb = q[start:start + cells]
    q2 = qb * qb
    # -sum_m q[n,m]^2 (m - n) = -(q2 @ x) + x_n * sum_m q2[n,m]
    w = -(q2 @ x) + x[start:start + cells] * q2.sum(axis=1)
    return w.mean()


def signs(E):
    s = np.sign(E)
    s[np.abs(E) < 1e-8 * np.abs(E).max()] = 0.0
    return s


def rswn_usual(L, r_min, t):
    H = hamiltonian(L, r_min, t)
    E, V = np.linalg.eigh(H)
    Q = (V * signs(E)) @ V.T
    q = Q[0::2, 1::2]
    return marker_W(q, L)


def rswn_lean(L, r_min, t):
    H = hamiltonian(L, r_min, t)
    E, V = np.linalg.eigh(H)
    q = (V[0::2] * signs(E)) @ V[1::2].T
    return marker_W(q, L)


def timed(fn, args, min_seconds, min_repeats):
    times, cpu, total, W = [], [], 0.0, None
    while len(times) < min_repeats or (total < min_seconds and len(times) < 50):
        c0, t0 = time.process_time(), time.perf_counter()
        W = fn(*args)
        dt = time.perf_counter() - t0
        cpu.append(time.process_time() - c0)
        times.append(dt)
        total += dt
    return W, 1e3 * statistics.median(times), len(times), 1e3 * statistics.median(cpu)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    path = sys.argv[1]
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    min_repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    L, r_min, r_max, t = read_hoppings(path)
    W, ms, n, cpu_ms = timed(rswn_usual, (L, r_min, t), min_seconds, min_repeats)
    W_lean, lean_ms, _, _ = timed(rswn_lean, (L, r_min, t), min_seconds, min_repeats)
    print(f"W {W:.17g} numpy_ms {ms:.6g} lean_ms {lean_ms:.6g} repeats {n} W_lean {W_lean:.17g}"
          f" cpu_ms {cpu_ms:.6g}")


if __name__ == "__main__":
    main()
