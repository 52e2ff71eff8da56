"""Signals for ICA: the cocktail party, and patches of natural images."""

from __future__ import annotations

import functools

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_int, check_positive
from neurocomp.random import as_generator, spawn

__all__ = ["SOURCE_KINDS", "cocktail_party", "sample_photos", "image_patches"]

#: Kinds of source :func:`cocktail_party` can mix, with their excess kurtosis sign.
SOURCE_KINDS = {
    "speech": "super-Gaussian",
    "laplace": "super-Gaussian",
    "sine": "sub-Gaussian",
    "square": "sub-Gaussian",
    "sawtooth": "sub-Gaussian",
    "uniform": "sub-Gaussian",
    "gaussian": "Gaussian",
}
SYLLABLE_RATE = 4.0  # Hz, the modulation rate of speech (syllables per second)


def _speech(n, time, sampling_rate, gen):
    """Speech-like signals (n, T): a voiced carrier gated by a sparse syllabic envelope."""
    t = time.ravel()
    T = t.size
    f0 = gen.uniform(100.0, 250.0, size=(n, 1))  # Hz, voice pitch
    harmonics = np.arange(1, 6)
    phase = gen.uniform(0, 2 * np.pi, size=(n, harmonics.size))
    carrier = np.zeros((n, T))
    for h, k in enumerate(harmonics):  # five harmonics, vectorised over sources and time
        if np.all(k * f0 < sampling_rate / 2):
            carrier += np.sin(2 * np.pi * k * f0 * time + phase[:, h : h + 1]) / k
    # envelope: low-passed noise (4 Hz) rectified and squared -> pauses and bursts
    n_knots = max(int(np.ceil(t[-1] * SYLLABLE_RATE * 2)) + 2, 4)
    knots = gen.normal(size=(n, n_knots))
    pos = (t - t[0]) / max(t[-1] - t[0], np.finfo(float).tiny) * (n_knots - 1)
    i0 = np.minimum(pos.astype(int), n_knots - 2)
    w = pos - i0
    env = knots[:, i0] * (1 - w) + knots[:, i0 + 1] * w  # linear interpolation, all sources at once
    env = np.clip(env, 0, None) ** 2
    return carrier * env


def _source(kind, n, time, sampling_rate, gen):
    T = time.size
    if kind == "speech":
        return _speech(n, time, sampling_rate, gen)
    if kind == "laplace":
        return gen.laplace(size=(n, T))
    if kind == "uniform":
        return gen.uniform(-1, 1, size=(n, T))
    if kind == "gaussian":
        return gen.normal(size=(n, T))
    freq = gen.uniform(2.0, 40.0, size=(n, 1))  # Hz
    ph = gen.uniform(0, 1, size=(n, 1))
    cycles = freq * time + ph
    if kind == "sine":
        return np.sin(2 * np.pi * cycles)
    if kind == "square":
        return np.sign(np.sin(2 * np.pi * cycles)) + (np.sin(2 * np.pi * cycles) == 0)
    return 2.0 * (cycles % 1.0) - 1.0  # sawtooth


