"""Science of neurocomp.analysis: regression, predictivity, ceiling, layer x region scores.

Peers: scikit-learn (PLSRegression, Ridge, RidgeCV, Stratified/ShuffleSplit) and
scipy.stats.pearsonr reproduce Brain-Score's way of computing each number.
"""

import functools

import numpy as np
import pytest
import scipy.stats
import xarray as xr
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from neurocomp._validation import NeurocompWarning
from neurocomp.analysis import (
    PLSMapping,
    RidgeMapping,
    ceil_score,
    layer_region_scores,
    neural_predictivity,
    noise_ceiling,
    pearson_r,
)
from neurocomp.analysis.regression import _eigenbasis, ridge_loo_errors

# these tests compare with Brain-Score's splits (seed 1), the default before rng replaced random_state
neural_predictivity = functools.partial(neural_predictivity, rng=1)


def make_data(rng, *, n_stimuli=200, n_reps=4, n_neuroids=40, latent=4, signal_sd=1.0, noise_sd=1.5,
              n_features=20, regions=("V4", "IT"), n_categories=4):
    """Recordings whose signal lives in a ``latent``-dim space, plus a perfect and a noise layer."""
    Z = rng.normal(size=(n_stimuli, latent))
    B = rng.normal(size=(latent, n_neuroids))
    signal = Z @ B
    signal = signal / signal.std(axis=0) * signal_sd
    recs = signal[None] + noise_sd * rng.normal(size=(n_reps, n_stimuli, n_neuroids))
    ids = np.array([f"im{i:04d}" for i in range(n_stimuli)])
    cats = np.array([f"cat{i % n_categories}" for i in range(n_stimuli)])
    region = np.array([regions[i * len(regions) // n_neuroids] for i in range(n_neuroids)])
    rec = xr.DataArray(
        recs, dims=("repetition", "presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", cats),
                "neuroid_id": ("neuroid", [f"n{i}" for i in range(n_neuroids)]), "region": ("neuroid", region),
                "repetition": np.arange(n_reps)},
    )
    perfect = Z @ rng.normal(size=(latent, n_features))
    noise = rng.normal(size=(n_stimuli, n_features))
    acts = xr.DataArray(
        np.concatenate([perfect, noise], axis=1), dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", cats),
                "layer": ("neuroid", ["perfect"] * n_features + ["noise"] * n_features)},
    )
    reliability = signal_sd**2 / (signal_sd**2 + noise_sd**2 / n_reps)
    return rec, acts, reliability


# ----------------------------------------------------------------------------- mappings vs peers

@pytest.mark.parametrize("shape", [(120, 40, 15), (80, 300, 12), (60, 30, 1)])
def test_pls_equals_sklearn(rng, shape):
    n, p, t = shape
    X = rng.normal(size=(n, p))
    Y = X[:, :6] @ rng.normal(size=(6, t)) + rng.normal(size=(n, t))
    Xt = rng.normal(size=(25, p))
    ours = PLSMapping(25).fit(X, Y).predict(Xt)
    peer = PLSRegression(n_components=25, scale=False).fit(X, Y).predict(Xt).reshape(ours.shape)
    np.testing.assert_allclose(ours, peer, atol=1e-6, rtol=0)


@pytest.mark.parametrize("shape", [(100, 30, 8), (50, 200, 8)])  # primal and kernel form
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 100.0])
def test_ridge_equals_sklearn_at_fixed_alpha(rng, shape, alpha):
    n, p, t = shape
    X = rng.normal(size=(n, p)) * 3 + 1
    Y = X @ rng.normal(size=(p, t)) + rng.normal(size=(n, t)) + 5
    Xt = rng.normal(size=(20, p))
    ours = RidgeMapping([alpha]).fit(X, Y).predict(Xt)
    peer = Ridge(alpha=alpha).fit(X, Y).predict(Xt)
    np.testing.assert_allclose(ours, peer, atol=1e-6, rtol=0)


