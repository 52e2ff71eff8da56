"""Ridge with per-neuroid penalties and the PLS predictivity metric: neurocomp vs its peers.

One run, one data set (the sizes of issue 8): X 1,000 stimuli x 2,000 units,
500 neuroids, 20 penalties, 5 outer folds, a penalty per neuroid. Every
contender sees the same folds; the script checks that the held-out r agree and
prints each time and the ratio to neurocomp.

- neurocomp.analysis.RidgeMapping (exact leave-one-out over all penalties and
  neuroids from one eigendecomposition per fold)
- scikit-learn RidgeCV(alpha_per_target=True), efficient leave-one-out
- himalaya RidgeCV and KernelRidgeCV (5-fold inner CV, numpy backend), if installed
- scikit-learn RidgeCV(cv=5) (one shared penalty), with --slow
- PLS: neurocomp.analysis.neural_predictivity(method="pls") against Brain-Score's
  way: scikit-learn PLSRegression(25, scale=False) per stratified split, then a
  Pearson r per neuroid in a Python loop, median, mean over 10 splits; the two
  run alternately --pls-repeats times (default 5) and the fastest of each counts.

Usage::

    python benchmarks/regression_vs_peers.py [--threads 1] [--slow] [--scale 1.0] [--pls-repeats 5]

Threads are pinned (default 1) so the comparison is fair on a shared machine.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def make_data(rng, n_stimuli, n_units, n_neuroids, n_latent=40, n_categories=8):
    """Units and neuroids share a low-dimensional latent space; most of each neuroid is noise."""
    Z = rng.normal(size=(n_stimuli, n_latent))
    X = Z @ rng.normal(size=(n_latent, n_units)) / np.sqrt(n_latent) + rng.normal(size=(n_stimuli, n_units))
    weights = rng.normal(size=(n_latent, n_neuroids)) * rng.exponential(1.0, size=(1, n_neuroids))
    Y = Z @ weights / np.sqrt(n_latent) + 2.0 * rng.normal(size=(n_stimuli, n_neuroids))
    cats = np.arange(n_stimuli) % n_categories
    return X, Y, cats


def timed(func):
    """Result, wall-clock seconds and CPU seconds of this process (robust on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = func()
    return out, time.perf_counter() - start, time.process_time() - cpu


def held_out_r(fit_predict, X, Y, folds):
    from neurocomp.analysis import pearson_r

    r = np.empty((len(folds), Y.shape[1]))
    for i, (train, test) in enumerate(folds):
        r[i] = pearson_r(fit_predict(X[train], Y[train], X[test]), Y[test])
    return r


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--slow", action="store_true", help="also time scikit-learn RidgeCV(cv=5) (~20 s+)")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the problem (stimuli, units, neuroids)")
    parser.add_argument("--skip-pls", action="store_true")
    parser.add_argument("--pls-repeats", type=int, default=5,
                        help="alternating runs of each PLS side; the fastest counts (~45 s a pair at full scale)")
    args = parser.parse_args()

    from sklearn.cross_decomposition import PLSRegression
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import KFold, StratifiedShuffleSplit
    from threadpoolctl import threadpool_limits

    import scipy.stats
    import xarray as xr

    from neurocomp.analysis import RidgeMapping, neural_predictivity

    rng = np.random.default_rng(2014)
    n, p, t = int(1000 * args.scale), int(2000 * args.scale), int(500 * args.scale)
    X, Y, cats = make_data(rng, n, p, t)
    alphas = np.logspace(-1, 6, 20)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    print(f"data: X {n} stimuli x {p} units, Y {t} neuroids; {len(alphas)} alphas, 5 folds, "
          f"per-neuroid alpha; {args.threads} thread(s)")

    results = {}
    with threadpool_limits(args.threads):
        def ours(Xtr, Ytr, Xte):
            return RidgeMapping(alphas, penalties_relative=False).fit(Xtr, Ytr).predict(Xte)

        def sk_loo(Xtr, Ytr, Xte):
            return RidgeCV(alphas=alphas, alpha_per_target=True).fit(Xtr, Ytr).predict(Xte)

        contenders = [("neurocomp RidgeMapping (LOO, eigenbasis)", ours),
                      ("scikit-learn RidgeCV(alpha_per_target, LOO)", sk_loo)]
        try:
            from himalaya.backend import set_backend
            from himalaya.kernel_ridge import KernelRidgeCV
            from himalaya.ridge import RidgeCV as HRidgeCV

            set_backend("numpy")

            def hi_ridge(Xtr, Ytr, Xte):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "kernel ridge would be faster": timed below too
                    return HRidgeCV(alphas=alphas).fit(Xtr, Ytr).predict(Xte)

            def hi_kernel(Xtr, Ytr, Xte):
                return KernelRidgeCV(alphas=alphas, kernel="linear").fit(Xtr, Ytr).predict(Xte)

            contenders += [("himalaya RidgeCV (5-fold)", hi_ridge), ("himalaya KernelRidgeCV (5-fold)", hi_kernel)]
        except ImportError:
            print("himalaya not installed (pip install himalaya): skipped")
        if args.slow:
            def sk_cv5(Xtr, Ytr, Xte):
                return RidgeCV(alphas=alphas, cv=5).fit(Xtr, Ytr).predict(Xte)

            contenders.append(("scikit-learn RidgeCV(cv=5, one alpha)", sk_cv5))
        for name, func in contenders:
            r, seconds, cpu = timed(lambda: held_out_r(func, X, Y, folds))
            results[name] = (r, seconds, cpu)

        base_r, base_t, base_cpu = results[contenders[0][0]]
        print(f"\n{'ridge, per-neuroid alpha':<46}{'wall [s]':>9}{'ratio':>8}{'CPU [s]':>9}{'ratio':>8}"
              f"{'median r':>10}{'max |dr|':>10}")
        for name, (r, seconds, cpu) in results.items():
            dr = np.nanmax(np.abs(r - base_r))
            print(f"{name:<46}{seconds:>9.2f}{seconds / base_t:>7.2f}x{cpu:>9.2f}{cpu / base_cpu:>7.2f}x"
                  f"{np.nanmedian(r):>10.4f}{dr:>10.2e}")
        sk_r = results[contenders[1][0]][0]
        agree = abs(np.nanmedian(sk_r) - np.nanmedian(base_r))
        assert agree < 1e-3, f"neurocomp and scikit-learn LOO ridge disagree: median r differs by {agree:.2e}"
        print(f"check: median held-out r of neurocomp and scikit-learn LOO agree to {agree:.1e}")

        if not args.skip_pls:
            ids = np.array([f"im{i}" for i in range(n)])
            source = xr.DataArray(X, dims=("presentation", "neuroid"),
                                  coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", cats)})
            target = xr.DataArray(Y, dims=("presentation", "neuroid"),
                                  coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", cats)})
            def brainscore_way():
                split_scores = []
                splitter = StratifiedShuffleSplit(n_splits=10, train_size=0.9, random_state=1)
                for train, test in splitter.split(np.zeros(n), cats):
                    pred = PLSRegression(n_components=25, scale=False).fit(X[train], Y[train]).predict(X[test])
                    rs = [scipy.stats.pearsonr(pred[:, j], Y[test][:, j])[0] for j in range(t)]
                    split_scores.append(np.median(rs))
                return float(np.mean(split_scores))

            ours_t = ours_cpu = peer_t = peer_cpu = np.inf
            for _ in range(max(1, args.pls_repeats)):  # alternate, so a changing load falls on both
                ds, wall, cpu = timed(lambda: neural_predictivity(source, target, "pls", rng=1))
                ours_t, ours_cpu = min(ours_t, wall), min(ours_cpu, cpu)
                peer_score, wall, cpu = timed(brainscore_way)
                peer_t, peer_cpu = min(peer_t, wall), min(peer_cpu, cpu)
            print(f"\nPLS: fastest of {max(1, args.pls_repeats)} alternating runs per side")
            print(f"{'PLS-25 predictivity, 10 stratified splits':<46}{'wall [s]':>9}{'ratio':>8}{'CPU [s]':>9}"
                  f"{'ratio':>8}{'score':>10}")
            print(f"{'neurocomp neural_predictivity(pls)':<46}{ours_t:>9.2f}{1:>7.2f}x{ours_cpu:>9.2f}{1:>7.2f}x"
                  f"{float(ds['score']):>10.4f}")
            print(f"{'Brain-Score way (sklearn PLS + r loop)':<46}{peer_t:>9.2f}{peer_t / ours_t:>7.2f}x"
                  f"{peer_cpu:>9.2f}{peer_cpu / ours_cpu:>7.2f}x{peer_score:>10.4f}")
            diff = abs(float(ds["score"]) - peer_score)
            assert diff < 1e-6, f"PLS scores disagree by {diff:.2e}"
            print(f"check: PLS scores agree to {diff:.1e}")
            ridge_score = float(np.mean(np.nanmedian(base_r, axis=1)))
            print(f"\nheld-out median r on these data: PLS-25 {float(ds['score']):.3f}, ridge {ridge_score:.3f}")


if __name__ == "__main__":
    main()
