"""ICA: separation quality against the Amari distance, agreement with scikit-learn, contract, bad input."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import FastICA
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurocomp._validation import NeurocompError, ValidationError
from neurocomp.ica import ICA, ICAConvergenceWarning, Whitening, amari_distance, match_sources
from neurocomp.ica.signals import cocktail_party

METHODS = ("infomax", "extended", "fastica")
SUPER = ("speech", "speech", "laplace", "speech", "laplace")
MIXED = ("speech", "laplace", "sine", "square", "sawtooth", "uniform")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([ICA(method=m, rng=0) for m in METHODS] + [Whitening(), Whitening(method="zca")])
def test_sklearn_contract(estimator, check):
    check(estimator)


# ------------------------------------------------------------------ Amari distance
def test_amari_distance_zero_for_scaled_permutation_and_bounded(rng):
    A = rng.normal(size=(6, 6))
    P = np.eye(6)[rng.permutation(6)] * rng.choice([-3.0, 0.5, 2.0], size=6)[:, None]
    assert amari_distance(P @ np.linalg.inv(A), A) == pytest.approx(0.0, abs=1e-12)
    assert amari_distance(np.ones((6, 6)), np.eye(6)) == pytest.approx(1.0)
    d = [amari_distance(rng.normal(size=(6, 6)), rng.normal(size=(6, 6))) for _ in range(50)]
    assert 0 < min(d) and max(d) < 1


def test_amari_distance_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="unmixing .* and mixing .* must match"):
        amari_distance(np.eye(3), np.eye(4))


# ------------------------------------------------------------------ cocktail party
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_methods_separate_super_gaussian_sources(method, seed):
    # 3 s holds about 12 independent syllables per speech source: enough for the sample to be near independence
    ds = cocktail_party(SUPER, duration=3.0, sampling_rate=4000.0, rng=seed)
    ica = ICA(method=method, rng=seed).fit(ds["mixtures"].values.T)
    assert ica.converged_
    assert amari_distance(ica.components_, ds["mixing"].values) < 0.05
    # recovered sources match the true ones
    m = match_sources(ica.transform(ds["mixtures"].values.T).T, ds["sources"])
    assert m["correlation"].min() > 0.99


@pytest.mark.parametrize("method", ["extended", "fastica"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_extended_and_fastica_separate_sub_gaussian_sources(method, seed):
    ds = cocktail_party(MIXED, duration=1.0, sampling_rate=4000.0, rng=seed)
    ica = ICA(method=method, rng=seed).fit(ds["mixtures"].values.T)
    assert amari_distance(ica.components_, ds["mixing"].values) < 0.05


def test_extended_infomax_labels_sub_and_super_gaussian_components():
    ds = cocktail_party(MIXED, duration=1.0, sampling_rate=4000.0, rng=3)
    ica = ICA(method="extended", rng=3).fit(ds["mixtures"].values.T)
    m = match_sources(ica.transform(ds["mixtures"].values.T).T, ds["sources"])
    signs = ica.signs_[m["match"].values]
    np.testing.assert_array_equal(signs, np.sign(ds["excess_kurtosis"].values))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plain_infomax_fails_on_sub_gaussian_sources(seed):
    """The logistic density's score is stable only for super-Gaussian sources (Cardoso 1998)."""
    ds = cocktail_party(MIXED, duration=1.0, sampling_rate=4000.0, rng=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ica = ICA(method="infomax", rng=seed).fit(ds["mixtures"].values.T)
    assert amari_distance(ica.components_, ds["mixing"].values) > 0.1
    m = match_sources(ica.transform(ds["mixtures"].values.T).T, ds["sources"])
    sub = ds["excess_kurtosis"].values < 0
    assert m["correlation"].values[sub].min() < 0.9  # some sub-Gaussian source is not recovered


@pytest.mark.parametrize("algorithm", ["parallel", "deflation"])
@pytest.mark.parametrize("fun", ["logcosh", "exp", "cube"])
def test_fastica_agrees_with_sklearn(algorithm, fun):
    ds = cocktail_party(MIXED, duration=1.0, sampling_rate=4000.0, rng=5)
    X = ds["mixtures"].values.T
    ours = ICA(method="fastica", algorithm=algorithm, fun=fun, max_iter=500, rng=0).fit(X)
    theirs = FastICA(algorithm=algorithm, fun=fun, whiten="unit-variance", max_iter=500, random_state=0).fit(X)
    m = match_sources(ours.transform(X).T, theirs.transform(X).T)
    assert m["correlation"].min() > 0.99
    assert amari_distance(ours.components_, ds["mixing"].values) < 0.05
    assert amari_distance(ours.components_, theirs.mixing_) < 0.05


def test_inverse_transform_round_trip_and_unit_variance(rng):
    ds = cocktail_party(SUPER, duration=0.5, rng=rng)
    X = ds["mixtures"].values.T
    for method in METHODS:
        ica = ICA(method=method, rng=0).fit(X)
        S = ica.transform(X)
        np.testing.assert_allclose(S.std(axis=0), 1.0, rtol=1e-8)
        np.testing.assert_allclose(ica.inverse_transform(S), X, atol=1e-8)
        np.testing.assert_allclose(ica.components_ @ ica.mixing_, np.eye(X.shape[1]), atol=1e-8)


def test_same_rng_bit_identical():
    X = cocktail_party(SUPER, duration=0.5, rng=0)["mixtures"].values.T
    for method in METHODS:
        a = ICA(method=method, rng=7).fit(X).components_
        b = ICA(method=method, rng=7).fit(X).components_
        np.testing.assert_array_equal(a, b)


def test_fewer_components_than_channels():
    ds = cocktail_party(("speech", "laplace", "speech"), n_channels=6, duration=1.0, sampling_rate=4000.0, rng=0)
    ica = ICA(3, method="extended", rng=0).fit(ds["mixtures"].values.T)
    assert ica.components_.shape == (3, 6) and ica.mixing_.shape == (6, 3)
    assert amari_distance(ica.components_, ds["mixing"].values) < 0.05


def test_learning_curve_and_convergence_record():
    X = cocktail_party(SUPER, duration=0.5, rng=0)["mixtures"].values.T
    ica = ICA(method="infomax", rng=0).fit(X)
    lc = ica.learning_curve_["criterion"]
    assert lc.dims == ("epoch",) and lc.sizes["epoch"] == ica.n_iter_ + 1
    assert lc.values[0] > 100 * lc.values[-1]
    assert ica.gradient_norm_ == lc.values[-1] < 1e-7


def test_gaussian_sources_cannot_be_separated():
    """Whitened Gaussian data are rotation invariant: ICA's answer is arbitrary (Comon 1994)."""
    ds = cocktail_party(("gaussian",) * 4, duration=2.0, sampling_rate=4000.0, rng=0)
    X = ds["mixtures"].values.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        d = [amari_distance(ICA(method="fastica", rng=s).fit(X).components_, ds["mixing"].values) for s in range(3)]
    assert min(d) > 0.1


def test_whitening_is_white_and_zca_is_symmetric(rng):
    X = rng.normal(size=(2000, 5)) @ rng.normal(size=(5, 5))
    for method in ("pca", "zca"):
        w = Whitening(method=method).fit(X)
        Z = w.transform(X)
        np.testing.assert_allclose(np.cov(Z.T, bias=True), np.eye(5), atol=1e-10)
        np.testing.assert_allclose(w.inverse_transform(Z), X, atol=1e-10)
    zca = Whitening(method="zca").fit(X).components_
    np.testing.assert_allclose(zca, zca.T, atol=1e-12)


# ------------------------------------------------------------------ bad input
def test_more_components_than_channels():
    X = np.random.default_rng(0).laplace(size=(100, 3))
    with pytest.raises(ValueError, match=r"n_components must be <= the number of channels \(n_features=3\); got n_components=5"):
        ICA(5, rng=0).fit(X)


def test_too_few_samples():
    X = np.random.default_rng(0).laplace(size=(4, 6))
    with pytest.raises(ValueError, match="too few samples .* n_samples=4"):
        ICA(rng=0).fit(X)


def test_nan_refused_with_position():
    X = np.random.default_rng(0).laplace(size=(100, 3))
    X[7, 2] = np.nan
    with pytest.raises(ValueError, match="X must be finite; got 1 NaN or inf entries .*sample 7, channel 2"):
        ICA(rng=0).fit(X)


def test_constant_channel_is_rank_deficiency():
    X = np.random.default_rng(0).laplace(size=(500, 4))
    X[:, 1] = 3.0
    with pytest.raises(ValueError, match=r"rank 3 < n_components=4 \(channels \[1\] are constant\)"):
        ICA(rng=0).fit(X)
    X[:, 1] = X[:, 0] + X[:, 2]
    with pytest.raises(ValueError, match="linear combinations"):
        ICA(rng=0).fit(X)
    assert ICA(3, method="extended", rng=0).fit(X).components_.shape == (3, 4)


def test_non_convergence_warns_naming_max_iter_and_tol():
    X = cocktail_party(MIXED, duration=0.5, rng=0)["mixtures"].values.T
    with pytest.warns(ICAConvergenceWarning, match=r"max_iter=2 .* tol=1e-12"):
        ica = ICA(method="fastica", max_iter=2, tol=1e-12, rng=0).fit(X)
    assert not ica.converged_ and ica.n_iter_ == 2


def test_bad_hyperparameters_name_the_argument():
    X = np.random.default_rng(0).laplace(size=(100, 3))
    with pytest.raises(ValueError, match="Invalid value for the 'method' parameter"):
        ICA(method="jade").fit(X)
    with pytest.raises(ValueError, match="tol must be > 0"):
        ICA(tol=0.0).fit(X)
    with pytest.raises(ValueError, match="when whiten=False"):
        ICA(2, whiten=False).fit(X)
    with pytest.raises(NeurocompError):
        ICA(fun="tanh").fit(X)


def test_cocktail_party_signals():
    ds = cocktail_party(MIXED, duration=1.0, sampling_rate=8000.0, rng=0)
    assert ds["sources"].dims == ("component", "time") and ds["mixtures"].dims == ("channel", "time")
    assert ds["time"].attrs["units"] == "s" and ds.sizes["time"] == 8000
    for v in ds.data_vars.values():
        assert v.attrs["units"] and v.attrs["long_name"]
    np.testing.assert_allclose(ds["mixtures"].values, ds["mixing"].values @ ds["sources"].values)
    k = ds["excess_kurtosis"].values
    assert np.all(k[:2] > 1) and np.all(k[2:] < -1)
    # the uniform source's excess kurtosis is -1.2 (standard error ~ sqrt(24/n) / ...)
    assert k[-1] == pytest.approx(-1.2, abs=0.1)
    again = cocktail_party(MIXED, duration=1.0, sampling_rate=8000.0, rng=0)
    np.testing.assert_array_equal(again["mixtures"].values, ds["mixtures"].values)
    with pytest.raises(ValidationError, match="kinds must hold values among"):
        cocktail_party(("speech", "violin"))
    with pytest.raises(ValidationError, match="n_channels must be >= the number of sources"):
        cocktail_party(("speech", "sine"), n_channels=1)


def test_plain_natural_gradient_reaches_the_same_fixed_point():
    """Amari et al.'s (1996) rule and the Hessian-preconditioned one share their fixed points."""
    ds = cocktail_party(SUPER, duration=3.0, sampling_rate=4000.0, rng=0)
    X = ds["mixtures"].values.T
    newton = ICA(method="infomax", rng=0).fit(X)
    plain = ICA(method="infomax", optimizer="natural_gradient", max_iter=2000, rng=0).fit(X)
    assert plain.converged_ and plain.n_iter_ > 5 * newton.n_iter_
    assert amari_distance(plain.components_, newton.mixing_) < 1e-4
