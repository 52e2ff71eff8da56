"""Gabor fits of learned filters, and Ringach's (2002) shape parameters nx, ny."""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.optimize import least_squares

from neurocomp._validation import ValidationError, check_array

__all__ = ["gabor", "fit_gabor", "energy_spread"]

_FFT_SIZE = 64


def gabor(shape, *, amplitude, x0, y0, orientation, spatial_frequency, sigma_x, sigma_y, phase):
    """A 2-D Gabor function sampled on a pixel grid.

    Parameters
    ----------
    shape : tuple of int
        (height, width) in pixels.
    amplitude : float
    x0, y0 : float
        Centre, pixels (x = column, y = row).
    orientation : float
        Direction of the carrier's wave vector, degrees (0 = luminance varying
        along x, i.e. vertical bars, as :func:`neurocomp.cortex.gratings`).
    spatial_frequency : float
        Cycles per pixel.
    sigma_x, sigma_y : float
        Envelope s.d. across (x′, along the wave vector) and along (y′) the bars, pixels.
    phase : float
        Carrier phase at the centre, rad (0 = even symmetric).

    Returns
    -------
    numpy.ndarray, shape ``shape``
        ``A exp(−x′²/2σx² − y′²/2σy²) cos(2π f x′ + φ)``.

    Examples
    --------
    >>> g = gabor((9, 9), amplitude=1, x0=4, y0=4, orientation=0, spatial_frequency=0.25,
    ...           sigma_x=2, sigma_y=2, phase=0)
    >>> float(g[4, 4]), round(float(g[4, 6]), 3)
    (1.0, -0.607)
    """
    return _gabor(np.indices(shape, dtype=float), amplitude, x0, y0, np.deg2rad(orientation),
                  spatial_frequency, sigma_x, sigma_y, phase)


def _gabor(grid, A, x0, y0, theta, f, sx, sy, phi):
    yy, xx = grid
    dx, dy = xx - x0, yy - y0
    c, s = np.cos(theta), np.sin(theta)
    xp = dx * c + dy * s
    yp = -dx * s + dy * c
    return A * np.exp(-0.5 * (xp / sx) ** 2 - 0.5 * (yp / sy) ** 2) * np.cos(2 * np.pi * f * xp + phi)


def _gabor_jacobian(grid, A, x0, y0, theta, f, sx, sy, phi):
    """Derivatives of :func:`_gabor` with respect to its 8 parameters, shape (n_pixels, 8)."""
    yy, xx = grid
    dx, dy = xx - x0, yy - y0
    c, s = np.cos(theta), np.sin(theta)
    xp = dx * c + dy * s
    yp = -dx * s + dy * c
    E = np.exp(-0.5 * (xp / sx) ** 2 - 0.5 * (yp / sy) ** 2)
    arg = 2 * np.pi * f * xp + phi
    C, S = np.cos(arg), np.sin(arg)
    g_xp = A * E * (-xp / sx**2 * C - 2 * np.pi * f * S)
    g_yp = A * E * (-yp / sy**2) * C
    cols = [
        E * C,
        -c * g_xp + s * g_yp,
        -s * g_xp - c * g_yp,
        yp * g_xp - xp * g_yp,
        -A * E * S * 2 * np.pi * xp,
        A * E * C * xp**2 / sx**3,
        A * E * C * yp**2 / sy**3,
        -A * E * S,
    ]
    return np.stack([col.ravel() for col in cols], axis=1)


def _initial_guess(img, grid):
    """Frequency and orientation from the spectral peak, position and widths from the energy."""
    h, w = img.shape
    spec = np.abs(np.fft.fft2(img, s=(_FFT_SIZE, _FFT_SIZE)))
    spec[0, 0] = 0.0
    ky, kx = np.unravel_index(np.argmax(spec), spec.shape)
    ky = ky - _FFT_SIZE if ky > _FFT_SIZE // 2 else ky
    kx = kx - _FFT_SIZE if kx > _FFT_SIZE // 2 else kx
    f = np.hypot(kx, ky) / _FFT_SIZE
    theta = np.arctan2(ky, kx)
    e = img**2
    e = e / e.sum()
    yy, xx = grid
    x0, y0 = (e * xx).sum(), (e * yy).sum()
    dx, dy = xx - x0, yy - y0
    c, s = np.cos(theta), np.sin(theta)
    vx = (e * (dx * c + dy * s) ** 2).sum()
    vy = (e * (-dx * s + dy * c) ** 2).sum()
    hi = max(h, w)
    sx = float(np.clip(np.sqrt(2 * vx), 0.6, hi))
    sy = float(np.clip(np.sqrt(2 * vy), 0.6, hi))
    # amplitude and phase are linear given the rest
    b1 = _gabor(grid, 1.0, x0, y0, theta, f, sx, sy, 0.0).ravel()
    b2 = _gabor(grid, 1.0, x0, y0, theta, f, sx, sy, -np.pi / 2).ravel()
    coef, *_ = np.linalg.lstsq(np.c_[b1, b2], img.ravel(), rcond=None)
    A = float(np.hypot(*coef))
    phi = float(np.arctan2(coef[1], coef[0]))
    return np.array([A, x0, y0, theta, f, sx, sy, phi])


