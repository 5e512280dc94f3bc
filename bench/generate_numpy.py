#!/usr/bin/python3
"""NumPy reference for bench_generate: the data set `topolearn generate` writes (default
family: plain SSH, v, w ~ U[0, 2], OBC, clean), written the way a careful NumPy user
would — one chain per loop iteration, the same fields, dtypes, chunk shapes and filters
(docs/FORMAT.md), blocks of chains written with h5py.

--method svd  (default): SVD of the L x L block h (SPEC 1.3: E = +/-s, psi = (u, v)/sqrt 2,
                         Q_AB = U V^T) — the fast NumPy way.
--method eigh          : dense eigh of the 2L x 2L H, Q = Z sign(E) Z^T (the "NumPy way"
                         of SPEC 6 for the RSWN benchmark).

One numpy Generator for the whole run (cheaper than a stream per chain, so the reference
is not slowed by our reproducibility scheme). Prints `chains_per_second X`.
"""
import argparse
import time

import h5py
import numpy as np

SMALL_LEVEL = 1  # small fields: shuffle + deflate 1, as in the C writer


def chunk_chains(row_bytes, n):
    return max(1, min(n, (1 << 20) // row_bytes))


def block_chains(row_bytes, n):
    return max(16, min(4096, (16 << 20) // row_bytes, n)) if n >= 16 else n


def gauge_fix(psi):
    """SPEC 2: largest-magnitude amplitude positive, ties within 1e-9 -> lowest index."""
    a = np.abs(psi)
    first = np.argmax(a >= a.max(axis=1, keepdims=True) - 1e-9, axis=1)
    psi *= np.sign(psi[np.arange(psi.shape[0]), first])[:, None]


def kspace_winding(v, w):
    """h(k) = v + w e^{ik}: winding = 0 + #roots of v + w z inside |z| < 1."""
    roots = np.roots([w, v]) if w != 0 else np.array([])
    if v == 0 and w == 0:
        return np.nan
    if np.any(np.abs(np.abs(roots) - 1.0) <= 1e-9):
        return np.nan
    return float(np.sum(np.abs(roots) < 1.0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--L", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--compress", type=int, default=0)
    ap.add_argument("--float32", action="store_true")
    ap.add_argument("--no-qab", action="store_true")
    ap.add_argument("--method", choices=["svd", "eigh"], default="svd")
    a = ap.parse_args()
    n, L, R = a.n, a.L, 2
    fdt = np.float32 if a.float32 else np.float64
    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    fields = {  # name: (per-chain shape, dtype, large)
        "hoppings": ((L, R), np.float64, False), "energies": ((2 * L,), np.float64, True),
        "eigvecs": ((L, 2 * L), fdt, True), "qab": ((L, L), fdt, True),
        "W": ((), np.float64, False), "label": ((), np.int32, False),
        "ambiguous": ((), np.uint8, False), "W_kspace": ((), np.float64, False),
        "local_marker": ((L,), np.float64, True), "candidate": ((), np.int64, False)}
    if a.no_qab:
        del fields["qab"]
    row_total = sum(int(np.prod(s)) * np.dtype(d).itemsize for s, d, _ in fields.values())
    B = block_chains(row_total, n)
    f = h5py.File(a.out, "w")
    dsets, bufs = {}, {}
    for name, (shape, dt, large) in fields.items():
        row = int(np.prod(shape)) * np.dtype(dt).itemsize
        level = a.compress if large else SMALL_LEVEL
        kw = dict(compression="gzip", compression_opts=level, shuffle=True) if level > 0 else {}
        dsets[name] = f.create_dataset(name, (n,) + shape, dtype=dt,
                                       chunks=(chunk_chains(row, n),) + shape, **kw)
        bufs[name] = np.empty((B,) + shape, dtype=dt)
    f.attrs["kind"] = "dataset"
    f.attrs["format_version"] = 1
    x = np.arange(L, dtype=np.float64)
    lp = max(1, int(np.floor(0.5 * L + 0.5)))
    b0 = (L - lp) // 2
    idx = np.arange(L)
    r2 = 1.0 / np.sqrt(2.0)
    written = 0
    for i in range(n):
        j = i - written
        v, w = rng.uniform(0.0, 2.0, 2)
        t = bufs["hoppings"][j]
        t[:, 0] = v
        t[:, 1] = w
        t[L - 1, 1] = 0.0  # the bond leaving the open chain
        if a.method == "svd":
            h = np.zeros((L, L))
            h[idx, idx] = v
            h[idx[1:], idx[:-1]] = w
            U, S, Vt = np.linalg.svd(h)
            bufs["energies"][j] = np.concatenate((-S, S[::-1]))
            psi = np.empty((L, 2 * L))
            psi[:, 0::2] = U[:, ::-1].T * r2
            psi[:, 1::2] = Vt[::-1, :] * r2
            Q = U @ Vt
        else:
            H = np.zeros((2 * L, 2 * L))
            H[2 * idx, 2 * idx + 1] = v
            H[2 * idx[1:], 2 * idx[:-1] + 1] = w
            H = H + H.T
            E, Z = np.linalg.eigh(H)
            bufs["energies"][j] = E
            psi = Z[:, L:].T.copy()
            sgn = np.where(np.abs(E) < 1e-8 * np.abs(E).max(), 0.0, np.sign(E))
            Q = ((Z[0::2, :] * sgn) @ Z[1::2, :].T)
        gauge_fix(psi)
        bufs["eigvecs"][j] = psi
        if "qab" in bufs:
            bufs["qab"][j] = Q
        Q2 = Q * Q
        marker = -(Q2 @ x) + x * Q2.sum(axis=1)
        bufs["local_marker"][j] = marker
        W = marker[b0:b0 + lp].mean()
        lab = int(np.rint(W))
        bufs["W"][j] = W
        bufs["label"][j] = lab
        bufs["ambiguous"][j] = abs(W - lab) > 0.1
        bufs["W_kspace"][j] = kspace_winding(v, w)
        bufs["candidate"][j] = i
        if j + 1 == B or i + 1 == n:
            for name in fields:
                dsets[name][written:i + 1] = bufs[name][:j + 1]
            written = i + 1
    f.close()
    dt = time.perf_counter() - t0
    print(f"chains_per_second {n / dt:.1f}")


if __name__ == "__main__":
    main()
