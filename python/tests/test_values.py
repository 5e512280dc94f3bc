"""Values from Python against the CLI (bit for bit: the same C code runs, and the CLI
prints %.17g, which round-trips doubles exactly) and against independent NumPy
computations (dense eigh of H), for the same chains."""
import os
import tempfile
import unittest

import numpy as np

import topolearn as tl
from util import cli_marker, cli_winding, dense_h, numpy_rswn

# path names: rswn(path=...)/info["path"] use the CLI's --path values; its JSON the long names
JSON_PATH = {"bidiag": "bidiagonal-svd", "banded": "banded-svd", "dense": "dense-svd",
             "full-h": "full-h"}

# (chain() keywords, the same chain as CLI flags, r_min)
CASES = [
    (dict(L=60, hop={0: 0.5, 1: 1.0}), ["--v", 0.5, "--w", 1, "--L", 60], 0),
    (dict(L=80, hop={0: 1.0, 1: 0.4}), ["--v", 1, "--w", 0.4, "--L", 80], 0),
    (dict(L=200, hop={0: 0.5, 1: 2.0}, disorder=1.0, seed=3),
     ["--v", 0.5, "--w", 2, "--disorder", 1, "--L", 200, "--seed", 3], 0),
    (dict(L=90, hop={0: 0.7, 1: 1.0}, disorder=0.8, seed=11, pbc=True),
     ["--v", 0.7, "--w", 1, "--disorder", 0.8, "--L", 90, "--seed", 11, "--pbc"], 0),
    (dict(L=50, hop={-1: 1.0, 0: 0.2}), ["--hop", "-1:1,0:0.2", "--L", 50], -1),
    (dict(L=70, hop={-1: 0.15, 0: 1.0, 1: 0.1}, disorder={0: 0.3, 1: 0.2}, seed=5),
     ["--hop", "-1:0.15,0:1,1:0.1", "--disorder", "0:0.3,1:0.2", "--L", 70, "--seed", 5], -1),
    (dict(L=64, hop={0: 0.1, 1: 0.2, 2: 1.0}, disorder=0.2, seed=9),
     ["--hop", "0:0.1,1:0.2,2:1", "--disorder", 0.2, "--L", 64, "--seed", 9], 0),
]