@pytest.mark.parametrize("shape", [(30, 8), (25, 60)])
def test_ridge_loo_error_equals_brute_force(rng, shape):
    """The eigenbasis leave-one-out error equals refitting sklearn Ridge n times."""
    n, p = shape
    X = rng.normal(size=(n, p))
    Y = X[:, :3] @ rng.normal(size=(3, 4)) + rng.normal(size=(n, 4))
    alphas = np.array([0.01, 1.0, 30.0])
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    Q, lam, _ = _eigenbasis(Xc)
    fast = ridge_loo_errors(Q, lam, Yc, alphas, n, dtype=np.float64)
    brute = np.zeros_like(fast)
    for a, alpha in enumerate(alphas):
        for i in range(n):
            keep = np.arange(n) != i
            pred = Ridge(alpha=alpha).fit(X[keep], Y[keep]).predict(X[i:i + 1])
            brute[a] += ((Y[i] - pred[0]) ** 2) / n
    np.testing.assert_allclose(fast, brute, rtol=1e-8)
    # float32 products rank the penalties the same way
    fast32 = ridge_loo_errors(Q, lam, Yc, alphas, n)
    np.testing.assert_allclose(fast32, brute, rtol=1e-4)
    model = RidgeMapping(alphas).fit(X, Y)
    np.testing.assert_array_equal(model.penalty_, alphas[np.argmin(brute, axis=0)])


def test_pearson_r_equals_scipy(rng):
    a = rng.normal(size=(50, 7))
    b = a + rng.normal(size=(50, 7))
    expected = [scipy.stats.pearsonr(a[:, j], b[:, j])[0] for j in range(7)]
    np.testing.assert_allclose(pearson_r(a, b), expected, atol=1e-12)
    assert np.isnan(pearson_r(np.ones((5, 1)), rng.normal(size=(5, 1)))[0])


# ----------------------------------------------------------------------------- Brain-Score equality

def brainscore_way(X, Y, labels):
    """Brain-Score's neural predictivity, spelled out: sklearn PLS per split, a Pearson loop per neuroid."""
    splitter = StratifiedShuffleSplit(n_splits=10, train_size=0.9, random_state=1)
    split_scores = []
    for train, test in splitter.split(np.zeros(len(Y)), labels):
        pls = PLSRegression(n_components=25, scale=False).fit(X[train], Y[train])
        pred = pls.predict(X[test])
        rs = [scipy.stats.pearsonr(pred[:, j], Y[test][:, j])[0] for j in range(Y.shape[1])]
        split_scores.append(np.median(rs))
    split_scores = np.array(split_scores)
    return split_scores.mean(), split_scores.std() / np.sqrt(len(split_scores))


def test_pls_predictivity_equals_brainscore_defaults(rng):
    rec, acts, _ = make_data(rng, n_stimuli=160, n_neuroids=30, n_features=40)
    source = acts.isel(neuroid=slice(0, 40)) + 0.5 * rng.normal(size=(160, 40))
    ds = neural_predictivity(source, rec, "pls")
    X = source.values
    Y = rec.mean("repetition").values
    score, error = brainscore_way(X, Y, rec["object_name"].values)
    assert ds.attrs["splitter"] == "StratifiedShuffleSplit" and ds.attrs["n_components"] == 25
    assert float(ds["score"]) == pytest.approx(score, abs=1e-6)
    assert float(ds["score_error"]) == pytest.approx(error, abs=1e-6)
    assert ds["r"].dims == ("split", "neuroid") and ds["r"].shape == (10, 30)
    assert list(ds["region"].values) == list(rec["region"].values)


def test_predictivity_aligns_by_stimulus_id_not_position(rng):
    rec, acts, _ = make_data(rng, n_stimuli=120, n_neuroids=10)
    ordered = neural_predictivity(acts.sel(neuroid=acts.layer == "perfect"), rec, "ridge")
    perm = rng.permutation(120)
    shuffled_rows = acts.sel(neuroid=acts.layer == "perfect").isel(presentation=perm)
    again = neural_predictivity(shuffled_rows, rec, "ridge")
    np.testing.assert_allclose(again["r"].values, ordered["r"].values, atol=1e-10)


