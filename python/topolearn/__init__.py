"""topolearn from Python: chains, real-space winding numbers and spectra on NumPy arrays.

A thin layer over libtopolearn's array API (include/topolearn/arrays.h) through ctypes.
Layouts are those of the C library and the data-set files (SPEC 1.1, 2):

    hoppings  float64 (L, R), C order: hoppings[n, k] = t_{r_min+k}(n), the bond
              B_n -> A_{n+r}; under open boundaries the bonds leaving the chain are
              ignored (chain() writes them as 0).
    onsite    float64 (2L,), site order 2n + a (a = 0: A, 1: B), or None (chiral chain).
    marker    float64 (L,), local winding marker of every cell.
    energies  float64 (2L,), ascending.
    eigvecs   float64 (L, 2L): row j is the j-th positive-energy state (ascending
              energy) in site order, sign gauge of SPEC 2.

Inputs that are already C-contiguous, aligned, native float64 arrays cross into C
without a copy; anything else array-like is converted once. Outputs are fresh arrays the
C code fills in place. Errors from C arrive as Python exceptions carrying the C message:
bad values -> ValueError, missing files -> FileNotFoundError, other I/O -> OSError,
allocation -> MemoryError, numerical/internal failures -> RuntimeError (each with a
`status` attribute holding the tl_status code).
"""

import ctypes
import os

import numpy as np

from . import _dataset, _lib

__all__ = ["chain", "rswn", "eig", "kspace_winding", "generate", "load", "library_path",
           "has_datasets", "__version__"]
__version__ = "0.1.0"

_C, library_path = _lib.load()
_HAS_DATA = _dataset.declare(_C)
has_datasets = _HAS_DATA  # the library has the data-set layer: generate() and load() work

_PATHS = {"auto": 0, "bidiag": 1, "banded": 2, "dense": 3, "full-h": 4}
_PATH_NAMES = {v: k for k, v in _PATHS.items()}
_METHODS = {"full": 0, "window": 1, "auto": 2}
_RANGE_MAX = 16  # TL_RANGE_MAX


def _call(fn, *args):
    err = _lib.Error()
    status = fn(*args, ctypes.byref(err))
    if status != _lib.TL_OK:
        _lib.raise_for(status, err)


def _real_f64(a, name):
    """a as an aligned, C-contiguous, native float64 ndarray: the same object when it
    already is one (no copy), else one converted copy. Complex and non-numeric input is a
    TypeError: hoppings are real (SPEC 1.1) and a silent cast would drop information."""
    arr = a if isinstance(a, np.ndarray) else np.asarray(a)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name}: complex values ({arr.dtype}) are not supported: "
                        "hoppings and on-site terms are real")
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    return np.require(arr, dtype=np.float64, requirements=["C", "A"])


def _hoppings(hoppings):
    t = _real_f64(hoppings, "hoppings")
    if t.ndim != 2:
        raise ValueError(f"hoppings: expected shape (L, R) (cells x ranges), got {t.shape}")
    return t


def _onsite(onsite, L):
    if onsite is None:
        return None
    e = _real_f64(onsite, "onsite")
    if e.shape != (2 * L,):
        raise ValueError(f"onsite: expected shape ({2 * L},) (2L values in site order 2n + a), "
                         f"got {e.shape}")
    return e


def _ptr(arr):
    return None if arr is None else arr.ctypes.data


def _int(x, name):
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {type(x).__name__} {x!r}")
    return int(x)


def _ranges(d, name):
    """A {r: value} mapping -> (r_min, r_max, values over r_min..r_max, 0 where absent)."""
    if not isinstance(d, dict) or not d:
        raise TypeError(f"{name}: expected a non-empty dict {{range r: value}}, got {d!r}")
    rs = [_int(r, f"{name} key") for r in d]
    r_min, r_max = min(rs), max(rs)
    if r_min < -_RANGE_MAX or r_max > _RANGE_MAX:
        raise ValueError(f"{name}: ranges {r_min}..{r_max} are invalid (expected within "
                         f"-{_RANGE_MAX}..{_RANGE_MAX})")
    vals = np.zeros(r_max - r_min + 1)
    for r, v in d.items():
        vals[int(r) - r_min] = float(v)
    return r_min, r_max, vals