class TestAgainstCLI(unittest.TestCase):
    def test_rswn_equals_cli_bit_for_bit(self):
        for kw, flags, r_min in CASES:
            with self.subTest(flags=flags):
                t = tl.chain(**kw)
                W, marker, info = tl.rswn(t, r_min, pbc=kw.get("pbc", False), full_output=True)
                j = cli_winding(*flags)
                self.assertEqual(W, j["W"])
                np.testing.assert_array_equal(marker, cli_marker(j))
                for key in ("label", "ambiguous", "chiral", "bulk_start", "bulk_cells"):
                    self.assertEqual(info[key], j[key], key)
                self.assertEqual(JSON_PATH[info["path"]], j["path"])
                self.assertEqual(tl.kspace_winding(t, r_min, pbc=kw.get("pbc", False)),
                                 j["W_kspace"])

    def test_onsite_chain_equals_cli(self):
        t, eps = tl.chain(64, hop={0: 0.3, 1: 1.0}, onsite=0.05, seed=4, return_onsite=True)
        W, marker, info = tl.rswn(t, onsite=eps, full_output=True)
        j = cli_winding("--v", 0.3, "--w", 1, "--onsite", 0.05, "--L", 64, "--seed", 4)
        self.assertEqual(W, j["W"])
        np.testing.assert_array_equal(marker, cli_marker(j))
        self.assertFalse(info["chiral"])
        self.assertEqual(info["path"], "full-h")
        self.assertEqual(j["path"], "full-h")

    def test_options_equal_cli(self):
        t = tl.chain(100, hop={0: 0.6, 1: 1.0}, disorder=0.5, seed=2)
        base = ["--v", 0.6, "--w", 1, "--disorder", 0.5, "--L", 100, "--seed", 2]
        W, m = tl.rswn(t, bulk_fraction=0.8, path="dense")
        j = cli_winding(*base, "--bulk-fraction", 0.8, "--path", "dense")
        self.assertEqual(W, j["W"])
        np.testing.assert_array_equal(m, cli_marker(j))

    def test_windowed_equals_cli(self):
        # auto windows chains of L >= 2000, as `winding --method auto` does
        t = tl.chain(2400, hop={0: 0.4, 1: 1.0}, disorder=1.0, seed=8)
        base = ["--v", 0.4, "--w", 1, "--disorder", 1, "--L", 2400, "--seed", 8]
        for method in ("window", "auto"):
            with self.subTest(method=method):
                W, m, info = tl.rswn(t, method=method, block=150, buffer=40, full_output=True)
                j = cli_winding(*base, "--method", method, "--block", 150, "--buffer", 40)
                self.assertEqual(info["method"], "window")
                self.assertEqual(W, j["W"])
                # the CLI printed W_error with %.3g before its JSON writer (%.17g)
                self.assertIn(j["W_error"], (info["W_error"], float("%.3g" % info["W_error"])))
                np.testing.assert_array_equal(m, cli_marker(j))  # NaN outside the bulk
                self.assertEqual(info["buffer_max"], j["buffer_max"])
                self.assertTrue(np.isnan(m[0]) and np.isnan(m[-1]))

    def test_hoppings_file_roundtrip(self):
        # Python's array written as a CSV hoppings file: the CLI reads the same chain.
        t = tl.chain(75, hop={0: 0.5, 1: 1.0}, disorder=1.5, seed=21)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "chain.csv")
            with open(path, "w") as f:
                f.write("t_0,t_1\n")
                for row in t:
                    f.write(",".join(repr(float(x)) for x in row) + "\n")
            j = cli_winding("--hoppings", path)
        W, m = tl.rswn(t)
        self.assertEqual(W, j["W"])
        np.testing.assert_array_equal(m, cli_marker(j))


