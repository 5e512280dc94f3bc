"""PyTorch datasets of topolearn chains: tensors straight from a data-set file.

    from topolearn.torch import ChainDataset
    ds = ChainDataset("train.h5", input="eigvec", augment_gauge=True,
                      generator=torch.Generator().manual_seed(1))
    loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
    for x, y in loader:        # x (64, L, 2L) float32, y (64,) int64 class indices
        ...

Inputs are the C models' (topolearn._features): eigvec (L, 2L), hopping (L, R) or qab
(L, L) per chain, float32; x.flatten(1) is the input of `topolearn train --model mlp`
bit for bit. Needs PyTorch (Debian: python3-torch); `import topolearn` does not.
"""
import numpy as np
import torch

from . import _features, load

__all__ = ["ChainDataset", "gauge_flip"]


def _signs(L, generator, batch=()):
    """Random +-1 per state, (*batch, L) float32, from generator (None: torch's global RNG,
    which DataLoader seeds per worker and epoch)."""
    bits = torch.randint(0, 2, (*batch, L), generator=generator)
    return (bits * 2 - 1).to(torch.float32)


def gauge_flip(x, generator=None):
    """A copy of eigvec inputs x (..., L, 2L) with every state's sign drawn at random (per
    sample): the gauge test of SPEC 4, and what augment_gauge does per sample."""
    s = _signs(x.shape[-2], generator, tuple(x.shape[:-2]))
    return x * s[..., :, None]


class ChainDataset(torch.utils.data.Dataset):
    """The chains of a data set (a path, or the dict of topolearn.load/generate) as
    (input, target) pairs.

    input           "eigvec" | "hopping" | "qab" (layouts above)
    augment_gauge   eigvec only: flip each state's sign at random every time a sample is
                    fetched, so per sample and epoch (SPEC 3, `train --augment gauge`)
    generator       torch.Generator for the flips (None: torch's global RNG). In
                    DataLoader worker processes the flips come from a generator seeded
                    with the worker's seed, which DataLoader derives per epoch from its
                    own generator: seed that one for reproducible runs with workers.
    target          "class": label - classes[0] (int64, for cross_entropy; the default),
                    "label": the winding round(W) (int64), "W": the RSWN (float32)
    keep_ambiguous  include chains with |W - round W| > delta (left out by default, as
                    in the C training and evaluation)

    Attributes: classes (the windings of the class indices), L, indices (each item's
    chain index in the file), features (all inputs, (n, ...) float32, unflipped) and
    targets (n,).
    """

    def __init__(self, path, input="eigvec", augment_gauge=False, generator=None,
                 target="class", keep_ambiguous=False):
        data = path if isinstance(path, dict) else load(path)
        name = "data set" if isinstance(path, dict) else str(path)
        if augment_gauge and input != "eigvec":
            raise ValueError(f"augment_gauge: only for input='eigvec' ({input} does not "
                             f"depend on the states' signs)")
        if target not in ("class", "label", "W"):
            raise ValueError(f"target: {target!r} is unknown (expected class, label or W)")
        idx = _features.kept(data, keep_ambiguous)
        if len(idx) == 0:
            raise ValueError(f"{name}: no chains left (all {len(data['label'])} are ambiguous; "
                             f"keep_ambiguous=True uses them)")
        labels = data["label"][idx].astype(np.int64)
        self.classes = list(range(int(labels.min()), int(labels.max()) + 1))
        self.L = int(data["hoppings"].shape[1])
        self.indices = torch.from_numpy(idx)
        self.features = torch.from_numpy(_features.features(data, input, name)[idx])
        if target == "W":
            self.targets = torch.from_numpy(data["W"][idx].astype(np.float32))
        else:
            self.targets = torch.from_numpy(labels - (self.classes[0] if target == "class" else 0))
        self.input, self.augment_gauge, self.generator = input, augment_gauge, generator
        self._worker = (None, None)  # (worker seed, its generator)

    def __len__(self):
        return len(self.targets)

    def _generator(self):
        info = torch.utils.data.get_worker_info()
        if info is None or self.generator is None:
            return self.generator  # None: the global RNG, seeded per worker by DataLoader
        if self._worker[0] != info.seed:  # a copy of self.generator would repeat its draws
            self._worker = (info.seed, torch.Generator().manual_seed(info.seed))
        return self._worker[1]

    def __getitem__(self, i):
        x = self.features[i]
        if self.augment_gauge:
            x = x * _signs(x.shape[0], self._generator())[:, None]
        return x, self.targets[i]
