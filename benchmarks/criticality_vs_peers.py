"""Criticality: neurocomp's power-law fit and MR estimator against `powerlaw` and `mrestimator`, same data, same run.

1. The discrete power-law fit with the x_min search (KS) on avalanche sizes of a critical branching
   process: ``neurocomp.criticality.fit_power_law(..., ks_cdf="exclusive", min_tail=1)`` (the same
   CDF convention and candidate set as ``powerlaw``) vs ``powerlaw.Fit(discrete=True,
   estimate_discrete=False)``. Both must give the same x_min and α to 1e-3.
2. The multistep-regression estimate of the branching ratio on trials × steps of a subsampled
   branching network: ``branching_ratio(method="mr")`` vs ``mrestimator.coefficients`` + ``fit``
   (stationary-mean method), same m to 2e-3.

Run:  python benchmarks/criticality_vs_peers.py [--sizes 100000] [--trials 100] [--steps 100000]
(``pip install powerlaw mrestimator``, in the bench extra). The issue's sizes are 10^6 avalanches
and 100 x 10^5 steps; the defaults are smaller because powerlaw's search alone takes many minutes.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from neurocomp import criticality as cr


def best_of(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, default=100_000)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--max-lag", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args(argv)
    import mrestimator
    import powerlaw

    sizes = cr.galton_watson_avalanches(m=1.0, n_avalanches=args.sizes, max_size=10**6, rng=1)["size"].values
    t_ours, ours = best_of(lambda: cr.fit_power_law(sizes, ks_cdf="exclusive", min_tail=1), args.repeats)

    def theirs_fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return powerlaw.Fit(sizes, discrete=True, estimate_discrete=False, verbose=False)

    t_theirs, theirs = best_of(theirs_fit, 1)
    print(f"power-law fit with x_min search, {args.sizes} avalanche sizes:")
    print(f"  neurocomp  {t_ours:8.2f} s  alpha {float(ours.alpha):.5f}  x_min {int(ours.xmin)}")
    print(f"  powerlaw   {t_theirs:8.2f} s  alpha {theirs.alpha:.5f}  x_min {int(theirs.xmin)}")
    print(f"  speed-up   {t_theirs / t_ours:8.1f} x   |d alpha| {abs(float(ours.alpha) - theirs.alpha):.1e}")

    act = cr.branching_process(m=0.98, n_units=10_000, drive=2e-4, n_steps=args.steps, n_trials=args.trials, rng=2)
    sub = cr.subsample(act, 100, rng=3).values.astype(float)
    t_ours, m_ours = best_of(lambda: float(cr.branching_ratio(sub, method="mr", max_lag=args.max_lag,
                                                               n_bootstrap=0).m), args.repeats)

    def mre_fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rk = mrestimator.coefficients(sub, steps=(1, args.max_lag), method="sm", desc="")
            return mrestimator.fit(rk, fitfunc="exponential").mre

    t_theirs, m_theirs = best_of(mre_fit, args.repeats)
    print(f"MR estimator, {args.trials} trials x {args.steps} steps, 100 of 10^4 units observed, lags 1..{args.max_lag}:")
    print(f"  neurocomp    {t_ours:8.2f} s  m {m_ours:.5f}")
    print(f"  mrestimator  {t_theirs:8.2f} s  m {m_theirs:.5f}")
    print(f"  speed-up     {t_theirs / t_ours:8.1f} x   |d m| {abs(m_ours - m_theirs):.1e}")


if __name__ == "__main__":
    main()
