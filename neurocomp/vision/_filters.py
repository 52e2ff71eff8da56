"""Filter banks and batched filtering shared by the ventral-stream models (internal).

:func:`gabor` builds one Gabor receptive field; :func:`filter_bank_fft` correlates
a batch of images with a whole bank of filters at once in the Fourier domain
(one forward FFT per image, one product and one inverse FFT per image and
filter, all as single numpy calls), and :func:`box_sums` gives the sum of any
function of the pixels over every k × k window from a summed-area table.
Both reproduce ``scipy.signal.convolve2d(image, kernel[::-1, ::-1], mode="same")``
(zero padding) to rounding.
"""

from __future__ import annotations

import numpy as np
import scipy.fft


def gabor(size: int, *, wavelength: float, sigma: float, theta: float, gamma: float = 1.0,
          phase: float = 0.0, circular: bool = False, normalize: bool = True) -> np.ndarray:
    """A ``size`` × ``size`` Gabor filter (rows are y, downwards; columns x).

    .. math:: G(x, y) = \\exp\\!\\left(-\\frac{X^2 + \\gamma^2 Y^2}{2\\sigma^2}\\right)
              \\cos\\!\\left(\\frac{2\\pi X}{\\lambda} + \\phi\\right),\\quad
              X = x\\cos\\theta + y\\sin\\theta,\\; Y = -x\\sin\\theta + y\\cos\\theta

    ``theta`` (rad) is the direction of the carrier's wave vector: a grating
    whose luminance varies along ``theta`` (its bars lie at ``theta + 90°``)
    drives the filter best. With ``circular`` the filter is zero outside the
    inscribed disk (Serre et al. 2007); with ``normalize`` it has zero mean and
    unit Euclidean norm.
    """
    r = (size - 1) / 2.0
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    X = x * np.cos(theta) + y * np.sin(theta)
    Y = -x * np.sin(theta) + y * np.cos(theta)
    g = np.exp(-(X**2 + gamma**2 * Y**2) / (2.0 * sigma**2)) * np.cos(2.0 * np.pi * X / wavelength + phase)
    inside = np.ones_like(g, dtype=bool)
    if circular:
        inside = np.sqrt(x**2 + y**2) <= size / 2.0
        g = np.where(inside, g, 0.0)
    if normalize:
        g = np.where(inside, g - g[inside].mean(), 0.0)
        g /= np.linalg.norm(g)
    return g


def embed(filters: list[np.ndarray]) -> np.ndarray:
    """Centre odd-sized square filters in one (n_filters, s, s) array, s the largest side."""
    s = max(f.shape[0] for f in filters)
    out = np.zeros((len(filters), s, s))
    for i, f in enumerate(filters):
        o = (s - f.shape[0]) // 2
        out[i, o:o + f.shape[0], o:o + f.shape[1]] = f
    return out


class FFTBank:
    """A bank of (n_filters, s, s) filters (s odd) ready to correlate with H × W images.

    ``bank(images)`` returns (n_images, n_filters, H, W): the 'same'-size
    correlation with zero padding, i.e. ``convolve2d(image, f[::-1, ::-1], "same")``
    for every image and filter.
    """

    def __init__(self, filters: np.ndarray, image_shape: tuple[int, int]):
        self.n_filters, s, s2 = filters.shape
        assert s == s2 and s % 2 == 1
        self.size = s
        H, W = image_shape
        self.image_shape = (H, W)
        self.shape = (scipy.fft.next_fast_len(H + s - 1, real=True), scipy.fft.next_fast_len(W + s - 1, real=True))
        # convolution with the flipped filter = correlation with the filter
        self.spectra = scipy.fft.rfft2(filters[:, ::-1, ::-1], s=self.shape)

    #: Images transformed together: keeps the (chunk, n_filters, fft shape) product in cache-sized pieces.
    chunk = 8

    def __call__(self, images: np.ndarray, workers: int | None = None) -> np.ndarray:
        H, W = self.image_shape
        p = self.size // 2
        out = np.empty((images.shape[0], self.n_filters, H, W))
        for i in range(0, images.shape[0], self.chunk):
            spec = scipy.fft.rfft2(images[i:i + self.chunk], s=self.shape, workers=workers)
            full = scipy.fft.irfft2(spec[:, None] * self.spectra[None], s=self.shape, workers=workers)
            out[i:i + self.chunk] = full[:, :, p:p + H, p:p + W]
        return out


def box_sums(values: np.ndarray, size: int) -> np.ndarray:
    """Sum over the ``size`` × ``size`` window centred on every pixel (zero padding), for (..., H, W).

    Equals ``convolve2d(v, ones((size, size)), "same")``; computed from a
    summed-area table (two cumulative sums), O(H W) whatever the size.
    """
    p = size // 2
    H, W = values.shape[-2:]
    pad = [(0, 0)] * (values.ndim - 2) + [(p + 1, p), (p + 1, p)]
    c = np.pad(values, pad).cumsum(-2).cumsum(-1)
    return c[..., size:size + H, size:size + W] - c[..., :H, size:size + W] - c[..., size:size + H, :W] + c[..., :H, :W]