def cocktail_party(
    kinds=("speech", "speech", "sine", "square", "sawtooth", "uniform"),
    *,
    n_channels=None,
    duration=2.0,
    sampling_rate=8000.0,
    rng=None,
) -> xr.Dataset:
    """Independent sources mixed linearly onto microphones: the cocktail party.

    Parameters
    ----------
    kinds : sequence of str
        One entry per source, among ``"speech"`` (a voiced carrier at 100–250 Hz
        with five harmonics, gated by a sparse syllabic envelope at about 4 Hz:
        super-Gaussian), ``"laplace"`` (super-Gaussian noise), ``"sine"``,
        ``"square"``, ``"sawtooth"`` (2–40 Hz, random phase) and ``"uniform"``
        noise (all sub-Gaussian), and ``"gaussian"`` noise.
    n_channels : int or None
        Number of microphones (default: one per source; must be >= the number of sources).
    duration : float
        Length in s.
    sampling_rate : float
        Samples per second, Hz.
    rng : None, int, SeedSequence or Generator
        Stream for the sources and the mixing matrix (independent sub-streams).

    Returns
    -------
    xarray.Dataset
        ``sources`` (component × time), each of zero mean and unit variance;
        ``mixtures`` (channel × time), ``mixing @ sources``; ``mixing``
        (channel × component) with standard normal entries. Coords: ``time``
        (s), ``kind`` on ``component``, ``excess_kurtosis`` on ``component``.
        Amplitudes are dimensionless (units "1").

    Examples
    --------
    >>> ds = cocktail_party(("speech", "sine"), duration=0.5, rng=0)
    >>> ds["mixtures"].dims, ds.sizes["time"]
    (('channel', 'time'), 4000)
    >>> bool(ds["excess_kurtosis"].sel(component=0) > 0), bool(ds["excess_kurtosis"].sel(component=1) < 0)
    (True, True)

    References
    ----------
    Bell, A. J. & Sejnowski, T. J. (1995). An information-maximization approach
    to blind separation and blind deconvolution. Neural Computation 7, 1129–1159.
    """
    if isinstance(kinds, str):
        raise TypeError(f"kinds must be a sequence of source kinds, e.g. ['speech', 'sine']; got the string {kinds!r}")
    kinds = list(kinds)
    if not kinds:
        raise ValidationError("kinds must name at least one source; got an empty sequence")
    for k in kinds:
        if k not in SOURCE_KINDS:
            raise ValidationError(f"kinds must hold values among {sorted(SOURCE_KINDS)}; got {k!r}")
    n_src = len(kinds)
    n_channels = n_src if n_channels is None else check_int("n_channels", n_channels, low=1)
    if n_channels < n_src:
        raise ValidationError(
            f"n_channels must be >= the number of sources ({n_src}) for the mixture to be invertible; got {n_channels}"
        )
    duration = check_positive("duration", duration)
    sampling_rate = check_positive("sampling_rate", sampling_rate)
    n_time = int(round(duration * sampling_rate))
    if n_time < 2:
        raise ValidationError(f"duration * sampling_rate must give >= 2 samples; got {n_time}")
    src_rng, mix_rng = spawn(rng, 2)
    time = np.arange(n_time) / sampling_rate
    S = np.empty((n_src, n_time))
    kinds_arr = np.array(kinds)
    for kind in dict.fromkeys(kinds):  # one vectorised draw per kind, in order of first appearance
        idx = np.flatnonzero(kinds_arr == kind)
        S[idx] = _source(kind, idx.size, time[None, :], sampling_rate, src_rng)
    S -= S.mean(axis=1, keepdims=True)
    sd = S.std(axis=1, keepdims=True)
    if np.any(sd == 0):
        raise ValidationError("duration is too short: a source came out constant; lengthen it")
    S /= sd
    A = mix_rng.normal(size=(n_channels, n_src))
    X = A @ S
    kurt = (S**4).mean(axis=1) - 3.0
    comp = {"component": np.arange(n_src), "kind": ("component", kinds_arr),
            "excess_kurtosis": ("component", kurt, {"units": "1", "long_name": "excess kurtosis"})}
    return xr.Dataset(
        {
            "sources": (("component", "time"), S, {"units": "1", "long_name": "source amplitude"}),
            "mixtures": (("channel", "time"), X, {"units": "1", "long_name": "microphone signal"}),
            "mixing": (("channel", "component"), A, {"units": "1", "long_name": "mixing matrix"}),
        },
        coords={**comp, "channel": np.arange(n_channels),
                "time": ("time", time, {"units": "s", "long_name": "time"})},
        attrs={"sampling_rate": sampling_rate, "duration": duration},
    )


@functools.lru_cache(maxsize=1)
def _photos():
    from sklearn.datasets import load_sample_images

    out = []
    for img in load_sample_images().images:
        gray = img.astype(float) @ np.array([0.299, 0.587, 0.114]) / 255.0
        out.append(gray)
    return tuple(out)


def sample_photos() -> list[np.ndarray]:
    """scikit-learn's two sample photographs (china, flower), grayscale in [0, 1], shape (427, 640) each.

    Returns
    -------
    list of numpy.ndarray
        Two arrays of shape (427, 640), grey levels in [0, 1] (copies: safe to modify).

    Examples
    --------
    >>> [p.shape for p in sample_photos()]
    [(427, 640), (427, 640)]
    """
    return [p.copy() for p in _photos()]


