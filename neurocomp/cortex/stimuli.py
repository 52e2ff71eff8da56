"""Visual stimuli: oriented gratings and synthetic objects on natural backgrounds.

Gratings are the classic probe of V1 orientation and spatial-frequency tuning
(Hubel & Wiesel 1962) and of the phase invariance of complex cells (energy
model, Adelson & Bergen 1985) and their contrast saturation (normalisation,
Heeger 1992). The object set follows the design of the image set of
Yamins et al. (2014): objects of several categories rendered at random
position, size and in-plane rotation on natural-image backgrounds, at three
levels of variation ("low": centred, fixed size, upright; "medium"; "high").
The backgrounds are crops of the two photographs that ship inside
scikit-learn (:func:`sklearn.datasets.load_sample_images`), so nothing is
downloaded.

Images are grayscale, luminance in [0, 1], returned as an
:class:`xarray.DataArray` with dims ``("presentation", "y", "x")`` and the
Brain-Score presentation coords ``stimulus_id``, ``object_name`` and
``variation``.
"""

from __future__ import annotations

import functools

import numpy as np
import xarray as xr

from neurocomp._validation import (
    ValidationError,
    check_array,
    check_in_range,
    check_int,
    check_option,
)
from neurocomp.random import as_generator

__all__ = [
    "CATEGORIES",
    "VARIATION_LEVELS",
    "gratings",
    "render_objects",
    "natural_backgrounds",
    "object_images",
    "boundary_fragments",
]

#: Object categories of the synthetic set (each a 2-D shape with exemplar-level jitter).
CATEGORIES = ("disk", "square", "triangle", "cross", "star", "ring", "bar", "crescent")

#: Parameter ranges per variation level: (max |position| as a fraction of the image
#: half-width, log2 scale half-range, max |rotation| in degrees).
VARIATION_LEVELS = {
    "low": (0.0, 0.0, 0.0),
    "medium": (0.25, 0.35, 45.0),
    "high": (0.5, 0.7, 90.0),
}

#: Object radius in units of the image half-width at scale 1.
BASE_RADIUS = 0.42


