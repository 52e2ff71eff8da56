"""A simulated ventral stream: V1 simple and complex cells, V4 and IT firing rates.

The model is a hierarchy in the tradition of Hubel & Wiesel (1962), the
Neocognitron (Fukushima 1980) and HMAX (Riesenhuber & Poggio 1999), built
by hand, not trained, so that its areas can be compared with a trained network
(Yamins et al. 2014):

* **V1** — Gabor filters at 8 orientations and 2 spatial frequencies
  (wavelengths 4 and 8 pixels, envelope s.d. 0.35 wavelength, i.e. about
  1.7 octaves of spatial-frequency bandwidth). Simple cells are half-wave
  rectified and squared linear filters (one spatial phase each); complex cells
  are the energy model (Adelson & Bergen 1985), the sum of squares of a
  quadrature pair. Both are divisively normalised (Heeger 1992) by the local
  energy pooled over all orientations: ``R = E / (sigma^2 + pool(E))``.
* **V4** — boundary-fragment units (Pasupathy & Connor 2001). The normalised
  complex-cell maps are max-pooled (2 × 2 pixels, max over both spatial
  frequencies: C1); 40 S2 features are C1 patterns (3 × 3 positions × 8
  orientations, mean-removed) imprinted from synthetic boundary fragments --
  straight edge, gentle and sharp convex arcs, right and acute corners (a
  curvature axis from 0 to 1) at 8 angular positions
  (:func:`~neurocomp.cortex.stimuli.boundary_fragments`) -- each a conjunction
  of orientations. A V4 unit has Gaussian tuning in (curvature, angular
  position) (s.d. 0.2 and 45 deg, their model's form) over these features,
  takes the maximum over an 8 × 8 window of S2 positions (a half-maximum field
  about 5 times V1's, measured by :func:`~neurocomp.cortex.responses.receptive_field_diameter`;
  Gattass et al. 1988 report 4-6×) and an expansive output (power 6: most
  shapes drive a unit at a small fraction of its best).
* **IT** — axis tuning in an object space (Chang & Tsao 2017; Bao et al.
  2020): the fragment features max-pooled over the whole image (HMAX's C2:
  position tolerant) are log-transformed and z-scored; their first 10
  principal components over a reference object set span the object space; each
  unit projects onto an axis drawn with the space's covariance and fires as
  ``exp(u - u_99)`` -- lognormal, sparse, heavy-tailed selectivity (Lehky et
  al. 2011). No unit is given a category: the round vs angular split of the IT
  representational geometry (the analogue of Kriegeskorte et al. 2008's
  animate/inanimate) emerges from the curvature content of the shapes.

V4 and IT rates saturate (``D tanh(d / D)``, D = 120 Hz above baseline).
Every constant above was fixed from the cited physiology and checked on the
simulated responses (``tests/test_cortex_physiology.py``) before any network
was scored against the stream; nothing in the model knows the network it will
be compared with.

Rates are in Hz: ``baseline + gain * normalised response``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.lib.stride_tricks import sliding_window_view

from neurocomp._validation import ValidationError, check_array, check_int, check_positive
from neurocomp.random import as_generator

__all__ = ["REGIONS", "VentralStream", "gabor_bank", "as_images"]

#: Region names, in order along the hierarchy.
REGIONS = ("V1", "V4", "IT")

V1_ORIENTATIONS = np.arange(8) * 22.5  # deg
V1_WAVELENGTHS = np.array([4.0, 8.0])  # pixels
V1_SIGMA_PER_WAVELENGTH = 0.35
NORMALISATION_BLUR = 2.0  # pixels, s.d. of the normalisation pool's spatial extent
S2_PATCH = 3  # C1 positions per side of a V4 feature
V4_WINDOW = 8  # S2 positions per side of a V4 pooling field (measured field ~4-6x V1's)
S2_EXPONENT = 3.0
#: Fragment curvature classes (Pasupathy & Connor 2001's normalised scale: 0 straight, 1 sharpest):
#: (name, curvature, kind, parameter) with kind "edge", "arc" (radius in px) or "corner" (angle in deg).
FRAGMENTS = (("straight", 0.0, "edge", 0.0), ("gentle", 0.25, "arc", 8.0), ("sharp", 0.5, "arc", 3.0),
             ("right corner", 0.75, "corner", 90.0), ("acute corner", 1.0, "corner", 45.0))
FRAGMENT_POSITIONS = np.arange(8) * 45.0  # deg, angular position of the fragment around the object centre
V4_CURVATURE_SD = 0.2  # tuning width on the curvature axis
V4_POSITION_SD = 45.0  # deg, tuning width on the angular-position axis
V4_EXPONENT = 6.0  # expansive output: most shapes drive a V4 unit at < 30% of its best (Pasupathy & Connor 2001)
IT_SPACE_DIM = 10  # principal components of the tolerant descriptor spanning the IT object space
IT_BETA = 1.0  # exponent of the IT nonlinearity: lognormal rates, sparseness ~ exp(-beta^2) ~ 0.37
IT_LOG_FLOOR = 0.01
MAX_DRIVE = 120.0  # Hz above baseline at which firing saturates


def gabor_bank(wavelengths=None, orientations=None, sigma_per_wavelength=V1_SIGMA_PER_WAVELENGTH):
    """Even and odd Gabor kernels, zero mean and unit norm.

    Parameters
    ----------
    wavelengths : array_like of float, optional
        Wavelengths in pixels (default :data:`V1_WAVELENGTHS`, 4 and 8 px).
    orientations : array_like of float, optional
        Preferred orientations in degrees (default :data:`V1_ORIENTATIONS`, 0 to 157.5 in
        steps of 22.5).
    sigma_per_wavelength : float, default 0.35
        Envelope s.d. as a fraction of the wavelength.

    Returns
    -------
    even, odd : numpy.ndarray
        Shape (n_wavelengths, n_orientations, k, k), with k odd and large
        enough for the largest envelope (± 3 s.d.). The preferred orientation
        follows :func:`neurocomp.cortex.stimuli.gratings` (0 deg = luminance
        varying along x).

    Examples
    --------
    >>> even, odd = gabor_bank()                   # 2 wavelengths x 8 orientations
    >>> even.shape, round(float((even[0, 0] ** 2).sum()), 6)
    ((2, 8, 19, 19), 1.0)
    """
    wl = np.asarray(V1_WAVELENGTHS if wavelengths is None else wavelengths, float)
    ori = np.deg2rad(np.asarray(V1_ORIENTATIONS if orientations is None else orientations, float))
    sig = sigma_per_wavelength * wl
    half = int(np.ceil(3 * sig.max()))
    c = np.arange(-half, half + 1, dtype=float)
    yy, xx = np.meshgrid(c, c, indexing="ij")
    u = xx * np.cos(ori)[None, :, None, None] + yy * np.sin(ori)[None, :, None, None]
    env = np.exp(-(xx**2 + yy**2)[None, None] / (2 * sig[:, None, None, None] ** 2))
    phase = 2 * np.pi * u / wl[:, None, None, None]
    even = env * np.cos(phase)
    odd = env * np.sin(phase)
    even -= even.mean(axis=(-2, -1), keepdims=True) * env / env.mean(axis=(-2, -1), keepdims=True)
    for k in (even, odd):
        k /= np.sqrt((k**2).sum(axis=(-2, -1), keepdims=True))
    return even, odd


def as_images(images, *, name: str = "images", stimulus_id=None):
    """Images as a float array (n, H, W) and their stimulus ids.

    ``images`` may be a DataArray with dims ("presentation", "y", "x") (its
    ``stimulus_id`` coord is used when present) or an array of shape (n, H, W).

    Parameters
    ----------
    images : xarray.DataArray or array_like
        Dims ("presentation", "y", "x"), or shape (n, H, W); at least one image.
    name : str, default "images"
        How to name the argument in error messages.
    stimulus_id : array_like of shape (n,), optional
        Unique ids (default: the DataArray's ``stimulus_id`` coord, else ``"stim00000"`` …).

    Returns
    -------
    images : numpy.ndarray of shape (n, H, W)
        The images as floats.
    stimulus_id : numpy.ndarray of str, shape (n,)
        Their ids.

    Examples
    --------
    >>> import numpy as np
    >>> images, ids = as_images(np.zeros((2, 8, 8)))
    >>> images.shape, ids.tolist()
    ((2, 8, 8), ['stim00000', 'stim00001'])
    """
    if isinstance(images, xr.DataArray):
        if images.ndim != 3 or images.dims[0] != "presentation":
            raise ValidationError(
                f"{name} must have dims ('presentation', 'y', 'x'); got {images.dims}"
            )
        if stimulus_id is None and "stimulus_id" in images.coords:
            stimulus_id = images["stimulus_id"].values
        arr = check_array(name, images.values, ndim=3)
    else:
        arr = check_array(name, images, ndim=3)
    n = arr.shape[0]
    if n == 0:
        raise ValidationError(f"{name} must hold at least one image; got shape {arr.shape}")
    if stimulus_id is None:
        stimulus_id = np.array([f"stim{i:05d}" for i in range(n)])
    stimulus_id = np.asarray(stimulus_id).astype(str)
    if stimulus_id.shape != (n,):
        raise ValidationError(f"stimulus_id must have one id per image ({n}); got shape {stimulus_id.shape}")
    if np.unique(stimulus_id).size != n:
        raise ValidationError("stimulus_id must not hold duplicates")
    return arr, stimulus_id


class VentralStream:
    """A fixed (hand-built) V1 → V4 → IT model with sampled neuroids.

    Parameters
    ----------
    n_v1, n_v4, n_it : int
        Number of recorded neuroids per region (V1 half simple, half complex).
    image_size : int
        Side of the square images, in pixels (>= 24); receptive fields are
        placed for this size.
    max_rate : float
        Rate in Hz at each unit's reference response (above baseline).
    baseline_rate : float
        Spontaneous rate in Hz.
    rng : None, int, SeedSequence or Generator
        Builds the model (sampled neuroids, their tuning, the IT reference images).

    Attributes
    ----------
    neuroids : xarray.Dataset
        One row per neuroid (dim "neuroid") with its coords: ``region``,
        ``neuroid_id``, ``cell_type``, ``preferred_orientation`` (deg),
        ``preferred_wavelength`` (px), ``rf_x``, ``rf_y``, ``rf_size`` (px),
        ``preferred_curvature`` and ``preferred_angular_position`` (deg, V4).

    Notes
    -----
    V1 normalisation: ``R = E / (sigma^2 + P)``, with ``P`` the energy averaged
    over orientations (and both phases) at the same wavelength and blurred with
    a Gaussian of s.d. 2 px, ``sigma^2`` one tenth of ``P`` for a full-contrast
    grating. Because ``P`` does not depend on the grating's orientation, a
    simple cell's orientation tuning is that of its Gabor squared: half width
    at half height ``2 arcsin(sqrt(ln 2) / (4 pi sigma f))`` = 21.8 deg for
    ``sigma f = 0.35``.

    Examples
    --------
    >>> from neurocomp.cortex import gratings
    >>> model = VentralStream(n_v1=4, n_v4=4, n_it=4, image_size=24, rng=0)   # about 1 s to build
    >>> rates = model.rates(gratings(size=24))
    >>> rates.dims, rates.shape, rates.attrs["units"], rates.region.values[::4].tolist()
    (('presentation', 'neuroid'), (4, 12), 'Hz', ['V1', 'V4', 'IT'])
    """

    def __init__(
        self,
        *,
        n_v1: int = 200,
        n_v4: int = 200,
        n_it: int = 200,
        image_size: int = 32,
        max_rate: float = 50.0,
        baseline_rate: float = 5.0,
        rng=None,
    ):
        self.n_v1 = check_int("n_v1", n_v1, low=0)
        self.n_v4 = check_int("n_v4", n_v4, low=0)
        self.n_it = check_int("n_it", n_it, low=0)
        if self.n_v1 + self.n_v4 + self.n_it == 0:
            raise ValidationError("n_v1 + n_v4 + n_it must be > 0; got no neuroids at all")
        self.image_size = check_int("image_size", image_size, low=24)
        self.max_rate = check_positive("max_rate", max_rate)
        if baseline_rate < 0:
            raise ValidationError(f"baseline_rate must be >= 0 Hz; got {baseline_rate!r}")
        self.baseline_rate = float(baseline_rate)
        gen = as_generator(rng)
        r_v1, r_feat, r_v4, r_it = gen.spawn(4)
        self._even, self._odd = gabor_bank()
        self._calibrate_v1()
        self._build_v1(r_v1)
        self._build_features(r_feat)
        self._build_v4(r_v4)
        self._build_it(r_it)
        self.neuroids = self._neuroid_table()

    # ------------------------------------------------------------------ V1
    def _v1_maps(self, img):
        """Normalised simple (4 phases) and complex maps.

        img : (n, H, W) in [0, 1]. Returns simple (n, W, O, 4, H, W) and
        complex (n, W, O, H, W) as float32 (W = wavelengths, O = orientations).
        """
        e, o = _filter_pair(img - 0.5, self._even, self._odd)
        energy = e**2 + o**2
        pool = energy.mean(axis=2, keepdims=True)  # over orientations
        pool = _gaussian_blur(pool, NORMALISATION_BLUR)
        denom = self._sigma2[None, :, None, None, None] + pool
        lin = np.stack([e, o, -e, -o], axis=3)
        simple = np.maximum(lin, 0) ** 2 / denom[:, :, :, None]
        complex_ = energy / denom
        return simple, complex_

    def _calibrate_v1(self):
        """sigma^2 and reference responses from a full-contrast grating at each wavelength."""
        from neurocomp.cortex.stimuli import gratings

        size = self.image_size
        self._sigma2 = np.zeros(len(V1_WAVELENGTHS), np.float32)
        g = gratings([0.0], 1.0 / V1_WAVELENGTHS, [0.0, np.pi / 2], [1.0], size=size, aperture=False).values
        e, o = _filter_pair(g - 0.5, self._even, self._odd)
        energy = e**2 + o**2
        c = size // 2
        pool = energy.mean(axis=2)[:, :, c, c]  # (stim, wavelength)
        self._sigma2 = (0.1 * pool.max(axis=0)).astype(np.float32)
        simple, complex_ = self._v1_maps(g)
        # reference: preferred-orientation response at the centre, max over phases/stimuli
        self._ref_simple = simple[:, :, 0, :, c, c].max(axis=(0, 2))  # per wavelength
        self._ref_complex = complex_[:, :, 0, c, c].max(axis=0)

    def _build_v1(self, gen):
        n = self.n_v1
        size = self.image_size
        margin = int(np.ceil(V1_WAVELENGTHS.max() / 2))
        self._v1_type = np.where(np.arange(n) < (n + 1) // 2, "simple", "complex")
        self._v1_w = gen.integers(0, len(V1_WAVELENGTHS), n)
        self._v1_o = gen.integers(0, len(V1_ORIENTATIONS), n)
        self._v1_phase = gen.integers(0, 4, n)
        self._v1_y = gen.integers(margin, size - margin, n)
        self._v1_x = gen.integers(margin, size - margin, n)

    def _v1_rates(self, simple, complex_):
        is_s = self._v1_type == "simple"
        idx = np.arange(self.n_v1)
        out = np.empty((simple.shape[0], self.n_v1), np.float64)
        s = simple[:, self._v1_w[is_s], self._v1_o[is_s], self._v1_phase[is_s], self._v1_y[is_s], self._v1_x[is_s]]
        out[:, idx[is_s]] = s / self._ref_simple[self._v1_w[is_s]]
        cm = ~is_s
        c = complex_[:, self._v1_w[cm], self._v1_o[cm], self._v1_y[cm], self._v1_x[cm]]
        out[:, idx[cm]] = c / self._ref_complex[self._v1_w[cm]]
        return self.baseline_rate + self.max_rate * out

    # ------------------------------------------------------------------ S2 / V4 / IT
    def _c1(self, complex_):
        """Max over wavelengths, then 2 x 2 max pooling: (n, O, H/2, W/2)."""
        m = complex_.max(axis=1)
        n, O, H, W = m.shape
        H2, W2 = H // 2, W // 2
        return m[:, :, : 2 * H2, : 2 * W2].reshape(n, O, H2, 2, W2, 2).max(axis=(3, 5))

    def _patches(self, c1):
        """All 3 x 3 x O patches of C1: (n, P, P, O*9) with P = H/2 - 2."""
        win = sliding_window_view(c1, (S2_PATCH, S2_PATCH), axis=(2, 3))  # n,O,P,P,3,3
        n, O, P1, P2, _, _ = win.shape
        return win.transpose(0, 2, 3, 1, 4, 5).reshape(n, P1, P2, O * S2_PATCH * S2_PATCH)

    def _s2(self, c1):
        """Tuned responses of the S2 features at every position: (n, P, P, n_features)."""
        patches = self._patches(c1)
        patches = patches - patches.mean(-1, keepdims=True)  # the pattern across orientations and positions
        norm = np.sqrt((patches**2).sum(-1, keepdims=True))
        dots = patches @ self._protos.T  # prototypes are centred and unit norm
        s = np.maximum(dots, 0) / (norm + self._s2_k)
        return s**S2_EXPONENT

    def _build_features(self, gen):
        """S2 features: C1 patches imprinted from synthetic boundary fragments (no random images).

        One feature per curvature class x angular position (Pasupathy & Connor
        2001): straight edge, gentle and sharp convex arcs, right-angle and acute
        corners, each at 8 angular positions around the object's centre.
        """
        from neurocomp.cortex.stimuli import boundary_fragments

        imgs = boundary_fragments(size=self.image_size)
        _, cx = self._v1_maps(imgs.values)
        c1 = self._c1(cx)
        patches = self._patches(c1)
        P = patches.shape[1]
        centre = P // 2 - 1  # the patch covering the image centre
        protos = patches[:, centre, centre].astype(np.float64)
        protos -= protos.mean(-1, keepdims=True)
        self._protos = (protos / np.linalg.norm(protos, axis=1, keepdims=True)).astype(np.float32)
        self._frag_curvature = imgs["curvature"].values
        self._frag_position = imgs["angular_position"].values
        flat = patches.reshape(-1, patches.shape[-1])
        flat = flat - flat.mean(-1, keepdims=True)
        self._s2_k = np.float32(np.median(np.linalg.norm(flat, axis=1)))
        self._s2_size = P
        self.n_features = protos.shape[0]
        self._frag_images = imgs

    def _build_v4(self, gen):
        """V4 units: Gaussian tuning in (curvature, angular position), max over a field ~4.5x V1's."""
        n = self.n_v4
        P = self._s2_size
        w = min(V4_WINDOW, P)
        self._v4_curv = gen.uniform(0.0, 1.0, n)
        self._v4_pos = gen.uniform(0.0, 360.0, n)
        dk = (self._frag_curvature[None, :] - self._v4_curv[:, None]) / V4_CURVATURE_SD
        dphi = ((self._frag_position[None, :] - self._v4_pos[:, None] + 180.0) % 360.0 - 180.0) / V4_POSITION_SD
        wts = np.exp(-0.5 * (dk**2 + dphi**2))
        self._v4_weights = (wts / wts.sum(1, keepdims=True)).astype(np.float32)  # (n_v4, n_features)
        self._v4_y0 = gen.integers(0, P - w + 1, n)
        self._v4_x0 = gen.integers(0, P - w + 1, n)
        self._v4_w = w
        # reference: each unit's strongest response to the fragment set (its own best stimulus)
        if n:
            _, cx = self._v1_maps(self._frag_images.values)
            s2 = self._s2(self._c1(cx))
            self._v4_ref = np.maximum(self._v4_raw(s2).max(axis=0), 1e-6)
        else:
            self._v4_ref = np.zeros(0)

    def _v4_raw(self, s2):
        """Tuned sum of fragment maps, maxed over each unit's field: (n_images, n_v4)."""
        w = self._v4_w
        out = np.empty((s2.shape[0], self.n_v4), np.float32)
        tuned = s2 @ self._v4_weights.T  # (n, P, P, n_v4)
        rows = self._v4_y0[:, None] + np.arange(w)[None, :]
        cols = self._v4_x0[:, None] + np.arange(w)[None, :]
        unit = np.arange(self.n_v4)[:, None, None]
        win = tuned[:, rows[:, :, None], cols[:, None, :], unit]  # (n, n_v4, w, w)
        out[:] = win.max(axis=(2, 3))
        return out

    def _build_it(self, gen):
        """IT units: axis tuning in an object space of position-tolerant fragment features.

        The tolerant descriptor of an image is its C2 vector (each fragment
        feature's maximum over the whole image, Riesenhuber & Poggio 1999),
        log-transformed and z-scored over a reference image set; the object space
        is its first ``IT_SPACE_DIM`` principal components. Each unit projects
        onto a preferred axis in that space (Chang & Tsao 2017; Bao et al. 2020),
        drawn with the space's own covariance, and fires as ``exp(beta * u)``: a
        lognormal, sparse and heavy-tailed distribution of rates over images.
        """
        from neurocomp.cortex.stimuli import object_images

        n = self.n_it
        ref = object_images(n_per_category=10, variations=("low", "medium", "high"), size=self.image_size, rng=gen)
        z = self._it_descriptor(ref.values, fit=True)
        zc = z - z.mean(0)
        u, sv, vt = np.linalg.svd(zc, full_matrices=False)
        k = min(IT_SPACE_DIM, vt.shape[0])
        self._it_basis = vt[:k]  # (k, n_features)
        self._it_scale = sv[:k] / np.sqrt(max(z.shape[0] - 1, 1))  # s.d. of each PC over the references
        # axes drawn with the space's covariance (top components dominate, as in IT)
        a = gen.normal(size=(n, k)) * self._it_scale[None, :]
        proj = (zc @ self._it_basis.T) @ a.T if n else np.zeros((z.shape[0], 0))  # (n_ref, n_it)
        sd = proj.std(0) if n else np.ones(0)
        self._it_axes = (a / np.where(sd > 0, sd, 1.0)[:, None]).astype(np.float64)
        self._it_centre = z.mean(0)
        if n:
            u_ref = (zc @ self._it_basis.T) @ self._it_axes.T
            self._it_offset = np.quantile(u_ref, 0.99, axis=0)  # exp(beta (u - q99)): 1 at the 99th percentile
        else:
            self._it_offset = np.zeros(0)

    def _it_descriptor(self, images, fit=False, chunk: int = 256):
        c2 = self._c2_of(images, chunk=chunk).astype(np.float64)
        z = np.log(c2 + IT_LOG_FLOOR)
        if fit:
            self._it_mu = z.mean(0)
            self._it_sd = np.maximum(z.std(0), 1e-6)
        return (z - self._it_mu) / self._it_sd

    def _c2_of(self, images, chunk: int = 256):
        out = []
        for i in range(0, images.shape[0], chunk):
            _, cx = self._v1_maps(images[i : i + chunk])
            out.append(self._s2(self._c1(cx)).max(axis=(1, 2)))
        return np.concatenate(out) if out else np.zeros((0, self.n_features), np.float32)

    def _it_raw(self, c2):
        z = (np.log(c2.astype(np.float64) + IT_LOG_FLOOR) - self._it_mu) / self._it_sd
        u = ((z - self._it_centre) @ self._it_basis.T) @ self._it_axes.T
        return np.exp(IT_BETA * (u - self._it_offset[None, :]))

    # ------------------------------------------------------------------ public
    def _neuroid_table(self) -> xr.Dataset:
        nv1, nv4, nit = self.n_v1, self.n_v4, self.n_it
        region = np.array(["V1"] * nv1 + ["V4"] * nv4 + ["IT"] * nit)
        nid = np.array([f"{r}.{i:04d}" for r, i in zip(region, np.r_[np.arange(nv1), np.arange(nv4), np.arange(nit)])])
        nan4, nanit = np.full(nv4, np.nan), np.full(nit, np.nan)
        c1_scale = 2.0  # pixels per C1 position
        v4_cx = (self._v4_x0 + (self._v4_w - 1) / 2 + 1) * c1_scale + 0.5
        v4_cy = (self._v4_y0 + (self._v4_w - 1) / 2 + 1) * c1_scale + 0.5
        v4_size = (self._v4_w + S2_PATCH - 1) * c1_scale + V1_WAVELENGTHS.max()
        ds = xr.Dataset(
            coords={
                "neuroid_id": ("neuroid", nid),
                "region": ("neuroid", region),
                "cell_type": ("neuroid", np.r_[self._v1_type, ["v4"] * nv4, ["it"] * nit].astype(str)),
                "preferred_orientation": ("neuroid", np.r_[V1_ORIENTATIONS[self._v1_o], nan4, nanit], {"units": "deg"}),
                "preferred_wavelength": ("neuroid", np.r_[V1_WAVELENGTHS[self._v1_w], nan4, nanit], {"units": "pixel"}),
                "rf_x": ("neuroid", np.r_[self._v1_x.astype(float), v4_cx, nanit], {"units": "pixel"}),
                "rf_y": ("neuroid", np.r_[self._v1_y.astype(float), v4_cy, nanit], {"units": "pixel"}),
                "rf_size": (
                    "neuroid",
                    np.r_[2 * 2 * V1_SIGMA_PER_WAVELENGTH * V1_WAVELENGTHS[self._v1_w], np.full(nv4, v4_size), np.full(nit, float(self.image_size))],
                    {"units": "pixel", "long_name": "nominal receptive field diameter (±2 s.d. for V1, pooling window for V4)"},
                ),
                "preferred_curvature": ("neuroid", np.r_[np.full(nv1, np.nan), self._v4_curv, nanit], {"units": "1"}),
                "preferred_angular_position": ("neuroid", np.r_[np.full(nv1, np.nan), self._v4_pos, nanit],
                                               {"units": "deg"}),
            }
        )
        return ds

    def rates(self, images, *, regions=None, stimulus_id=None, chunk: int = 256) -> xr.DataArray:
        """Mean firing rates of the recorded neuroids.

        Parameters
        ----------
        images : DataArray (presentation, y, x) or array (n, H, W)
            Luminance in [0, 1]; H = W = ``image_size``.
        regions : sequence of {"V1", "V4", "IT"}, optional
            Regions to return (default all with neuroids).
        stimulus_id : sequence of str, optional
            Overrides the images' ``stimulus_id`` coord.
        chunk : int
            Images processed at once (bounds memory).

        Returns
        -------
        xarray.DataArray
            Shape (n_images, n_neuroids), dims ("presentation", "neuroid"),
            Hz; presentation coords ``stimulus_id`` (and the images' other
            presentation coords), neuroid coords from :attr:`neuroids`.
        """
        arr, sid = as_images(images, stimulus_id=stimulus_id)
        if arr.shape[1:] != (self.image_size, self.image_size):
            raise ValidationError(
                f"images must be {self.image_size} x {self.image_size} pixels (the model's image_size); "
                f"got {arr.shape[1]} x {arr.shape[2]}"
            )
        if regions is None:
            regions = [r for r, k in zip(REGIONS, (self.n_v1, self.n_v4, self.n_it)) if k > 0]
        regions = list([regions] if isinstance(regions, str) else regions)
        for r in regions:
            if r not in REGIONS:
                raise ValidationError(f"regions must be among {list(REGIONS)}; got {r!r}")
        chunk = check_int("chunk", chunk, low=1)
        parts = {r: [] for r in REGIONS}
        for i in range(0, arr.shape[0], chunk):
            simple, cx = self._v1_maps(arr[i : i + chunk])
            parts["V1"].append(self._v1_rates(simple, cx))
            if "V4" in regions or "IT" in regions:
                s2 = self._s2(self._c1(cx))
                parts["V4"].append(self.baseline_rate + self.max_rate * (self._v4_raw(s2) / self._v4_ref) ** V4_EXPONENT)
                parts["IT"].append(self.baseline_rate + self.max_rate * self._it_raw(s2.max(axis=(1, 2))))
        # V4 and IT firing saturates: drive d (Hz above baseline) becomes D tanh(d / D), D = MAX_DRIVE
        # (V1 stays the exact normalised energy model: its drive stays below ~60 Hz anyway)
        def saturate(x):
            return self.baseline_rate + MAX_DRIVE * np.tanh((x - self.baseline_rate) / MAX_DRIVE)

        blocks = [np.concatenate(parts[r]) if r == "V1" else saturate(np.concatenate(parts[r]))
                  for r in REGIONS if r in regions]
        data = np.concatenate(blocks, axis=1).astype(np.float64)
        # keep the order of `regions` as given (stable within region)
        order = np.concatenate([np.flatnonzero(self.neuroids["region"].values == r) for r in REGIONS if r in regions])
        table = self.neuroids.isel(neuroid=order)
        coords = {k: v for k, v in table.coords.items()}
        coords["stimulus_id"] = ("presentation", sid)
        if isinstance(images, xr.DataArray):
            for name, c in images.coords.items():
                if c.dims == ("presentation",) and name != "stimulus_id":
                    coords[name] = ("presentation", c.values, c.attrs)
        return xr.DataArray(
            data, dims=("presentation", "neuroid"), coords=coords, name="rate",
            attrs={"units": "Hz", "long_name": "firing rate"},
        )


def _filter_pair(x, even, odd):
    """Cross-correlate images (n, H, W) with two kernel banks (..., k, k): 'same' size, zero padding.

    One FFT per image, reused for every kernel; returns float32 arrays (n, ..., H, W).
    """
    n, H, W = x.shape
    k = even.shape[-1]
    h = k // 2
    shape = (H + k - 1, W + k - 1)
    fx = np.fft.rfft2(np.asarray(x, np.float64), s=shape)
    fx = fx.reshape((n,) + (1,) * (even.ndim - 2) + fx.shape[1:])
    out = []
    for kern in (even, odd):
        fk = np.fft.rfft2(kern[..., ::-1, ::-1], s=shape)  # flipped: correlation
        full = np.fft.irfft2(fx * fk[None], s=shape)
        out.append(full[..., h : h + H, h : h + W].astype(np.float32))
    return out


def _gaussian_blur(x, sigma):
    """Separable Gaussian blur over the last two axes ('same' size, reflecting edges)."""
    from scipy.ndimage import gaussian_filter1d

    out = gaussian_filter1d(x, sigma, axis=-1, mode="reflect")
    return gaussian_filter1d(out, sigma, axis=-2, mode="reflect")
