"""Stimuli, the simulated ventral stream and its spiking recordings.

Checks against theory: the Gabor-energy V1's orientation bandwidth and
modulation ratios, Poisson statistics (Fano factor, reliability), and the
qualitative hierarchy (category decodability and position tolerance rising
from V1 to V4 to IT).
"""

import numpy as np
import pytest
import xarray as xr

from neurocomp.cortex import (
    CATEGORIES,
    VentralStream,
    category_decoding,
    expected_reliability,
    fano_factor,
    gratings,
    object_images,
    poisson_recordings,
    position_tolerance,
    render_objects,
    split_half_reliability,
    ventral_recordings,
)
from neurocomp.cortex.ventral import V1_SIGMA_PER_WAVELENGTH, V1_WAVELENGTHS


@pytest.fixture(scope="module")
def model():
    return VentralStream(n_v1=60, n_v4=40, n_it=40, rng=7)


# ----------------------------------------------------------------------------- stimuli


def test_gratings_orientation_convention_and_coords():
    g = gratings([0.0, 90.0], [0.125], [0.0], [0.5], size=32, aperture=False)
    assert g.dims == ("presentation", "y", "x")
    assert g.sizes["presentation"] == 2
    vertical, horizontal = g.values
    # 0 deg: luminance varies along x only; 90 deg: along y only
    assert np.allclose(vertical.std(axis=0), 0) and vertical.std(axis=1).max() > 0.1
    assert np.allclose(horizontal.std(axis=1), 0)
    xc = np.arange(32) - 15.5  # pixel centres relative to the image centre
    np.testing.assert_allclose(vertical[0], 0.5 + 0.25 * np.cos(2 * np.pi * 0.125 * xc), atol=1e-12)
    assert list(g.orientation.values) == [0.0, 90.0]
    assert len(set(g.stimulus_id.values)) == 2


def test_object_images_design_and_determinism():
    imgs = object_images(n_per_category=3, size=32, rng=5)
    n = len(CATEGORIES) * 3 * 3
    assert imgs.shape == (n, 32, 32)
    assert imgs.values.min() >= 0 and imgs.values.max() <= 1
    counts = imgs.to_dataframe(name="v").groupby(["object_name", "variation"]).size() / (32 * 32)
    assert (counts == 3).all() and len(counts) == len(CATEGORIES) * 3
    assert len(set(imgs.stimulus_id.values)) == n
    low = imgs.sel(presentation=imgs.variation == "low")
    assert np.all(low.position_x == 0) and np.all(low.scale == 1) and np.all(low.rotation == 0)
    high = imgs.sel(presentation=imgs.variation == "high")
    assert np.abs(high.position_x).max() <= 0.5 and np.abs(high.rotation).max() <= 90
    xr.testing.assert_identical(imgs, object_images(n_per_category=3, size=32, rng=5))
    assert not np.array_equal(imgs.values, object_images(n_per_category=3, size=32, rng=6).values)


def test_rendered_object_area_scales_with_size_squared():
    # a disk of radius BASE_RADIUS * scale half-widths: area pi r^2 in pixels, up to edge pixels
    imgs = render_objects(["disk", "disk"], scales=[1.0, 0.5], size=64, object_contrast=0.5)
    area = (imgs - 0.5).sum(axis=(1, 2)) / 0.5
    from neurocomp.cortex.stimuli import BASE_RADIUS

    expected = np.pi * (0.85 * BASE_RADIUS * 32 * np.array([1.0, 0.5])) ** 2
    perimeter = 2 * np.pi * 0.85 * BASE_RADIUS * 32 * np.array([1.0, 0.5])
    assert np.all(np.abs(area - expected) < 0.5 * perimeter)


# ----------------------------------------------------------------------------- V1


def _v1_tuning(model, wavelength, step=1.5, n_phases=4):
    # 4 phases: the mean of a half-squared cosine over 4 equally spaced phases is exactly A^2/4
    ori = np.arange(0.0, 180.0, step)
    phases = np.linspace(0, 2 * np.pi, n_phases, endpoint=False)
    g = gratings(ori, [1 / wavelength], phases, [1.0], size=model.image_size, aperture=False)
    r = model.rates(g, regions=["V1"]) - model.baseline_rate
    sel = model.neuroids.preferred_wavelength.values[: model.n_v1] == wavelength
    x = r.values.reshape(len(ori), len(phases), -1)[:, :, sel]
    return ori, x, model.neuroids.isel(neuroid=np.flatnonzero(sel))


