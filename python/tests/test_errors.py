"""Bad input raises the right Python exception carrying the C message; nothing crashes
the interpreter (every case runs in this process, a missing library in a child)."""
import os
import subprocess
import sys
import unittest

import numpy as np

import topolearn as tl


class TestErrors(unittest.TestCase):
    def setUp(self):
        self.t = tl.chain(20, hop={0: 0.5, 1: 1.0})

    def check(self, exc, pattern, fn, *args, **kw):
        with self.assertRaisesRegex(exc, pattern):
            fn(*args, **kw)

    def test_dtypes(self):
        self.check(TypeError, "complex values", tl.rswn, self.t.astype(complex))
        self.check(TypeError, "expected real numbers, got dtype <U", tl.rswn, [["a", "b"]])
        self.check(TypeError, "expected real numbers, got dtype object", tl.rswn,
                   np.array([[1, None]], dtype=object))
        self.check(TypeError, "expected real numbers, got dtype bool", tl.eig, self.t > 0)
        self.check(TypeError, "onsite: complex", tl.eig, self.t, onsite=np.zeros(40, complex))
        self.check(TypeError, "L: expected an integer", tl.chain, 10.5)
        self.check(TypeError, "r_min: expected an integer", tl.rswn, self.t, 0.5)
        self.check(TypeError, "hop: expected a non-empty dict", tl.chain, 10, hop=[0.5, 1.0])

    def test_shapes(self):
        self.check(ValueError, r"expected shape \(L, R\).*got \(40,\)", tl.rswn, self.t.ravel())
        self.check(ValueError, r"got \(1, 20, 2\)", tl.eig, self.t[None])
        self.check(ValueError, r"onsite: expected shape \(40,\)", tl.rswn, self.t,
                   onsite=np.zeros(20))
        # shapes the C library rejects, with its message
        self.check(ValueError, "L = 0 is out of range", tl.rswn, np.zeros((0, 2)))
        self.check(ValueError, "ranges 0..33 are invalid", tl.rswn, np.ones((5, 34)))
        self.check(ValueError, "ranges 15..16 are invalid|ranges 15..17", tl.eig,
                   np.ones((5, 3)), 15)

    def test_non_finite_named_by_c(self):
        t = self.t.copy()
        t[3, 1] = np.nan
        self.check(ValueError, r"^hopping t_1\(3\) = nan is not finite$", tl.rswn, t)
        t[3, 1] = np.inf
        self.check(ValueError, r"hopping t_1\(3\) = inf is not finite", tl.eig, t)
        self.check(ValueError, r"hopping t_1\(3\) = inf", tl.kspace_winding, t)
        eps = np.zeros(40)
        eps[5] = -np.inf
        self.check(ValueError, "on-site term of site 5 = -inf is not finite", tl.rswn, self.t,
                   onsite=eps)
        self.check(ValueError, "hopping t_1 = nan is not finite", tl.chain, 10,
                   hop={0: 1.0, 1: np.nan})
        self.check(ValueError, "hopping t_0 = inf is not finite", tl.kspace_winding,
                   {0: np.inf, 1: 1.0})

    def test_bad_values(self):
        self.check(ValueError, "bulk fraction 1.5 is out of range", tl.rswn, self.t,
                   bulk_fraction=1.5)
        self.check(ValueError, "delta 0 is out of range", tl.rswn, self.t, delta=0)
        self.check(ValueError, "disorder D_0 = -1 is invalid", tl.chain, 10, disorder=-1)
        self.check(ValueError, "on-site disorder -0.5 is invalid", tl.chain, 10, onsite=-0.5)
        self.check(ValueError, "L = 0 is out of range", tl.chain, 0)
        self.check(ValueError, r"disorder: ranges 2..2 are not among the hoppings \(0..1\)",
                   tl.chain, 10, disorder={2: 1.0})
        self.check(ValueError, "method: 'fast' is unknown", tl.rswn, self.t, method="fast")
        self.check(ValueError, "path: 'qr' is unknown", tl.eig, self.t, path="qr")
        self.check(ValueError, "window tolerance -1 is invalid", tl.rswn,
                   tl.chain(400), method="window", tol=-1)
        self.check(ValueError, "method window needs a chiral chain", tl.rswn, self.t,
                   onsite=np.full(40, 0.1), method="window")
        self.check(ValueError, "banded path needs open boundaries", tl.rswn, self.t, pbc=True,
                   path="banded")
        self.check(ValueError, "only the full-H path applies", tl.eig, self.t,
                   onsite=np.full(40, 0.1), path="bidiag")
        self.check(ValueError, "seed -1", tl.chain, 10, seed=-1)

    def test_status_attribute(self):
        with self.assertRaises(ValueError) as cm:
            tl.rswn(self.t, bulk_fraction=2)
        self.assertEqual(cm.exception.status, 1)  # TL_ERR_INPUT

    def test_out_of_memory_is_memoryerror(self):
        # L = 3e6 needs three L x L double matrices (~7e13 bytes each): the C allocation
        # fails and comes back as MemoryError, not a crash. The (L, 2) input is 48 MB.
        t = np.ones((3_000_000, 2))
        with self.assertRaisesRegex(MemoryError, "out of memory"):
            tl.rswn(t, path="dense")

    def test_error_mapping(self):
        from topolearn import _lib
        cases = [(_lib.TL_ERR_INPUT, "x.h5: cannot open (No such file or directory)",
                  FileNotFoundError),
                 (_lib.TL_ERR_IO, "x.csv: cannot open (No such file or directory)",
                  FileNotFoundError),
                 (_lib.TL_ERR_IO, "x.csv: cannot open (Permission denied)", PermissionError),
                 (_lib.TL_ERR_INPUT, "x.h5: cannot open dataset 'W'", ValueError),
                 (_lib.TL_ERR_IO, "x.h5: write failed (No space left on device)", OSError),
                 (_lib.TL_ERR_NOMEM, "out of memory", MemoryError),
                 (_lib.TL_ERR_NUMERIC, "dbdsdc did not converge", RuntimeError),
                 (_lib.TL_ERR_INTERNAL, "bug", RuntimeError)]
        for status, msg, exc in cases:
            err = _lib.Error(status, msg.encode())
            with self.assertRaises(exc) as cm:
                _lib.raise_for(status, err)
            self.assertIs(type(cm.exception), exc)
            self.assertEqual(str(cm.exception), msg)

    def test_missing_library(self):
        env = dict(os.environ, TOPOLEARN_LIB="/nonexistent/libtopolearn.so")
        p = subprocess.run([sys.executable, "-c", "import topolearn"], env=env,
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ImportError: topolearn: cannot load libtopolearn.so; tried "
                      "/nonexistent/libtopolearn.so (TOPOLEARN_LIB): no such file", p.stderr)
        env["TOPOLEARN_LIB"] = __file__  # exists but is not a shared library
        p = subprocess.run([sys.executable, "-c", "import topolearn"], env=env,
                           capture_output=True, text=True)
        self.assertIn("ImportError: topolearn: cannot load", p.stderr)
        self.assertIn("invalid ELF header", p.stderr)


if __name__ == "__main__":
    unittest.main()
