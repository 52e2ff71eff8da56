"""ICA speed and accuracy against scikit-learn's FastICA, python-picard and MNE's infomax, in one run.

Two problems, as in issue 19:

* 64 components from 50,000 whitened 8 x 8 patches of scikit-learn's sample photographs
  (no ground truth: the sides are compared by time, and by the Amari distance between
  their unmixing matrices);
* a 10-source cocktail party (6 super-Gaussian and 4 sub-Gaussian sources, 40,000 samples),
  scored by the Amari distance to the true mixing matrix.

Each side gets the same data, the same algorithm, contrast and tolerance where they share
one: FastICA (parallel, logcosh, tol 1e-4, whitening by the eigen-decomposition of the
covariance on both sides); extended infomax against MNE's ``infomax(extended=True)`` (its own
stopping rule: weight change < 1e-12, at most 200 passes) and picard
(``ortho=False, extended=True``, the same gradient criterion and tolerance as ours: 1e-7 on the
cocktail party, 1e-5 on image patches, which are no exact ICA model and converge slowly). The time is the
fastest of ``--repeats`` runs per side (1 for MNE, which is slow). Run::

    python benchmarks/ica_vs_peers.py [--repeats 3] [--threads N]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from neurocomp.ica import ICA, Whitening, amari_distance
from neurocomp.ica.signals import cocktail_party, image_patches

KINDS = ["speech"] * 4 + ["laplace"] * 2 + ["sine", "square", "sawtooth", "uniform"]


def best_of(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def problems(n_patches=50_000, duration=5.0):
    P = image_patches(n_patches, size=8, downsample=2, remove_mean=False, rng=0)
    X_img = Whitening(method="zca").fit_transform(P.values.reshape(n_patches, -1))
    cp = cocktail_party(KINDS, duration=duration, sampling_rate=8000.0, rng=1)
    return {f"image patches ({n_patches} x 64)": (X_img, None),
            f"cocktail party (10 sources, {cp.sizes['time']} samples)": (cp["mixtures"].values.T, cp["mixing"].values)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="BLAS threads for every side (default: library's)")
    ap.add_argument("--skip-mne", action="store_true")
    ap.add_argument("--small", action="store_true", help="a smoke test: 5,000 patches, 1 s of cocktail party")
    ap.add_argument("--problem", choices=["all", "images", "party"], default="all")
    args = ap.parse_args(argv)
    from sklearn.decomposition import FastICA

    try:
        import picard
    except ImportError:
        picard = None
        print("python-picard not installed: pip install python-picard (skipped)")
    mne_infomax = None
    if not args.skip_mne:
        try:
            from mne.preprocessing import infomax as mne_infomax
        except ImportError:
            print("MNE not installed: pip install mne (skipped)")
    rows = []
    print(f"{'problem':45s} {'side':30s} {'time [s]':>9s} {'Amari':>7s} {'iter':>5s}  note", flush=True)

    class Rows(list):
        def append(self, row):
            super().append(row)
            name, side, t, d, it, note = row
            print(f"{name:45s} {side:30s} {t:9.3f} {d:7.4f} {it:5.0f}  {note}", flush=True)

    rows = Rows()
    with threadpool_limits(args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (X, A) in (problems(5000, 1.0) if args.small else problems()).items():
            if args.problem != "all" and (A is None) != (args.problem == "images"):
                continue
            k = X.shape[1]

            def score(W):
                return float("nan") if A is None else amari_distance(W, A)

            t_ours, ours = best_of(lambda: ICA(method="fastica", fun="logcosh", tol=1e-4, max_iter=1000, rng=0).fit(X),
                                   args.repeats)
            t_sk, sk = best_of(lambda: FastICA(k, algorithm="parallel", fun="logcosh", tol=1e-4, max_iter=1000,
                                               whiten="unit-variance", whiten_solver="eigh", random_state=0).fit(X),
                               args.repeats)
            rows.append((name, "FastICA: neurocomp", t_ours, score(ours.components_), ours.n_iter_, ""))
            rows.append((name, "FastICA: scikit-learn", t_sk, score(sk.components_), sk.n_iter_,
                         f"neurocomp {t_sk / t_ours:.2f}x faster; Amari(ours, sklearn) = {amari_distance(ours.components_, sk.mixing_):.3f}"))
            # image patches are not an exact ICA model: the gradient levels off slowly, so both
            # likelihood solvers (ours and picard, same criterion) stop at 1e-5 there, 1e-7 on the party
            tol_ml = 1e-5 if A is None else 1e-7
            t_ext, ext = best_of(lambda: ICA(method="extended", tol=tol_ml, max_iter=1000, rng=0).fit(X), args.repeats)
            rows.append((name, "extended infomax: neurocomp", t_ext, score(ext.components_), ext.n_iter_, ""))
            Xw = Whitening().fit(X)
            Z = Xw.transform(X)
            if picard is not None:
                def run_picard():
                    K, W, _ = picard.picard(X.T, n_components=k, ortho=False, extended=True, tol=tol_ml, max_iter=1000,
                                            random_state=0, whiten=True)
                    return W @ K
                t_pc, Wp = best_of(run_picard, args.repeats)
                rows.append((name, "extended infomax: picard", t_pc, score(Wp), np.nan,
                             f"neurocomp {t_pc / t_ext:.2f}x faster"))
            if mne_infomax is not None:
                def run_mne():
                    return mne_infomax(Z, extended=True, rng=0, verbose=False) @ Xw.components_
                t_mne, Wm = best_of(run_mne, 1)
                rows.append((name, "extended infomax: MNE", t_mne, score(Wm), np.nan,
                             f"neurocomp {t_mne / t_ext:.2f}x faster"))


if __name__ == "__main__":
    main()