def test_v1_orientation_bandwidth_matches_gabor_theory(model):
    # Normalisation pool is orientation-independent for a full-field grating, so the
    # phase-averaged simple/complex response is ∝ Gabor amplitude², whose half width at
    # half height is 2 arcsin(sqrt(ln 2) / (4 pi sigma f)) (sigma f = 0.35 -> 21.8 deg).
    theory = np.degrees(2 * np.arcsin(np.sqrt(np.log(2)) / (4 * np.pi * V1_SIGMA_PER_WAVELENGTH)))
    assert theory == pytest.approx(21.8, abs=0.05)
    hwhh = []
    for wl in V1_WAVELENGTHS:
        ori, x, units = _v1_tuning(model, wl)
        tuning = x.mean(axis=1)
        for i in range(tuning.shape[1]):
            d = (ori - float(units.preferred_orientation[i]) + 90) % 180 - 90
            t = tuning[:, i] / tuning[np.argmin(np.abs(d)), i]
            pos = d >= 0
            order = np.argsort(d[pos])
            hwhh.append(np.interp(0.5, t[pos][order][::-1], d[pos][order][::-1]))
            # the tuning peaks at the documented preferred orientation
            assert abs(d[np.argmax(tuning[:, i])]) <= 1.5
    hwhh = np.array(hwhh)
    # The theory neglects the Gabor's negative-frequency lobe and zero padding at the image
    # border (both widen the curve slightly, most for the 8-px wavelength near the border).
    assert abs(np.median(hwhh) - theory) < 1.0
    assert np.all(np.abs(hwhh - theory) < 3.0)


def test_simple_cells_phase_modulated_complex_cells_phase_invariant(model):
    # Half-squared cosine: F1/F0 = (4 / 3pi) / (1/4) = 16 / (3 pi) ~= 1.70 (simple: > 1 by
    # Skottun et al.'s criterion); the energy of a quadrature pair is phase invariant (F1/F0 ~ 0).
    ori, x, units = _v1_tuning(model, 4.0, step=22.5, n_phases=8)
    ratios = {"simple": [], "complex": []}
    for i in range(x.shape[2]):
        k = np.argmin(np.abs((ori - float(units.preferred_orientation[i]) + 90) % 180 - 90))
        f = np.fft.rfft(x[k, :, i])
        ratios[str(units.cell_type[i].values)].append(2 * np.abs(f[1]) / np.abs(f[0]))
    assert len(ratios["simple"]) > 5 and len(ratios["complex"]) > 5
    np.testing.assert_allclose(ratios["simple"], 16 / (3 * np.pi), rtol=0.03)
    assert np.max(ratios["complex"]) < 0.1


# ----------------------------------------------------------------------------- hierarchy


@pytest.fixture(scope="module")
def hierarchy_rates():
    model = VentralStream(n_v1=100, n_v4=100, n_it=100, rng=11)
    imgs = object_images(n_per_category=60, variations=("high",), rng=12)
    return model, model.rates(imgs)


def test_category_decodability_rises_along_the_hierarchy(hierarchy_rates):
    _, rates = hierarchy_rates
    acc = {r: category_decoding(rates.sel(neuroid=rates.region == r), rng=0) for r in ("V1", "V4", "IT")}
    # High-variation images (where Yamins et al. found V4 and IT apart). 480 test decisions per
    # region: binomial s.e. of an accuracy <= 0.023; demand a rise of more than 2 s.e. at each
    # step. (V1 itself sits near chance at high variation, as V1-like models do in Yamins 2014.)
    se = np.sqrt(0.25 / rates.sizes["presentation"])
    assert acc["V4"] > acc["V1"] + 2 * se
    assert acc["IT"] > acc["V4"] + 2 * se


def test_position_tolerance_rises_along_the_hierarchy(hierarchy_rates):
    model, _ = hierarchy_rates
    rng = np.random.default_rng(3)
    n = 96
    cats = np.array(CATEGORIES)[np.arange(n) % len(CATEGORIES)]
    common = dict(scales=2 ** rng.uniform(-0.3, 0.3, n), rotations=rng.uniform(-45, 45, n),
                  aspects=2 ** rng.uniform(-0.3, 0.3, n), size=model.image_size)
    shift = np.zeros((n, 2))
    shift[:, 0] = 0.35
    left = model.rates(render_objects(cats, positions=-shift, **common))
    right = model.rates(render_objects(cats, positions=shift, **common))
    tol = position_tolerance(left, right, min_std=0.5)
    med = {r: float(tol.sel(neuroid=tol.region == r).median(skipna=True)) for r in ("V1", "V4", "IT")}
    assert med["V1"] < med["V4"] < med["IT"]
    assert med["IT"] > 0.5


# ----------------------------------------------------------------------------- spiking


