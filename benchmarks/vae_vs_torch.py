"""neurocomp's numpy VAE vs the same VAE in PyTorch (CPU), one epoch each, in the same run.

Same architecture (tanh hidden layer, Gaussian encoder, Bernoulli decoder), same initial
weights (neurocomp's, copied into torch), same minibatch order and the same
reparameterisation noise, float32, batch 128, Adam (lr 1e-3). Prints the time of one
training epoch of each (best of several runs, wall clock; the machine may be shared),
their ratio, and the training-set ELBO of both models after the epoch (evaluated with the
same fixed noise) with its absolute and relative difference, and the largest difference
between the two sets of weights after the epoch.

Problems: the digits-sized net 64-128-8 on scikit-learn's binarised digits, and the
MNIST-sized 784-400-20 on the digits upsampled to 28x28 (binarised).

Run: python benchmarks/vae_vs_torch.py [--threads 1] [--repeats 5]
(needs ``pip install torch==2.13.0``, a CPU wheel).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

from neurocomp.vae import VAE, _Adam, _loss_and_grad

BATCH = 128
LR = 1e-3


def _data(size):
    X = load_digits().data / 16.0
    if size == 784:
        X = np.stack([zoom(x.reshape(8, 8), 3.5, order=1) for x in X]).reshape(len(X), -1)
    return (X >= 0.5).astype(np.float32)


def _schedule(n, n_latent, seed):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    eps = [rng.standard_normal((len(perm[s:s + BATCH]), n_latent)).astype(np.float32) for s in range(0, n, BATCH)]
    eval_eps = rng.standard_normal((n, n_latent)).astype(np.float32)
    return perm, eps, eval_eps


def numpy_epoch(params, X, perm, eps):
    """One epoch exactly as ``VAE.fit`` runs it: minibatches, reparameterisation, Adam."""
    opt = _Adam(params, LR)
    for i, s in enumerate(range(0, len(X), BATCH)):
        _, g, _, _ = _loss_and_grad(params, X[perm[s:s + BATCH]], eps[i], 1.0, 1, "tanh", "bernoulli")
        opt.step(params, g)
    return params


def numpy_elbo(params, X, eps):
    loss, _, _, _ = _loss_and_grad(params, X, eps, 1.0, 1, "tanh", "bernoulli")
    return -loss


def _torch_forward(p, x, eps):
    h = torch.tanh(x @ p["enc0_W"] + p["enc0_b"])
    mu = h @ p["mu_W"] + p["mu_b"]
    logvar = h @ p["logvar_W"] + p["logvar_b"]
    std = torch.exp(0.5 * logvar)
    z = mu + std * eps
    d = torch.tanh(z @ p["dec0_W"] + p["dec0_b"])
    logits = d @ p["out_W"] + p["out_b"]
    logpx = (x * logits - torch.nn.functional.softplus(logits)).sum(1)
    kl = 0.5 * (mu * mu + std * std - 1.0 - logvar).sum(1)
    return (logpx - kl).mean()


def torch_epoch(p, X, perm, eps):
    opt = torch.optim.Adam(list(p.values()), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    Xt = torch.from_numpy(X)
    idx = torch.from_numpy(perm)
    for i, s in enumerate(range(0, len(X), BATCH)):
        opt.zero_grad(set_to_none=True)
        loss = -_torch_forward(p, Xt[idx[s:s + BATCH]], torch.from_numpy(eps[i]))
        loss.backward()
        opt.step()
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS and for torch (same on both)")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"one epoch, batch {BATCH}, float32, Adam lr {LR}, {args.threads} thread(s) each; "
          f"best of {args.repeats}; torch {torch.__version__}")
    print(f"{'net':>12} {'numpy s/epoch':>14} {'torch s/epoch':>14} {'ratio torch/numpy':>18} "
          f"{'ELBO numpy':>11} {'ELBO torch':>11} {'|diff|':>9} {'rel diff':>9} {'max |dw|':>9}")
    for n_pixels, hidden, n_latent in [(64, 128, 8), (784, 400, 20)]:
        X = _data(n_pixels)
        init = VAE(n_latent=n_latent, hidden=(hidden,), n_epochs=0, dtype="float32", rng=0).fit(X).params_
        perm, eps, eval_eps = _schedule(len(X), n_latent, 1)
        t_np = t_torch = np.inf
        with threadpool_limits(args.threads):
            for _ in range(args.repeats):
                params = {k: v.copy() for k, v in init.items()}
                t0 = time.perf_counter()
                numpy_epoch(params, X, perm, eps)
                t_np = min(t_np, time.perf_counter() - t0)
                tp = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
                t0 = time.perf_counter()
                torch_epoch(tp, X, perm, eps)
                t_torch = min(t_torch, time.perf_counter() - t0)
            e_np = numpy_elbo(params, X, eval_eps)
            with torch.no_grad():
                e_t = float(_torch_forward(tp, torch.from_numpy(X), torch.from_numpy(eval_eps)))
        diff = abs(e_np - e_t)
        dw = max(float(np.abs(params[k] - tp[k].detach().numpy()).max()) for k in params)  # weights after the epoch
        print(f"{f'{n_pixels}-{hidden}-{n_latent}':>12} {t_np:14.4f} {t_torch:14.4f} {t_torch / t_np:18.2f} "
              f"{e_np:11.4f} {e_t:11.4f} {diff:9.1e} {diff / abs(e_t):9.1e} {dw:9.1e}")


if __name__ == "__main__":
    main()