def gratings(
    orientations=(0.0, 45.0, 90.0, 135.0),
    spatial_frequencies=(0.125,),
    phases=(0.0,),
    contrasts=(1.0,),
    *,
    size: int = 32,
    aperture: bool = True,
) -> xr.DataArray:
    """Full factorial set of sinusoidal gratings.

    Parameters
    ----------
    orientations : sequence of float
        Orientation of the grating's bars in degrees (0 = vertical bars, i.e.
        luminance varying along x; counter-clockwise positive).
    spatial_frequencies : sequence of float
        Cycles per pixel, in (0, 0.5] (0.5 is the Nyquist limit).
    phases : sequence of float
        Spatial phase in radians at the image centre.
    contrasts : sequence of float
        Michelson contrast in [0, 1].
    size : int
        Image side in pixels.
    aperture : bool
        If true, a circular raised-cosine aperture fades the grating into the
        mean-grey surround.

    Returns
    -------
    xarray.DataArray
        Shape (n_orientations * n_sf * n_phases * n_contrasts, size, size),
        dims ("presentation", "y", "x"), luminance in [0, 1]; presentation
        coords ``stimulus_id``, ``orientation`` (deg), ``spatial_frequency``
        (cycle/pixel), ``phase`` (rad), ``contrast``.

    Examples
    --------
    >>> g = gratings(size=24)                      # 4 orientations, 1 spatial frequency, 1 phase
    >>> g.dims, g.shape, float(g.max())
    (('presentation', 'y', 'x'), (4, 24, 24), 1.0)
    """
    size = check_int("size", size, low=8)
    ori = check_array("orientations", orientations, ndim=1)
    sf = check_array("spatial_frequencies", spatial_frequencies, ndim=1)
    ph = check_array("phases", phases, ndim=1)
    con = check_array("contrasts", contrasts, ndim=1)
    for name, arr in (("orientations", ori), ("spatial_frequencies", sf), ("phases", ph), ("contrasts", con)):
        if arr.size == 0:
            raise ValidationError(f"{name} must hold at least one value; got an empty sequence")
    if np.any(sf <= 0) or np.any(sf > 0.5):
        raise ValidationError(f"spatial_frequencies must lie in (0, 0.5] cycles/pixel; got {sf.tolist()}")
    if np.any(con < 0) or np.any(con > 1):
        raise ValidationError(f"contrasts must lie in [0, 1]; got {con.tolist()}")
    O, S, P, C = (a.ravel() for a in np.meshgrid(ori, sf, ph, con, indexing="ij"))
    c = (np.arange(size) - (size - 1) / 2.0)
    yy, xx = np.meshgrid(c, c, indexing="ij")
    theta = np.deg2rad(O)[:, None, None]
    u = xx * np.cos(theta) + yy * np.sin(theta)
    wave = np.cos(2 * np.pi * S[:, None, None] * u + P[:, None, None])
    if aperture:
        r = np.hypot(xx, yy) / (size / 2.0)
        window = np.clip(0.5 + 0.5 * np.cos(np.pi * np.clip((r - 0.7) / 0.3, 0, 1)), 0, 1)
    else:
        window = np.ones((size, size))
    img = 0.5 + 0.5 * C[:, None, None] * wave * window
    n = img.shape[0]
    return xr.DataArray(
        img,
        dims=("presentation", "y", "x"),
        coords={
            "stimulus_id": ("presentation", [f"grating{i:05d}" for i in range(n)]),
            "orientation": ("presentation", O, {"units": "deg"}),
            "spatial_frequency": ("presentation", S, {"units": "cycle/pixel"}),
            "phase": ("presentation", P, {"units": "rad"}),
            "contrast": ("presentation", C),
        },
        name="images",
        attrs={"units": "1", "long_name": "luminance"},
    )


# --------------------------------------------------------------------------- objects


def _shape_field(category: str, u: np.ndarray, v: np.ndarray, aspect: np.ndarray) -> np.ndarray:
    """Approximate signed distance (negative inside) of a category's shape.

    ``u, v`` are object-frame coordinates (unit = object radius); ``aspect``
    (broadcastable) stretches the shape along ``u`` per exemplar.
    """
    u = u / aspect
    r = np.hypot(u, v)
    if category == "disk":
        return r - 0.85
    if category == "square":
        return np.maximum(np.abs(u), np.abs(v)) - 0.72
    if category == "triangle":
        d = -v - 0.45
        for ang in (np.pi / 6, 5 * np.pi / 6):
            d = np.maximum(d, u * np.cos(ang) + v * np.sin(ang) - 0.45)
        return d
    if category == "cross":
        a = np.maximum(np.abs(u) - 0.28, np.abs(v) - 0.95)
        b = np.maximum(np.abs(u) - 0.95, np.abs(v) - 0.28)
        return np.minimum(a, b)
    if category == "star":
        phi = np.arctan2(v, u)
        return r - (0.58 + 0.38 * np.cos(5 * phi))
    if category == "ring":
        return np.abs(r - 0.68) - 0.24
    if category == "bar":
        return np.maximum(np.abs(u) - 0.98, np.abs(v) - 0.3)
    if category == "crescent":
        inner = np.hypot(u - 0.42, v) - 0.7
        return np.maximum(r - 0.9, -inner)
    raise ValidationError(f"category must be one of {list(CATEGORIES)}; got {category!r}")


@functools.lru_cache(maxsize=1)
def _sample_photos() -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_sample_images

    photos = []
    for img in load_sample_images().images:
        gray = img.astype(float) @ np.array([0.299, 0.587, 0.114]) / 255.0
        photos.append(gray)
    return tuple(photos)