def test_poisson_recordings_fano_factor_is_one(rng):
    rates = xr.DataArray(rng.uniform(2, 60, size=(100, 50)), dims=("presentation", "neuroid"))
    rec = poisson_recordings(rates, n_repetitions=20, duration=0.25, rng=rng)
    assert rec.dims == ("repetition", "presentation", "neuroid") and rec.attrs["units"] == "Hz"
    counts = rec.values * 0.25
    assert np.allclose(counts, np.round(counts))
    # pooled Fano factor sum(var)/sum(mean): unbiased estimators; its relative s.e. is
    # sqrt((1/lambda + 2/(n-1)) / N) <= 0.01 here, so 0.04 is 4 s.e.
    ff = fano_factor(rec)
    counts_da = rec * 0.25
    pooled = float(counts_da.var("repetition", ddof=1).sum() / counts_da.mean("repetition").sum())
    assert pooled == pytest.approx(1.0, abs=0.04)
    assert float(ff.median()) == pytest.approx(1.0, abs=0.1)
    # mean count is rate x duration
    np.testing.assert_allclose(rec.mean("repetition").mean().item(), rates.mean().item(), rtol=0.01)


def test_measured_reliability_matches_poisson_theory(model):
    imgs = object_images(n_per_category=25, variations=("medium", "high"), rng=2)
    rates = model.rates(imgs)
    rec = poisson_recordings(rates, n_repetitions=10, duration=0.2, rng=4)
    measured = split_half_reliability(rec, n_splits=10, rng=0)
    theory = expected_reliability(rates, n_repetitions=10, duration=0.2)
    ok = np.isfinite(measured.values) & np.isfinite(theory.values)
    diff = measured.values[ok] - theory.values[ok]
    # a correlation over 400 stimuli has s.e. (1 - rho^2)/sqrt(400) <= 0.05; medians over
    # 240 neuroids are far tighter than that
    assert abs(np.median(diff)) < 0.03
    assert np.corrcoef(measured.values[ok], theory.values[ok])[0, 1] > 0.9


def test_noise_ceiling_of_analysis_matches_theory(model):
    analysis = pytest.importorskip("neurocomp.analysis")
    imgs = object_images(n_per_category=25, variations=("high",), rng=8)
    rates = model.rates(imgs)
    rec = poisson_recordings(rates, n_repetitions=10, duration=0.2, rng=9)
    ceiling = analysis.noise_ceiling(rec, rng=1)
    theory = expected_reliability(rates, n_repetitions=10, duration=0.2)
    c = ceiling["ceiling"] if isinstance(ceiling, xr.Dataset) else ceiling
    measured = np.nanmedian(np.asarray(c.values, float).ravel())
    assert measured == pytest.approx(np.nanmedian(theory.values), abs=0.05)


def test_ventral_recordings_are_reproducible():
    imgs = object_images(n_per_category=2, variations=("low",), rng=1)
    a = ventral_recordings(imgs, n_v1=10, n_v4=10, n_it=10, n_repetitions=3, rng=42)
    b = ventral_recordings(imgs, n_v1=10, n_v4=10, n_it=10, n_repetitions=3, rng=42)
    c = ventral_recordings(imgs, n_v1=10, n_v4=10, n_it=10, n_repetitions=3, rng=43)
    xr.testing.assert_identical(a, b)
    assert not np.array_equal(a.values, c.values)
    assert set(a.region.values) == {"V1", "V4", "IT"}
    assert list(a.stimulus_id.values) == list(imgs.stimulus_id.values)
    assert a.attrs["units"] == "Hz"


# ----------------------------------------------------------------------------- bad input


def test_bad_input_is_refused(model):
    imgs = object_images(n_per_category=2, variations=("low",), rng=1)
    with pytest.raises(ValueError, match="categories must be distinct names"):
        object_images(categories=["disk", "blob"])
    with pytest.raises(ValueError, match="'variations' parameter"):
        object_images(variations=("extreme",))
    with pytest.raises(ValueError, match="n_per_category must be >= 2"):
        object_images(n_per_category=1)
    with pytest.raises(ValueError, match="spatial_frequencies must lie in"):
        gratings(spatial_frequencies=[0.7])
    with pytest.raises(ValueError, match="images must be 32 x 32 pixels"):
        model.rates(np.full((2, 48, 48), 0.5))
    with pytest.raises(ValueError, match="regions must be among"):
        model.rates(imgs, regions=["MT"])
    rates = model.rates(imgs)
    with pytest.raises(ValueError, match=r"rates must be >= 0 Hz; got 16 negative value\(s\), first at index \[\[0, 0\]"):
        poisson_recordings(rates.where(rates.neuroid_id != "V1.0000", -1.0), rng=0)
    with pytest.raises(ValueError, match="duration must be > 0"):
        poisson_recordings(rates, duration=-0.1)
    with pytest.raises(ValueError, match="n_repetitions must be >= 1"):
        poisson_recordings(rates, n_repetitions=0)
    rec = poisson_recordings(rates, n_repetitions=1, rng=0)
    with pytest.raises(ValueError, match="at least 2 repetitions"):
        split_half_reliability(rec)
    with pytest.raises(ValueError, match="every category needs >= n_splits=5"):
        category_decoding(rates)
    with pytest.raises(ValueError, match="stimulus_id must not hold duplicates"):
        model.rates(imgs.values, stimulus_id=["a"] * imgs.sizes["presentation"])
