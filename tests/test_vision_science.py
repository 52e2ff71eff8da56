"""The ventral-stream models against the claims of their papers.

HMAX (Riesenhuber & Poggio 1999; Serre et al. 2007): the S1 bank is Serre's
table; C1 tolerates shifts within its pooling window and small scale changes;
MAX pooling keeps a preferred stimulus's response in clutter where SUM does not.
V1-like (Pinto et al. 2008): each unit's orientation and spatial-frequency
tuning match its Gabor. Neocognitron (Fukushima 1980): learned S1 features are
localised strokes, and recognition survives shifts that defeat a pixel classifier.
"""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from neurocomp.vision import HMAX, V1Like
from neurocomp.vision.hmax import C1_TABLE, GAMMA, S1_TABLE, s1_filters


def bar(size, cy, cx, length, width, theta=0.0):
    """A bright bar (1 on 0) whose long axis is perpendicular to ``theta`` (the Gabor carrier direction)."""
    y, x = np.mgrid[0:size, 0:size].astype(float)
    X = (x - cx) * np.cos(theta) + (y - cy) * np.sin(theta)
    Y = -(x - cx) * np.sin(theta) + (y - cy) * np.cos(theta)
    return ((np.abs(X) <= width / 2) & (np.abs(Y) <= length / 2)).astype(float)


# ------------------------------------------------------------------------------------------- HMAX
def test_s1_bank_is_serre_table():
    # Serre et al. (2007), Table 1, typed from the paper
    sizes = np.arange(7, 38, 2)
    sigma = [2.8, 3.6, 4.5, 5.4, 6.3, 7.3, 8.2, 9.2, 10.2, 11.3, 12.3, 13.4, 14.6, 15.8, 17.0, 18.2]
    lam = [3.5, 4.6, 5.6, 6.8, 7.9, 9.1, 10.3, 11.5, 12.7, 14.1, 15.4, 16.8, 18.2, 19.7, 21.2, 22.8]
    np.testing.assert_array_equal(S1_TABLE, np.column_stack([sizes, sigma, lam]))
    np.testing.assert_array_equal(C1_TABLE, np.column_stack([np.arange(8, 23, 2), np.arange(4, 12)]))
    assert GAMMA == 0.3
    bank = s1_filters()
    assert bank.shape == (16, 4)
    for i, (size, _, wavelength) in enumerate(S1_TABLE):
        for j in range(4):
            g = bank[i, j]
            assert g.shape == (size, size)
            assert abs(g.sum()) < 1e-12 and abs(np.linalg.norm(g) - 1) < 1e-12
            # the filter's spectrum peaks at the table's wavelength and at its orientation
            n = 256
            spec = np.abs(np.fft.fft2(g, s=(n, n)))
            ky, kx = np.unravel_index(np.argmax(spec), spec.shape)
            fy, fx = np.fft.fftfreq(n)[ky], np.fft.fftfreq(n)[kx]
            # the envelope (sigma ~ 0.8 lambda) and the mean removal move the peak by < 12 %
            assert abs(np.hypot(fx, fy) * wavelength - 1) < 0.12, (size, j)
            angle = np.arctan2(fy, fx) % np.pi
            d = abs(angle - j * np.pi / 4)
            assert min(d, np.pi - d) < np.deg2rad(6), (size, j)


def _c1_unit(c1, band):
    """The C1 unit of orientation 0 with the largest response in a band: (value, (iy, ix))."""
    m = c1[band][0, 0]
    i = np.unravel_index(np.argmax(m), m.shape)
    return m[i], i


@pytest.mark.parametrize("band", [0, 2])
def test_c1_unchanged_by_a_shift_within_its_pooling_window(band):
    model = HMAX()
    size, _, lam = S1_TABLE[2 * band]
    grid, step = (int(v) for v in C1_TABLE[band])
    img = bar(64, 30, 30, size, lam / 2)[None]
    s1, c1 = model.s1_c1(img)
    value, (iy, ix) = _c1_unit(c1, band)
    s1_map = np.maximum(s1[0, 2 * band, 0], s1[0, 2 * band + 1, 0])
    py, px = np.unravel_index(np.argmax(s1_map), s1_map.shape)
    x0 = ix * step
    assert x0 <= px < x0 + grid
    shift = x0 + grid - 1 - px  # as far right as the peak can go and stay in the window
    assert shift >= 1
    moved_s1, moved_c1 = model.s1_c1(np.roll(img, shift, axis=2))
    moved_map = np.maximum(moved_s1[0, 2 * band, 0], moved_s1[0, 2 * band + 1, 0])
    # the S1 cell at the old peak loses much of its response, the C1 unit none of it
    assert moved_map[py, px] < 0.9 * s1_map[py, px]
    np.testing.assert_allclose(moved_c1[band][0, 0][iy, ix], value, rtol=1e-9)


