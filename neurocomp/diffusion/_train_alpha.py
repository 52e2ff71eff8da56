"""Train the coefficients of ``estimate_alpha(method="features")``, and measure its bias per model.

Run ``python -m neurocomp.diffusion._train_alpha`` to rewrite
``neurocomp/diffusion/_alpha_coefficients.py``. Deterministic (seeded).
``python -m neurocomp.diffusion._train_alpha --table`` prints the bias, its
standard error, the spread and the MAE per generating model and bin of true α on
held-out trajectories drawn like the training set (:func:`error_table`); see
``estimate_alpha``'s Notes for what the table shows and why.

Training set: trajectories of the five AnDi models (attm, ctrw, fbm, lw, sbm)
from :func:`neurocomp.diffusion.walks.andi_model` — *not* from andi-datasets,
which is kept for the independent test — with the exponents of the AnDi
challenge (0.05 … 2 in steps of 0.05 within each model's range), in 1-D and
2-D, cut to random lengths of 50–1000 points, each dimension normalised to unit
step standard deviation and blurred by Gaussian localisation noise of standard
deviation 0.1, 0.5 or 1 (the AnDi challenge's noise levels; Muñoz-Gil et al. 2021).
Model: the average of five small neural networks (22 standardised features of
:func:`neurocomp.diffusion.fits.alpha_features` -> 32 ReLU units -> alpha),
fitted with scikit-learn's MLPRegressor (needed only to retrain) with early
stopping; their weights (about 4,000 numbers) are written out as plain lists, so
prediction needs numpy only. A quadratic ridge regression on the same features
scored 0.192 against 0.169 for one network on held-out simulated data (0.245
vs 0.216 on the andi-datasets fixture).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neurocomp.diffusion.fits import alpha_features
from neurocomp.diffusion.walks import ALPHA_RANGES, andi_model, attm, levy_walk

SEED = 20210301
N_PER_CLASS = 80
T_MAX = 1000
T_MIN = 50
HIDDEN = 32
N_NETS = 5  # an average of a few networks halves the training noise of the estimate


def _simulate(model, a, n, d, rng, batch=4):
    """AnDi-like draws: ATTM with random (sigma, gamma) as in the challenge's regime 1
    (gamma = sigma/alpha, sigma < gamma < sigma + 1); ballistic Levy walks with random sigma in (0, 1)."""
    if model == "attm":
        a = min(a, 0.999)
        parts = []
        for _ in range(n // batch):
            while True:
                sigma = 3 * rng.uniform(0.01, 1.1)
                gamma = sigma / a
                if sigma < gamma < sigma + 1:
                    break
            parts.append(attm(batch, T_MAX - 1, alpha=a, gamma=gamma, d=d, rng=rng).values)
        return np.concatenate(parts)
    if model == "lw" and a == 2.0:
        return np.concatenate([levy_walk(batch, T_MAX - 1, alpha=2.0, tail_exponent=rng.uniform(0.05, 0.95), d=d,
                                         rng=rng).values for _ in range(n // batch)])
    return andi_model(model, n, T_MAX - 1, alpha=a, d=d, rng=rng).values


def make_training_set(rng, n_per_class=N_PER_CLASS, *, return_models=False):
    """Features and true exponents of simulated trajectories (see the module docstring);
    with ``return_models`` also the generating model of each row (for per-model tables)."""
    grid = np.round(np.arange(0.05, 2.001, 0.05), 2)
    X, y, models = [], [], []
    for d in (1, 2):
        for model, (lo, hi, lo_open, hi_open) in ALPHA_RANGES.items():
            for a in grid:
                if (a <= lo if lo_open else a < lo) or (a >= hi if hi_open else a > hi):
                    continue
                tr = _simulate(model, float(a), n_per_class, d, rng)
                inc = np.diff(tr, axis=1)
                sd = inc.std(axis=1, keepdims=True)
                sd[sd == 0] = 1.0
                pos = np.concatenate([np.zeros((n_per_class, 1, d)), np.cumsum(inc / sd, axis=1)], axis=1)
                noise = rng.choice([0.1, 0.5, 1.0], size=(n_per_class, 1, 1))
                pos = pos + noise * rng.standard_normal(pos.shape)
                length = rng.integers(T_MIN, T_MAX + 1, n_per_class)
                pos[np.arange(T_MAX)[None, :] >= length[:, None]] = np.nan
                X.append(alpha_features(pos))
                y.append(np.full(n_per_class, a))
                models.append(np.full(n_per_class, model))
    if return_models:
        return np.concatenate(X), np.concatenate(y), np.concatenate(models)
    return np.concatenate(X), np.concatenate(y)


def fit_mlps(X, y, rng):
    """One-hidden-layer ReLU networks (scikit-learn's MLPRegressor, used here only, at
    training time) on standardised features, each with early stopping on its own
    held-out tenth; the estimate is their average. Returns the held-out MAE of the
    average on a fifth of the data kept out of every network."""
    from sklearn.neural_network import MLPRegressor

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    order = rng.permutation(len(y))
    n_val = len(y) // 5
    val, tr = order[:n_val], order[n_val:]
    nets = []
    for _ in range(N_NETS):
        net = MLPRegressor(hidden_layer_sizes=(HIDDEN,), alpha=1e-3, max_iter=400, early_stopping=True,
                           random_state=int(rng.integers(2**31)))
        nets.append(net.fit(Z[tr], y[tr]))
    pred = np.mean([n.predict(Z[val]) for n in nets], axis=0)
    mae = float(np.abs(np.clip(pred, 0, 2) - y[val]).mean())
    return mean, scale, nets, mae


HELD_OUT_SEED = 20261130  # never used for training
ALPHA_BINS = (0.0, 0.5, 0.75, 1.0, 1.5, 2.0)


def held_out_errors(n_per_class: int = 20, seed: int = HELD_OUT_SEED) -> dict:
    """Errors of ``estimate_alpha(method="features")`` on fresh trajectories of every generator.

    Trajectories are drawn exactly as the training set is (:func:`make_training_set`:
    the five models, every admissible α on the 0.05 grid, 1-D and 2-D, lengths
    50–1000, localisation noise 0.1, 0.5 or 1 step) but from a seed never used in
    training.

    Returns
    -------
    dict
        ``alpha`` (true), ``estimate`` (clipped to [0, 2] as estimate_alpha does)
        and ``model``, one entry per trajectory.
    """
    from neurocomp.diffusion.fits import _predict_from_features

    if n_per_class < 4 or n_per_class % 4:
        raise ValueError(f"n_per_class must be a positive multiple of 4 (ATTM is drawn in batches of 4); got {n_per_class}")
    X, y, models = make_training_set(np.random.default_rng(seed), n_per_class, return_models=True)
    return {"alpha": y, "estimate": np.clip(_predict_from_features(X), 0.0, 2.0), "model": models}


def error_table(errors: dict | None = None, *, bins=ALPHA_BINS) -> list[dict]:
    """Per-model (and per α-bin) bias, spread and MAE of estimate_alpha on held-out trajectories.

    Rows: one per model with ``alpha_bin = "all"``, then one per model and bin of
    true α. Each row: ``n``, ``bias`` (mean of estimate − truth), ``bias_se`` (its
    standard error, sd/√n), ``sd`` (spread of the errors) and ``mae``.
    """
    errors = held_out_errors() if errors is None else errors
    err = errors["estimate"] - errors["alpha"]
    rows = []
    for model in ALPHA_RANGES:
        sel = errors["model"] == model
        parts = [("all", sel)] + [(f"({lo:g}, {hi:g}]", sel & (errors["alpha"] > lo) & (errors["alpha"] <= hi))
                                  for lo, hi in zip(bins[:-1], bins[1:])]
        for label, mask in parts:
            e = err[mask]
            if e.size < 2:
                continue
            rows.append({"model": model, "alpha_bin": label, "n": int(e.size), "bias": float(e.mean()),
                         "bias_se": float(e.std(ddof=1) / np.sqrt(e.size)), "sd": float(e.std(ddof=1)),
                         "mae": float(np.abs(e).mean())})
    return rows


def print_error_table(rows=None) -> str:
    """The table of :func:`error_table` as text (``python -m neurocomp.diffusion._train_alpha --table``)."""
    rows = error_table() if rows is None else rows
    lines = [f"{'model':6} {'true alpha':>12} {'n':>5} {'bias':>7} {'(se)':>7} {'sd':>6} {'MAE':>6}"]
    for r in rows:
        lines.append(f"{r['model']:6} {r['alpha_bin']:>12} {r['n']:5d} {r['bias']:+7.3f} ({r['bias_se']:.3f}) "
                     f"{r['sd']:6.3f} {r['mae']:6.3f}")
    text = "\n".join(lines)
    print(text)
    return text


def main(out=Path(__file__).with_name("_alpha_coefficients.py")):
    rng = np.random.default_rng(SEED)
    X, y = make_training_set(rng)
    print(f"training set: {X.shape[0]} trajectories, {X.shape[1]} features")
    mean, scale, nets, mae = fit_mlps(X, y, rng)
    print(f"held-out MAE {mae:.3f}")

    def fmt(a):
        a = np.asarray(a, dtype=float)
        if a.ndim == 1:
            return "[" + ", ".join(f"{float(v):.8g}" for v in a) + "]"
        return "[\n" + "".join("    " + fmt(r) + ",\n" for r in a) + "]"

    W1 = np.stack([n.coefs_[0] for n in nets])  # (n_nets, n_features, hidden)
    B1 = np.stack([n.intercepts_[0] for n in nets])
    W2 = np.stack([n.coefs_[1][:, 0] for n in nets])
    B2 = np.array([n.intercepts_[1][0] for n in nets])
    text = (
        '"""Coefficients of estimate_alpha(method="features"): feature standardisation and\n'
        f"{N_NETS} one-hidden-layer ReLU networks whose outputs are averaged. Generated by\n"
        "``python -m neurocomp.diffusion._train_alpha`` (do not edit by hand).\n\n"
        f"{X.shape[0]} simulated training trajectories; held-out MAE {mae:.3f}.\n"
        '"""\n\n'
        f"MEAN = {fmt(mean)}\n\nSCALE = {fmt(scale)}\n\n"
        f"W1 = [\n" + "".join(f"{fmt(w)},\n" for w in W1) + "]\n\n"
        f"B1 = {fmt(B1)}\n\nW2 = {fmt(W2)}\n\nB2 = {fmt(B2)}\n"
    )
    Path(out).write_text(text)
    print(f"wrote {out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--table"]:
        print_error_table()
    else:
        main(*sys.argv[1:])
