"""HMAX: the standard model of object recognition in cortex (Riesenhuber & Poggio 1999; Serre et al. 2007).

Four stages alternate template matching and MAX pooling, the Hubel–Wiesel
simple/complex-cell scheme of the Neocognitron taken up to IT:

* **S1** — Gabor filters at 16 sizes (7 to 37 px) and 4 orientations, with the
  parameters of Serre et al. (2007)'s table (:data:`S1_TABLE`); the response is
  the absolute normalised dot product :math:`|\\langle g, x\\rangle| / \\lVert x\\rVert`
  of the filter with the image patch under it.
* **C1** — MAX over the two sizes of each of 8 scale bands and over a grid of
  positions (window :math:`N_\\Sigma` = 8 … 22 px, step :math:`\\Delta_S` = 4 … 11 px):
  tolerance to position and scale.
* **S2** — Gaussian radial-basis tuning to prototype C1 patches (all four
  orientations, n × n positions) sampled from the C1 maps of training images:
  :math:`\\exp(-\\lVert X - P\\rVert^2 / (2\\sigma^2 d))` with ``d`` the patch's number of values.
* **C2** — the global MAX of each prototype's S2 map over positions and bands:
  a position- and scale-tolerant feature vector.

Everything is vectorised: S1 is one batched FFT correlation of all images with
all 64 filters; C1 and S2 are strided window views and matrix products.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from neurocomp._validation import ValidationError, check_int, check_positive
from neurocomp.random import as_generator
from neurocomp.vision._base import VisionModel, check_images
from neurocomp.vision._filters import FFTBank, box_sums, embed, gabor

__all__ = ["HMAX", "S1_TABLE", "C1_TABLE", "s1_filters", "s1_layer", "c1_layer"]

#: Serre et al. (2007), Table 1: S1 filter side (px), Gaussian s.d. σ (px) and wavelength λ (px).
S1_TABLE = np.array([
    (7, 2.8, 3.5), (9, 3.6, 4.6),
    (11, 4.5, 5.6), (13, 5.4, 6.8),
    (15, 6.3, 7.9), (17, 7.3, 9.1),
    (19, 8.2, 10.3), (21, 9.2, 11.5),
    (23, 10.2, 12.7), (25, 11.3, 14.1),
    (27, 12.3, 15.4), (29, 13.4, 16.8),
    (31, 14.6, 18.2), (33, 15.8, 19.7),
    (35, 17.0, 21.2), (37, 18.2, 22.8),
])
#: Serre et al. (2007), Table 1: C1 pooling grid N_Σ (px) and step ΔS (px) of each of the 8 scale bands
#: (band b pools S1 sizes 2b and 2b + 1 of :data:`S1_TABLE`).
C1_TABLE = np.array([(8, 4), (10, 5), (12, 6), (14, 7), (16, 8), (18, 9), (20, 10), (22, 11)])
#: Aspect ratio γ of the S1 Gabors.
GAMMA = 0.3
#: Image patches with a norm below this (grey levels) count as blank: S1 is 0 there (a 7 x 7 patch
#: of uniform grey 0.0015 is at the floor; below it the normalised dot product is rounding noise).
NORM_FLOOR = 1e-2


def s1_filters(n_bands: int = 8, n_orientations: int = 4, gamma: float = GAMMA) -> np.ndarray:
    """The S1 bank as a list-like array (2 n_bands, n_orientations) of filters, each of its own side.

    Returns an object array ``bank[size, orientation]`` of square float arrays
    (zero mean, unit norm, zero outside the inscribed disk), orientations
    ``k * 180° / n_orientations``.

    Parameters
    ----------
    n_bands : int, default 8
        Scale bands; the bank holds the first ``2 * n_bands`` sizes of :data:`S1_TABLE`.
    n_orientations : int, default 4
        Orientations, evenly spaced over 180°.
    gamma : float, default 0.3
        Aspect ratio of the Gabors.

    Returns
    -------
    numpy.ndarray of object, shape (2 * n_bands, n_orientations)
        Each element a square float array (side in px from :data:`S1_TABLE`).

    References
    ----------
    .. [1] Serre, T., Oliva, A. & Poggio, T. (2007). A feedforward architecture accounts for
       rapid categorization. PNAS 104, 6424-6429.

    Examples
    --------
    >>> bank = s1_filters(1, 4)                     # the two smallest sizes, 4 orientations
    >>> bank.shape, [f.shape for f in bank[:, 0]]
    ((2, 4), [(7, 7), (9, 9)])
    """
    bank = np.empty((2 * n_bands, n_orientations), dtype=object)
    for i, (size, sigma, lam) in enumerate(S1_TABLE[: 2 * n_bands]):
        for j in range(n_orientations):
            bank[i, j] = gabor(int(size), wavelength=lam, sigma=sigma, theta=j * np.pi / n_orientations,
                               gamma=gamma, circular=True)
    return bank


def s1_layer(images: np.ndarray, bank: FFTBank, sizes: np.ndarray) -> np.ndarray:
    """S1 maps (n, n_sizes, n_orientations, H, W) of images (n, H, W) from an :class:`FFTBank` of the S1 filters.

    Parameters
    ----------
    images : numpy.ndarray of shape (n, H, W)
        Grey-level images.
    bank : FFTBank
        The S1 filters (from :func:`s1_filters`) prepared for FFT convolution, sizes in the
        order of ``sizes``.
    sizes : numpy.ndarray of int
        Side (px) of each filter size in the bank; the image patch norm is taken over the same
        square.

    Returns
    -------
    numpy.ndarray of shape (n, n_sizes, n_orientations, H, W)
        |filter · patch| / ‖patch‖ (dimensionless, ≤ 1); 0 where the patch norm is below
        :data:`NORM_FLOOR`.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.vision._filters import FFTBank, embed
    >>> bank = s1_filters(1, 4)
    >>> fft = FFTBank(embed(list(bank.ravel())), (32, 32))
    >>> s1 = s1_layer(np.random.default_rng(0).random((2, 32, 32)), fft, S1_TABLE[:2, 0].astype(int))
    >>> s1.shape, bool(s1.max() <= 1)
    ((2, 2, 4, 32, 32), True)
    """
    n, H, W = images.shape
    n_sizes = len(sizes)
    dots = np.abs(bank(images)).reshape(n, n_sizes, -1, H, W)
    sq = images * images
    norms = np.stack([np.sqrt(np.maximum(box_sums(sq, int(s)), 0.0)) for s in sizes], axis=1)  # (n, n_sizes, H, W)
    out = dots / np.maximum(norms, NORM_FLOOR)[:, :, None]
    return np.where(norms[:, :, None] > NORM_FLOOR, out, 0.0)


def c1_layer(s1: np.ndarray, n_bands: int) -> list[np.ndarray]:
    """C1 maps per band: MAX over the band's 2 sizes, then over N_Σ × N_Σ windows every ΔS px.

    Returns a list of ``n_bands`` arrays (n, n_orientations, ny_b, nx_b).

    Parameters
    ----------
    s1 : numpy.ndarray of shape (n, 2 * n_bands, n_orientations, H, W)
        S1 maps from :func:`s1_layer`.
    n_bands : int
        Number of bands to pool (each pools two consecutive S1 sizes; grid and step from
        :data:`C1_TABLE`).

    Returns
    -------
    list of numpy.ndarray
        One array (n, n_orientations, ny_b, nx_b) per band.

    Examples
    --------
    >>> import numpy as np
    >>> s1 = np.random.default_rng(0).random((2, 2, 4, 32, 32))   # (n, 2 sizes, orientations, H, W)
    >>> [c.shape for c in c1_layer(s1, 1)]                         # band 1: 8 px windows every 4 px
    [(2, 4, 7, 7)]
    """
    out = []
    for b in range(n_bands):
        grid, step = (int(v) for v in C1_TABLE[b])
        m = np.maximum(s1[:, 2 * b], s1[:, 2 * b + 1])  # (n, O, H, W)
        win = sliding_window_view(m, (grid, grid), axis=(2, 3))[:, :, ::step, ::step]
        out.append(win.max(axis=(-2, -1)))
    return out


class HMAX(VisionModel):
    """HMAX (Riesenhuber & Poggio 1999) with the parameters of Serre et al. (2007).

    Parameters
    ----------
    n_bands : int, default 8
        C1 scale bands (1 to 8), each pooling two S1 sizes of :data:`S1_TABLE`;
        images must be at least as large as the widest C1 window used
        (22 px for 8 bands).
    n_orientations : int, default 4
        S1 orientations (Serre et al.: 0°, 45°, 90°, 135°).
    gamma : float, default 0.3
        Aspect ratio of the S1 Gabors.
    patch_sizes : sequence of int, default (2, 4)
        Sides (in C1 units) of the S2 prototypes (Serre et al. used 4, 8, 12
        and 16 on larger images). A prototype is matched in every band whose
        C1 map is at least that wide.
    n_prototypes : int, default 64
        S2 prototypes, shared equally among the patch sizes, each sampled from
        a different training image (:meth:`fit`).
    s2_sigma : float, default 0.1
        Width of the S2 tuning, in C1 units per value.
    rng : None, int, SeedSequence or Generator
        Which images, bands and positions the prototypes come from.

    Attributes
    ----------
    prototypes_ : list of arrays (n_k, n_orientations, n, n)
        One array per patch size.
    prototype_band_ : list of int arrays
        The band each prototype was taken from.
    image_shape_ : (H, W)

    Notes
    -----
    Layers, numbered channel-major: ``s1`` (size, orientation, y, x) at full
    image resolution; ``c1`` the bands one after another (orientation, y, x);
    ``s2`` for each patch size, band and prototype the map over positions;
    ``c2`` one unit per prototype (patch sizes in order).

    References
    ----------
    Riesenhuber & Poggio (1999), Hierarchical models of object recognition in cortex. Nat. Neurosci. 2, 1019-1025.
    Serre, Wolf, Bileschi, Riesenhuber & Poggio (2007), Robust object recognition with cortex-like
    mechanisms. IEEE PAMI 29, 411-426 (Table 1).

    Examples
    --------
    >>> import numpy as np
    >>> images = np.random.default_rng(0).random((6, 32, 32))
    >>> model = HMAX(n_prototypes=4, rng=0).fit(images)
    >>> model.activations(images, layers=["c1", "c2"]).sizes["neuroid"]
    472
    """

    LAYERS = ("s1", "c1", "s2", "c2")
    _fitted_attr = "prototypes_"

    def __init__(self, *, n_bands: int = 8, n_orientations: int = 4, gamma: float = GAMMA, patch_sizes=(2, 4),
                 n_prototypes: int = 64, s2_sigma: float = 0.1, rng=None):
        self.n_bands = n_bands
        self.n_orientations = n_orientations
        self.gamma = gamma
        self.patch_sizes = patch_sizes
        self.n_prototypes = n_prototypes
        self.s2_sigma = s2_sigma
        self.rng = rng

    # ----------------------------------------------------------------- checks
    def _check_params(self):
        check_int("n_bands", self.n_bands, low=1, high=len(C1_TABLE))
        check_int("n_orientations", self.n_orientations, low=1, high=16)
        check_positive("gamma", self.gamma)
        check_positive("s2_sigma", self.s2_sigma)
        sizes = [self.patch_sizes] if np.isscalar(self.patch_sizes) else list(self.patch_sizes)
        if not sizes:
            raise ValidationError("patch_sizes must hold at least one prototype side; got none")
        sizes = [check_int(f"patch_sizes[{i}]", s, low=1) for i, s in enumerate(sizes)]
        n = check_int("n_prototypes", self.n_prototypes, low=len(sizes))
        return sizes, n

    @property
    def min_image_size(self) -> int:
        """Smallest image side: the widest C1 pooling window of the bands used."""
        return int(C1_TABLE[check_int("n_bands", self.n_bands, low=1, high=len(C1_TABLE)) - 1, 0])

    def _check_input(self, images, fitting=False):
        self._check_params()
        shape = None if fitting else getattr(self, "image_shape_", None)
        arr = check_images(images, min_size=self.min_image_size, shape=shape,
                           why=f" for HMAX's {self.n_bands} C1 bands (pooling windows up to {self.min_image_size} px)")
        key = (arr.shape[1:], self.n_bands, self.n_orientations, float(self.gamma))
        if getattr(self, "_bank_key", None) != key:
            bank = s1_filters(self.n_bands, self.n_orientations, self.gamma)
            self._bank = FFTBank(embed(list(bank.ravel())), arr.shape[1:])
            self._bank_key = key
        return arr

    def c1_shapes(self, image_shape) -> list[tuple[int, int]]:
        """(ny, nx) of each band's C1 map for images of ``image_shape``."""
        H, W = image_shape
        return [((H - g) // s + 1, (W - g) // s + 1) for g, s in C1_TABLE[: self.n_bands]]

    # ----------------------------------------------------------------- stages
    def s1_c1(self, images):
        """S1 and C1 of ``images`` (n, H, W); needs no fitting (nothing below S2 is learned).

        Returns
        -------
        s1 : ndarray (n, 2 n_bands, n_orientations, H, W)
            Sizes in the order of :data:`S1_TABLE`.
        c1 : list of n_bands ndarrays (n, n_orientations, ny_b, nx_b)
        """
        arr = self._check_input(images, fitting=True)
        return self._c1(arr)

    def _c1(self, batch):
        s1 = s1_layer(batch, self._bank, S1_TABLE[: 2 * self.n_bands, 0])
        return s1, c1_layer(s1, self.n_bands)

    def fit(self, images, y=None):
        """Sample the S2 prototypes from the C1 maps of ``images`` (n, H, W); ``y`` is ignored.

        Each prototype comes from a different image (so ``images`` must hold at
        least ``n_prototypes``), a band drawn uniformly among those whose C1 map
        fits the patch, and a uniform position.

        Returns
        -------
        self
        """
        sizes, n_proto = self._check_params()
        arr = self._check_input(images, fitting=True)
        if arr.shape[0] < n_proto:
            raise ValidationError(
                f"images must hold at least n_prototypes ({n_proto}) images to sample each S2 prototype from a "
                f"different one; got {arr.shape[0]}: pass more images or lower n_prototypes"
            )
        shapes = self.c1_shapes(arr.shape[1:])
        fits = {p: [b for b, (ny, nx) in enumerate(shapes) if min(ny, nx) >= p] for p in sizes}
        bad = [p for p in sizes if not fits[p]]
        if bad:
            raise ValidationError(
                f"patch_sizes {bad} do not fit in any C1 map of {arr.shape[1]} x {arr.shape[2]} images "
                f"(C1 maps are {shapes}); use smaller patch_sizes or larger images"
            )
        gen = as_generator(self.rng)
        counts = np.full(len(sizes), n_proto // len(sizes))
        counts[: n_proto % len(sizes)] += 1
        which = gen.choice(arr.shape[0], size=n_proto, replace=False)
        c1 = self._c1(arr[np.sort(which)])[1]
        pos = np.empty(n_proto, int)
        pos[np.argsort(which)] = np.arange(n_proto)  # row of each drawn image in c1 (computed in sorted order)
        self.prototypes_, self.prototype_band_ = [], []
        start = 0
        for p, k in zip(sizes, counts):
            protos = np.empty((k, self.n_orientations, p, p))
            bands = gen.choice(fits[p], size=k)
            for j in range(k):
                b = int(bands[j])
                ny, nx = shapes[b]
                y0, x0 = gen.integers(ny - p + 1), gen.integers(nx - p + 1)
                protos[j] = c1[b][pos[start + j], :, y0:y0 + p, x0:x0 + p]
            self.prototypes_.append(protos)
            self.prototype_band_.append(bands.astype(int))
            start += k
        self.image_shape_ = tuple(arr.shape[1:])
        return self

    def _s2(self, c1):
        """S2 maps per patch size and band: list over sizes of list over bands of (n, K, ny', nx') (None if too small)."""
        out = []
        for protos in self.prototypes_:
            k, O, p, _ = protos.shape
            d = O * p * p
            P = protos.reshape(k, d)
            pp = (P * P).sum(1)
            per_band = []
            for m in c1:
                n, _, ny, nx = m.shape
                if min(ny, nx) < p:
                    per_band.append(None)
                    continue
                win = sliding_window_view(m, (p, p), axis=(2, 3))  # n, O, ny', nx', p, p
                X = win.transpose(0, 2, 3, 1, 4, 5).reshape(n, ny - p + 1, nx - p + 1, d)
                dist = (X * X).sum(-1)[..., None] - 2.0 * X @ P.T + pp
                r = np.exp(-np.maximum(dist, 0.0) / (2.0 * self.s2_sigma**2 * d))
                per_band.append(r.transpose(0, 3, 1, 2))
            out.append(per_band)
        return out

    def _forward(self, batch, layers):
        s1, c1 = self._c1(batch)
        n = batch.shape[0]
        out = {}
        if "s1" in layers:
            out["s1"] = s1
        if "c1" in layers:
            out["c1"] = np.concatenate([m.reshape(n, -1) for m in c1], axis=1)
        if "s2" in layers or "c2" in layers:
            s2 = self._s2(c1)
            if "s2" in layers:
                out["s2"] = np.concatenate([r.reshape(n, -1) for per in s2 for r in per if r is not None], axis=1)
            if "c2" in layers:
                out["c2"] = np.concatenate(
                    [np.max([r.max(axis=(2, 3)) for r in per if r is not None], axis=0) for per in s2], axis=1)
        return out