def chain(L, hop=None, disorder=0.0, onsite=0.0, seed=1, pbc=False, stream=0,
          return_onsite=False):
    """One chain of the SSH family, as the CLI builds it.

    L        cells.
    hop      {r: t_r} mean hoppings; default {0: 1.0, 1: 1.0}. The ranges are
             min(hop)..max(hop) (absent ranges in between have t_r = 0).
    disorder bond disorder D: one float for every range, or {r: D_r}.
    onsite   chiral-breaking on-site disorder D_0 >= 0.
    seed, stream  the random stream (seed, stream); `topolearn winding --seed s` builds
             stream (s, 0), so chain(..., seed=s) equals the CLI's chain bit for bit.
    pbc      periodic boundaries (default open).

    Returns hoppings, float64 (L, R) with R = max(hop) - min(hop) + 1; with
    return_onsite=True, (hoppings, eps) with eps float64 (2L,) (zeros when onsite == 0).
    Pass r_min=min(hop), pbc and onsite=eps on to rswn()/eig().
    """
    L = _int(L, "L")
    r_min, r_max, t_mean = _ranges({0: 1.0, 1: 1.0} if hop is None else hop, "hop")
    R = r_max - r_min + 1
    if isinstance(disorder, dict):
        dr_min, dr_max, _ = _ranges(disorder, "disorder")
        if dr_min < r_min or dr_max > r_max:
            raise ValueError(f"disorder: ranges {dr_min}..{dr_max} are not among the hoppings "
                             f"({r_min}..{r_max})")
        D = np.zeros(R)
        for r, v in disorder.items():
            D[int(r) - r_min] = float(v)
    else:
        D = np.full(R, float(disorder))
    seed, stream = _int(seed, "seed"), _int(stream, "stream")
    if not 0 <= seed < 2**64 or not 0 <= stream < 2**64:
        raise ValueError(f"seed {seed} / stream {stream}: expected 0 <= value < 2^64")
    if L < 1:  # before allocating (L, R): the C check would come after np.empty failed
        raise ValueError(f"L = {L} is out of range (expected >= 1)")
    t = np.empty((L, R))
    eps = np.empty(2 * L) if return_onsite else None
    _call(_C.tl_arrays_chain, L, r_min, r_max, _ptr(t_mean), _ptr(D), float(onsite),
          1 if pbc else 0, seed, stream, _ptr(t), _ptr(eps))
    return (t, eps) if return_onsite else t


def rswn(hoppings, r_min=0, bulk_fraction=0.5, *, pbc=False, onsite=None, delta=0.1,
         method="full", path="auto", tol=1e-8, block=200, buffer=50, buffer_limit=16384,
         full_output=False):
    """Real-space winding number W and local marker of one chain (SPEC 1.3).

    hoppings  float64 (L, R) of ranges r_min..r_min+R-1; onsite: None or (2L,).
    method    "full" (one decomposition), "window" (linear-scaling windowed RSWN of
              window.h: tol, block, buffer, buffer_limit; markers outside the bulk are
              NaN), or "auto" (window when chiral and L >= 2000), as `winding --method`.
    path      solver path for the full method: auto|bidiag|banded|dense|full-h.

    Returns (W, marker) with marker float64 (L,); with full_output=True,
    (W, marker, info) where info is a dict: label, ambiguous, chiral, bulk_start,
    bulk_cells, method ("full" or "window"), path, W_error, buffer_max, converged.
    """
    t = _hoppings(hoppings)
    L, R = t.shape
    r_min = _int(r_min, "r_min")
    e = _onsite(onsite, L)
    if method not in _METHODS:
        raise ValueError(f"method: {method!r} is unknown (expected full, window or auto)")
    if path not in _PATHS:
        raise ValueError(f"path: {path!r} is unknown (expected auto, bidiag, banded, dense "
                         "or full-h)")
    opts = _lib.RswnOpts(float(bulk_fraction), float(delta))
    wo = _lib.WindowOpts(_int(block, "block"), _int(buffer, "buffer"),
                         _int(buffer_limit, "buffer_limit"), float(tol))
    res = _lib.WindowResult()
    used = ctypes.c_int(0)
    marker = np.empty(L)
    _call(_C.tl_arrays_rswn, t.ctypes.data, L, r_min, r_min + R - 1, 1 if pbc else 0,
          _ptr(e), ctypes.byref(opts), _PATHS[path], _METHODS[method], ctypes.byref(wo),
          ctypes.byref(res), marker.ctypes.data, ctypes.byref(used))
    W = res.rswn.W
    if not full_output:
        return W, marker
    r = res.rswn
    info = {"label": r.label, "ambiguous": bool(r.ambiguous), "chiral": bool(r.chiral),
            "bulk_start": r.bulk_start, "bulk_cells": r.bulk_cells,
            "method": "full" if res.full else "window",
            "path": _PATH_NAMES.get(used.value, "auto"), "W_error": res.W_error,
            "buffer_max": res.buffer_max, "converged": bool(res.converged)}
    return W, marker, info


