"""Data sets (SPEC 2, docs/FORMAT.md) through the C data layer (include/topolearn/dataset.h):
generation and the validating reader are the library's; this module only marshals.
"""

import ctypes
import os
import signal
import tempfile
import threading

import numpy as np

from . import _lib

NRANGE = 2 * 16 + 1  # TL_NRANGE = 2 * TL_RANGE_MAX + 1
I, D, L_, U64 = ctypes.c_int, ctypes.c_double, ctypes.c_long, ctypes.c_uint64


class Family(ctypes.Structure):
    """tl_family_t."""
    _fields_ = [("L", I), ("r_min", I), ("r_max", I), ("t", D * NRANGE),
                ("disorder", D * NRANGE), ("onsite", D), ("boundary", I)]


class Params(ctypes.Structure):
    """tl_dataset_params_t."""
    _fields_ = [("fam", Family), ("t_lo", D * NRANGE), ("t_hi", D * NRANGE), ("n", L_),
                ("seed", U64), ("rswn", _lib.RswnOpts), ("balanced", I),
                ("max_candidates", L_), ("store_qab", I), ("float32", I), ("compress", I),
                ("threads", I), ("force", I), ("command", ctypes.c_char_p),
                ("method", I), ("window", _lib.WindowOpts), ("checkpoint", I), ("resume", I)]


class Meta(ctypes.Structure):
    """tl_dataset_meta_t."""
    _fields_ = [("n", L_), ("L", I), ("r_min", I), ("r_max", I), ("boundary", I),
                ("balanced", I), ("has_qab", I), ("has_onsite", I), ("eig_float32", I),
                ("seed", U64), ("bulk_fraction", D), ("delta", D), ("onsite", D),
                ("t_lo", D * NRANGE), ("t_hi", D * NRANGE), ("disorder", D * NRANGE),
                ("version", ctypes.c_char * 32), ("created", ctypes.c_char * 64),
                ("command", ctypes.c_char * 4096), ("has_spectrum", I),
                ("method", ctypes.c_char * 16), ("window", _lib.WindowOpts)]


PROGRESS = ctypes.CFUNCTYPE(I, ctypes.c_void_p, L_, L_)  # tl_progress_fn (error.h): ctx, done, total

# tl_field order and tl_memtype codes of dataset.h.
FIELDS = ["hoppings", "energies", "eigvecs", "qab", "W", "label", "ambiguous", "W_kspace",
          "local_marker", "onsite", "candidate", "W_error"]
MEM_F64, MEM_F32, MEM_I32, MEM_U8, MEM_I64 = range(5)


def declare(lib):
    """Declares the data-layer functions; False when the library was built without them."""
    if not hasattr(lib, "tl_dataset_open"):
        return False
    E = ctypes.POINTER(_lib.Error)
    P = ctypes.c_void_p
    lib.tl_dataset_params_default.argtypes = [ctypes.POINTER(Params)]
    lib.tl_dataset_params_default.restype = None
    lib.tl_dataset_generate.argtypes = [ctypes.POINTER(Params), ctypes.c_char_p, PROGRESS, P, P, E]
    lib.tl_dataset_generate.restype = I
    lib.tl_dataset_open.argtypes = [ctypes.POINTER(P), ctypes.c_char_p, I, E]
    lib.tl_dataset_open.restype = I
    lib.tl_dataset_close.argtypes = [P]
    lib.tl_dataset_close.restype = None
    lib.tl_dataset_meta.argtypes = [P]
    lib.tl_dataset_meta.restype = ctypes.POINTER(Meta)
    lib.tl_field_name.argtypes = [I]
    lib.tl_field_name.restype = ctypes.c_char_p
    lib.tl_dataset_field_size.argtypes = [P, I]
    lib.tl_dataset_field_size.restype = L_
    lib.tl_dataset_read.argtypes = [P, I, L_, L_, I, P, E]
    lib.tl_dataset_read.restype = I
    # our struct mirrors must be the library's, or C would write past them
    for struct, fn in ((Params, "tl_dataset_params_size"), (Meta, "tl_dataset_meta_size")):
        getattr(lib, fn).restype = ctypes.c_size_t
        if getattr(lib, fn)() != ctypes.sizeof(struct):
            raise ImportError(f"topolearn: {struct.__name__} mirrors {getattr(lib, fn)()} bytes of "
                              f"the library as {ctypes.sizeof(struct)}: rebuild or update _dataset.py")
    for k, name in enumerate(FIELDS):  # our table must be the library's
        if lib.tl_field_name(k).decode() != name:
            raise ImportError(f"topolearn: field {k} of the library is "
                              f"{lib.tl_field_name(k).decode()!r}, expected {name!r}: the "
                              "Python package and libtopolearn are from different versions")
    return True


def _call(fn, *args):
    err = _lib.Error()
    status = fn(*args, ctypes.byref(err))
    if status != _lib.TL_OK:
        _lib.raise_for(status, err)


