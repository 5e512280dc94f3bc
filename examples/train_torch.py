#!/usr/bin/python3
"""Train a PyTorch MLP on a topolearn data set of SSH chains (eigenvectors -> winding).

    PYTHONPATH=python TOPOLEARN_LIB=build/libtopolearn.so \
        /usr/bin/python3 examples/train_torch.py [--data FILE.h5] [--n 2000] [--L 32]
                                                 [--epochs 20] [--augment-gauge]

Notebook-style: each block below is one cell. The data set holds, per chain, the
positive-energy eigenvectors (L x 2L, site order, sign gauge of SPEC 2) and the label
round(W) of the exact RSWN, ambiguous chains left out -- the fields of `topolearn
generate`. With --data FILE.h5 it is read with topolearn.load() (validated by the C
reader); otherwise topolearn.generate() makes it in memory (the default family of SPEC 2:
v, w uniform in [0, 2]), or, with a library built without the data-set layer, it is
assembled here from topolearn.chain/eig/rswn. Needs Debian's python3-torch
(TL_WITH_TORCH=1 make deps); without it the script says so and exits 0.
"""
import argparse
import time

import numpy as np

import topolearn as tl

try:
    import torch
except ImportError:
    print("train_torch: PyTorch is not installed (apt install python3-torch); nothing to do")
    raise SystemExit(0)

# %% parameters
ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--data", help="a data set written by `topolearn generate` or tl.generate")
ap.add_argument("--n", type=int, default=2000, help="chains to build when --data is absent")
ap.add_argument("--L", type=int, default=32)
ap.add_argument("--epochs", type=int, default=20)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--augment-gauge", action="store_true",
                help="flip each state's sign at random per sample and epoch (SPEC 3)")
args = ap.parse_args()
torch.manual_seed(args.seed)

# %% the data set: eigvecs (N, L, 2L) float64 and labels (N,), ambiguous chains dropped
t0 = time.perf_counter()
if args.data or tl.has_datasets:
    ds = tl.load(args.data) if args.data else tl.generate(n=args.n, L=args.L, seed=args.seed,
                                                          qab=False)
    keep = ~ds["ambiguous"].astype(bool)
    X, y = ds["eigvecs"][keep], ds["label"][keep].astype(np.int64)
else:
    rng = np.random.default_rng(args.seed)
    X = np.empty((args.n, args.L, 2 * args.L))
    y = np.empty(args.n, dtype=np.int64)
    keep = np.ones(args.n, dtype=bool)
    for i in range(args.n):
        v, w = rng.uniform(0, 2, size=2)
        t = tl.chain(args.L, hop={0: v, 1: w}, seed=args.seed, stream=i)
        _, X[i] = tl.eig(t)
        W, _, info = tl.rswn(t, full_output=True)
        y[i], keep[i] = info["label"], not info["ambiguous"]
    X, y = X[keep], y[keep]
print(f"data: {len(y)} chains (L = {X.shape[1]}), labels {np.bincount(y).tolist()}, "
      f"{time.perf_counter() - t0:.2f} s")

# %% split, tensors (float32 networks, SPEC 3), and an MLP on the flattened eigenvectors
perm = np.random.default_rng(args.seed + 1).permutation(len(y))
n_test = len(y) // 5
te, tr = perm[:n_test], perm[n_test:]
Xt = torch.from_numpy(X.reshape(len(y), -1).astype(np.float32))  # one cast, then shared
yt = torch.from_numpy(y)
n_in, n_cls = Xt.shape[1], int(y.max()) + 1
model = torch.nn.Sequential(torch.nn.Linear(n_in, 64), torch.nn.ReLU(),
                            torch.nn.Linear(64, 64), torch.nn.ReLU(),
                            torch.nn.Linear(64, n_cls))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
L = X.shape[1]


def gauge_flip(xb):
    """Random sign per state: the sign of an eigenvector is a convention, not physics."""
    s = torch.randint(0, 2, (xb.shape[0], L, 1)).float() * 2 - 1
    return (xb.view(-1, L, 2 * L) * s).view(xb.shape[0], -1)


def accuracy(idx, flip=False):
    with torch.no_grad():
        xb = Xt[idx]
        if flip:
            xb = gauge_flip(xb)
        return (model(xb).argmax(1) == yt[idx]).float().mean().item()


# %% training loop: Adam, minibatches of 64, softmax cross-entropy
for epoch in range(1, args.epochs + 1):
    model.train()
    order = torch.from_numpy(np.random.default_rng(epoch).permutation(tr))
    total = 0.0
    for k in range(0, len(order), 64):
        b = order[k:k + 64]
        xb = gauge_flip(Xt[b]) if args.augment_gauge else Xt[b]
        loss = torch.nn.functional.cross_entropy(model(xb), yt[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    if epoch == 1 or epoch % 5 == 0 or epoch == args.epochs:
        print(f"epoch {epoch:3d}  loss {total / len(tr):.4f}  train acc {accuracy(tr):.3f}  "
              f"test acc {accuracy(te):.3f}")

# %% the gauge test of SPEC 4: the same test chains with every state's sign flipped at random
print(f"test accuracy: {accuracy(te):.3f} as stored, {accuracy(te, flip=True):.3f} gauge-flipped"
      f"{' (trained with --augment-gauge)' if args.augment_gauge else ''}")
