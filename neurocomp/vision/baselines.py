"""Baselines of the ventral-stream family: raw pixels and a V1-like Gabor model (Pinto et al. 2008).

Yamins et al. (2014) scored a family of models against IT; the two simplest are
the pixels themselves and a V1-like model, a bank of Gabor filters at several
scales and orientations whose rectified outputs are locally normalised and
pooled. Pinto, Cox & DiCarlo (2008) showed that such a V1-like model is a
surprisingly strong baseline on "natural" image sets that lack real object
variation.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_int, check_nonnegative, check_positive
from neurocomp.vision._base import VisionModel, check_images
from neurocomp.vision._filters import FFTBank, box_sums, embed, gabor

__all__ = ["Pixels", "V1Like", "gabor_sigma"]


class Pixels(VisionModel):
    """The images' pixels as features: the baseline every model must beat.

    Layers: ``pixels`` (one unit per pixel, row-major). Nothing is learned;
    :meth:`fit` only returns ``self``.

    Examples
    --------
    >>> import numpy as np
    >>> Pixels().activations(np.zeros((3, 4, 5))).shape
    (3, 20)
    """

    LAYERS = ("pixels",)

    def fit(self, images=None, y=None):
        """Nothing to learn; returns ``self``."""
        return self

    def _check_input(self, images):
        return check_images(images)

    def _forward(self, batch, layers):
        return {"pixels": batch}


def gabor_sigma(wavelength, bandwidth: float = 1.0):
    """Envelope s.d. (px) of a Gabor of the given wavelength and spatial-frequency bandwidth (octaves).

    .. math:: \\sigma = \\frac{\\lambda}{\\pi}\\sqrt{\\frac{\\ln 2}{2}}\\,\\frac{2^b + 1}{2^b - 1}

    (0.56 λ for one octave).

    Parameters
    ----------
    wavelength : float or array_like
        Wavelength λ in px.
    bandwidth : float, default 1.0
        Spatial-frequency bandwidth b in octaves.

    Returns
    -------
    numpy.ndarray or float
        The envelope s.d. σ in px, of ``wavelength``'s shape.

    Examples
    --------
    >>> round(float(gabor_sigma(10.0)), 2)
    5.62
    """
    return np.asarray(wavelength, float) / np.pi * np.sqrt(np.log(2) / 2) * (2**bandwidth + 1) / (2**bandwidth - 1)


class V1Like(VisionModel):
    """V1-like model: Gabor bank, rectification, local divisive normalisation, pooling (Pinto et al. 2008).

    Parameters
    ----------
    n_orientations : int, default 16
        Carrier orientations ``k * 180° / n_orientations``.
    wavelengths : sequence of float, default (3, 4, 6, 11)
        Carrier wavelengths in pixels (spatial frequencies 1/3 … 1/11 cycle/pixel,
        four of Pinto et al.'s six).
    bandwidth : float, default 1.0
        Spatial-frequency bandwidth in octaves; sets each filter's envelope
        (:func:`gabor_sigma`, 0.56 λ) and its side (odd, ``2 ceil(2.5 σ) + 1``).
    norm_size : int, default 3
        Side of the spatial neighbourhood of the divisive normalisation.
    norm_threshold : float, default 1.0
        The normalising norm is never below this (weak inputs are not amplified).
    pool_size, pool_stride : int, default 5, 4
        Side of the boxcar low-pass filter and the spacing of the pooled units (px).

    Notes
    -----
    For an image :math:`I` and filter :math:`g_k` (zero mean, unit norm):

    1. ``gabor``: :math:`s_k = \\max(0, g_k \\star I)` ('same' size, zero padding);
    2. ``normalized``: :math:`n_k = (s_k - \\mu) / \\max(\\lVert s - \\mu\\rVert, \\tau)`,
       with the mean :math:`\\mu` and norm taken over the ``norm_size`` ×
       ``norm_size`` neighbourhood and all filters;
    3. ``pooled``: the boxcar mean of :math:`n_k` over ``pool_size`` × ``pool_size``
       windows, every ``pool_stride`` pixels.

    Unlike Pinto et al., the input is not contrast-normalised first and the
    filter size scales with the wavelength (their 43 × 43 filters suit 150-px images).
    Units are numbered channel-major: channel ``c`` is wavelength
    ``c // n_orientations``, orientation ``c % n_orientations``
    (:attr:`channel_wavelength`, :attr:`channel_orientation`).

    References
    ----------
    Pinto, Cox & DiCarlo (2008), Why is real-world visual object recognition hard? PLoS Comput. Biol. 4, e27.
    Yamins et al. (2014), PNAS 111, 8619-8624.

    Examples
    --------
    >>> import numpy as np
    >>> m = V1Like(n_orientations=4, wavelengths=(4.0,))
    >>> a = m.activations(np.random.default_rng(0).random((2, 16, 16)), layers="pooled")
    >>> a.shape, a.attrs["model"]
    ((2, 36), 'V1Like')
    """

    LAYERS = ("gabor", "normalized", "pooled")

    def __init__(self, *, n_orientations: int = 16, wavelengths=(3.0, 4.0, 6.0, 11.0), bandwidth: float = 1.0,
                 norm_size: int = 3, norm_threshold: float = 1.0, pool_size: int = 5, pool_stride: int = 4):
        self.n_orientations = n_orientations
        self.wavelengths = wavelengths
        self.bandwidth = bandwidth
        self.norm_size = norm_size
        self.norm_threshold = norm_threshold
        self.pool_size = pool_size
        self.pool_stride = pool_stride

    def fit(self, images=None, y=None):
        """Nothing to learn; checks the parameters and returns ``self``."""
        self._check_params()
        return self

    def _check_params(self):
        check_int("n_orientations", self.n_orientations, low=1, high=64)
        wl = np.atleast_1d(np.asarray(self.wavelengths, float))
        if wl.ndim != 1 or wl.size == 0 or not np.all(np.isfinite(wl)) or np.any(wl < 2):
            raise ValidationError(f"wavelengths must be a non-empty sequence of numbers >= 2 px (Nyquist); got {self.wavelengths!r}")
        check_positive("bandwidth", self.bandwidth)
        for name in ("norm_size", "pool_size"):
            v = check_int(name, getattr(self, name), low=1)
            if v % 2 == 0:
                raise ValidationError(f"{name} must be odd (a window centred on a pixel); got {v}")
        check_int("pool_stride", self.pool_stride, low=1)
        check_nonnegative("norm_threshold", self.norm_threshold)
        return wl

    @property
    def channel_orientation(self) -> np.ndarray:
        """Carrier orientation (rad) of each channel, shape (n_channels,)."""
        wl = self._check_params()
        return np.tile(np.arange(self.n_orientations) * np.pi / self.n_orientations, wl.size)

    @property
    def channel_wavelength(self) -> np.ndarray:
        """Carrier wavelength (px) of each channel, shape (n_channels,)."""
        wl = self._check_params()
        return np.repeat(wl, self.n_orientations)

    def filter_list(self) -> list[np.ndarray]:
        """The Gabor bank, one (s, s) array per channel at its own size, zero-mean and unit-norm."""
        out = []
        for lam, th in zip(self.channel_wavelength, self.channel_orientation):
            sigma = float(gabor_sigma(lam, self.bandwidth))
            size = 2 * int(np.ceil(2.5 * sigma)) + 1
            out.append(gabor(size, wavelength=lam, sigma=sigma, theta=th))
        return out

    def filters(self) -> np.ndarray:
        """The Gabor bank, (n_channels, s, s): :meth:`filter_list` centred in the largest side."""
        return embed(self.filter_list())

    def _check_input(self, images):
        self._check_params()
        arr = check_images(images, min_size=self.pool_size, why=f" (the pooling window, pool_size={self.pool_size})")
        key = (arr.shape[1:],) + tuple(sorted(self.get_params().items()))
        if getattr(self, "_bank_key", None) != key:
            self._bank = FFTBank(self.filters(), arr.shape[1:])
            self._bank_key = key
        return arr

    def _forward(self, batch, layers):
        out = {}
        s = np.maximum(self._bank(batch), 0.0)  # (B, K, H, W)
        out["gabor"] = s
        if layers == ["gabor"]:
            return out
        k = self.norm_size
        K = s.shape[1]
        count = k * k * K
        total = box_sums(s.sum(1), k)
        mean = total / count
        sq = box_sums((s * s).sum(1), k)
        var_sum = np.maximum(sq - total * mean, 0.0)  # sum over the neighbourhood of (s - mean)^2
        n = (s - mean[:, None]) / np.maximum(np.sqrt(var_sum), self.norm_threshold)[:, None]
        out["normalized"] = n
        if "pooled" in layers:
            p, st = self.pool_size, self.pool_stride
            H, W = n.shape[-2:]
            pooled = box_sums(n, p)[..., p // 2:H - p // 2:st, p // 2:W - p // 2:st] / (p * p)
            out["pooled"] = pooled
        return out