def _fit_one(img, grid, sst):
    h, w = img.shape
    hi = max(h, w)
    lo_b = [-np.inf, -0.5 * w, -0.5 * h, -2 * np.pi, 0.0, 0.3, 0.3, -4 * np.pi]
    hi_b = [np.inf, 1.5 * w, 1.5 * h, 2 * np.pi, 0.5, 2.0 * hi, 2.0 * hi, 4 * np.pi]

    def resid(p):
        return (_gabor(grid, *p) - img).ravel()

    def jac(p):
        return _gabor_jacobian(grid, *p)

    best = None
    p0 = _initial_guess(img, grid)
    for scale_f in (1.0, 0.5):  # a second start at half the frequency if the first fits badly
        start = p0.copy()
        start[4] *= scale_f
        start = np.clip(start, np.array(lo_b) + 1e-9, np.array(hi_b) - 1e-9)
        res = least_squares(resid, start, jac=jac, bounds=(lo_b, hi_b), x_scale="jac", max_nfev=400)
        r2 = 1.0 - 2.0 * res.cost / sst
        if best is None or r2 > best[1]:
            best = (res.x, r2)
        if best[1] > 0.9:
            break
    return best


def fit_gabor(filters) -> xr.Dataset:
    """Fit a 2-D Gabor function to each filter by least squares.

    Parameters
    ----------
    filters : array-like or DataArray, shape (n_components, height, width)
        One filter (or receptive field, or basis function) per component.

    Returns
    -------
    xarray.Dataset
        Over ``component``: ``amplitude`` (units of the filter), ``x0``, ``y0``
        (pixel), ``orientation`` (deg, of the wave vector, in [0, 180)),
        ``spatial_frequency`` (cycle/pixel), ``sigma_x`` (across the bars) and
        ``sigma_y`` (along them) (pixel), ``phase`` (rad, in (−π, π]),
        ``r_squared`` (fraction of the filter's variance the Gabor explains),
        and Ringach's ``nx = σx f`` and ``ny = σy f`` (units "1"); plus
        ``model``, the fitted Gabors (component, y, x).

    Notes
    -----
    Model (Jones & Palmer 1987):
    ``g(x, y) = A exp(−x′²/2σx² − y′²/2σy²) cos(2π f x′ + φ)`` with
    ``x′ = (x − x0) cos θ + (y − y0) sin θ``, ``y′ = −(x − x0) sin θ + (y − y0) cos θ``.
    ``nx`` counts the cycles of the carrier under one s.d. of the envelope
    across the bars (≈ the number of subfields / 2π·… : a field with two or
    three visible lobes has nx ≈ 0.3–0.5), ``ny`` the elongation of the
    bars in cycles (Ringach 2002). The start is taken from the spectral peak
    and the energy's centroid and second moments, with a second start at half
    the frequency when the first explains less than 90 %.

    Examples
    --------
    >>> from neurocomp.ica.filters import gabor
    >>> g = gabor((15, 15), amplitude=1, x0=7, y0=6.5, orientation=30, spatial_frequency=0.2,
    ...           sigma_x=2.0, sigma_y=3.0, phase=0.5)
    >>> fit = fit_gabor(g[None])
    >>> [round(float(fit[v][0]), 2) for v in ("orientation", "spatial_frequency", "nx", "ny", "r_squared")]
    [30.0, 0.2, 0.4, 0.6, 1.0]

    References
    ----------
    Jones, J. P. & Palmer, L. A. (1987). An evaluation of the two-dimensional
    Gabor filter model of simple receptive fields in cat striate cortex.
    J. Neurophysiol. 58, 1233–1258.
    Ringach, D. L. (2002). Spatial structure and symmetry of simple-cell
    receptive fields in macaque primary visual cortex. J. Neurophysiol. 88, 455–463.
    """
    F = check_array("filters", getattr(filters, "values", filters), ndim=3)
    n, h, w = F.shape
    if h < 3 or w < 3:
        raise ValidationError(f"filters must be at least 3 x 3 pixels; got {h} x {w}")
    grid = np.indices((h, w), dtype=float)
    params = np.full((n, 8), np.nan)
    r2 = np.full(n, np.nan)
    for i in range(n):  # one small nonlinear fit per filter
        img = F[i]
        sst = float(((img - img.mean()) ** 2).sum())
        if sst == 0:
            raise ValidationError(f"filters[{i}] is constant; a Gabor cannot be fitted to it")
        p, r = _fit_one(img, grid, sst)
        params[i], r2[i] = p, r
    A, x0, y0, theta, f, sx, sy, phi = params.T.copy()
    model = np.stack([_gabor(grid, *p) for p in params]) if n else np.zeros((0, h, w))
    # canonical form: A > 0, theta in [0, pi), phase in (-pi, pi]
    neg = A < 0
    A[neg] = -A[neg]
    phi[neg] += np.pi
    turn = np.floor(theta / np.pi)
    odd = (turn % 2).astype(bool)
    theta = theta - turn * np.pi
    phi[odd] = -phi[odd]  # x' -> -x' flips the phase
    phi = -(((-phi + np.pi) % (2 * np.pi)) - np.pi)
    one = {"units": "1"}
    coords = {"component": getattr(filters, "coords", {}).get("component", np.arange(n)) if hasattr(filters, "coords") else np.arange(n)}
    return xr.Dataset(
        {
            "amplitude": ("component", A, {"units": "1", "long_name": "Gabor amplitude"}),
            "x0": ("component", x0, {"units": "pixel", "long_name": "centre x"}),
            "y0": ("component", y0, {"units": "pixel", "long_name": "centre y"}),
            "orientation": ("component", np.rad2deg(theta), {"units": "deg", "long_name": "orientation of the wave vector"}),
            "spatial_frequency": ("component", f, {"units": "cycle/pixel", "long_name": "spatial frequency"}),
            "sigma_x": ("component", sx, {"units": "pixel", "long_name": "envelope s.d. across the bars"}),
            "sigma_y": ("component", sy, {"units": "pixel", "long_name": "envelope s.d. along the bars"}),
            "phase": ("component", phi, {"units": "rad", "long_name": "carrier phase"}),
            "r_squared": ("component", r2, {**one, "long_name": "R² of the Gabor fit"}),
            "nx": ("component", sx * f, {**one, "long_name": "n_x = σx f"}),
            "ny": ("component", sy * f, {**one, "long_name": "n_y = σy f"}),
            "model": (("component", "y", "x"), model, {"units": "1", "long_name": "fitted Gabor"}),
        },
        coords=coords,
    )


