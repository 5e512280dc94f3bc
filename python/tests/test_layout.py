"""Arrays cross the boundary in the documented layout and dtype, without a copy when the
input already has it, and other array-likes give the same numbers."""
import unittest

import numpy as np

import topolearn as tl
from topolearn import _real_f64


def fresh(a, shape):
    """A new, C-contiguous, native float64 array that owns its data."""
    return (a.shape == shape and a.dtype == np.float64 and a.dtype.isnative and
            a.flags.c_contiguous and a.flags.owndata and a.flags.writeable)


class TestLayout(unittest.TestCase):
    def setUp(self):
        self.t = tl.chain(40, hop={0: 0.5, 1: 1.0}, disorder=1.0, seed=3)

    def test_output_layouts(self):
        L = 40
        self.assertTrue(fresh(self.t, (L, 2)))
        t3, eps = tl.chain(L, hop={-1: 0.1, 0: 0.5, 1: 1.0}, onsite=0.1, return_onsite=True)
        self.assertTrue(fresh(t3, (L, 3)) and fresh(eps, (2 * L,)))
        W, m = tl.rswn(self.t)
        self.assertIsInstance(W, float)
        self.assertTrue(fresh(m, (L,)))
        E, psi, q = tl.eig(self.t, qab=True)
        self.assertTrue(fresh(E, (2 * L,)) and fresh(psi, (L, 2 * L)) and fresh(q, (L, L)))
        self.assertTrue(np.all(np.diff(E) >= 0))  # ascending
        self.assertTrue(np.all(E[L:] >= 0))

    def test_site_order_and_hopping_layout(self):
        # hoppings[n, k] = t_{r_min+k}(n) is the bond B_n -> A_{n+r}: a single bond v on
        # cell 3 couples sites 2*3 (A_3) and 2*3+1 (B_3); a w bond on cell 3 couples B_3
        # and A_4 (site 8). The eigenvectors of energy +-v live on exactly those sites.
        L = 6
        t = np.zeros((L, 2))
        t[3, 0] = 0.7
        t[1, 1] = 0.3
        E, psi = tl.eig(t)
        self.assertAlmostEqual(E[-1], 0.7, delta=1e-15)
        np.testing.assert_allclose(np.abs(psi[-1]), np.sqrt(0.5) * np.isin(np.arange(12), [6, 7]),
                                   atol=1e-15)
        np.testing.assert_allclose(np.abs(psi[-2]), np.sqrt(0.5) * np.isin(np.arange(12), [3, 4]),
                                   atol=1e-15)

    def test_no_copy_for_float64_c_arrays(self):
        self.assertIs(_real_f64(self.t, "t"), self.t)
        self.assertIsNot(_real_f64(self.t.astype(np.float32), "t"), self.t)
        f = np.asfortranarray(self.t)
        self.assertFalse(np.shares_memory(_real_f64(f, "t"), f))  # converted once
        self.assertTrue(_real_f64(f, "t").flags.c_contiguous)

    def test_other_array_likes_same_values(self):
        W, m = tl.rswn(self.t)
        for other in (np.asfortranarray(self.t), self.t.tolist(),
                      np.ascontiguousarray(self.t.astype(">f8")),  # big-endian
                      np.repeat(self.t, 2, axis=0)[::2],            # strided view
                      ):
            W2, m2 = tl.rswn(other)
            self.assertEqual(W2, W)
            np.testing.assert_array_equal(m2, m)
        ti = np.array([[1, 3]] * 30)  # integers are converted, not rejected
        self.assertAlmostEqual(tl.rswn(ti)[0], 1.0, delta=1e-6)

    def test_inputs_not_modified(self):
        t = self.t.copy()
        t[-1, 1] = 5.0  # an OBC-dropped bond: ignored, and left as it was
        before = t.copy()
        tl.rswn(t)
        tl.eig(t)
        np.testing.assert_array_equal(t, before)
        self.assertEqual(tl.rswn(t)[0], tl.rswn(self.t)[0])


if __name__ == "__main__":
    unittest.main()