def natural_backgrounds(n: int, *, size: int = 32, contrast: float = 0.15, rng=None) -> xr.DataArray:
    """Random crops of scikit-learn's two sample photographs, as grayscale backgrounds.

    Each crop (side 64–192 pixels of the 427 × 640 photo) is block-averaged to
    ``size`` × ``size``, then set to mean 0.5 and standard deviation
    ``contrast``.

    Parameters
    ----------
    n : int
        Number of backgrounds.
    size : int, default 32
        Image side in pixels.
    contrast : float, default 0.15
        RMS contrast (standard deviation of luminance) before clipping, in [0, 0.5].
    rng : None, int, SeedSequence or Generator
        Chooses the photo, crop size and crop position of each background.

    Returns
    -------
    xarray.DataArray
        Shape (n, size, size), dims ("presentation", "y", "x") like
        :func:`gratings` and :func:`object_images`; luminance (units ``"1"``)
        clipped to [0, 1]; presentation coord ``stimulus_id`` (``bg00000``, ...).
        (A bare ndarray before 0.2; ``.values`` gives it.)

    Examples
    --------
    >>> b = natural_backgrounds(3, size=24, rng=0)
    >>> b.shape, round(float(b.mean()), 1)              # mid-grey on average
    ((3, 24, 24), 0.5)
    """
    n = check_int("n", n, low=0)
    size = check_int("size", size, low=8)
    contrast = check_in_range("contrast", contrast, 0.0, 0.5)
    gen = as_generator(rng)
    photos = _sample_photos()
    which = gen.integers(0, len(photos), size=n)
    factor = gen.integers(2, 7, size=n)  # crop side = size * factor
    out = np.empty((n, size, size))
    fy = gen.random(n)
    fx = gen.random(n)
    for f in np.unique(factor):  # loop over a handful of zoom factors, vectorised within
        side = size * int(f)
        for p, photo in enumerate(photos):
            idx = np.flatnonzero((factor == f) & (which == p))
            if idx.size == 0:
                continue
            H, W = photo.shape
            y0 = (fy[idx] * (H - side)).astype(int)
            x0 = (fx[idx] * (W - side)).astype(int)
            rows = y0[:, None] + np.arange(side)[None, :]
            cols = x0[:, None] + np.arange(side)[None, :]
            crops = photo[rows[:, :, None], cols[:, None, :]]
            out[idx] = crops.reshape(idx.size, size, int(f), size, int(f)).mean(axis=(2, 4))
    mean = out.mean(axis=(1, 2), keepdims=True)
    std = out.std(axis=(1, 2), keepdims=True) + 1e-9
    return _image_array(np.clip(0.5 + contrast * (out - mean) / std, 0.0, 1.0), "bg", {}, "background luminance")


def _image_array(images, prefix, coords, long_name):
    """Images (n, H, W) as the package's image stack: dims (presentation, y, x), stimulus ids, luminance."""
    n = images.shape[0]
    return xr.DataArray(
        images,
        dims=("presentation", "y", "x"),
        coords={"stimulus_id": ("presentation", [f"{prefix}{i:05d}" for i in range(n)]), **coords},
        name="images",
        attrs={"units": "1", "long_name": long_name},
    )


