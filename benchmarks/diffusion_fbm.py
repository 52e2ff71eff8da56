"""Fractional Brownian motion: neurocomp's batched Davies-Harte vs the `fbm` package (one path per call).

Same inputs: 1,000 paths x 4,096 steps, Hurst 0.3, on [0, 1]. Random paths cannot be equal draw by
draw, so the check is on the law: both samples' increment variance, lag-1 increment correlation
(2^(2H-1) - 1) and end-point variance (1 for fBm on [0, 1] with the `fbm` package's scaling) must
agree with theory within 5 standard errors. Then times and the ratio are printed.

    python benchmarks/diffusion_fbm.py [n_paths] [n_steps] [hurst]

Needs fbm (pip install fbm).
"""

import math
import sys
import time

import numpy as np

from neurocomp import diffusion as nd


def _stats(paths, hurst):
    inc = np.diff(paths, axis=1)
    n = inc.shape[1]
    var_inc = inc.var() * n ** (2 * hurst)  # -> 1
    rho1 = np.mean(inc[:, 1:] * inc[:, :-1]) / np.mean(inc * inc)
    var_end = paths[:, -1].var()
    return var_inc, rho1, var_end


def main(n_paths=1000, n_steps=4096, hurst=0.3):
    try:
        from fbm import FBM
    except ImportError:
        sys.exit("For this benchmark the fbm module is needed: pip install fbm")
    np.random.seed(0)  # the fbm package draws from numpy's global state
    t0 = time.perf_counter()
    gen = FBM(n=n_steps, hurst=hurst, length=1, method="daviesharte")
    theirs = np.stack([gen.fbm() for _ in range(n_paths)])
    t_peer = time.perf_counter() - t0

    t0 = time.perf_counter()
    # K = 1/2 gives variance t^(2H) per dimension, the fbm package's convention; dt = 1/n on [0, 1]
    ours = nd.fbm(n_paths, n_steps, hurst=hurst, K=0.5, dt=1.0 / n_steps, rng=0).values[:, :, 0]
    t_nc = time.perf_counter() - t0

    rho_theory = 2 ** (2 * hurst - 1) - 1
    print(f"fBm, {n_paths} paths x {n_steps} steps, H = {hurst}")
    print("             var(increment)*n^2H   lag-1 correlation   var(B(1))")
    for name, p in (("fbm package", theirs), ("neurocomp", ours)):
        v, r, e = _stats(p, hurst)
        print(f"  {name:12s} {v:16.4f} {r:19.4f} {e:12.4f}")
        n_inc = p.shape[0] * (p.shape[1] - 1)
        # conservative bounds: one independent sample per path for the variance; for the
        # correlation, SE ~ sqrt((1 + 2 sum rho_k^2) / n) < 1.5 / sqrt(n) for these H
        assert abs(v - 1) < 5 * math.sqrt(2 / p.shape[0]), "increment variance off"
        assert abs(r - rho_theory) < 5 * 1.5 / math.sqrt(n_inc), "lag-1 correlation off"
        assert abs(e - 1) < 5 * math.sqrt(2 / p.shape[0]), "end-point variance off"
    print(f"  theory       {1.0:16.4f} {rho_theory:19.4f} {1.0:12.4f}")
    print(f"  fbm package (loop of FBM.fbm): {t_peer:.3f} s")
    print(f"  neurocomp fbm (batched):       {t_nc:.3f} s")
    print(f"  speed-up: {t_peer / t_nc:.1f}x")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(int(a) for a in args[:2]), *(float(a) for a in args[2:3]))
