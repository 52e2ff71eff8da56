"""The simulated V1, V4 and IT against published physiology, checked on the simulated responses.

* V4 receptive fields are 4-6 times wider than V1's at the same eccentricity (Gattass et
  al. 1988; Smith et al. 2001), V4 units are tuned to boundary curvature at an angular
  position (Pasupathy & Connor 2001) and respond to conjunctions of contour segments
  (a corner) more than to either segment alone;
* IT units have large, position- and size-tolerant fields, sparse heavy-tailed
  selectivity (Rolls & Tovee 1995; Lehky et al. 2011), and the IT representation has a
  superordinate category split (Kriegeskorte et al. 2008's animate/inanimate; here
  round vs angular outlines, an a-priori geometric split: outlines made of circular arcs);
* trial-to-trial variability is overdispersed Poisson (Fano factor 1-1.5; Goris et al. 2014)
  and split-half noise ceilings are in the range of recorded ones (0.7-0.9).
"""

import numpy as np
import pytest
from scipy.stats import kurtosis, spearmanr

from neurocomp.cortex import (
    CATEGORIES,
    VentralStream,
    boundary_fragments,
    expected_reliability,
    object_images,
    position_tolerance,
    receptive_field_diameter,
    render_objects,
    ventral_recordings,
)

#: a-priori superordinate split: outlines made only of circular arcs vs with corners or spikes
ROUND = ("disk", "ring", "crescent")


@pytest.fixture(scope="module")
def model():
    return VentralStream(n_v1=60, n_v4=80, n_it=80, rng=21)


def test_v4_fields_are_four_to_six_times_v1(model):
    d = receptive_field_diameter(model, step=2)
    v1 = np.nanmedian(d.values[d.region.values == "V1"])
    v4 = np.nanmedian(d.values[d.region.values == "V4"])
    assert 4.0 <= v4 / v1 <= 6.0, (v1, v4)


def test_v4_tuned_to_curvature_at_an_angular_position(model):
    frag = boundary_fragments(size=model.image_size)
    r = model.rates(frag, regions=["V4"]).values - model.baseline_rate  # (40, n_v4)
    best = r.argmax(axis=0)
    pref = model.neuroids.preferred_curvature.values[model.neuroids.region.values == "V4"]
    # the fragment that drives a unit best has about its preferred curvature
    rho = spearmanr(frag.curvature.values[best], pref)[0]
    assert rho > 0.7, rho
    # selective: the mean response over the 40 fragments is well below the best one
    assert np.median(r.mean(axis=0) / r.max(axis=0)) < 0.5
    # curved units (preferred curvature 0.2-0.6) are tuned to angular position: their best
    # fragment lies within 45 deg of their preferred position (straight edges are excluded:
    # an edge at phi and phi + 180 deg looks the same to orientation-energy units)
    pos = model.neuroids.preferred_angular_position.values[model.neuroids.region.values == "V4"]
    curved = (pref > 0.2) & (pref < 0.6)
    dphi = np.abs((frag.angular_position.values[best] - pos + 180) % 360 - 180)
    assert curved.sum() >= 10 and np.mean(dphi[curved] <= 45) > 0.7


def _corner_and_edges(size, phi):
    c = (size - 1) / 2
    yy, xx = np.meshgrid(np.arange(size) - c, np.arange(size) - c, indexing="ij")
    u = np.deg2rad(phi)
    normals = [np.deg2rad(phi - 45), np.deg2rad(phi + 45)]
    inside = [xx * np.cos(a) + yy * np.sin(a) < 0 for a in normals]
    assert (np.cos(u), np.sin(u)) is not None
    imgs = [inside[0] & inside[1], inside[0], inside[1]]
    return 0.5 + 0.4 * np.array(imgs, float)


def test_v4_corner_units_respond_to_the_conjunction_not_its_parts(model):
    table = model.neuroids.isel(neuroid=np.flatnonzero(model.neuroids.region.values == "V4"))
    wins, n = 0, 0
    for phi in np.arange(8) * 45.0:
        near = np.abs((table.preferred_angular_position.values - phi + 180) % 360 - 180) <= 22.5
        units = np.flatnonzero(near & (np.abs(table.preferred_curvature.values - 0.75) < 0.1))
        if units.size == 0:
            continue
        r = model.rates(_corner_and_edges(model.image_size, phi), regions=["V4"]).values[:, units]
        wins += int((r[0] > r[1:].max(axis=0)).sum())
        n += units.size
    assert n >= 5 and wins / n >= 0.8, (wins, n)