def test_brainscore_flattened_assembly_is_reshaped(rng):
    rec, acts, _ = make_data(rng, n_stimuli=100, n_neuroids=8)
    n_reps, n_stim = rec.sizes["repetition"], rec.sizes["presentation"]

    def flatten(order):
        return xr.DataArray(
            rec.values.reshape(n_reps * n_stim, -1)[order], dims=("presentation", "neuroid"),
            coords={"stimulus_id": ("presentation", np.tile(rec.stimulus_id.values, n_reps)[order]),
                    "object_name": ("presentation", np.tile(rec.object_name.values, n_reps)[order]),
                    "repetition": ("presentation", np.repeat(np.arange(n_reps), n_stim)[order]),
                    "region": ("neuroid", rec.region.values)},
        )

    # rows in any order: (repetition, stimulus) pairs are found by coordinate
    shuffled = flatten(rng.permutation(n_reps * n_stim))
    np.testing.assert_allclose(noise_ceiling(shuffled, rng=1)["ceiling"].values, noise_ceiling(rec, rng=1)["ceiling"].values,
                               atol=1e-12)
    # splits index the stimuli in order of first appearance, here the original order
    flat = flatten(np.arange(n_reps * n_stim))
    layer = acts.sel(neuroid=acts.layer == "perfect")
    np.testing.assert_allclose(neural_predictivity(layer, flat, "ridge")["r"].values,
                               neural_predictivity(layer, rec, "ridge")["r"].values, atol=1e-10)


def test_recordings_against_themselves_score_one(rng):
    """The trial-averaged recordings predict themselves: r = 1 up to rounding (PLS = OLS at full rank)."""
    rec, _, _ = make_data(rng, n_stimuli=150, n_neuroids=12)
    mean = rec.mean("repetition")
    with pytest.warns(NeurocompWarning, match="exceeds the rank"):
        ds = neural_predictivity(mean, rec, "pls")  # 25 components clamped to 12 neuroids
    assert ds.attrs["n_components"] == 12
    assert float(ds["score"]) == pytest.approx(1.0, abs=1e-9)
    ridge = neural_predictivity(mean, rec, "ridge")
    # the smallest relative penalty (1e-4 x mean eigenvalue) shrinks by < 1e-3 of a unit
    assert float(ridge["score"]) > 0.999


def test_shuffled_stimulus_ids_score_zero(rng):
    rec, acts, _ = make_data(rng, n_stimuli=400, n_neuroids=60)
    layer = acts.sel(neuroid=acts.layer == "perfect")
    shuffled = layer.assign_coords(stimulus_id=("presentation", rng.permutation(layer.stimulus_id.values)))
    ds = neural_predictivity(shuffled, rec, "ridge")
    # null r per neuroid has sd 1/sqrt(n_test) = 1/sqrt(40); the median over 60 neuroids
    # has sd ~1.25/sqrt(40*60) = 0.026 per split; 4 sd bounds the mean over splits
    assert abs(float(ds["score"])) < 4 * 1.25 / np.sqrt(40 * 60)
    good = neural_predictivity(layer, rec, "ridge")
    assert float(good["score"]) > 0.6


def test_noise_ceiling_matches_analytic_reliability(rng):
    n_stimuli, n_neuroids, reps = 400, 200, 4
    rec, _, reliability = make_data(rng, n_stimuli=n_stimuli, n_reps=reps, n_neuroids=n_neuroids, noise_sd=1.5)
    ds = noise_ceiling(rec, rng=1)
    # split-half r = s2/(s2 + 2 n2/R); its sampling sd (1 - rho^2)/sqrt(S), times the
    # Spearman-Brown slope 2/(1+rho)^2; the median over N neuroids ~1.25 sd/sqrt(N)
    rho_half = 1.0 / (1.0 + 2 * 1.5**2 / reps)
    sd_c = 2 * (1 - rho_half**2) / (1 + rho_half) ** 2 / np.sqrt(n_stimuli)
    tol = 4 * 1.25 * sd_c / np.sqrt(n_neuroids)
    assert float(ds["ceiling_median"]) == pytest.approx(reliability, abs=tol)
    assert float(ds["ceiling"].mean()) == pytest.approx(reliability, abs=4 * sd_c / np.sqrt(n_neuroids))
    assert ds["ceiling"].dims == ("neuroid",) and "region" in ds.coords