def _generate(lib, p, out):
    """tl_dataset_generate with Ctrl-C honoured: while it runs (main thread only), SIGINT
    sets a flag that the progress callback returns, so the C side cancels cleanly (no
    output left) and its TL_ERR_INTERRUPTED comes back as KeyboardInterrupt."""
    hit = []
    cb = PROGRESS(lambda ctx, done, total: 1 if hit else 0)
    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGINT, lambda signum, frame: hit.append(signum))
    try:
        _call(lib.tl_dataset_generate, ctypes.byref(p), os.fsencode(out), cb, None, None)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def generate(lib, path, n, L, hop, hop_range, disorder, onsite, seed, pbc, bulk_fraction,
             delta, balanced, max_candidates, qab, float32, compress, threads, force,
             command):
    p = Params()
    lib.tl_dataset_params_default(ctypes.byref(p))
    if hop is None and hop_range is None:
        hop_range = {0: (0.0, 2.0), 1: (0.0, 2.0)}  # SPEC 2's default family
    hop, hop_range = dict(hop or {}), dict(hop_range or {})
    ranges = [int(r) for r in list(hop) + list(hop_range)]
    r_min, r_max = min(ranges), max(ranges)
    if r_min < -16 or r_max > 16:
        raise ValueError(f"ranges {r_min}..{r_max} are invalid (expected within -16..16)")
    if isinstance(disorder, dict):
        bad = [r for r in disorder if not r_min <= int(r) <= r_max]
        if bad:
            raise ValueError(f"disorder: range {bad[0]} is not among the hoppings "
                             f"({r_min}..{r_max})")
    p.fam.L, p.fam.r_min, p.fam.r_max = int(L), r_min, r_max
    p.fam.onsite, p.fam.boundary = float(onsite), 1 if pbc else 0
    for k in range(r_max - r_min + 1):
        r = r_min + k
        if r in hop_range:
            lo, hi = hop_range[r]
        else:
            lo = hi = hop.get(r, 0.0)
        p.t_lo[k], p.t_hi[k] = float(lo), float(hi)
        p.fam.t[k] = float(lo)
        p.fam.disorder[k] = float(disorder.get(r, 0.0) if isinstance(disorder, dict)
                                  else disorder)
    p.n, p.seed = int(n), int(seed)
    p.rswn = _lib.RswnOpts(float(bulk_fraction), float(delta))
    p.balanced, p.max_candidates = int(bool(balanced)), int(max_candidates)
    p.store_qab, p.float32 = int(bool(qab)), int(bool(float32))
    p.compress, p.threads, p.force = int(compress), int(threads), int(bool(force))
    p.command = command.encode()
    if path is not None:
        _generate(lib, p, path)
        return os.fspath(path)
    with tempfile.TemporaryDirectory(prefix="topolearn-") as tmp:
        out = os.path.join(tmp, "data.h5")
        _generate(lib, p, out)
        return load(lib, out, True)


def load(lib, path, verify):
    ds = ctypes.c_void_p()
    _call(lib.tl_dataset_open, ctypes.byref(ds), os.fsencode(path), 1 if verify else 0)
    try:
        m = lib.tl_dataset_meta(ds).contents
        N, L, R = m.n, m.L, m.r_max - m.r_min + 1
        eig_t = (np.float32, MEM_F32) if m.eig_float32 else (np.float64, MEM_F64)
        layout = {  # field: (per-chain shape, NumPy dtype, tl_memtype): docs/FORMAT.md
            "hoppings": ((L, R), np.float64, MEM_F64),
            "energies": ((2 * L,), np.float64, MEM_F64),
            "eigvecs": ((L, 2 * L),) + eig_t,
            "qab": ((L, L),) + eig_t,
            "W": ((), np.float64, MEM_F64),
            "label": ((), np.int32, MEM_I32),
            "ambiguous": ((), np.uint8, MEM_U8),
            "W_kspace": ((), np.float64, MEM_F64),
            "local_marker": ((L,), np.float64, MEM_F64),
            "onsite": ((2 * L,), np.float64, MEM_F64),
            "candidate": ((), np.int64, MEM_I64),
        }
        out = {}
        for f, name in enumerate(FIELDS):
            size = lib.tl_dataset_field_size(ds, f)
            if size == 0:
                continue  # optional and absent (qab with --no-qab, onsite without D_0)
            shape, dtype, mt = layout[name]
            if size != int(np.prod(shape)):
                raise RuntimeError(f"{path}: field {name} has {size} values per chain, "
                                   f"expected {shape}")
            arr = np.empty((N,) + shape, dtype=dtype)
            _call(lib.tl_dataset_read, ds, f, 0, N, mt, arr.ctypes.data)
            out[name] = arr
        out["attrs"] = {
            "n": N, "L": L, "r_min": m.r_min, "r_max": m.r_max,
            "boundary": "pbc" if m.boundary == 1 else "obc", "seed": m.seed,
            "bulk_fraction": m.bulk_fraction, "delta": m.delta,
            "onsite_disorder": m.onsite, "balanced": bool(m.balanced),
            "hop_lo": np.array(m.t_lo[:R]), "hop_hi": np.array(m.t_hi[:R]),
            "disorder": np.array(m.disorder[:R]),
            "version": m.version.decode(), "created": m.created.decode(),
            "command": m.command.decode(),
        }
        return out
    finally:
        lib.tl_dataset_close(ds)