@pytest.fixture(scope="module")
def object_rates(model):
    imgs = object_images(n_per_category=30, variations=("high",), rng=22)
    return imgs, model.rates(imgs)


def test_it_selectivity_is_sparse_and_heavy_tailed(object_rates, model):
    _, rates = object_rates
    it = rates.values[:, rates.region.values == "IT"] - model.baseline_rate
    # Rolls & Tovee activity fraction a = <r>^2 / <r^2>; a Gaussian-like profile gives ~0.9
    a = it.mean(0) ** 2 / (it**2).mean(0)
    assert np.median(a) < 0.6
    assert np.median(kurtosis(it, axis=0)) > 3.0  # excess kurtosis: heavier tails than a Gaussian
    assert it.max() < 130.0  # yet firing saturates (rates stay physiological)


def _superordinate_index(responses, labels):
    cats = list(CATEGORIES)
    means = np.stack([responses[labels == c].mean(0) for c in cats])
    d = 1 - np.corrcoef(means)
    group = np.array([c in ROUND for c in cats])
    same = group[:, None] == group[None, :]
    off = ~np.eye(len(cats), dtype=bool)
    return d[off & ~same].mean() - d[off & same].mean()


def test_it_rdm_splits_round_from_angular_objects(object_rates):
    imgs, rates = object_rates
    labels = imgs.object_name.values
    idx = {r: _superordinate_index(rates.values[:, rates.region.values == r], labels) for r in ("V1", "V4", "IT")}
    # bootstrap over images of the IT index: its interval excludes 0
    gen = np.random.default_rng(0)
    it = rates.values[:, rates.region.values == "IT"]
    boot = []
    for _ in range(200):
        k = gen.integers(0, len(labels), len(labels))
        boot.append(_superordinate_index(it[k], labels[k]))
    assert np.percentile(boot, 2.5) > 0, idx
    assert idx["IT"] > idx["V1"], idx


@pytest.mark.parametrize("change", ["position", "size"])
def test_it_tolerates_position_and_size_more_than_v1_and_v4(model, change):
    gen = np.random.default_rng(3)
    n = 96
    cats = np.array(CATEGORIES)[np.arange(n) % len(CATEGORIES)]
    common = dict(rotations=gen.uniform(-45, 45, n), aspects=2 ** gen.uniform(-0.3, 0.3, n), size=model.image_size)
    if change == "position":
        shift = np.zeros((n, 2))
        shift[:, 0] = 0.35
        a = model.rates(render_objects(cats, positions=-shift, scales=np.full(n, 0.9), **common))
        b = model.rates(render_objects(cats, positions=shift, scales=np.full(n, 0.9), **common))
    else:
        a = model.rates(render_objects(cats, scales=np.full(n, 0.7), **common))
        b = model.rates(render_objects(cats, scales=np.full(n, 1.2), **common))
    tol = position_tolerance(a, b, min_std=0.5)
    med = {r: float(tol.sel(neuroid=tol.region == r).median(skipna=True)) for r in ("V1", "V4", "IT")}
    assert med["IT"] > med["V4"] and med["IT"] > med["V1"], med
    assert med["IT"] > 0.5, med


def test_overdispersed_noise_and_recorded_ceilings():
    from neurocomp.analysis import noise_ceiling

    imgs = object_images(n_per_category=15, rng=31)
    rec, model = ventral_recordings(imgs, n_v1=60, n_v4=60, n_it=60, duration=0.1, rng=32, return_model=True)
    counts = rec * rec.attrs["duration"]
    rates = model.rates(imgs)
    for region in ("V1", "V4", "IT"):
        c = counts.sel(neuroid=counts.region == region)
        fano = float(c.var("repetition", ddof=1).sum() / c.mean("repetition").sum())
        assert 1.0 < fano < 1.5, (region, fano)
        ceiling = float(noise_ceiling(rec.sel(neuroid=rec.region == region))["ceiling_median"])
        assert 0.65 <= ceiling <= 0.9, (region, ceiling)
        # the measured ceiling is the gamma-Poisson reliability of the 10-trial mean
        theory = expected_reliability(rates.sel(neuroid=rates.region == region), n_repetitions=10, duration=0.1,
                                      overdispersion=rec.attrs["overdispersion"])
        assert ceiling == pytest.approx(float(np.nanmedian(theory.values)), abs=0.04)