@pytest.mark.parametrize("band", [0, 2])
def test_c1_tolerates_a_small_scale_change_better_than_s1(band):
    model = HMAX()
    (s_a, _, lam_a), (s_b, _, lam_b) = S1_TABLE[2 * band], S1_TABLE[2 * band + 1]
    small = bar(64, 30, 30, s_a, lam_a / 2)[None]
    large = bar(64, 30, 30, s_b, lam_b / 2)[None]  # the same bar 1.2-1.3 x larger
    s1_small, c1_small = model.s1_c1(small)
    s1_large, c1_large = model.s1_c1(large)
    s1_change = abs(s1_large[0, 2 * band, 0].max() / s1_small[0, 2 * band, 0].max() - 1)
    c1_change = abs(c1_large[band][0, 0].max() / c1_small[band][0, 0].max() - 1)
    assert s1_change > 0.15
    assert c1_change < 0.5 * s1_change


def test_max_pooling_keeps_the_preferred_response_in_clutter_where_sum_does_not():
    # Riesenhuber & Poggio (1999): a C-cell pooling by MAX responds to its preferred stimulus
    # as if alone when non-preferred clutter falls elsewhere in its receptive field.
    model = HMAX(n_bands=1)
    grid, step = (int(v) for v in C1_TABLE[0])
    alone = bar(56, 28, 24, 6, 2)[None]  # preferred bar at the left of the window [24, 32)
    clutter = alone.copy()
    for cy in (25, 28, 31):  # orthogonal dashes 6 px to the right, still inside the window
        clutter[0] += bar(56, cy, 30, 3, 1.5, np.pi / 2)
    clutter = np.clip(clutter, 0, 1)

    def pooled(img, op):
        s1, _ = model.s1_c1(img)
        m = np.maximum(s1[:, 0], s1[:, 1])[0, 0]  # band 1, orientation 0
        return op(sliding_window_view(m, (grid, grid))[::step, ::step][6, 6])

    max_alone, max_clutter = pooled(alone, np.max), pooled(clutter, np.max)
    sum_alone, sum_clutter = pooled(alone, np.sum), pooled(clutter, np.sum)
    assert max_alone == pytest.approx(max_clutter, rel=1e-9)
    assert sum_clutter > 1.2 * sum_alone
    # and MAX is what the model's C1 computes
    assert model.s1_c1(clutter)[1][0][0, 0, 6, 6] == pytest.approx(max_clutter, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_position_tolerance_grows_up_the_hierarchy(seed):
    rng = np.random.default_rng(seed)
    model = HMAX(n_bands=4, n_prototypes=12, rng=seed).fit(rng.random((12, 48, 48)) * 0.2)
    obj = bar(48, 20, 20, 12, 3) + bar(48, 20, 20, 12, 3, np.pi / 2)
    acts = model.activations(np.stack([obj, np.roll(obj, (6, 6), axis=(0, 1))]))

    def change(layer):
        v = acts.sel(neuroid=acts.layer == layer).values.astype(float)
        return np.abs(v[0] - v[1]).mean() / np.abs(v[0]).mean()

    # moved by 6 px, the S1 maps share little; C1 keeps more, C2 (a global MAX) nearly all
    assert change("s1") > 0.8
    assert change("c2") < 0.15
    assert change("c2") < 0.25 * change("c1") < 0.25 * change("s1")


# ------------------------------------------------------------------------------------------ V1-like
def test_v1_like_units_are_tuned_to_their_gabor():
    model = V1Like(n_orientations=8, wavelengths=(3.0, 6.0, 11.0))
    n = 33
    thetas = np.arange(16) * np.pi / 16
    lams = np.geomspace(2.4, 18, 14)
    phases = np.arange(4) * np.pi / 2
    y, x = np.mgrid[0:n, 0:n] - n // 2
    T, L, P = np.meshgrid(thetas, lams, phases, indexing="ij")
    X = x * np.cos(T.ravel())[:, None, None] + y * np.sin(T.ravel())[:, None, None]
    gratings = 0.5 + 0.5 * np.cos(2 * np.pi * X / L.ravel()[:, None, None] + P.ravel()[:, None, None])
    acts = model.activations(gratings, layers="gabor").values.reshape(len(gratings), -1, n, n)
    centre = acts[:, :, n // 2, n // 2].reshape(len(thetas), len(lams), len(phases), -1).max(axis=2)
    for c, (theta, lam) in enumerate(zip(model.channel_orientation, model.channel_wavelength)):
        it, il = np.unravel_index(np.argmax(centre[..., c]), centre.shape[:2])
        assert thetas[it] == pytest.approx(theta, abs=1e-12), c
        # tested wavelengths are 16 % apart: the peak falls on the nearest one or its neighbour
        assert abs(np.log(lams[il] / lam)) < np.log(1.35), (c, lams[il], lam)
