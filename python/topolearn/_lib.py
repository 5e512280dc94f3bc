"""Loading libtopolearn and declaring its C functions for ctypes.

ctypes (standard library) rather than cffi: cffi is not in a bare Debian Python and PyPI
is out of reach, and its ABI mode would buy nothing here -- every call does O(L^2) work
or more, so the microseconds of ctypes' argument marshalling do not show, and ctypes
releases the GIL during each call just as cffi does. The price is that the C structs are
mirrored by hand below; they are small and the tests compare every field with the CLI.

Discovery order: $TOPOLEARN_LIB (a file, or a directory holding libtopolearn.so); the
installed location recorded by `make install` in libpath.txt beside this file; the
system's library search (ldconfig: /usr/local/lib after `make install`); then
../build/libtopolearn.so relative to the package (an uninstalled source tree).
"""

import ctypes
import ctypes.util
import os

LIBNAME = "libtopolearn.so"
_HERE = os.path.dirname(os.path.abspath(__file__))

# Status codes of include/topolearn/error.h.
TL_OK, TL_ERR_INPUT, TL_ERR_IO, TL_ERR_NOMEM, TL_ERR_NUMERIC, TL_ERR_INTERNAL, \
    TL_ERR_INTERRUPTED = range(7)
TL_ERROR_MSG_MAX = 512


class Error(ctypes.Structure):
    """tl_error: {tl_status status; char msg[TL_ERROR_MSG_MAX]}."""
    _fields_ = [("status", ctypes.c_int), ("msg", ctypes.c_char * TL_ERROR_MSG_MAX)]


class RswnOpts(ctypes.Structure):
    """tl_rswn_opts_t."""
    _fields_ = [("bulk_fraction", ctypes.c_double), ("delta", ctypes.c_double)]


class WindowOpts(ctypes.Structure):
    """tl_window_opts_t."""
    _fields_ = [("block", ctypes.c_int), ("buffer0", ctypes.c_int),
                ("buffer_limit", ctypes.c_int), ("tol", ctypes.c_double)]


class Rswn(ctypes.Structure):
    """tl_rswn_t."""
    _fields_ = [("W", ctypes.c_double), ("label", ctypes.c_int), ("ambiguous", ctypes.c_int),
                ("chiral", ctypes.c_int), ("bulk_start", ctypes.c_int),
                ("bulk_cells", ctypes.c_int)]


class WindowResult(ctypes.Structure):
    """tl_window_result_t."""
    _fields_ = [("rswn", Rswn), ("W_error", ctypes.c_double), ("buffer_max", ctypes.c_int),
                ("full", ctypes.c_int), ("converged", ctypes.c_int)]


def _candidates():
    """(path, where-it-came-from) pairs in discovery order, or the env override alone."""
    env = os.environ.get("TOPOLEARN_LIB")
    if env:
        path = os.path.join(env, LIBNAME) if os.path.isdir(env) else env
        return [(path, "TOPOLEARN_LIB")]
    out = []
    recorded = os.path.join(_HERE, "libpath.txt")
    if os.path.exists(recorded):
        with open(recorded) as f:
            out.append((f.read().strip(), "libpath.txt (make install)"))
    found = ctypes.util.find_library("topolearn")
    if found:
        out.append((found, "system library search"))
    out.append((os.path.normpath(os.path.join(_HERE, "..", "..", "build", LIBNAME)),
                "source tree build"))
    return out


def load():
    """The loaded library, or ImportError naming every place that was tried."""
    tried = []
    for path, origin in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} ({origin}): no such file")
            continue
        try:
            return _declare(ctypes.CDLL(path)), path
        except OSError as e:
            tried.append(f"{path} ({origin}): {e}")
    raise ImportError("topolearn: cannot load libtopolearn.so; tried " + "; ".join(tried) +
                      ". Build it (make build) or set TOPOLEARN_LIB to its path.")


def _declare(lib):
    P = ctypes.c_void_p  # arrays pass as raw addresses: NumPy's .ctypes.data, or None
    I, D, U64 = ctypes.c_int, ctypes.c_double, ctypes.c_uint64
    E = ctypes.POINTER(Error)
    sigs = {
        "tl_arrays_chain": [I, I, I, P, P, D, I, U64, U64, P, P, E],
        "tl_arrays_rswn": [P, I, I, I, I, P, ctypes.POINTER(RswnOpts), I, I,
                           ctypes.POINTER(WindowOpts), ctypes.POINTER(WindowResult), P,
                           ctypes.POINTER(I), E],
        "tl_arrays_eig": [P, I, I, I, I, P, I, P, P, P, E],
        "tl_arrays_kspace_winding": [P, I, I, I, I, P, ctypes.POINTER(I), ctypes.POINTER(I), E],
        "tl_kspace_winding": [P, I, I, ctypes.POINTER(I), ctypes.POINTER(I), E],
    }
    for name, args in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = ctypes.c_int
    lib.tl_status_name.argtypes = [I]
    lib.tl_status_name.restype = ctypes.c_char_p
    return lib


def raise_for(status, err):
    """Maps a tl_status to the Python exception carrying the C message."""
    msg = err.msg.decode("utf-8", "replace")
    low = msg.lower()
    # A missing file is reported as "<path>: cannot open (No such file or directory)";
    # "cannot open dataset 'x'" is a bad file, not a missing one, and stays ValueError.
    if status in (TL_ERR_INPUT, TL_ERR_IO) and ("no such file" in low or "does not exist" in low):
        exc = FileNotFoundError(msg)
    elif status in (TL_ERR_INPUT, TL_ERR_IO) and "permission denied" in low:
        exc = PermissionError(msg)
    elif status == TL_ERR_INPUT:
        exc = ValueError(msg)
    elif status == TL_ERR_IO:
        exc = OSError(msg)
    elif status == TL_ERR_NOMEM:
        exc = MemoryError(msg)
    elif status == TL_ERR_INTERRUPTED:
        exc = KeyboardInterrupt(msg)
    else:
        exc = RuntimeError(msg)
    exc.status = status
    raise exc