def render_objects(
    categories,
    *,
    positions=None,
    scales=None,
    rotations=None,
    aspects=None,
    polarities=None,
    backgrounds=None,
    size: int = 32,
    object_contrast: float = 0.4,
) -> xr.DataArray:
    """Render one object per image with explicit pose parameters (vectorised over images).

    Parameters
    ----------
    categories : sequence of str, length n
        Category of each image's object, from :data:`CATEGORIES`.
    positions : array of shape (n, 2), optional
        Object centre (x, y) as a fraction of the image half-width, in [-1, 1];
        default centred.
    scales : array of shape (n,), optional
        Size relative to the base radius (``BASE_RADIUS`` of the half-width); default 1.
    rotations : array of shape (n,), optional
        In-plane rotation in degrees; default 0.
    aspects : array of shape (n,), optional
        Exemplar stretch along the object's own x axis; default 1.
    polarities : array of shape (n,), optional
        +1 for an object brighter than mean grey, -1 for darker; default +1.
    backgrounds : array or DataArray of shape (n, size, size), optional
        Background images in [0, 1] (e.g. :func:`natural_backgrounds`); default
        uniform mean grey (0.5).
    size : int
        Image side in pixels.
    object_contrast : float
        Luminance step of the object from 0.5, in [0, 0.5].

    Returns
    -------
    xarray.DataArray
        Shape (n, size, size), dims ("presentation", "y", "x") like
        :func:`object_images`; luminance (units ``"1"``) in [0, 1];
        presentation coords ``stimulus_id`` (``obj00000``, ...),
        ``object_name``, ``position_x``, ``position_y`` (half-widths),
        ``scale``, ``rotation`` (deg), ``aspect``, ``polarity``. (A bare ndarray
        before 0.2; ``.values`` gives it.)

    Examples
    --------
    >>> render_objects(["disk", "star"], size=24).object_name.values.tolist()
    ['disk', 'star']
    """
    size = check_int("size", size, low=8)
    cats = np.asarray(list(categories), dtype=object)
    n = cats.size
    unknown = sorted(set(cats.tolist()) - set(CATEGORIES))
    if unknown:
        raise ValidationError(f"categories must be names from {list(CATEGORIES)}; got unknown {unknown[:5]}")
    pos = np.zeros((n, 2)) if positions is None else check_array("positions", positions, shape=(n, 2))
    sc = np.ones(n) if scales is None else check_array("scales", scales, shape=(n,))
    if np.any(sc <= 0):
        raise ValidationError(f"scales must be > 0; got minimum {sc.min()!r}")
    rot = np.zeros(n) if rotations is None else check_array("rotations", rotations, shape=(n,))
    asp = np.ones(n) if aspects is None else check_array("aspects", aspects, shape=(n,))
    pol = np.ones(n) if polarities is None else check_array("polarities", polarities, shape=(n,))
    if backgrounds is None:
        bg = np.full((n, size, size), 0.5)
    else:
        bg = check_array("backgrounds", backgrounds, shape=(n, size, size))
    object_contrast = check_in_range("object_contrast", object_contrast, 0.0, 0.5)

    half = size / 2.0
    c = (np.arange(size) - (size - 1) / 2.0) / half  # pixel centres in half-widths
    yy, xx = np.meshgrid(c, c, indexing="ij")
    radius = BASE_RADIUS * sc[:, None, None]
    dx = xx[None] - pos[:, 0, None, None]
    dy = yy[None] - pos[:, 1, None, None]
    th = np.deg2rad(rot)[:, None, None]
    u = (dx * np.cos(th) + dy * np.sin(th)) / radius
    v = (-dx * np.sin(th) + dy * np.cos(th)) / radius
    field = np.empty_like(u)
    for cat in np.unique(cats):  # one vectorised evaluation per category
        idx = np.flatnonzero(cats == cat)
        field[idx] = _shape_field(str(cat), u[idx], v[idx], asp[idx, None, None])
    pixel = 1.0 / (half * radius)  # one pixel in object units
    mask = np.clip(0.5 - field / pixel, 0.0, 1.0)  # anti-aliased edge
    lum = 0.5 + pol[:, None, None] * object_contrast
    return _image_array(np.clip(bg * (1 - mask) + lum * mask, 0.0, 1.0), "obj", {
        "object_name": ("presentation", cats.astype(str)),
        "position_x": ("presentation", pos[:, 0], {"units": "1", "long_name": "object x (fraction of the half-width)"}),
        "position_y": ("presentation", pos[:, 1], {"units": "1", "long_name": "object y (fraction of the half-width)"}),
        "scale": ("presentation", sc),
        "rotation": ("presentation", rot, {"units": "deg"}),
        "aspect": ("presentation", asp),
        "polarity": ("presentation", pol),
    }, "luminance")


