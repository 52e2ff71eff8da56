"""RSA and CKA against rsatoolbox and theory (Kriegeskorte et al. 2008; Kornblith et al. 2019)."""

import warnings

import numpy as np
import pytest
import scipy.spatial.distance
import xarray as xr

from neurocomp.analysis import compare_rdms, linear_cka, rdm, rdm_ceiling

rsatoolbox = pytest.importorskip("rsatoolbox")

PEER_COMPARE = {"spearman": "spearman", "pearson": "corr", "kendall_tau_a": "tau-a", "cosine": "cosine"}


def patterns(rng, n_stim=20, n_units=15, n_reps=None):
    shape = (n_stim, n_units) if n_reps is None else (n_reps, n_stim, n_units)
    dims = ("presentation", "neuroid") if n_reps is None else ("repetition", "presentation", "neuroid")
    return xr.DataArray(rng.normal(size=shape), dims=dims,
                        coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(n_stim)])})


def peer_rdm(values, method):
    ds = rsatoolbox.data.Dataset(values)
    return rsatoolbox.rdm.calc_rdm(ds, method=method)


@pytest.mark.parametrize("metric,peer", [("correlation", "correlation"), ("sqeuclidean", "euclidean")])
def test_rdm_equals_rsatoolbox(rng, metric, peer):
    x = patterns(rng)
    ours = rdm(x, metric)
    theirs = peer_rdm(x.values, peer).get_matrices()[0]
    np.testing.assert_allclose(ours.values, theirs, atol=1e-10)
    assert ours.dims == ("presentation", "presentation_post") and ours.attrs["metric"] == metric


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_rdm_equals_scipy(rng, metric):
    x = patterns(rng)
    expected = scipy.spatial.distance.squareform(scipy.spatial.distance.pdist(x.values, metric))
    np.testing.assert_allclose(rdm(x, metric).values, expected, atol=1e-10)


@pytest.mark.parametrize("method", list(PEER_COMPARE))
def test_compare_rdms_equals_rsatoolbox(rng, method):
    x, y = patterns(rng), patterns(rng)
    y = y + x  # related representations
    a, b = rdm(x), rdm(y)
    ours = compare_rdms(a, b, method)
    theirs = rsatoolbox.rdm.compare(peer_rdm(x.values, "correlation"), peer_rdm(y.values, "correlation"),
                                    method=PEER_COMPARE[method])[0, 0]
    assert ours == pytest.approx(theirs, abs=1e-6)


def test_kendall_tau_a_counts_ties_as_rsatoolbox(rng):
    # a model RDM with many tied dissimilarities (two categories): tau-a penalises ties
    cats = np.repeat([0, 1], 10)
    model = (cats[:, None] != cats[None, :]).astype(float)
    data = rdm(patterns(rng) + 2 * cats[:, None])
    ours = compare_rdms(data, model, "kendall_tau_a")
    theirs = rsatoolbox.rdm.compare(rsatoolbox.rdm.RDMs(data.values[None]), rsatoolbox.rdm.RDMs(model[None]),
                                    method="tau-a")[0, 0]
    assert ours == pytest.approx(theirs, abs=1e-6)
    assert abs(ours) < compare_rdms(data, model, "spearman")


def test_compare_aligns_by_stimulus_id(rng):
    x, y = patterns(rng), patterns(rng)
    a, b = rdm(x), rdm(y + x)
    perm = rng.permutation(20)
    shuffled = rdm(y.isel(presentation=perm) + x.isel(presentation=perm))
    assert compare_rdms(a, shuffled) == pytest.approx(compare_rdms(a, b), abs=1e-12)
    assert compare_rdms(a, a, "pearson") == pytest.approx(1.0)


@pytest.mark.parametrize("method", list(PEER_COMPARE))
def test_rdm_ceiling_equals_rsatoolbox(rng, method):
    signal = rng.normal(size=(12, 10))
    reps = xr.DataArray(signal[None] + rng.normal(size=(5, 12, 10)), dims=("repetition", "presentation", "neuroid"),
                        coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(12)])})
    ours = rdm_ceiling(rdm(reps), method)
    peer_rdms = rsatoolbox.rdm.RDMs(rdm(reps).values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rsatoolbox warns that tau ceilings average ranks
        low, high = rsatoolbox.inference.boot_noise_ceiling(peer_rdms, method=PEER_COMPARE[method])
    assert float(ours["lower"]) == pytest.approx(low, abs=1e-6)
    assert float(ours["upper"]) == pytest.approx(high, abs=1e-6)
    assert float(ours["lower"]) < float(ours["upper"])


def test_linear_cka_theory(rng):
    x = patterns(rng, n_stim=30, n_units=8)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    rotated = x.copy(data=3.0 * x.values @ q + 5.0)  # orthogonal map, isotropic scale, offset
    assert linear_cka(x, rotated) == pytest.approx(1.0, abs=1e-12)
    assert linear_cka(x, x.isel(presentation=rng.permutation(30))) == pytest.approx(1.0, abs=1e-12)  # by id
    # against the HSIC form with the centring matrix
    y = rng.normal(size=(30, 50))
    H = np.eye(30) - 1 / 30
    K, L = x.values @ x.values.T, y @ y.T
    hsic = lambda a, b: np.trace(a @ H @ b @ H)  # noqa: E731
    expected = hsic(K, L) / np.sqrt(hsic(K, K) * hsic(L, L))
    assert linear_cka(x.values, y) == pytest.approx(expected, abs=1e-12)
    # a non-isotropic scaling changes CKA: it is not invariant to any invertible linear map
    stretched = x.values * np.array([10.0] + [1.0] * 7)
    assert linear_cka(x.values, stretched) < 0.99


def test_rsa_bad_input(rng):
    x = patterns(rng)
    with pytest.raises(ValueError, match="Invalid value for the 'metric' parameter"):
        rdm(x, "manhattan")
    with pytest.raises(ValueError, match="Invalid value for the 'method' parameter"):
        compare_rdms(rdm(x), rdm(x), "tau-b")
    with pytest.raises(ValueError, match=r"b must cover the same stimulus_id values as the first RDM; 10 missing"):
        compare_rdms(rdm(x), rdm(x.isel(presentation=slice(0, 10))))
    with pytest.raises(ValueError, match=r"rdms must hold at least 2 RDMs .* got 1"):
        rdm_ceiling(rdm(x).values[None])
    const = x.copy()
    const[3] = 1.0
    with pytest.raises(ValueError, match="undefined for a constant"):
        rdm(const)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"data must be finite; got 1 non-finite"):
        rdm(bad)
    with pytest.raises(ValueError, match=r"x and y must have the same number of stimuli"):
        linear_cka(rng.normal(size=(5, 3)), rng.normal(size=(6, 3)))
    with pytest.raises(ValueError, match=r"y must contain every stimulus_id of x"):
        linear_cka(x, x.isel(presentation=slice(0, 5)))


def test_plot_rdm(rng):
    from neurocomp.plotting.analysis import plot_rdm

    ax = plot_rdm(rdm(patterns(rng), "euclidean"))
    assert ax.get_xlabel() and ax.get_ylabel()
    assert "euclidean" in ax.figure.axes[-1].get_ylabel()  # the colour bar names the metric
    with pytest.raises(ValueError, match="rdm must be a square 2-D matrix"):
        plot_rdm(np.zeros((3, 4)))