def energy_spread(filters) -> xr.DataArray:
    """How far each filter's energy spreads around its centre: a model-free measure of localisation.

    Parameters
    ----------
    filters : array-like or DataArray, shape (n_components, height, width)

    Returns
    -------
    xarray.DataArray
        Over ``component``, in pixels: ``sqrt(Σ e(r) |r − r̄|²)`` with ``e`` the
        filter's squared values normalised to sum 1 and ``r̄`` their centroid.
        A filter with uniform energy over an L × L patch spreads
        ``sqrt((L² − 1) / 6)`` pixels (4.88 for L = 12); a Gabor with envelope
        s.d. σx, σy spreads about ``sqrt((σx² + σy²) / 2)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(energy_spread(np.ones((1, 12, 12)))[0]), 2)
    4.88
    """
    F = check_array("filters", getattr(filters, "values", filters), ndim=3)
    n, h, w = F.shape
    e = F**2
    tot = e.sum(axis=(1, 2), keepdims=True)
    if np.any(tot == 0):
        raise ValidationError(f"filters must not be all zero; got {int((tot == 0).sum())} zero filters")
    e = e / tot
    yy, xx = np.indices((h, w), dtype=float)
    cy = (e * yy).sum(axis=(1, 2), keepdims=True)
    cx = (e * xx).sum(axis=(1, 2), keepdims=True)
    spread = np.sqrt((e * ((yy - cy) ** 2 + (xx - cx) ** 2)).sum(axis=(1, 2)))
    return xr.DataArray(spread, dims="component", coords={"component": np.arange(n)},
                        attrs={"units": "pixel", "long_name": "spatial spread of the filter's energy"})
