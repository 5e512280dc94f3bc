#!/usr/bin/python3
"""PyTorch reference for bench/bench_train.c: mlp, cnn and topo, the same architectures,
initialisation schemes, loss and optimiser as topolearn's (src/models, SPEC 3), trained on
the .npy arrays bench_train wrote, timed the same way (median over epochs of the training
loop: batch gather, forward, loss, backward, Adam step, running train accuracy).

Thread count: torch.set_num_threads covers torch's own kernels, but Debian's torch runs
matrix products in OpenBLAS, whose pool is sized from OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS when it loads. bench_train sets those in this process's environment;
run by hand, --threads sets them here, before torch is imported.

Prints one line per model: RESULT <model> <median s/epoch> <test accuracy> <n_train>
<median process CPU s/epoch> (CPU time, all threads: less sensitive to other load).
Use Debian's /usr/bin/python3 (python3-torch, python3-numpy)."""
import argparse
import os
import sys
import time

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--data", required=True, help="directory with train_*.npy and test_*.npy")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--epochs", type=int, default=10)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--seed", type=int, default=2026)
ap.add_argument("--models", default="mlp,cnn,topo")
args = ap.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(args.threads))
if os.environ["OPENBLAS_NUM_THREADS"] != str(args.threads):
    sys.exit("train_torch.py: OPENBLAS_NUM_THREADS=%s but --threads %d"
             % (os.environ["OPENBLAS_NUM_THREADS"], args.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)


def load(prefix):
    ld = lambda k: np.load(os.path.join(args.data, "%s_%s.npy" % (prefix, k)))
    psi, label, amb = ld("psi"), ld("label"), ld("ambiguous")
    keep = amb == 0  # ambiguous chains (SPEC 1.3) are left out, as tl_train/tl_model_eval do
    return psi[keep], label[keep]


psi_tr, lab_tr = load("train")
psi_te, lab_te = load("test")
N, L = psi_tr.shape[0], psi_tr.shape[1]
cmin = int(lab_tr.min())
cmax = int(lab_tr.max())
C = cmax - cmin + 1


def features(kind, psi):
    """topolearn's model inputs (the featurise of src/models/kinds/mlp.c, cnn.c), float32."""
    x = torch.from_numpy(psi).float()  # (N, L states, 2L sites), site 2n + a
    n = x.shape[0]
    if kind == "mlp":  # flattened states
        return x.reshape(n, 2 * L * L)
    per = x.reshape(n, L, L, 2)  # [i, j, n, a]
    if kind == "cnn":  # channel 2j + a, cell n
        return per.permute(0, 1, 3, 2).reshape(n, 2 * L, L).contiguous()
    # topo: a (N, S, L) and b (N, S, L) stacked on dim 1
    return torch.stack((per[..., 0], per[..., 1]), dim=1).contiguous()


class Topo(torch.nn.Module):
    """Q_b = sum_j lambda_j a_j b_j^T, W_b = sum K .* Q_b^2, logits -beta (W - c)^2."""

    def __init__(self):
        super().__init__()
        # random init of model.c: lambda ~ N(0, 1), K ~ N(0, 1/L), beta0 = 5
        self.lam = torch.nn.Parameter(torch.randn(L))
        self.K = torch.nn.Parameter(torch.randn(L, L) / L ** 0.5)
        self.rho = torch.nn.Parameter(torch.tensor([float(np.log(5.0))]))
        self.register_buffer("c", torch.arange(cmin, cmax + 1, dtype=torch.float32))

    def forward(self, x):
        a, b = x[:, 0], x[:, 1]  # (B, S, L)
        Q = torch.bmm((a * self.lam[None, :, None]).transpose(1, 2), b)  # (B, L, L)
        W = (self.K * Q * Q).sum(dim=(1, 2))
        return -torch.exp(self.rho) * (W[:, None] - self.c) ** 2


def init_generic(model):
    """model.c init_generic: He normal (fan_in) on relu layers, Xavier uniform on the
    output layer, biases 0."""
    layers = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv1d))]
    for i, m in enumerate(layers):
        if i < len(layers) - 1:
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
        else:
            torch.nn.init.xavier_uniform_(m.weight)
        torch.nn.init.zeros_(m.bias)


def build(kind):
    nn = torch.nn
    if kind == "mlp":  # hidden 64, 64 relu
        model = nn.Sequential(nn.Linear(2 * L * L, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                              nn.Linear(64, C))
    elif kind == "cnn":  # channels 16, 16, kernel 5 'same' (pad 2 and 2), mean pool 2
        model = nn.Sequential(nn.Conv1d(2 * L, 16, 5, padding=2), nn.ReLU(), nn.AvgPool1d(2),
                              nn.Conv1d(16, 16, 5, padding=2), nn.ReLU(), nn.AvgPool1d(2),
                              nn.Flatten(), nn.Linear(16 * (L // 4), C))
    else:
        return Topo()
    init_generic(model)
    return model


def run(kind):
    torch.manual_seed(args.seed)
    model = build(kind)
    xtr, xte = features(kind, psi_tr), features(kind, psi_te)
    ytr = torch.from_numpy(lab_tr - cmin).long()
    yte = torch.from_numpy(lab_te - cmin).long()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    lossf = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    times, cpus = [], []
    for _ in range(args.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.randperm(N, generator=gen)
        correct = 0
        for at in range(0, N, args.batch):
            idx = order[at:at + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            z = model(xb)
            loss = lossf(z, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            correct += int((z.argmax(1) == yb).sum())
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    with torch.no_grad():
        acc = float((model(xte).argmax(1) == yte).float().mean())
    print("RESULT %s %.6f %.6f %d %.6f" % (kind, float(np.median(times)), acc, N,
                                          float(np.median(cpus))), flush=True)


for kind in args.models.split(","):
    run(kind)