def test_noise_ceiling_equals_brainscore_way(rng):
    rec, _, _ = make_data(rng, n_stimuli=60, n_reps=5, n_neuroids=9)
    values = rec.values
    splitter = ShuffleSplit(n_splits=10, train_size=0.5, random_state=1)
    per_split = []
    for h1, h2 in splitter.split(np.zeros(5)):
        a, b = values[h1].mean(0), values[h2].mean(0)
        r = np.array([scipy.stats.pearsonr(a[:, j], b[:, j])[0] for j in range(9)])
        per_split.append(2 * r / (1 + r))
    per_split = np.array(per_split)
    ds = noise_ceiling(rec, rng=1)
    np.testing.assert_allclose(ds["ceiling_split"].values, per_split, atol=1e-12)
    assert float(ds["ceiling_median"]) == pytest.approx(np.median(per_split, axis=1).mean(), abs=1e-12)
    # the per-neuroid ceiling is the documented MEAN over splits (not the median), and the error
    # is the standard error over splits of the median ceiling: sd / sqrt(n_splits)
    np.testing.assert_allclose(ds["ceiling"].values, per_split.mean(axis=0), rtol=0, atol=1e-12)
    assert float(ds["ceiling_error"]) == pytest.approx(np.median(per_split, axis=1).std() / np.sqrt(10), abs=1e-12)
    assert np.all(np.abs(np.median(per_split, axis=0) - per_split.mean(axis=0)) > 1e-6)  # they differ here
    # same rng, same result; a Generator is accepted
    g1 = noise_ceiling(rec, rng=np.random.default_rng(5))
    g2 = noise_ceiling(rec, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(g1["ceiling"].values, g2["ceiling"].values)


def test_ceil_score_normalizations():
    assert ceil_score(0.6, 0.36, "r2_over_ceiling") == pytest.approx(1.0)
    assert ceil_score(0.6, 0.36, "ratio_squared") == pytest.approx((0.6 / 0.36) ** 2)
    assert np.isnan(ceil_score(0.5, 0.0))


def test_layer_region_scores_perfect_layer_reaches_ceiling(rng):
    rec, acts, reliability = make_data(rng, n_stimuli=400, n_neuroids=40, n_reps=4, noise_sd=1.5)
    ds = layer_region_scores(acts, rec, n_bootstrap=200, rng=0)
    assert ds.attrs["normalization"] == "r2_over_ceiling" and ds.attrs["method"] == "ridge"
    assert ds["ceiled_score"].dims == ("layer", "region")
    perfect = ds["ceiled_score"].sel(layer="perfect").values
    # a linear map of the noiseless signal reaches r^2 = ceiling; fitting 20 weights on 360
    # stimuli costs ~ (20/360) x noise/signal (0.56/0.44) ~ 7% of the explained variance,
    # sampling ~2%: within 0.15 of 1
    np.testing.assert_allclose(perfect, 1.0, atol=0.15)
    assert (ds["ceiled_score"].sel(layer="noise").values < 0.05).all()
    np.testing.assert_allclose(ds["ceiling"].values, reliability, atol=0.05)
    assert ((ds["raw_ci_low"] <= ds["raw_score"]) & (ds["raw_score"] <= ds["raw_ci_high"])).all()
    # r**2 is not monotone near r = 0, so only the well-predicted layer must lie inside its interval
    good = ds.sel(layer="perfect")
    assert ((good["ci_low"] <= good["ceiled_score"]) & (good["ceiled_score"] <= good["ci_high"])).all()
    # the older normalisation gives a perfect model 1/c, not 1
    old = layer_region_scores(acts, rec, normalization="ratio_squared", n_bootstrap=0, layers=["perfect"])
    np.testing.assert_allclose(old["ceiled_score"].values[0], perfect / ds["ceiling"].values, rtol=1e-10)
    # same rng, bit-identical bootstrap
    again = layer_region_scores(acts, rec, n_bootstrap=200, rng=0)
    np.testing.assert_array_equal(again["ci_low"].values, ds["ci_low"].values)


def test_layer_region_scores_pls_matches_neural_predictivity(rng):
    rec, acts, _ = make_data(rng, n_stimuli=120, n_neuroids=20, n_features=30)
    # the perfect layer has rank 4 (the latent dimension): 4 components, no clamping warning
    ds = layer_region_scores(acts, rec, method="pls", n_components=4, n_bootstrap=0, layers=["perfect"],
                             regions=["IT"])
    single = neural_predictivity(acts.sel(neuroid=acts.layer == "perfect"),
                                 rec.sel(neuroid=rec.region == "IT"), "pls", n_components=4)
    assert float(ds["raw_score"].squeeze()) == pytest.approx(float(single["score"]), abs=1e-12)


def test_plot_layer_region_scores(rng):
    from neurocomp.plotting.analysis import plot_layer_region_scores

    rec, acts, _ = make_data(rng, n_stimuli=100, n_neuroids=10)
    ds = layer_region_scores(acts, rec, n_bootstrap=50, rng=1)
    ax = plot_layer_region_scores(ds)
    assert ax.get_xlabel() and ax.get_ylabel().startswith("ceiled score")
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:2] == [str(r) for r in ds["region"].values] and "best layer, its interval" in texts
    ax = plot_layer_region_scores(ds, kind="raw")
    assert "r" in ax.get_ylabel()


