"""Model inputs for PyTorch users (topolearn._features, topolearn.torch.ChainDataset).

The layouts are checked against the C models themselves: an mlp trained by the CLI on
each input is run in NumPy on our features, and must predict the class `topolearn eval`
predicts on every chain (a transposed or reordered layout would not). That part needs
NumPy and h5py only; the Dataset checks need PyTorch and are skipped, with the reason,
without it (Debian: python3-torch). PyTorch is imported only when those checks start:
unittest discover imports every test module into one process, and a process holding
PyTorch forks more slowly (the HDF5 readers probe every file in a forked child), which
would slow the suites that run before this one."""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

import topolearn as tl
from topolearn import _features
from util import BIN

try:
    import h5py
except ImportError:
    h5py = None
torch = ChainDataset = gauge_flip = None  # imported by TestChainDataset.setUpClass

L = 8


def run(*args):
    subprocess.run([BIN, *map(str, args)], check=True, capture_output=True, text=True)


def mlp_logits(model_path, x):
    """Forward pass of a topolearn mlp file in NumPy float32: dense layers W x + b with the
    stored activation, then the output layer. Returns logits and the class of column 0."""
    with h5py.File(model_path, "r") as f:
        act = f.attrs["act"].decode() if isinstance(f.attrs["act"], bytes) else f.attrs["act"]
        n, cmin = int(f.attrs["nlayers"]), int(f.attrs["cmin"])
        layers = [(f[f"params/dense{i}_w"][()], f[f"params/dense{i}_b"][()]) for i in range(1, n + 1)]
        out = (f["params/out_w"][()], f["params/out_b"][()])
    h = x.reshape(len(x), -1).astype(np.float32)
    for w, b in layers:
        h = h @ w.T + b[:, 0]
        h = np.maximum(h, 0) if act == "relu" else np.tanh(h) if act == "tanh" else h * h
    return h @ out[0].T + out[1][:, 0], cmin


@unittest.skipUnless(tl.has_datasets and h5py is not None, "needs the data layer and h5py")
class TestLayouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tl-torch-")
        cls.qab = os.path.join(cls.tmp, "qab.h5")
        cls.noqab = os.path.join(cls.tmp, "noqab.h5")
        run("generate", "--quiet", "--out", cls.qab, "--n", 300, "--L", L, "--seed", 3,
            "--disorder", 0.5)
        run("generate", "--quiet", "--out", cls.noqab, "--n", 300, "--L", L, "--seed", 3,
            "--disorder", 0.5, "--no-qab", "--float32")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def check_against_c(self, data_path, inp):
        """An mlp made by the CLI for inp, its weights then replaced by random ones (so that
        every input entry moves the logits: a trained net may ignore most of them),
        predicts, in NumPy on our features, what `topolearn eval` predicts on every chain
        (ambiguous ones included)."""
        model = os.path.join(self.tmp, f"{inp}-{os.path.basename(data_path)}")
        pc = model + ".csv"
        run("train", "--data", data_path, "--model", "mlp", "--input", inp, "--hidden", "16,8",
            "--act", "tanh", "--epochs", 1, "--seed", 2, "--out", model, "--quiet", "--force")
        rng = np.random.default_rng(len(inp))
        with h5py.File(model, "r+") as f:
            for name, t in f["params"].items():  # biases 0: they would only shift the logits
                w = rng.standard_normal(t.shape) * 3 / np.sqrt(t.shape[1])
                t[...] = (w if name.endswith("_w") else 0 * w).astype(np.float32)
        run("eval", "--model", model, "--data", data_path, "--per-chain", pc, "--force")
        c_pred = np.genfromtxt(pc, delimiter=",", names=True)["predicted"].astype(int)
        data = tl.load(data_path)
        x = _features.features(data, inp)
        logits, cmin = mlp_logits(model, x)
        ours = logits.argmax(axis=1) + cmin
        top2 = np.sort(logits, axis=1)
        margin = top2[:, -1] - top2[:, -2]
        # float32 sums in another order move logits by ~1e-6: only near-ties may differ
        bad = np.flatnonzero((ours != c_pred) & (margin > 1e-4))
        self.assertEqual(len(bad), 0, f"{inp}: chains {bad[:10]} predicted {ours[bad[:10]]} "
                                      f"here, {c_pred[bad[:10]]} by topolearn eval")
        self.assertGreater(min(np.bincount(c_pred - cmin)), 30, "a near-constant model checks little")
        return x

    def test_eigvec(self):
        x = self.check_against_c(self.qab, "eigvec")
        self.assertEqual(x.shape, (300, L, 2 * L))
        self.assertEqual(x.dtype, np.float32)

    def test_hopping(self):
        x = self.check_against_c(self.qab, "hopping")
        self.assertEqual(x.shape, (300, L, 2))

    def test_qab_stored(self):
        x = self.check_against_c(self.qab, "qab")
        self.assertEqual(x.shape, (300, L, L))

    def test_qab_from_float32_states(self):
        """--no-qab --float32: Q_AB formed from the states as the C code forms it."""
        x = self.check_against_c(self.noqab, "qab")
        # SPEC 1.4: 2 sum_j a_j b_j^T equals the stored U V^T of the same chains
        stored = _features.features(tl.load(self.qab), "qab")
        self.assertLess(np.abs(x - stored).max(), 1e-5)  # float32 states: ~1e-7 per term

    def test_flip_states(self):
        data = tl.load(self.qab)
        x = _features.features(data, "eigvec")[:5]
        s = np.where(np.random.default_rng(0).random((5, L)) < 0.5, -1, 1)
        y = _features.flip_states(x, s)
        np.testing.assert_array_equal(y, x * s[:, :, None])
        # Q_AB = 2 sum_j a_j b_j^T does not see the signs (SPEC 3: gauge invariant)
        q = lambda v: 2 * np.einsum("ijn,ijm->inm", v[:, :, 0::2], v[:, :, 1::2])
        self.assertLess(np.abs(q(y.astype(np.float64)) - q(x.astype(np.float64))).max(), 1e-12)

    def test_refusals(self):
        data = tl.load(self.qab)
        with self.assertRaisesRegex(ValueError, "input: 'pixels' is unknown"):
            _features.features(data, "pixels")
        del data["eigvecs"]
        with self.assertRaisesRegex(ValueError, "no eigenvectors stored"):
            _features.features(data, "eigvec")
        self.assertEqual(_features.features(data, "hopping").shape, (300, L, 2))


