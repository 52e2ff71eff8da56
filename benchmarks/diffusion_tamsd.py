"""Time-averaged MSD: neurocomp (rfft, vectorized over walkers) vs trackpy's imsd/emsd.

Same input for both: 1,000 2-D Brownian trajectories of 1,000 frames. Checks that the per-particle
MSD (imsd) and the ensemble of time averages (emsd) agree to 1e-8, then prints times and the ratio.

    python benchmarks/diffusion_tamsd.py [n_walkers] [n_frames] [max_lag]

Needs trackpy (pip install trackpy).
"""

import sys
import time

import numpy as np
import pandas as pd

from neurocomp import diffusion as nd


def main(n_walkers=1000, n_frames=1000, max_lag=100, repeats=3):
    try:
        import trackpy as tp
    except ImportError:
        sys.exit("For this benchmark the trackpy module is needed: pip install trackpy")
    tr = nd.brownian(n_walkers, n_frames - 1, D=1.0, dt=1.0, d=2, rng=1)
    x = tr.values
    frame = np.tile(np.arange(n_frames), n_walkers)
    df = pd.DataFrame({"x": x[:, :, 0].ravel(), "y": x[:, :, 1].ravel(), "frame": frame,
                       "particle": np.repeat(np.arange(n_walkers), n_frames)})

    # Fastest of `repeats` calls on each side (the first call also pays one-time set-up costs).
    t_tp = t_nc = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        im = tp.imsd(df, mpp=1.0, fps=1.0, max_lagtime=max_lag)
        em = tp.emsd(df, mpp=1.0, fps=1.0, max_lagtime=max_lag)
        t_tp = min(t_tp, time.perf_counter() - t0)

        t0 = time.perf_counter()
        tam = nd.time_averaged_msd(x, max_lag=max_lag)
        ens_tam = tam.mean("walker")
        t_nc = min(t_nc, time.perf_counter() - t0)

    ours = tam.values.T  # (lag, walker) like trackpy's imsd
    theirs = im.values[: ours.shape[0]]
    err_i = np.max(np.abs(ours - theirs) / np.abs(theirs))
    err_e = np.max(np.abs(ens_tam.values - em.values[: max_lag]) / em.values[: max_lag])
    print(f"TAMSD of {n_walkers} trajectories x {n_frames} frames, lags 1..{max_lag}")
    print(f"  max relative difference: imsd {err_i:.2e}, emsd {err_e:.2e}")
    assert err_i < 1e-8 and err_e < 1e-8, "outputs disagree"
    print(f"  fastest of {repeats} calls each")
    print(f"  trackpy imsd+emsd: {t_tp:.3f} s")
    print(f"  neurocomp time_averaged_msd (+ mean): {t_nc:.3f} s")
    print(f"  speed-up: {t_tp / t_nc:.1f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