def object_images(
    *,
    n_per_category: int = 40,
    categories=CATEGORIES,
    variations=("low", "medium", "high"),
    size: int = 32,
    background_contrast: float = 0.15,
    object_contrast: float = 0.4,
    rng=None,
) -> xr.DataArray:
    """A Yamins-style object image set: categories × variation levels on natural backgrounds.

    For every category and every variation level, ``n_per_category`` images
    are drawn: a new exemplar (random aspect ratio 0.8–1.25, random contrast
    polarity) at a random position, scale and rotation within the level's
    range (:data:`VARIATION_LEVELS`), on a random crop of a natural photo.

    Parameters
    ----------
    n_per_category : int
        Images per category *per variation level* (>= 2).
    categories : sequence of str
        Subset of :data:`CATEGORIES` (at least 2).
    variations : sequence of {"low", "medium", "high"}
    size : int
        Image side in pixels (>= 16).
    background_contrast, object_contrast : float
        RMS contrast of the background and luminance step of the object.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    xarray.DataArray
        Shape (n_categories * n_variations * n_per_category, size, size), dims
        ("presentation", "y", "x"); presentation coords ``stimulus_id``,
        ``object_name``, ``variation``, ``position_x``, ``position_y``
        (half-widths), ``scale``, ``rotation`` (deg), ``aspect``, ``polarity``.

    Examples
    --------
    >>> im = object_images(n_per_category=2, size=24, rng=0)    # 8 categories x 3 levels x 2
    >>> im.shape, sorted(set(im.object_name.values.tolist()))[:3]
    ((48, 24, 24), ['bar', 'crescent', 'cross'])
    """
    n_per = check_int("n_per_category", n_per_category, low=2)
    size = check_int("size", size, low=16)
    cats = list(categories)
    if len(cats) < 2:
        raise ValidationError(f"categories must name at least 2 categories; got {cats}")
    unknown = sorted(set(cats) - set(CATEGORIES))
    if unknown or len(set(cats)) != len(cats):
        raise ValidationError(f"categories must be distinct names from {list(CATEGORIES)}; got {cats}")
    vars_ = list(variations)
    if not vars_:
        raise ValidationError("variations must name at least one level of 'low', 'medium', 'high'; got none")
    for v in vars_:
        check_option("variations", v, list(VARIATION_LEVELS))
    gen = as_generator(rng)
    bg_rng, pose_rng = gen.spawn(2)

    cat_col = np.repeat(np.array(cats, dtype=object), len(vars_) * n_per)
    var_col = np.tile(np.repeat(np.array(vars_, dtype=object), n_per), len(cats))
    n = cat_col.size
    limits = np.array([VARIATION_LEVELS[v] for v in var_col])  # (n, 3)
    pos = pose_rng.uniform(-1, 1, size=(n, 2)) * limits[:, :1]
    scale = 2.0 ** (pose_rng.uniform(-1, 1, size=n) * limits[:, 1])
    rot = pose_rng.uniform(-1, 1, size=n) * limits[:, 2]
    aspect = 2.0 ** pose_rng.uniform(-1 / 3, 1 / 3, size=n)
    polarity = np.where(pose_rng.random(n) < 0.5, -1.0, 1.0)
    bgs = natural_backgrounds(n, size=size, contrast=background_contrast, rng=bg_rng)
    imgs = render_objects(
        cat_col, positions=pos, scales=scale, rotations=rot, aspects=aspect, polarities=polarity,
        backgrounds=bgs.values, size=size, object_contrast=object_contrast,
    )
    return imgs.assign_coords(variation=("presentation", var_col.astype(str)))


