"""The Neocognitron (Fukushima 1980, 1988): S- and C-cell layers learned without a teacher.

Fukushima built Hubel & Wiesel's simple/complex hierarchy into a network that
learns its features without labels:

* **S-cells** extract features. An S-cell of cell-plane ``k`` sees a patch
  :math:`u` of the C-cell layer below (all its planes) through excitatory
  weights :math:`a_k \\ge 0` and is divided by an inhibitory V-cell that
  reports the patch's (Gaussian-weighted) root-mean-square activity:

  .. math:: u_S = \\varphi\\!\\left[\\frac{a_k \\cdot u / v - \\theta}{1 - \\theta}\\right],
            \\quad v = \\lVert u\\rVert, \\quad \\lVert a_k\\rVert = 1, \\quad \\varphi(x) = \\max(x, 0)

  (the form of Fukushima 1988/2003: the shunting inhibition makes the cell
  respond to the *shape* of its input, not its strength, and ``θ`` sets the
  selectivity).
* **C-cells** pool S-cells of one plane over a neighbourhood and saturate,
  :math:`u_C = \\psi(\\text{mean}_{window}\\, u_S)`, :math:`\\psi(x) = x / (\\alpha + x)`:
  a feature detected anywhere nearby still drives the C-cell — tolerance to
  position, built up stage by stage.
* **Learning** is competitive, layer by layer from the bottom and without
  labels: among all cell-planes the one whose S-cell responds most to a
  training patch wins and only its weights move toward that patch
  (winner-take-all; Fukushima's "reinforcement of the maximum-output cell").
  A plane that never wins is re-seeded from a random patch.

A linear read-out (multinomial logistic regression) on the top C-layer
classifies. Trained on scikit-learn's 8 × 8 digits (upsampled × 2 and padded),
the top layer tolerates shifts of the digit that defeat a classifier on the
pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
import xarray as xr
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import ValidationError, check_in_range, check_int, check_positive
from neurocomp.random import as_generator
from neurocomp.vision._base import VisionModel, check_images

__all__ = ["Neocognitron", "load_digit_images", "shift_images"]


def load_digit_images(*, upsample: int = 2, pad: int = 6):
    """scikit-learn's 1,797 handwritten digits as grey images in [0, 1], enlarged and padded.

    Each 8 × 8 digit is repeated ``upsample`` times along both axes and
    surrounded by ``pad`` blank pixels, leaving room to shift it.

    Returns
    -------
    images : ndarray (1797, 8 upsample + 2 pad, same)
    labels : ndarray (1797,) of int

    Parameters
    ----------
    upsample : int, default 2
        Repeats of each pixel along each axis, 1 … 8.
    pad : int, default 6
        Blank pixels around each digit, 0 … 64.

    Examples
    --------
    >>> images, labels = load_digit_images()
    >>> images.shape, float(images.max()), labels[:3].tolist()
    ((1797, 28, 28), 1.0, [0, 1, 2])
    """
    from sklearn.datasets import load_digits

    upsample = check_int("upsample", upsample, low=1, high=8)
    pad = check_int("pad", pad, low=0, high=64)
    d = load_digits()
    x = d.images / 16.0
    x = np.repeat(np.repeat(x, upsample, axis=1), upsample, axis=2)
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad))), d.target.copy()


def shift_images(images, dy: int, dx: int) -> np.ndarray:
    """Images (n, H, W) shifted by (dy, dx) pixels, blank (0) where nothing moves in.

    Parameters
    ----------
    images : array_like of shape (n, H, W)
        Images.
    dy, dx : int
        Shift in pixels, down and right (negative: up and left).

    Returns
    -------
    numpy.ndarray of shape (n, H, W)
        The shifted images (all blank when a shift is as large as the image).

    Examples
    --------
    >>> shift_images(np.eye(3)[None], 0, 1)[0].astype(int).tolist()
    [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    """
    x = np.asarray(images, float)
    out = np.zeros_like(x)
    H, W = x.shape[1:]
    dy, dx = int(dy), int(dx)
    if abs(dy) >= H or abs(dx) >= W:
        return out
    ys, yd = (slice(0, H - dy), slice(dy, H)) if dy >= 0 else (slice(-dy, H), slice(0, H + dy))
    xs, xd = (slice(0, W - dx), slice(dx, W)) if dx >= 0 else (slice(-dx, W), slice(0, W + dx))
    out[:, yd, xd] = x[:, ys, xs]
    return out


def _patches(c, k):
    """All k × k patches of maps c (n, K, H, W) with 'same' zero padding: (n, H, W, K k k)."""
    p = k // 2
    cp = np.pad(c, ((0, 0), (0, 0), (p, p), (p, p)))
    win = sliding_window_view(cp, (k, k), axis=(2, 3))  # n, K, H, W, k, k
    n, K, H, W = c.shape
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n, H, W, K * k * k)


class Neocognitron(ClassifierMixin, VisionModel):
    """Neocognitron with three S/C stages, competitive learning and a linear read-out.

    Parameters
    ----------
    n_planes : sequence of 3 int, default (8, 24, 64)
        Cell-planes of S1, S2, S3 (and so of C1, C2, C3).
    kernel_sizes : sequence of 3 odd int, default (5, 3, 3)
        Side of each S-cell's input patch (in units of the layer below).
    pool_sizes : sequence of 3 int, default (4, 3, 0)
        Side of each C-cell's pooling window (stride half of it); 0 pools the
        whole plane (a single C-cell per plane).
    thresholds : sequence of 3 float in [0, 1), default (0.6, 0.5, 0.4)
        Selectivity θ of the S-cells of each stage.
    saturation : float, default 4.0
        α of the C-cells' saturation ψ(x) = x / (α + x).
    n_epochs : int, default 2
        Passes of competitive learning over the training patches of each stage.
    learning_rate : float, default 0.1
        Step of the winner's weights toward a patch it wins.
    batch_size : int, default 256
        Patches per competitive update.
    n_patches : int, default 10000
        Training patches per stage, drawn from positions with input.
    C : float, default 0.05
        Inverse L2 penalty of the logistic read-out (on standardised C3 features).
    rng : None, int, SeedSequence or Generator
        Patch sampling, initial templates and re-seeding.

    Attributes
    ----------
    templates_ : list of 3 arrays (n_planes[l], K_{l-1} k_l k_l)
        Unit-norm, non-negative S-cell weights (K_0 = 1 input plane).
    classes_ : ndarray
    readout_ : sklearn.linear_model.LogisticRegression
        Fitted on the standardised C3 features.
    image_shape_ : (H, W)
    win_counts_ : list of 3 int arrays
        How many training patches each plane won in the last epoch.

    References
    ----------
    Fukushima (1980), Neocognitron: a self-organizing neural network model for a mechanism of pattern
    recognition unaffected by shift in position. Biol. Cybern. 36, 193-202.
    Fukushima (1988), Neocognitron: a hierarchical neural network capable of visual pattern recognition.
    Neural Networks 1, 119-130.
    Fukushima (2003), Neocognitron for handwritten digit recognition. Neurocomputing 51, 161-180.

    Examples
    --------
    >>> images, labels = load_digit_images()
    >>> net = Neocognitron(n_epochs=1, n_patches=2000, rng=0).fit(images[:300], labels[:300])
    >>> net.score(images[300:600], labels[300:600]) > 0.7
    True

    ``X`` may also hold flattened images (n, H W): square ones are reshaped,
    any other width is read as one-pixel-high images.
    """

    LAYERS = ("s1", "c1", "s2", "c2", "s3", "c3")
    _fitted_attr = "readout_"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True  # flattened images are accepted (see fit)
        return tags

    def __init__(self, *, n_planes=(8, 24, 64), kernel_sizes=(5, 3, 3), pool_sizes=(4, 3, 0),
                 thresholds=(0.6, 0.5, 0.4), saturation: float = 4.0, n_epochs: int = 2,
                 learning_rate: float = 0.1, batch_size: int = 256, n_patches: int = 10000, C: float = 0.05,
                 rng=None):
        self.n_planes = n_planes
        self.kernel_sizes = kernel_sizes
        self.pool_sizes = pool_sizes
        self.thresholds = thresholds
        self.saturation = saturation
        self.n_epochs = n_epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_patches = n_patches
        self.C = C
        self.rng = rng

    # ----------------------------------------------------------------- checks
    def _check_params(self):
        def three(name, value):
            v = list(np.atleast_1d(value))
            if len(v) != 3:
                raise ValidationError(f"{name} must hold 3 values (stages 1, 2, 3); got {value!r}")
            return v

        planes = [check_int(f"n_planes[{i}]", p, low=1, high=256) for i, p in enumerate(three("n_planes", self.n_planes))]
        ks = [check_int(f"kernel_sizes[{i}]", k, low=1, high=15) for i, k in enumerate(three("kernel_sizes", self.kernel_sizes))]
        for i, k in enumerate(ks):
            if k % 2 == 0:
                raise ValidationError(f"kernel_sizes[{i}] must be odd (a patch centred on the cell); got {k}")
        pools = [check_int(f"pool_sizes[{i}]", p, low=0, high=64) for i, p in enumerate(three("pool_sizes", self.pool_sizes))]
        th = [check_in_range(f"thresholds[{i}]", t, 0, 1, high_open=True) for i, t in enumerate(three("thresholds", self.thresholds))]
        check_positive("saturation", self.saturation)
        check_int("n_epochs", self.n_epochs, low=0, high=1000)
        check_positive("learning_rate", self.learning_rate)
        check_int("batch_size", self.batch_size, low=1)
        check_int("n_patches", self.n_patches, low=1, high=10**6)
        check_positive("C", self.C)
        return planes, ks, pools, th

    def _check_input(self, images, fitting=False, y="no_validation"):
        """Images (n, H, W) from images or from flattened rows (n, H W) as scikit-learn passes them."""
        if isinstance(images, xr.DataArray) or (isinstance(images, np.ndarray) and images.ndim == 3):
            shape = None if fitting else getattr(self, "image_shape_", None)
            x = check_images(images, shape=shape, min_size=1)
            if fitting:
                self.n_features_in_ = x.shape[1] * x.shape[2]
            return x if isinstance(y, str) else (x, y)
        if fitting:
            out = validate_X_y(self, images, y)
            X, y = (out, y) if isinstance(y, str) else out
            if X.shape[0] < 2:
                raise ValidationError(f"X must hold at least 2 images to learn from; got n_samples = {X.shape[0]}")
            d = X.shape[1]
            side = int(round(np.sqrt(d)))
            x = X.reshape(-1, side, side) if side * side == d else X[:, None, :]
            return x if isinstance(y, str) else (x, y)
        X = validate_X(self, images, fitted_attribute=self._fitted_attr)
        return X.reshape(-1, *self.image_shape_)

    def _shapes(self, H, W, pools):
        out = []
        for p in pools:
            if p == 0:
                H = W = 1
            else:
                s = max(p // 2, 1)
                H, W = (max(H - p, 0)) // s + 1, (max(W - p, 0)) // s + 1
            out.append((H, W))
        return out

    # ----------------------------------------------------------------- stages
    @staticmethod
    def _weights(k, K):
        """Gaussian spatial weighting of an S-cell's input (Fukushima's c weights), flattened (K k k,)."""
        r = (k - 1) / 2
        y, x = np.mgrid[-r:r + 1, -r:r + 1]
        g = np.exp(-(x**2 + y**2) / (2 * max(k / 2.0, 0.5) ** 2))
        return np.sqrt(np.tile(g.ravel(), K))

    def _s_layer(self, c, stage, templates=None):
        k = self._ks[stage]
        A = self.templates_[stage] if templates is None else templates
        u = _patches(c, k) * self._weights(k, c.shape[1])
        v = np.sqrt((u * u).sum(-1))
        cos = (u @ A.T) / np.maximum(v, 1e-12)[..., None]
        theta = self._th[stage]
        s = np.maximum((cos - theta) / (1.0 - theta), 0.0)
        s[v < 1e-9] = 0.0
        return s.transpose(0, 3, 1, 2)  # n, planes, H, W

    def _c_layer(self, s, stage):
        p = self._pools[stage]
        if p == 0:
            m = s.mean(axis=(2, 3), keepdims=True)
        else:
            step = max(p // 2, 1)
            H, W = s.shape[2:]
            if H < p or W < p:
                m = s.mean(axis=(2, 3), keepdims=True)
            else:
                m = sliding_window_view(s, (p, p), axis=(2, 3))[:, :, ::step, ::step].mean(axis=(-2, -1))
        return m / (self.saturation + m)

    def _run(self, x, upto):
        """Layers s1 … up to the stage ``upto`` (0-based, inclusive) of images x (n, H, W)."""
        out = {}
        c = x[:, None]
        for stage in range(upto + 1):
            s = self._s_layer(c, stage)
            c = self._c_layer(s, stage)
            out[f"s{stage + 1}"], out[f"c{stage + 1}"] = s, c
        return out

    def _forward(self, batch, layers):
        upto = max(int(name[1]) for name in layers) - 1
        return self._run(batch, upto)

    def _learn_stage(self, c, stage, gen):
        """Competitive (winner-take-all) learning of the S-templates of one stage from the C maps below."""
        k = self._ks[stage]
        K = self._planes[stage]
        u = _patches(c, k) * self._weights(k, c.shape[1])
        u = u.reshape(-1, u.shape[-1])
        norm = np.sqrt((u * u).sum(1))
        # patches with input: at least a tenth of the strongest patch's norm
        live = np.flatnonzero(norm > 0.1 * norm.max()) if norm.max() > 0 else np.arange(0)
        if live.size < K:
            raise ValidationError(
                f"images must give at least n_planes[{stage}] ({K}) non-blank patches to stage {stage + 1}; "
                f"got {live.size}: pass more (or non-blank) images"
            )
        take = gen.choice(live, size=min(self.n_patches, live.size), replace=False)
        P = u[take] / norm[take, None]
        A = P[gen.choice(P.shape[0], size=K, replace=False)].copy()
        lr = float(self.learning_rate)
        wins = np.zeros(K, int)
        for _ in range(int(self.n_epochs)):
            wins = np.zeros(K, int)
            order = gen.permutation(P.shape[0])
            for i in range(0, order.size, int(self.batch_size)):
                b = P[order[i:i + int(self.batch_size)]]
                w = np.argmax(b @ A.T, axis=1)  # the winning plane of each patch
                counts = np.bincount(w, minlength=K)
                sums = np.zeros_like(A)
                np.add.at(sums, w, b)
                hit = counts > 0
                # each winner moves toward the mean of the patches it won
                A[hit] += lr * (sums[hit] / counts[hit, None] - A[hit]) * np.minimum(counts[hit, None], 1.0)
                A /= np.linalg.norm(A, axis=1, keepdims=True)
                wins += counts
            dead = np.flatnonzero(wins == 0)
            if dead.size:  # re-seed planes that never won
                A[dead] = P[gen.choice(P.shape[0], size=dead.size, replace=False)]
        return A, wins

    def fit(self, X, y):
        """Learn the three stages without labels on images ``X`` (n, H, W), then the read-out on ``y``.

        Returns
        -------
        self
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self._planes, self._ks, self._pools, self._th = self._check_params()
        for attr in ("image_shape_", "readout_", "n_features_in_"):
            if hasattr(self, attr):
                delattr(self, attr)
        x, y = self._check_input(X, fitting=True, y=y)
        y = np.asarray(y)
        if y.shape != (x.shape[0],):
            raise ValidationError(f"y must hold one label per image ({x.shape[0]}); got shape {y.shape}")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValidationError(f"y must hold at least 2 classes; got {self.classes_.tolist()}")
        gen = as_generator(self.rng)
        self.templates_, self.win_counts_ = [], []
        c = x[:, None]
        for stage in range(3):
            A, wins = self._learn_stage(c, stage, gen)
            self.templates_.append(A)
            self.win_counts_.append(wins)
            c = self._c_layer(self._s_layer(c, stage), stage)
        self.image_shape_ = tuple(x.shape[1:])
        feats = c.reshape(c.shape[0], -1)
        self.readout_ = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000))
        self.readout_.fit(feats, y)
        return self

    def _features(self, X):
        self._check_ready()
        x = self._check_input(X)
        return self._run(x, 2)["c3"].reshape(x.shape[0], -1)

    def decision_function(self, X):
        """Read-out scores, (n_images, n_classes) (one column for two classes)."""
        f = self._features(X)
        return self.readout_.decision_function(f)

    def predict(self, X):
        """Predicted labels, (n_images,)."""
        f = self._features(X)
        return self.readout_.predict(f)

    def predict_proba(self, X):
        """Class probabilities, (n_images, n_classes)."""
        f = self._features(X)
        return self.readout_.predict_proba(f)

    def s1_features(self) -> np.ndarray:
        """The learned S1 weights as images, (n_planes[0], k1, k1) (Gaussian input weighting divided out)."""
        self._check_ready()
        k = self._ks[0]
        return (self.templates_[0] / self._weights(k, 1)).reshape(-1, k, k)