def image_patches(n_patches, *, size=12, images=None, downsample=1, log_luminance=True, remove_mean=True, rng=None) -> xr.DataArray:
    """Square patches cut at random positions from natural photographs.

    Parameters
    ----------
    n_patches : int
        Number of patches.
    size : int
        Side of a patch in pixels.
    images : sequence of 2-D arrays or None
        Grayscale images to cut from (default: :func:`sample_photos`). Each
        must be larger than ``size`` on both sides and finite.
    downsample : int
        Block-average each image by this factor first (2 halves the
        resolution, which removes the 8 × 8 JPEG block edges of the sample
        photographs and the camera's blur).
    log_luminance : bool
        Take the logarithm of luminance first (as van Hateren & van der Schaaf
        1998 did), which makes contrast, not absolute intensity, the signal.
        Requires positive images (a floor of 1/255 is added).
    remove_mean : bool
        Subtract each patch's mean (its DC component).
    rng : None, int, SeedSequence or Generator
        Stream for the image and the position of each patch.

    Returns
    -------
    xarray.DataArray
        Dims (pattern, y, x), luminance (or log luminance) in units "1",
        coords ``image`` (which image) and ``y0``, ``x0`` (top-left pixel) on ``pattern``.

    Examples
    --------
    >>> p = image_patches(100, size=8, rng=0)
    >>> p.shape, p.dims
    ((100, 8, 8), ('pattern', 'y', 'x'))

    References
    ----------
    van Hateren, J. H. & van der Schaaf, A. (1998). Independent component
    filters of natural images compared with simple cells in primary visual
    cortex. Proc. R. Soc. Lond. B 265, 359–366.
    """
    n_patches = check_int("n_patches", n_patches, low=1)
    size = check_int("size", size, low=2)
    downsample = check_int("downsample", downsample, low=1, high=16)
    if images is None:
        imgs = list(_photos())
    else:
        if isinstance(images, np.ndarray) and images.ndim == 2:
            images = [images]
        imgs = [check_array(f"images[{i}]", im, ndim=2) for i, im in enumerate(images)]
        if not imgs:
            raise ValidationError("images must hold at least one image")
    if downsample > 1:
        imgs = [im[: im.shape[0] // downsample * downsample, : im.shape[1] // downsample * downsample]
                .reshape(im.shape[0] // downsample, downsample, im.shape[1] // downsample, downsample).mean(axis=(1, 3))
                for im in imgs]
    for i, im in enumerate(imgs):
        if im.shape[0] <= size or im.shape[1] <= size:
            raise ValidationError(f"images[{i}] must be larger than size={size} on both sides; got shape {im.shape}")
        if log_luminance and im.min() < 0:
            raise ValidationError(f"images[{i}] must be >= 0 for log_luminance=True; got minimum {im.min():g}")
    gen = as_generator(rng)
    which = gen.integers(0, len(imgs), size=n_patches)
    out = np.empty((n_patches, size, size))
    y0 = np.empty(n_patches, int)
    x0 = np.empty(n_patches, int)
    off = np.arange(size)
    for i, im in enumerate(imgs):  # a handful of images, vectorised over patches
        idx = np.flatnonzero(which == i)
        ys = gen.integers(0, im.shape[0] - size + 1, size=idx.size)
        xs = gen.integers(0, im.shape[1] - size + 1, size=idx.size)
        src = np.log(im + 1.0 / 255.0) if log_luminance else im
        out[idx] = src[(ys[:, None] + off)[:, :, None], (xs[:, None] + off)[:, None, :]]
        y0[idx], x0[idx] = ys, xs
    if remove_mean:
        out -= out.mean(axis=(1, 2), keepdims=True)
    return xr.DataArray(
        out,
        dims=("pattern", "y", "x"),
        coords={"pattern": np.arange(n_patches), "image": ("pattern", which), "y0": ("pattern", y0),
                "x0": ("pattern", x0)},
        attrs={"units": "1", "long_name": "log luminance" if log_luminance else "luminance"},
    )