def test_pls_stops_at_the_rank_of_the_features(rng):
    Z = rng.normal(size=(80, 3))
    X = Z @ rng.normal(size=(3, 30))  # rank 3, but 30 columns and 80 rows
    Y = Z @ rng.normal(size=(3, 5)) + 0.1 * rng.normal(size=(80, 5))
    with pytest.warns(NeurocompWarning, match="exceeds the rank of the centred features"):
        model = PLSMapping(25).fit(X, Y)
    assert model.n_components_ == 3
    exact = PLSMapping(3).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), exact.predict(X), atol=1e-10)
    peer = PLSRegression(n_components=3, scale=False).fit(X, Y)
    np.testing.assert_allclose(exact.predict(X), peer.predict(X), atol=1e-6)
    # the solver itself stops when the deflated features vanish, whatever it was asked for
    from neurocomp.analysis.regression import pls_fit

    coef, _, _, n_fitted = pls_fit(X, Y, 25)
    assert n_fitted == 3
    np.testing.assert_allclose(coef, exact.coef_, atol=1e-8)


@pytest.mark.slow
def test_perfect_model_ceiled_score_is_unbiased_over_seeds():
    """Over independent data sets, r -> sqrt(reliability), ceiling -> reliability, r^2/c -> 1 (less fitting loss)."""
    ceiled, raw, ceilings = [], [], []
    for seed in range(12):
        rec, acts, reliability = make_data(np.random.default_rng(100 + seed), n_stimuli=200)
        ds = layer_region_scores(acts, rec, n_bootstrap=0, layers=["perfect"])
        ceiled.append(ds["ceiled_score"].values.ravel())
        raw.append(ds["raw_score"].values.ravel())
        ceilings.append(ds["ceiling"].values)
    ceiled = np.concatenate(ceiled)
    sem = ceiled.std(ddof=1) / np.sqrt(len(ceiled) / 2)  # the two regions of a data set share stimuli
    assert abs(ceiled.mean() - 1.0) < 4 * sem + 0.02  # 0.02: ridge fitting loss (20 weights, 180 stimuli)
    assert np.mean(raw) == pytest.approx(np.sqrt(reliability), abs=0.02)
    assert np.mean(ceilings) == pytest.approx(reliability, abs=0.02)
