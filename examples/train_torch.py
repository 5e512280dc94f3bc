#!/usr/bin/python3
"""Train a PyTorch MLP on a topolearn data set of SSH chains (eigenvectors -> winding).

    PYTHONPATH=python TOPOLEARN_LIB=build/libtopolearn.so \\
        /usr/bin/python3 examples/train_torch.py [--data FILE.h5] [--n 2000] [--L 32]
                                                 [--epochs 20] [--augment-gauge]

Notebook-style: each block below is one cell. topolearn.torch.ChainDataset reads a data
set written by `topolearn generate` (or tl.generate) through the validating C reader and
yields (input, class) tensors in the C models' layouts: here the positive-energy
eigenvectors, (L, 2L) float32 per chain, ambiguous chains left out. Without --data the
default family of SPEC 2 (v, w uniform in [0, 2]) is generated in memory. Needs Debian's
python3-torch (TL_WITH_TORCH=1 make deps); without it the script says so and exits 0.
"""
import argparse
import time

import topolearn as tl

try:
    import torch
    from topolearn.torch import ChainDataset, gauge_flip
except ImportError:
    print("train_torch: PyTorch is not installed (apt install python3-torch); nothing to do")
    raise SystemExit(0)

# %% parameters
ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--data", help="a data set written by `topolearn generate` or tl.generate")
ap.add_argument("--n", type=int, default=2000, help="chains to generate when --data is absent")
ap.add_argument("--L", type=int, default=32)
ap.add_argument("--epochs", type=int, default=20)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--augment-gauge", action="store_true",
                help="flip each state's sign at random per sample and epoch (SPEC 3)")
args = ap.parse_args()
torch.manual_seed(args.seed)

# %% the data set: a file, or the same fields generated in memory (tl.generate -> dict)
t0 = time.perf_counter()
source = args.data or tl.generate(n=args.n, L=args.L, seed=args.seed, qab=False)
full = ChainDataset(source, input="eigvec", augment_gauge=args.augment_gauge,
                    generator=torch.Generator().manual_seed(args.seed))
print(f"data: {len(full)} chains (L = {full.L}), classes {full.classes}, "
      f"counts {torch.bincount(full.targets).tolist()}, {time.perf_counter() - t0:.2f} s")

# %% split 80/20 and an MLP on the flattened eigenvectors (the input of `--model mlp`)
n_test = len(full) // 5
train, test = torch.utils.data.random_split(
    full, [len(full) - n_test, n_test], generator=torch.Generator().manual_seed(args.seed + 1))
loader = torch.utils.data.DataLoader(train, batch_size=64, shuffle=True,
                                     generator=torch.Generator().manual_seed(args.seed + 2))
L = full.L
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2 * L * L, 64), torch.nn.ReLU(),
                            torch.nn.Linear(64, 64), torch.nn.ReLU(),
                            torch.nn.Linear(64, len(full.classes)))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def accuracy(subset, flip=False):
    """On the stored states (no augmentation), or with every state's sign flipped at random."""
    x, y = full.features[subset.indices], full.targets[subset.indices]
    if flip:
        x = gauge_flip(x, torch.Generator().manual_seed(99))
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


# %% training loop: Adam, minibatches of 64, softmax cross-entropy
for epoch in range(1, args.epochs + 1):
    total = 0.0
    for xb, yb in loader:  # with --augment-gauge, fresh signs per sample and epoch
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
    if epoch == 1 or epoch % 5 == 0 or epoch == args.epochs:
        print(f"epoch {epoch:3d}  loss {total / len(train):.4f}  train acc {accuracy(train):.3f}  "
              f"test acc {accuracy(test):.3f}")

# %% the gauge test of SPEC 4: the same test chains with every state's sign flipped at random
print(f"test accuracy: {accuracy(test):.3f} as stored, {accuracy(test, flip=True):.3f} gauge-flipped"
      f"{' (trained with --augment-gauge)' if args.augment_gauge else ''}")