def eig(hoppings, r_min=0, *, pbc=False, onsite=None, path="auto", qab=False):
    """Energies and positive-energy eigenvectors of H, as stored in data sets.

    Returns (energies, eigvecs): float64 (2L,) ascending and float64 (L, 2L) (row j: the
    j-th positive-energy state, site order 2n + a, sign gauge of SPEC 2); with qab=True
    also Q_AB, float64 (L, L) (row n: A cell n). Chiral chains come from the SVD of the
    L x L block (E = +/- s_j, psi_j = (u_j, v_j)/sqrt 2), never eigh of the full H.
    """
    t = _hoppings(hoppings)
    L, R = t.shape
    r_min = _int(r_min, "r_min")
    e = _onsite(onsite, L)
    if path not in _PATHS:
        raise ValueError(f"path: {path!r} is unknown (expected auto, bidiag, banded, dense "
                         "or full-h)")
    energies = np.empty(2 * L)
    psi = np.empty((L, 2 * L))
    q = np.empty((L, L)) if qab else None
    _call(_C.tl_arrays_eig, t.ctypes.data, L, r_min, r_min + R - 1, 1 if pbc else 0, _ptr(e),
          _PATHS[path], energies.ctypes.data, psi.ctypes.data, _ptr(q))
    return (energies, psi, q) if qab else (energies, psi)


def kspace_winding(hop, r_min=0, *, pbc=False, onsite=None):
    """k-space winding of h(k) = sum_r t_r e^{irk}: an int, or None where undefined (gap
    closed, all t_r = 0, or -- for a chain -- disordered or not chiral).

    hop   {r: t_r} mean hoppings; or a 1-D array of t_r for ranges r_min..; or a chain's
          hoppings (L, R) (then pbc and onsite describe the chain, as for rswn()).
    """
    w, d = ctypes.c_int(0), ctypes.c_int(0)
    if isinstance(hop, dict):
        r_min, r_max, t = _ranges(hop, "hop")
        _call(_C.tl_kspace_winding, t.ctypes.data, r_min, r_max, ctypes.byref(w),
              ctypes.byref(d))
        return w.value if d.value else None
    t = _real_f64(hop, "hop")
    r_min = _int(r_min, "r_min")
    if t.ndim == 1:
        if not 1 <= t.size <= 2 * _RANGE_MAX + 1:
            raise ValueError(f"hop: expected 1..{2 * _RANGE_MAX + 1} mean hoppings, got {t.size}")
        _call(_C.tl_kspace_winding, t.ctypes.data, r_min, r_min + t.size - 1, ctypes.byref(w),
              ctypes.byref(d))
    elif t.ndim == 2:
        L, R = t.shape
        e = _onsite(onsite, L)
        _call(_C.tl_arrays_kspace_winding, t.ctypes.data, L, r_min, r_min + R - 1,
              1 if pbc else 0, _ptr(e), ctypes.byref(w), ctypes.byref(d))
    else:
        raise ValueError(f"hop: expected a dict, mean hoppings (R,) or hoppings (L, R), got "
                         f"shape {t.shape}")
    return w.value if d.value else None