@unittest.skipUnless(tl.has_datasets, "needs the data layer")
class TestChainDataset(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global torch, ChainDataset, gauge_flip
        try:
            import torch
            from topolearn.torch import ChainDataset, gauge_flip
        except ImportError as e:
            raise unittest.SkipTest(f"PyTorch is not installed (Debian: apt install python3-torch): {e}")
        cls.tmp = tempfile.mkdtemp(prefix="tl-torch-")
        cls.path = os.path.join(cls.tmp, "d.h5")
        run("generate", "--quiet", "--out", cls.path, "--n", 200, "--L", L, "--seed", 5)
        cls.data = tl.load(cls.path)
        cls.keep = np.flatnonzero(cls.data["ambiguous"] == 0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_items_are_the_features(self):
        for inp in ("eigvec", "hopping", "qab"):
            ds = ChainDataset(self.path, input=inp)
            self.assertEqual(len(ds), len(self.keep))  # ambiguous chains left out
            want = _features.features(self.data, inp)[self.keep]
            got = torch.stack([ds[i][0] for i in range(len(ds))]).numpy()
            np.testing.assert_array_equal(got, want)
            self.assertEqual(got.dtype, np.float32)
        labels = self.data["label"][self.keep]
        self.assertEqual(ds.classes, list(range(labels.min(), labels.max() + 1)))
        ys = np.array([int(ds[i][1]) for i in range(len(ds))])
        np.testing.assert_array_equal(ys, labels - labels.min())
        self.assertEqual(ds[0][1].dtype, torch.int64)
        np.testing.assert_array_equal(ds.indices.numpy(), self.keep)

    def test_targets_and_ambiguous(self):
        ds = ChainDataset(self.path, target="W", keep_ambiguous=True)
        self.assertEqual(len(ds), 200)
        np.testing.assert_array_equal(ds.targets.numpy(), self.data["W"].astype(np.float32))
        ds = ChainDataset(self.data, target="label")  # a dict of tl.load works too
        np.testing.assert_array_equal(ds.targets.numpy(), self.data["label"][self.keep])

    def test_gauge_augmentation(self):
        ds = ChainDataset(self.path, augment_gauge=True, generator=torch.Generator().manual_seed(1))
        x0 = ds.features
        signs = []
        for _ in range(3):  # three "epochs"
            s = []
            for i in range(len(ds)):
                x, _ = ds[i]
                # each state is the stored one times +1 or -1, exactly
                r = (x * x0[i]).sum(dim=1) / (x0[i] * x0[i]).sum(dim=1)
                self.assertTrue(torch.equal(x.abs(), x0[i].abs()))
                self.assertTrue(torch.all((r == 1) | (r == -1)), r)
                s.append(r)
            signs.append(torch.stack(s))
        flipped = torch.cat(signs).eq(-1).float().mean().item()
        self.assertAlmostEqual(flipped, 0.5, delta=0.03)  # > 6 sigma for ~4000 signs
        self.assertFalse(torch.equal(signs[0], signs[1]))  # new signs every epoch
        again = ChainDataset(self.path, augment_gauge=True, generator=torch.Generator().manual_seed(1))
        self.assertTrue(torch.equal(torch.stack([again[i][0] for i in range(len(ds))]),
                                    torch.stack([x0[i] * signs[0][i][:, None] for i in range(len(ds))])))

    def test_gauge_augmentation_in_workers(self):
        """DataLoader workers hold copies of the dataset: the flips must still change from
        epoch to epoch, and repeat for the same DataLoader seed."""
        def epochs(seed):
            ds = ChainDataset(self.path, augment_gauge=True, generator=torch.Generator().manual_seed(7))
            dl = torch.utils.data.DataLoader(ds, batch_size=50, num_workers=2,
                                             generator=torch.Generator().manual_seed(seed))
            return [torch.cat([x for x, _ in dl]) for _ in range(2)]
        a, b = epochs(3), epochs(3)
        self.assertFalse(torch.equal(a[0], a[1]))
        self.assertTrue(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]))

    def test_gauge_flip_batch(self):
        x = ChainDataset(self.path).features[:10]
        y = gauge_flip(x, torch.Generator().manual_seed(2))
        r = (y * x).sum(dim=2) / (x * x).sum(dim=2)
        self.assertTrue(torch.all((r == 1) | (r == -1)))
        self.assertTrue(torch.any(r == -1) and torch.any(r == 1))

    def test_refusals(self):
        with self.assertRaisesRegex(ValueError, "augment_gauge: only for input='eigvec'"):
            ChainDataset(self.path, input="qab", augment_gauge=True)
        with self.assertRaisesRegex(ValueError, "target: 'winding' is unknown"):
            ChainDataset(self.path, target="winding")
        d = dict(self.data, ambiguous=np.ones(200, dtype=np.uint8))
        with self.assertRaisesRegex(ValueError, "no chains left"):
            ChainDataset(d)
        with self.assertRaises(FileNotFoundError):
            ChainDataset(os.path.join(self.tmp, "missing.h5"))


if __name__ == "__main__":
    unittest.main()
