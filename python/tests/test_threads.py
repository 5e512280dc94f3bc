"""Calls from several Python threads at once (ctypes releases the GIL during each C call):
no crash, and every result bit-identical to the serial one -- one chain is decomposed on
one thread whatever else runs (SPEC 6)."""
import threading
import unittest

import numpy as np

import topolearn as tl


class TestThreads(unittest.TestCase):
    def test_concurrent_calls_match_serial(self):
        chains = [tl.chain(120, hop={0: 0.6, 1: 1.0}, disorder=1.0, seed=s) for s in range(6)]
        ref = [(tl.rswn(t), tl.eig(t)) for t in chains]
        mismatches, errors = [], []

        def work(k):
            try:
                for it in range(30):
                    i = (k + it) % len(chains)
                    (W, m), (E, psi) = tl.rswn(chains[i]), tl.eig(chains[i])
                    (W0, m0), (E0, psi0) = ref[i]
                    if not (W == W0 and np.array_equal(m, m0) and np.array_equal(E, E0)
                            and np.array_equal(psi, psi0)):
                        mismatches.append((k, i))
            except Exception as e:  # noqa: BLE001 -- reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertEqual(mismatches, [])


if __name__ == "__main__":
    unittest.main()