def _need_data():
    if not _HAS_DATA:
        raise RuntimeError(f"topolearn: {library_path} has no data-set layer (tl_dataset_*): "
                           "rebuild libtopolearn from a tree that includes it")


def generate(path=None, n=1000, L=32, *, hop=None, hop_range=None, disorder=0.0, onsite=0.0,
             seed=1, pbc=False, bulk_fraction=0.5, delta=0.1, balanced=False,
             max_candidates=0, qab=True, float32=False, compress=0, threads=0, force=False):
    """A labelled data set (SPEC 2), generated by the C library as `topolearn generate`.

    path       output HDF5 file (written whole or not at all; force=True overwrites);
               None: generate into a temporary file and return load() of it.
    hop        {r: t_r} fixed mean hoppings; hop_range {r: (lo, hi)} mean hopping of r
               drawn uniformly per chain. Neither: plain SSH with v, w uniform in [0, 2].
    disorder   bond disorder D (float, or {r: D_r}); onsite: on-site disorder D_0.
    balanced   equal label counts over windings r_min..r_max (max_candidates: give up
               after that many, 0: 20 n + 1000); qab=False: do not store Q_AB;
               float32: eigvecs and qab as float32; compress: deflate level 0..9;
               threads: OpenMP threads (0: all). Same seed -> same data, any threads.

    Returns path, or the dict of arrays of load(). Ctrl-C cancels (KeyboardInterrupt,
    no file left behind).
    """
    _need_data()
    args = dict(n=n, L=L, hop=hop, hop_range=hop_range, disorder=disorder, onsite=onsite,
                seed=seed, pbc=pbc, bulk_fraction=bulk_fraction, delta=delta,
                balanced=balanced, max_candidates=max_candidates, qab=qab, float32=float32,
                compress=compress, threads=threads, force=force)
    for name in ("n", "L", "seed", "max_candidates", "compress", "threads"):
        _int(args[name], name)
    if hop is not None:
        _ranges(hop, "hop")
    if hop_range is not None:
        if not isinstance(hop_range, dict) or not hop_range:
            raise TypeError(f"hop_range: expected a non-empty dict {{range r: (lo, hi)}}, got "
                            f"{hop_range!r}")
        for r, v in hop_range.items():
            _int(r, "hop_range key")
            if not (isinstance(v, (tuple, list)) and len(v) == 2):
                raise TypeError(f"hop_range: range {r}: expected (lo, hi), got {v!r}")
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed {seed} is out of range (expected 0 <= seed < 2^63)")
    command = "topolearn.generate(" + ", ".join(
        f"{k}={v!r}" for k, v in [("path", path)] + list(args.items())) + ")"
    return _dataset.generate(_C, path, command=command, **args)


def load(path, verify=True):
    """A data set file as a dict of NumPy arrays, read and validated by the C reader.

    Keys: the stored fields of docs/FORMAT.md -- hoppings (N, L, R), energies (N, 2L),
    eigvecs (N, L, 2L), qab (N, L, L) if stored, W, label (int32), ambiguous (uint8),
    W_kspace (NaN where undefined), local_marker (N, L), onsite (N, 2L) if stored,
    candidate (int64) -- and "attrs", a dict of the root attributes (n, L, r_min, r_max,
    boundary, seed, bulk_fraction, delta, onsite_disorder, balanced, hop_lo, hop_hi,
    disorder, version, created, command). verify=True (default) also checks every value
    (finite, label = round(W), ambiguity flag), as `topolearn info` does. A file the C
    reader refuses raises with its one-line message (FileNotFoundError when missing,
    ValueError when not a valid data set).
    """
    _need_data()
    return _dataset.load(_C, os.fspath(path), verify)