def boundary_fragments(*, size: int = 32, shift=(0.0, 0.0), contrast: float = 0.4) -> xr.DataArray:
    """Pasupathy & Connor (2001) style boundary fragments: curvature x angular position.

    Each image shows the boundary of a bright object on grey passing through the
    image centre (plus ``shift``), with the object lying on the side opposite
    its angular position: a straight edge (curvature 0), a gentle arc (radius
    8 px, 0.25), a sharp arc (radius 3 px, 0.5), a right-angle corner (0.75) and
    an acute 45-degree corner (1.0), each at 8 angular positions (0, 45, ... 315
    deg; the direction from the object's centre to the fragment, x right and y
    down). The curvature values follow the order of Pasupathy & Connor's
    normalised scale (0 straight, 1 sharpest convex).

    Parameters
    ----------
    size : int
        Image side in pixels (>= 16).
    shift : (float, float)
        Offset (x, y) of the fragment from the image centre, in pixels.
    contrast : float
        Luminance step of the object above mean grey, in (0, 0.5].

    Returns
    -------
    xarray.DataArray
        Shape (40, size, size), dims ("presentation", "y", "x"); presentation
        coords ``stimulus_id``, ``fragment`` (class name), ``curvature`` and
        ``angular_position`` (deg).

    References
    ----------
    .. [1] Pasupathy, A. & Connor, C. E. (2001). Shape representation in area V4: position-specific
       tuning for boundary conformation. J. Neurophysiol. 86, 2505-2519.

    Examples
    --------
    >>> f = boundary_fragments(size=32)
    >>> f.sizes["presentation"], sorted(set(f.fragment.values.tolist()))[:2]
    (40, ['acute corner', 'gentle'])
    """
    from neurocomp.cortex.ventral import FRAGMENT_POSITIONS, FRAGMENTS

    size = check_int("size", size, low=16)
    contrast = check_in_range("contrast", contrast, 0.0, 0.5, low_open=True)
    shift = check_array("shift", shift, shape=(2,))
    names, curv, pos, imgs = [], [], [], []
    c = (size - 1) / 2.0 + shift
    yy, xx = np.meshgrid(np.arange(size, dtype=float), np.arange(size, dtype=float), indexing="ij")
    px, py = xx - c[0], yy - c[1]
    for name, k, kind, par in FRAGMENTS:
        for phi in FRAGMENT_POSITIONS:
            u = np.array([np.cos(np.deg2rad(phi)), np.sin(np.deg2rad(phi))])
            along = px * u[0] + py * u[1]  # signed distance outwards, for the straight edge
            if kind == "edge":
                d = along
            elif kind == "arc":
                d = np.hypot(px + par * u[0], py + par * u[1]) - par
            else:  # corner: wedge with its apex at the centre, opening away from u
                half = np.deg2rad(par) / 2
                ang = np.arccos(np.clip(-(along) / np.maximum(np.hypot(px, py), 1e-9), -1, 1))
                dist = []
                for sgn in (1, -1):
                    e = np.array([-u[0] * np.cos(half) + sgn * u[1] * np.sin(half),
                                  -u[1] * np.cos(half) - sgn * u[0] * np.sin(half)])
                    t = e[0] * px + e[1] * py  # along the edge ray from the apex
                    dist.append(np.where(t > 0, np.abs(e[0] * py - e[1] * px), np.hypot(px, py)))
                near = np.minimum(*dist)
                d = np.where(ang <= half, -near, near)
            mask = np.clip(0.5 - d, 0.0, 1.0)
            imgs.append(0.5 + contrast * mask)
            names.append(name)
            curv.append(k)
            pos.append(phi)
    return xr.DataArray(
        np.array(imgs), dims=("presentation", "y", "x"),
        coords={"stimulus_id": ("presentation", [f"frag{i:03d}" for i in range(len(imgs))]),
                "fragment": ("presentation", names),
                "curvature": ("presentation", np.array(curv), {"units": "1"}),
                "angular_position": ("presentation", np.array(pos), {"units": "deg"})},
        name="images", attrs={"units": "1", "long_name": "luminance"},
    )
