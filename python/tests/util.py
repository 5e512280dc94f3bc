"""Shared helpers: the CLI as an oracle and independent NumPy references (dense H, eigh)."""
import json
import os
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TL_SRC", os.path.normpath(os.path.join(HERE, "..", "..")))
BIN = os.environ.get("TL_BIN", os.path.join(SRC, "build", "topolearn"))


def cli_winding(*args):
    """`topolearn winding ARGS --json` as a dict (floats parsed exactly: %.17g)."""
    out = subprocess.run([BIN, "winding", *map(str, args), "--json"], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def cli_marker(j):
    return np.array([np.nan if x is None else x for x in j["local_marker"]])


def dense_h(t, r_min=0, pbc=False, onsite=None):
    """H (2L x 2L, site order 2n + a) built from the hoppings by the SPEC 1.1 formula."""
    L, R = t.shape
    H = np.zeros((2 * L, 2 * L))
    for n in range(L):
        for k in range(R):
            m = n + r_min + k
            if pbc:
                m %= L
            elif not 0 <= m < L:
                continue
            H[2 * m, 2 * n + 1] += t[n, k]
            H[2 * n + 1, 2 * m] += t[n, k]
    if onsite is not None:
        H[np.diag_indices(2 * L)] += onsite
    return H


def numpy_rswn(t, r_min=0, pbc=False, onsite=None, f=0.5):
    """The NumPy way: eigh of H, Q = V sign(E) V^T (sign(0) = 0), marker, bulk mean.
    Returns W, marker, bulk start, bulk cells, number of zero modes dropped."""
    L = t.shape[0]
    E, V = np.linalg.eigh(dense_h(t, r_min, pbc, onsite))
    s = np.sign(E)
    zero = np.abs(E) < 1e-8 * np.abs(E).max()
    s[zero] = 0
    Q = (V * s) @ V.T
    q = Q[0::2, 1::2]  # rows A_n, columns B_m
    d = np.arange(L)[None, :] - np.arange(L)[:, None]
    if pbc:
        d = np.where(d > L // 2, d - L, d)
        d = np.where(d <= -((L + 1) // 2), d + L, d)
    marker = -(q * q * d).sum(axis=1)
    lp = max(1, int(np.floor(f * L + 0.5)))
    start = (L - lp) // 2
    return marker[start:start + lp].mean(), marker, start, lp, int(zero.sum())
