"""No memory growth over 10^4 calls: VmRSS (from /proc/self/status) after 10^4 calls of
each entry point, and of an error path, stays within a small slack of its value after
a warm-up. A leak of one L = 32 solver workspace per call (~30 kB) would show as
~300 MB; the slack (4 MiB) covers allocator and interpreter noise, not leaks."""
import os
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
    def run_calls(self, name, fn):
        for _ in range(500):  # warm-up: allocator pools, interpreter caches
            fn()
        before = rss_kb()
        for _ in range(CALLS):
            fn()
        growth = rss_kb() - before
        print(f"\n  {name}: VmRSS growth over {CALLS} calls: {growth} kB "
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


if __name__ == "__main__":
    unittest.main()
