"""No memory growth over 10^4 calls: VmRSS (from /proc/self/status) after 10^4 calls of
each entry point (generate: 2000), and of error paths, stays within a small slack of its
value after a warm-up. A leak of one L = 32 solver workspace per call (~30 kB) would show as
~300 MB; the slack (4 MiB) covers allocator and interpreter noise, not leaks."""
import os
import tempfile
import unittest

import numpy as np

import topolearn as tl

CALLS = 10_000
SLACK_KB = 4096


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


@unittest.skipIf(os.environ.get("TL_SANITIZED"), "RSS is meaningless under ASan's quarantine")
class TestMemory(unittest.TestCase):
    def run_calls(self, name, fn, calls=CALLS):
        for _ in range(500):  # warm-up: allocator pools, interpreter caches
            fn()
        before = rss_kb()
        for _ in range(calls):
            fn()
        growth = rss_kb() - before
        print(f"\n  {name}: VmRSS growth over {calls} calls: {growth} kB "
              f"(slack {SLACK_KB} kB)", end="")
        self.assertLess(growth, SLACK_KB, name)

    def test_no_growth(self):
        t = tl.chain(32, hop={0: 0.5, 1: 1.0}, disorder=1.0, seed=1)
        bad = t.copy()
        bad[4, 0] = np.nan

        def error_path():
            try:
                tl.rswn(bad)
            except ValueError:
                pass

        self.run_calls("chain", lambda: tl.chain(32, hop={0: 0.5, 1: 1.0}, disorder=1.0))
        self.run_calls("rswn", lambda: tl.rswn(t))
        self.run_calls("rswn window", lambda: tl.rswn(t, method="window", block=8, buffer=4))
        self.run_calls("eig", lambda: tl.eig(t, qab=True))
        self.run_calls("kspace_winding", lambda: tl.kspace_winding(t))
        self.run_calls("error path", error_path)

    @unittest.skipUnless(tl.has_datasets, "library built without the data-set layer")
    def test_no_growth_datasets(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = tl.generate(os.path.join(tmp, "d.h5"), n=10, L=8, seed=1)
            missing = os.path.join(tmp, "missing.h5")

            def load_missing():
                try:
                    tl.load(missing)
                except FileNotFoundError:
                    pass

            self.run_calls("load", lambda: tl.load(path))
            self.run_calls("load, missing file", load_missing)
            # generation costs ~1 ms even for 10 chains (HDF5 file + temporary): 2000 calls
            self.run_calls("generate", lambda: tl.generate(n=10, L=8, seed=2), calls=2000)


if __name__ == "__main__":
    unittest.main()