class TestAgainstNumPy(unittest.TestCase):
    """Independent references: H built from the SPEC formula in NumPy, numpy.linalg.eigh."""

    def test_eig_energies_match_eigh(self):
        for kw, _, r_min in CASES:
            with self.subTest(kw=kw):
                t = tl.chain(**kw)
                H = dense_h(t, r_min, kw.get("pbc", False))
                E, psi = tl.eig(t, r_min, pbc=kw.get("pbc", False))
                # 1e-10: both are backward-stable O(L^3) decompositions of an O(1) matrix,
                # errors ~ L eps ||H|| ~ 1e-13 here.
                np.testing.assert_allclose(E, np.linalg.eigh(H)[0], rtol=0, atol=1e-10)
                # eigenvectors: residual, orthonormality, gauge (largest |amplitude| > 0)
                L = t.shape[0]
                pos = E[L:]
                np.testing.assert_allclose(psi @ H, pos[:, None] * psi, rtol=0, atol=1e-10)
                np.testing.assert_allclose(psi @ psi.T, np.eye(L), rtol=0, atol=1e-10)
                big = np.abs(psi).max(axis=1)
                first = np.argmax(np.abs(psi) >= big[:, None] - 1e-9, axis=1)
                self.assertTrue(np.all(psi[np.arange(L), first] > 0))

    def test_eig_onsite_matches_eigh(self):
        t, eps = tl.chain(40, hop={0: 0.8, 1: 1.0}, onsite=0.3, seed=6, return_onsite=True)
        E, psi = tl.eig(t, onsite=eps)
        H = dense_h(t, onsite=eps)
        np.testing.assert_allclose(E, np.linalg.eigh(H)[0], rtol=0, atol=1e-10)
        np.testing.assert_allclose(psi @ H, E[40:, None] * psi, rtol=0, atol=1e-10)

    def test_qab_identity(self):
        # SPEC 1.4: Q_AB = 2 sum_j a_j b_j^T over the positive-energy states, to 1e-10.
        t = tl.chain(50, hop={0: 0.5, 1: 1.0}, disorder=1.0, seed=1)
        E, psi, q = tl.eig(t, qab=True)
        np.testing.assert_allclose(2 * psi[:, 0::2].T @ psi[:, 1::2], q, rtol=0, atol=1e-10)

    def test_rswn_matches_numpy_way(self):
        for kw, _, r_min in CASES:
            with self.subTest(kw=kw):
                t = tl.chain(**kw)
                pbc = kw.get("pbc", False)
                W, m = tl.rswn(t, r_min, pbc=pbc)
                Wn, mn, start, lp, zero = numpy_rswn(t, r_min, pbc)
                # Two algorithms (SVD of h vs eigh of H): bulk markers agree to round-off
                # times L (1e-10). Edge cells of topological chains depend on how each
                # treats the zero modes (SPEC 1.4: the SVD pairs them, the eigh path drops
                # them), so only the bulk is compared; where zero modes exist their tails
                # reach the bulk with weight ~ L (v/w)^(2 bulk_start) (6e-8 for the clean
                # L = 60, v/w = 1/2 chain), hence 1e-6 there.
                tol = 1e-6 if zero else 1e-10
                self.assertAlmostEqual(W, Wn, delta=tol)
                np.testing.assert_allclose(m[start:start + lp], mn[start:start + lp], rtol=0,
                                           atol=tol)

    def test_kspace_winding(self):
        cases = [({0: 0.2, 1: 1.0}, 1), ({0: 1.0, 1: 0.2}, 0), ({-1: 1.0, 0: 0.2}, -1),
                 ({0: 0.1, 1: 0.2, 2: 1.0}, 2), ({-3: 1.0, -2: 0.1, -1: 0.1, 0: 0.05}, -3),
                 ({0: 1.0, 1: 1.0}, None), ({0: 0.0, 1: 0.0}, None)]
        for hop, want in cases:
            with self.subTest(hop=hop):
                self.assertEqual(tl.kspace_winding(hop), want)
                r_min = min(hop)
                vals = [hop.get(r, 0.0) for r in range(r_min, max(hop) + 1)]
                self.assertEqual(tl.kspace_winding(np.array(vals), r_min), want)
                # the integral of d arg h(k) over a fine k grid, where the gap is open
                if want is not None:
                    k = np.linspace(0, 2 * np.pi, 20001)
                    h = sum(v * np.exp(1j * r * k) for r, v in hop.items())
                    self.assertEqual(round(np.sum(np.diff(np.unwrap(np.angle(h)))) / (2 * np.pi)),
                                     want)
        # a disordered chain has no k-space winding
        self.assertIsNone(tl.kspace_winding(tl.chain(30, hop={0: 0.5, 1: 1}, disorder=0.5)))

    def test_chain_draws(self):
        # bond disorder t_r(n) = t_r + D u, u in [-1/2, 1/2]; OBC drops the last w bond
        t = tl.chain(5000, hop={0: 0.5, 1: 1.0}, disorder={1: 0.4}, seed=7)
        self.assertTrue(np.all(t[:, 0] == 0.5))
        self.assertEqual(t[-1, 1], 0.0)
        w = t[:-1, 1]
        self.assertTrue(np.all(np.abs(w - 1.0) <= 0.2))
        self.assertAlmostEqual(w.mean(), 1.0, delta=0.01)  # sd of the mean ~ 0.4/sqrt(12*5000)
        # same seed: same chain; another seed or stream: another chain
        np.testing.assert_array_equal(t, tl.chain(5000, hop={0: 0.5, 1: 1.0},
                                                  disorder={1: 0.4}, seed=7))
        self.assertFalse(np.array_equal(t, tl.chain(5000, hop={0: 0.5, 1: 1.0},
                                                    disorder={1: 0.4}, seed=7, stream=1)))
        tp = tl.chain(5000, hop={0: 0.5, 1: 1.0}, disorder={1: 0.4}, seed=7, pbc=True)
        np.testing.assert_array_equal(tp[:-1], t[:-1])  # OBC and PBC share their bulk
        self.assertNotEqual(tp[-1, 1], 0.0)


if __name__ == "__main__":
    unittest.main()
