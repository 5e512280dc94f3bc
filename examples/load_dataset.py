#!/usr/bin/python3
"""Load a topolearn data set with h5py (docs/FORMAT.md) and check SPEC 1.4's identity.

    topolearn generate --out data.h5 --n 1000
    python3 examples/load_dataset.py data.h5
"""
import sys

import h5py
import numpy as np

path = sys.argv[1] if len(sys.argv) > 1 else "data.h5"
with h5py.File(path, "r") as f:  # the three lines a training script needs:
    X, y, amb = f["eigvecs"][()], f["label"][()], f["ambiguous"][()].astype(bool)
    attrs = dict(f.attrs)
    qab = f["qab"][()] if "qab" in f else None
    W = f["W"][()]
assert attrs["kind"] == "dataset" and attrs["format_version"] == 1
L = int(attrs["L"])
labels, counts = np.unique(y, return_counts=True)
print(f"{len(y)} chains, L = {L}, labels {dict(zip(labels.tolist(), counts.tolist()))}, "
      f"{amb.sum()} ambiguous")

# Positive-energy states in site order 2n + a: A amplitudes at even, B at odd indices.
a, b = X[:, :, 0::2], X[:, :, 1::2]
Q = 2.0 * np.einsum("ijn,ijm->inm", a, b)  # Q_AB = 2 sum_j a_j b_j^T (SPEC 1.4)
if qab is not None:
    print(f"max |2 sum_j a_j b_j^T - qab| = {np.abs(Q - qab).max():.2e}")

# W from Q_AB (SPEC 1.3): w_loc(n) = -sum_m Q[n, m]^2 (m - n), averaged over the bulk.
if attrs["boundary"] == "obc":
    x = np.arange(L)
    marker = -(Q**2 @ x) + x * (Q**2).sum(axis=2)
    lp = max(1, int(np.floor(float(attrs["bulk_fraction"]) * L + 0.5)))
    s = (L - lp) // 2
    print(f"max |W from eigvecs - W| = {np.abs(marker[:, s:s + lp].mean(axis=1) - W).max():.2e}")
