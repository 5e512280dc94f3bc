"""Model inputs from a data set, in the layouts of the C models (src/models/featurise.inc.h).

NumPy only, so that the layouts are tested where PyTorch is not installed; topolearn.torch
wraps them in a Dataset. Per chain, float32 (the networks' precision, SPEC 3), cast once
from the stored values exactly as the C code casts them:

    eigvec   (L, 2L)  row j: the j-th positive-energy state (ascending energy), site
                      order 2n + a, sign gauge of SPEC 2 -- the mlp input flattened
    hopping  (L, R)   [n, k] = t_{r_min+k}(n)
    qab      (L, L)   Q_AB[n, m]: stored, or 2 sum_j a_j[n] b_j[m] from the states
                      (SPEC 1.4), summed over j in the C code's order

Row-major flattening of each gives the C mlp's input vector bit for bit.
"""
import numpy as np

INPUTS = ("eigvec", "hopping", "qab")


def _qab_from_states(psi):
    """2 sum_j a_j[n] b_j[m] for every chain, psi (N, L, 2L) float64: the same products
    added in the same order (j = 0, 1, ...) as featurise.inc.h, so the float64 sums and
    hence their float32 casts are the C values exactly."""
    a, b = psi[:, :, 0::2], psi[:, :, 1::2]  # (N, states, cells)
    q = np.zeros((psi.shape[0], psi.shape[1], psi.shape[1]))
    for j in range(psi.shape[1]):
        q += a[:, j, :, None] * b[:, j, None, :]
    return 2 * q


def features(data, input, name="data set"):
    """The float32 inputs of every chain of data (a dict of topolearn.load), (N, ...)."""
    if input not in INPUTS:
        raise ValueError(f"input: {input!r} is unknown (expected one of {', '.join(INPUTS)})")
    if input == "hopping":
        return data["hoppings"].astype(np.float32)
    if "eigvecs" not in data:
        raise ValueError(f"{name}: no eigenvectors stored (a long-chain data set, method "
                         f"window, holds no spectrum); input='hopping' works on it")
    if input == "eigvec":
        return data["eigvecs"].astype(np.float32)
    if "qab" in data:
        return data["qab"].astype(np.float32)
    return _qab_from_states(data["eigvecs"].astype(np.float64)).astype(np.float32)


def kept(data, keep_ambiguous=False):
    """Indices of the chains that count (SPEC 1.3: ambiguous ones left out unless asked)."""
    if keep_ambiguous:
        return np.arange(len(data["label"]))
    return np.flatnonzero(data["ambiguous"] == 0)


def flip_states(x, signs):
    """x (..., L, 2L) eigvec inputs with state j multiplied by signs[..., j] (+-1): the sign
    of an eigenvector is a convention, not physics (SPEC 3, --augment gauge)."""
    return x * signs[..., :, None].astype(x.dtype)
