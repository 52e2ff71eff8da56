"""A small convolutional network in numpy, trained by backpropagation, with activation capture.

The architecture is the Neocognitron's (Fukushima 1980) alternation of
feature-detecting ("simple", convolution + ReLU) and pooling ("complex",
max-pooling) stages, the hierarchy Hubel & Wiesel (1962) proposed for V1 and
Riesenhuber & Poggio (1999) extended to IT, trained end to end by
backpropagation on object categories as in Yamins et al. (2014). Unlike the
hand-built model of :mod:`neurocomp.cortex` (Gabor energy units, Adelson &
Bergen 1985, with divisive normalisation, Heeger 1992), nothing here is
designed to resemble cortex: whatever resemblance appears is learned::

    image (1 × H × W)
    conv1  k1 × k1, C1 channels, 'same' padding, ReLU
    pool1  2 × 2 max
    conv2  k2 × k2, C2 channels, 'same' padding, ReLU
    pool2  2 × 2 max
    …      (2 to 5 conv blocks: ``channels`` and ``kernel_sizes`` give one value per block)
    fc1    dense, F units, ReLU
    output dense, one unit per category (softmax for the loss)

:meth:`CNN.activations` returns every layer's units as one
(presentation × neuroid) DataArray with a ``layer`` coord, the format the
model-to-brain analysis (:mod:`neurocomp.analysis`) takes.
:func:`torch_activations` does the same for a PyTorch model via forward hooks
(PyTorch is imported only when called).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator

from neurocomp._layers import batched_activations, check_layers
from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import ValidationError, check_array, check_int, check_is_fitted, check_positive
from neurocomp.random import as_generator

__all__ = ["CNN", "LAYERS", "cnn_architecture", "layer_names", "torch_activations"]

#: Layer names of the default (two-block) network, in forward order.
LAYERS = ("conv1", "pool1", "conv2", "pool2", "fc1", "output")
#: Fewest and most conv blocks a CNN may have.
MIN_DEPTH, MAX_DEPTH = 2, 5


# ----------------------------------------------------------------------------- layer ops


def _conv_forward(x, w, b):
    """'Same' cross-correlation. x (n, C, H, W), w (F, C, k, k), b (F,) -> (out (n, F, H, W), cols)."""
    n, C, H, W = x.shape
    F, _, k, _ = w.shape
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    win = sliding_window_view(xp, (k, k), axis=(2, 3))  # n, C, H, W, k, k
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * H * W, C * k * k)
    out = cols @ w.reshape(F, -1).T + b
    return out.reshape(n, H, W, F).transpose(0, 3, 1, 2), cols


def _conv_backward(dout, cols, w, need_dx=True):
    """Gradients of _conv_forward: returns dx (None unless need_dx), dw, db.

    The input gradient is itself a 'same' correlation: of ``dout`` with the
    kernel flipped in space and transposed in channels.
    """
    n, F, H, W = dout.shape
    d = dout.transpose(0, 2, 3, 1).reshape(n * H * W, F)
    dw = (d.T @ cols).reshape(w.shape)
    db = d.sum(0)
    dx = None
    if need_dx:
        w_t = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
        dx, _ = _conv_forward(dout, np.ascontiguousarray(w_t), np.zeros(w.shape[1], dout.dtype))
    return dx, dw, db


def _pool_forward(x):
    """2 x 2 max pooling (H, W even). Returns out and the argmax mask."""
    n, C, H, W = x.shape
    r = x.reshape(n, C, H // 2, 2, W // 2, 2)
    out = r.max(axis=(3, 5))
    mask = r == out[:, :, :, None, :, None]
    # break ties: keep only the first maximum of each window
    flat = mask.transpose(0, 1, 2, 4, 3, 5).reshape(n, C, H // 2, W // 2, 4)
    first = np.cumsum(flat, axis=-1) == 1
    flat &= first
    mask = flat.reshape(n, C, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return out, mask


def _pool_backward(dout, mask):
    n, C, H2, _, W2, _ = mask.shape
    d = mask * dout[:, :, :, None, :, None]
    return d.reshape(n, C, 2 * H2, 2 * W2)


def _blas_single_thread():
    """Limit BLAS to one thread: the small matrix products here run faster unthreaded,
    much faster on a shared machine (restored on exit)."""
    from neurocomp._threads import one_blas_thread

    return one_blas_thread()


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cnn_architecture(depth: int = 2, width: int = 8) -> dict:
    """``channels`` and ``kernel_sizes`` of a CNN with ``depth`` conv blocks of base ``width``.

    Block ``i`` (0-based) has ``width * 2**min(i, 2)`` channels (doubling twice,
    then constant) and a 5 × 5 kernel in the first block, 3 × 3 after.
    ``cnn_architecture(2, 8)`` is the default network, ``channels=(8, 16)``,
    ``kernel_sizes=(5, 3)``.

    Parameters
    ----------
    depth : int, default 2
        Number of convolution blocks.
    width : int, default 8
        Channels of the first block, 1 … 512.

    Returns
    -------
    dict
        ``{"channels": tuple of int, "kernel_sizes": tuple of int}``, one entry per block,
        to pass to :class:`CNN`.

    Examples
    --------
    >>> cnn_architecture(4, 6)
    {'channels': (6, 12, 24, 24), 'kernel_sizes': (5, 3, 3, 3)}
    """
    depth = check_int("depth", depth, low=MIN_DEPTH, high=MAX_DEPTH)
    width = check_int("width", width, low=1, high=512)
    return {
        "channels": tuple(width * 2 ** min(i, 2) for i in range(depth)),
        "kernel_sizes": (5,) + (3,) * (depth - 1),
    }


def layer_names(depth: int) -> tuple[str, ...]:
    """Layer names of a CNN with ``depth`` conv blocks, in forward order.

    Parameters
    ----------
    depth : int
        Number of convolution blocks.

    Returns
    -------
    tuple of str
        ``conv<i>``, ``pool<i>`` per block, then ``fc1`` and ``output``.

    Examples
    --------
    >>> layer_names(3)
    ('conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'pool3', 'fc1', 'output')
    """
    names = []
    for i in range(1, depth + 1):
        names += [f"conv{i}", f"pool{i}"]
    return tuple(names) + ("fc1", "output")


class CNN(BaseEstimator):
    """Convolutional network for image categorisation (numpy, SGD with momentum).

    ``depth = len(channels)`` blocks of convolution ('same', ReLU) and 2 × 2 max
    pooling, then a dense ReLU layer ``fc1`` and the ``output`` layer. The
    defaults are the two-block network of the flagship experiment; deeper,
    wider, longer- or shorter-trained networks (see :func:`cnn_architecture`,
    ``n_epochs`` and ``max_steps``) give a family with a spread of
    categorisation performance (Yamins et al. 2014).

    Parameters
    ----------
    channels : sequence of 2 to 5 int
        Channels of each conv block (its length is the depth).
    kernel_sizes : sequence of int
        Odd kernel sides, one per conv block.
    fc_units : int
        Units in the hidden dense layer fc1.
    learning_rate : float
        SGD step size.
    momentum : float
        Heavy-ball momentum in [0, 1).
    weight_decay : float
        L2 penalty on the weights (not the biases).
    n_epochs : int
        Passes over the training set (0 leaves the network at its random
        initialisation: the untrained control).
    batch_size : int
        Minibatch size of training.
    max_steps : int, optional
        Training budget in minibatch updates: training stops after this many
        steps even within an epoch (default: no limit beyond ``n_epochs``).
    image_shape : (int, int), optional
        How a flattened row of ``X`` (n, H W), the input scikit-learn's tools
        pass, is laid out as an image: ``(H, W)``, row-major; H and W must
        then be divisible by ``2**depth``. Without it a row of ``d`` features
        is a square image when ``d`` is a square number, else a one-pixel-high
        strip, and is placed at the top left of the smallest image with sides
        divisible by ``2**depth`` whose other pixels hold the mean grey level
        of the training images (the value the 'same' convolutions pad with).
        Images given as (n, H, W) or a DataArray are used as they come.
    rng : None, int, SeedSequence or Generator
        Initial weights and minibatch order.

    Attributes
    ----------
    params_ : dict of str to ndarray
        ``conv{i}_w`` (C_i, C_{i-1}, k_i, k_i), ``conv{i}_b``, ``fc1_w``
        (C_D*H/2^D*W/2^D, F), ``fc1_b``, ``output_w`` (F, K), ``output_b``.
    classes_ : ndarray of shape (K,)
    image_shape_ : tuple (H, W)
        Side lengths of the images the network takes (after any padding of flattened rows).
    row_shape_ : tuple (h, w)
        The image a flattened row of ``X`` is reshaped to before padding.
    n_features_in_ : int
        Pixels per image (``h * w``); a flattened ``X`` must have this many columns.
    input_mean_, input_std_ : float
        Standardisation of the pixels, from the training images.
    loss_curve_ : list of float
        Mean training cross-entropy per epoch (a last, partial epoch when
        ``max_steps`` stopped training within it).
    learning_curve_ : xarray.Dataset
        ``train_loss`` over ``epoch``: epoch 0 is the cross-entropy of the
        initial network on the training images, epoch k the mean minibatch
        loss during epoch k (``loss_curve_``).
    n_steps_ : int
        Minibatch updates made.
    layer_names_ : tuple of str
        ``("conv1", "pool1", …, "fc1", "output")``.

    Notes
    -----
    He initialisation (normal, s.d. sqrt(2 / fan_in)); cross-entropy loss on the
    softmax of ``output``. Image sides must be divisible by ``2**depth``.

    References
    ----------
    Fukushima (1980), Neocognitron. Biol. Cybern. 36, 193-202.
    LeCun et al. (1998), Gradient-based learning applied to document recognition. Proc. IEEE 86, 2278-2324.
    Yamins et al. (2014), Performance-optimized hierarchical models predict neural responses in higher
    visual cortex. PNAS 111, 8619-8624.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).random((8, 16, 16)); y = np.arange(8) % 2
    >>> net = CNN(channels=(4, 4, 8), kernel_sizes=(3, 3, 3), fc_units=8, n_epochs=1, rng=0).fit(x, y)
    >>> net.layer_names_[-4:], net.activations(x, layers="pool3").shape
    (('conv3', 'pool3', 'fc1', 'output'), (8, 32))
    """

    def __init__(
        self,
        *,
        channels=(8, 16),
        kernel_sizes=(5, 3),
        fc_units: int = 64,
        learning_rate: float = 0.02,
        momentum: float = 0.9,
        weight_decay: float = 1e-4,
        n_epochs: int = 20,
        batch_size: int = 32,
        max_steps: int | None = None,
        image_shape=None,
        rng=None,
    ):
        self.channels = channels
        self.kernel_sizes = kernel_sizes
        self.fc_units = fc_units
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.max_steps = max_steps
        self.image_shape = image_shape
        self.rng = rng

    def __sklearn_tags__(self):
        # images (n, H, W) or flattened rows (n, H W) of real grey levels (see image_shape)
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    # ------------------------------------------------------------------ checks
    @property
    def depth(self) -> int:
        """Number of conv blocks (``len(channels)``)."""
        return len(tuple(self.channels))

    def _check_hyper(self):
        ch = tuple(self.channels)
        ks = tuple(self.kernel_sizes)
        if not MIN_DEPTH <= len(ch) <= MAX_DEPTH or len(ks) != len(ch):
            raise ValidationError(
                f"channels and kernel_sizes must hold one value per conv block, {MIN_DEPTH} to {MAX_DEPTH} "
                f"blocks, the same number each; got {ch} and {ks}"
            )
        for i, c in enumerate(ch):
            check_int(f"channels[{i}]", c, low=1)
        for i, k in enumerate(ks):
            check_int(f"kernel_sizes[{i}]", k, low=1)
            if k % 2 == 0:
                raise ValidationError(f"kernel_sizes[{i}] must be odd ('same' padding); got {k}")
        check_int("fc_units", self.fc_units, low=1)
        check_positive("learning_rate", self.learning_rate)
        if not 0 <= self.momentum < 1:
            raise ValidationError(f"momentum must lie in [0, 1); got {self.momentum!r}")
        if self.weight_decay < 0:
            raise ValidationError(f"weight_decay must be >= 0; got {self.weight_decay!r}")
        check_int("n_epochs", self.n_epochs, low=0)
        check_int("batch_size", self.batch_size, low=1)
        if self.max_steps is not None:
            check_int("max_steps", self.max_steps, low=0)
        if self.image_shape is not None:
            shape = tuple(np.atleast_1d(self.image_shape))
            if len(shape) != 2:
                raise ValidationError(f"image_shape must be (height, width) or None; got {self.image_shape!r}")
            for i, v in enumerate(shape):
                check_int(f"image_shape[{i}]", v, low=1)

    def _check_fitted(self):
        check_is_fitted(self, "params_")

    def _images(self, images, name="images", depth=None):
        if isinstance(images, xr.DataArray):
            arr = images.values
        else:
            arr = images
        arr = check_array(name, arr, ndim=3)
        if arr.shape[0] == 0:
            raise ValidationError(f"{name} must hold at least one image; got shape {arr.shape}")
        d = self.depth if depth is None else depth
        f = 2**d
        H, W = arr.shape[1:]
        if H < f or W < f or H % f or W % f:
            raise ValidationError(
                f"{name} must have height and width divisible by {f} ({d} 2 x 2 poolings) and >= {f}; "
                f"got {H} x {W}"
            )
        return arr

    @staticmethod
    def _is_image_stack(images):
        if isinstance(images, xr.DataArray):
            return True
        ndim = getattr(images, "ndim", None)
        if ndim is None and not hasattr(images, "toarray"):  # lists, array-likes
            try:
                ndim = np.asarray(images).ndim
            except ValueError:  # ragged: let the 2-D checks word the refusal
                return False
        return ndim == 3

    def _as_images(self, X, y="no_validation", *, fitting=False):
        """Images (n, h, w) before padding, from images or from flattened rows (n, h w); with ``y``: (images, y).

        Flattened rows go through scikit-learn's checks (sparse, complex, empty, 1-D
        input refused; ``n_features_in_`` set by fit and checked after).
        """
        if self._is_image_stack(X):
            arr = self._images(X, depth=None if fitting else len(self._convs))
            if fitting:
                self.__dict__.pop("feature_names_in_", None)
                self.n_features_in_ = arr.shape[1] * arr.shape[2]
            return arr if isinstance(y, str) else (arr, y)
        if fitting:
            X, y = validate_X_y(self, X, y)
            if X.shape[0] < 2:
                raise ValidationError(f"X must hold at least 2 images to learn from; got n_samples = {X.shape[0]}")
            d = X.shape[1]
            if self.image_shape is not None:
                shape = tuple(int(v) for v in self.image_shape)
                if shape[0] * shape[1] != d:
                    raise ValidationError(
                        f"X must have image_shape {shape[0]} x {shape[1]} = {shape[0] * shape[1]} features per row; "
                        f"got {d}"
                    )
            else:
                side = int(np.sqrt(d))
                side += (side + 1) ** 2 <= d
                shape = (side, side) if side * side == d else (1, d)
            arr = X.reshape(-1, *shape)
            if self.image_shape is not None:
                self._images(arr, name="X")  # a given shape must suit the poolings
            return arr, y
        X = validate_X(self, X, fitted_attribute="params_")
        return X.reshape(-1, *self.row_shape_)

    def _pad(self, arr, value):
        """Place images at the top left of the network's input size, the rest at ``value``."""
        f = 2 ** (len(self._convs) if hasattr(self, "params_") else self.depth)
        H, W = arr.shape[1:]
        if hasattr(self, "image_shape_"):
            Hc, Wc = self.image_shape_
        else:
            Hc, Wc = -(-H // f) * f, -(-W // f) * f
        if (H, W) == (Hc, Wc) or H > Hc or W > Wc:
            return arr
        return np.pad(arr, ((0, 0), (0, Hc - H), (0, Wc - W)), constant_values=value)

    def _prepare(self, images, dtype=np.float32):
        if self._is_image_stack(images):
            arr = self._images(images, depth=len(self._convs))
        else:
            arr = self._pad(self._as_images(images), self.input_mean_)
        if arr.shape[1:] != self.image_shape_:
            raise ValidationError(
                f"images must be {self.image_shape_[0]} x {self.image_shape_[1]} pixels like the training images; "
                f"got {arr.shape[1]} x {arr.shape[2]}"
            )
        return ((arr - self.input_mean_) / self.input_std_)[:, None].astype(dtype)

    @property
    def _convs(self):
        return [k[:-2] for k in self.params_ if k.startswith("conv") and k.endswith("_w")]

    # ------------------------------------------------------------------ model
    def _init_params(self, H, W, K, gen):
        ch = tuple(self.channels)
        ks = tuple(self.kernel_sizes)
        d = len(ch)
        n_flat = ch[-1] * (H // 2**d) * (W // 2**d)
        he = lambda fan_in, shape: gen.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
        params = {}
        c_in = 1
        for i, (c, k) in enumerate(zip(ch, ks), start=1):
            params[f"conv{i}_w"] = he(c_in * k * k, (c, c_in, k, k))
            params[f"conv{i}_b"] = np.zeros(c)
            c_in = c
        params["fc1_w"] = he(n_flat, (n_flat, self.fc_units))
        params["fc1_b"] = np.zeros(self.fc_units)
        params["output_w"] = gen.normal(0.0, np.sqrt(1.0 / self.fc_units), size=(self.fc_units, K))
        params["output_b"] = np.zeros(K)
        return params

    def _forward(self, x, params, need=None):
        """Forward pass; returns the named activations and a cache for backprop.

        With ``need`` (a set of layer names) the pass stops after the last needed
        layer and keeps no cache (for :meth:`activations`).
        """
        P = params
        d = sum(1 for k in P if k.startswith("conv") and k.endswith("_w"))
        order = layer_names(d)
        stop = max(order.index(n) for n in need) if need else None

        def done(name):
            return stop is not None and order.index(name) >= stop

        acts, blocks = {}, []
        h = x
        for i in range(1, d + 1):
            z, cols = _conv_forward(h, P[f"conv{i}_w"], P[f"conv{i}_b"])
            a = np.maximum(z, 0)
            acts[f"conv{i}"] = a
            if done(f"conv{i}"):
                return acts, None
            h, m = _pool_forward(a)
            acts[f"pool{i}"] = h
            if done(f"pool{i}"):
                return acts, None
            if stop is None:
                blocks.append((z, cols, m))
        flat = h.reshape(h.shape[0], -1)
        z3 = flat @ P["fc1_w"] + P["fc1_b"]
        a3 = np.maximum(z3, 0)
        acts["fc1"] = a3
        if done("fc1"):
            return acts, None
        acts["output"] = a3 @ P["output_w"] + P["output_b"]
        return acts, (blocks, h, flat, z3, a3)

    def _backward(self, dout, cache, params):
        """Gradients of a scalar loss w.r.t. all parameters, given dLoss/d(output)."""
        blocks, p_last, flat, z3, a3 = cache
        P = params
        g = {}
        g["output_w"] = a3.T @ dout
        g["output_b"] = dout.sum(0)
        d3 = (dout @ P["output_w"].T) * (z3 > 0)
        g["fc1_w"] = flat.T @ d3
        g["fc1_b"] = d3.sum(0)
        dp = (d3 @ P["fc1_w"].T).reshape(p_last.shape)
        for i in range(len(blocks), 0, -1):
            z, cols, m = blocks[i - 1]
            da = _pool_backward(dp, m) * (z > 0)
            dp, g[f"conv{i}_w"], g[f"conv{i}_b"] = _conv_backward(da, cols, P[f"conv{i}_w"], need_dx=i > 1)
        return g

    def loss_and_gradients(self, images, y, params=None):
        """Mean cross-entropy (plus the L2 penalty) and its gradient w.r.t. every parameter.

        Parameters
        ----------
        images : array (n, H, W)
        y : array (n,)
            Labels among :attr:`classes_`.
        params : dict, optional
            Parameters to evaluate at (default the fitted ``params_``).

        Returns
        -------
        loss : float
        grads : dict of str to ndarray (same shapes as ``params_``)
        """
        self._check_fitted()
        P = self.params_ if params is None else params
        x = self._prepare(images, dtype=np.float64)
        t = self._encode(y)
        P = {k: np.asarray(v, np.float64) for k, v in P.items()}
        with _blas_single_thread():
            return self._loss_grad(x, t, P)

    def _loss_grad(self, x, t, P):
        acts, cache = self._forward(x, P)
        prob = _softmax(acts["output"])
        n = x.shape[0]
        loss = -np.log(prob[np.arange(n), t] + 1e-300).mean()
        wd = self.weight_decay
        loss += 0.5 * wd * sum((P[k] ** 2).sum() for k in P if k.endswith("_w"))
        dout = prob
        dout[np.arange(n), t] -= 1.0
        dout /= n
        g = self._backward(dout, cache, P)
        for k in g:
            if k.endswith("_w"):
                g[k] = g[k] + wd * P[k]
        return float(loss), g

    def _encode(self, y):
        y = np.asarray(y)
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        bad = self.classes_[idx] != y
        if bad.any():
            raise ValidationError(f"y must hold labels seen in fit {self.classes_.tolist()}; got {np.unique(y[bad]).tolist()[:5]}")
        return idx

    # ------------------------------------------------------------------ estimator API
    def fit(self, images, y):
        """Train on images (n, H, W) (or a DataArray, or flattened rows, see ``image_shape``) and labels y (n,).

        Minibatch SGD with momentum on the cross-entropy.

        Returns
        -------
        self
        """
        self._check_hyper()
        for attr in ("params_", "image_shape_"):
            self.__dict__.pop(attr, None)
        arr, y = self._as_images(images, y, fitting=True)
        y = np.asarray(y)
        if y.shape != (arr.shape[0],):
            raise ValidationError(f"y must have one label per image ({arr.shape[0]}); got shape {y.shape}")
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValidationError(f"y must hold at least 2 classes; got {self.classes_.tolist()}")
        gen = as_generator(self.rng)
        init_rng, order_rng = gen.spawn(2)
        self.row_shape_ = arr.shape[1:]
        self.input_mean_ = float(arr.mean())
        self.input_std_ = float(arr.std()) or 1.0
        arr = self._pad(arr, self.input_mean_)  # flattened rows onto a canvas the poolings divide
        self.image_shape_ = arr.shape[1:]
        H, W = self.image_shape_
        params = self._init_params(H, W, self.classes_.size, init_rng)
        self.params_ = {k: v.astype(np.float32) for k, v in params.items()}
        self.layer_names_ = layer_names(self.depth)
        x = self._prepare(arr)
        t = self._encode(y)
        vel = {k: np.zeros_like(v) for k, v in self.params_.items()}
        self.loss_curve_ = []
        with _blas_single_thread():
            initial = self._mean_loss(x, t)
            self.n_steps_ = self._train(x, t, vel, order_rng)
        curve = np.array([initial] + list(self.loss_curve_))
        self.learning_curve_ = xr.Dataset(
            {"train_loss": ("epoch", curve, {"units": "nat", "long_name": "training cross-entropy"})},
            coords={"epoch": ("epoch", np.arange(curve.size), {"units": "1", "long_name": "epoch"})},
        )
        return self

    def _mean_loss(self, x, t, chunk: int = 256) -> float:
        """Mean cross-entropy of the current network on (x, t), without the weight penalty (draws nothing)."""
        total = 0.0
        for i in range(0, x.shape[0], chunk):
            out = self._forward(x[i:i + chunk], self.params_, need={"output"})[0]["output"]
            prob = _softmax(out.astype(np.float64))
            total -= np.log(prob[np.arange(out.shape[0]), t[i:i + chunk]] + 1e-300).sum()
        return float(total / x.shape[0])

    def _train(self, x, t, vel, order_rng):
        n = x.shape[0]
        bs = self.batch_size
        lr, mom = np.float32(self.learning_rate), np.float32(self.momentum)
        budget = np.inf if self.max_steps is None else int(self.max_steps)
        steps = 0
        for _ in range(self.n_epochs):
            if steps >= budget:
                break
            perm = order_rng.permutation(n)
            total, seen = 0.0, 0
            for s in range(0, n, bs):
                if steps >= budget:
                    break
                b = perm[s : s + bs]
                loss, g = self._loss_grad(x[b], t[b], self.params_)
                total += loss * b.size
                seen += b.size
                steps += 1
                for k in self.params_:
                    vel[k] = mom * vel[k] - lr * g[k].astype(np.float32)
                    self.params_[k] += vel[k]
            self.loss_curve_.append(total / seen)
        return steps

    def decision_function(self, images, chunk: int = 256):
        """Output-layer values (logits), shape (n, n_classes)."""
        self._check_fitted()
        x = self._prepare(images)
        with _blas_single_thread():
            out = [self._forward(x[i : i + chunk], self.params_)[0]["output"] for i in range(0, x.shape[0], chunk)]
        return np.concatenate(out)

    def predict_proba(self, images):
        """Softmax class probabilities, shape (n, n_classes)."""
        return _softmax(self.decision_function(images))

    def predict(self, images):
        """Predicted labels, shape (n,)."""
        scores = self.decision_function(images)
        return self.classes_[scores.argmax(1)]

    def score(self, images, y) -> float:
        """Accuracy on images and labels."""
        return float((self.predict(images) == np.asarray(y)).mean())

    def activations(self, images, layers=None, stimulus_id=None, batch_size=None, *, chunk=None) -> xr.DataArray:
        """Unit activations of the requested layers, concatenated along ``neuroid``.

        Parameters
        ----------
        images : DataArray (presentation, y, x) or array (n, H, W)
        layers : str or sequence of str, optional
            Among :attr:`layer_names_` (default all), in any order.
        stimulus_id : sequence of str, optional
            One id per image; default the images' ``stimulus_id`` coord, else
            ``"stim0000"``, ….
        batch_size : int, optional
            Images per forward pass (default 256). ``chunk`` is an older name for it.

        Returns
        -------
        xarray.DataArray
            Shape (n_images, n_units), dims ("presentation", "neuroid"), float32,
            the format of :func:`neurocomp._layers.layer_activations`:
            ``stimulus_id`` on presentation (plus the images' other
            presentation coords); ``layer``, ``neuroid_id`` (``"conv1.0012"``)
            and ``unit`` (index within the layer, channel-major) on neuroid.
            Convolutional and fc layers are after the ReLU; ``output`` is the
            logits.
        """
        self._check_fitted()
        names = check_layers(layers, self.layer_names_)
        x = self._prepare(images)
        need = set(names)

        def forward(batch, names):
            return self._forward(batch, self.params_, need=need)[0]

        with _blas_single_thread():
            return batched_activations(
                forward, x, names, batch_size=chunk if batch_size is None else batch_size,
                stimulus_id=stimulus_id, images=images, model="CNN", dtype=np.float32,
            )


def torch_activations(model, images, layers, *, stimulus_id=None, batch_size: int = 256, device=None) -> xr.DataArray:
    """Activations of any PyTorch model's submodules, captured by forward hooks.

    Parameters
    ----------
    model : torch.nn.Module
        Run in eval mode under ``torch.no_grad()`` (its training mode is restored).
    images : DataArray (presentation, y, x), array (n, H, W) or (n, C, H, W)
        Passed to the model as float32 tensors (a channel axis is added to 3-D input).
    layers : str or sequence of str
        Names of submodules, as in ``model.named_modules()`` (e.g. ``"features.3"``).
    stimulus_id : sequence of str, optional
        Default the images' ``stimulus_id`` coord, else ``"stim0000"``, ….
    batch_size : int
        Images per forward pass.
    device : str or torch.device, optional
        Where to run (default: where the model's parameters are, else CPU).

    Returns
    -------
    xarray.DataArray
        (presentation × neuroid), float32, with ``layer``, ``neuroid_id``,
        ``unit`` on neuroid — the format of :meth:`CNN.activations`. A module
        returning a tuple contributes its first element.

    Raises
    ------
    ImportError
        When torch is not installed (it is not a neurocomp dependency).
    ValidationError
        When a name is not a submodule (the message lists the valid names).

    Examples
    --------
    >>> import numpy as np
    >>> torch = __import__("pytest").importorskip("torch")
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten())
    >>> torch_activations(net, np.zeros((3, 8, 8)), ["1"]).shape
    (3, 128)
    """
    try:
        import torch
    except ImportError:
        raise ImportError(
            "For torch_activations to work, the torch module is needed: pip install torch "
            "(a CPU build is enough: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        ) from None
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    arr = images.values if isinstance(images, xr.DataArray) else images
    arr = check_array("images", arr, ndim=(3, 4))
    if arr.shape[0] == 0:
        raise ValidationError(f"images must hold at least one image; got shape {arr.shape}")
    if arr.ndim == 3:
        arr = arr[:, None]
    modules = dict(model.named_modules())
    valid = [name for name in modules if name]
    if layers is None:
        raise ValidationError(f"layers must name submodules of model; valid names are {valid}")
    names = [layers] if isinstance(layers, str) else list(layers)
    missing = [name for name in names if name not in modules or not name]
    if missing:
        raise ValidationError(
            f"layers must name submodules of model; got unknown {missing}; valid names are {valid}"
        )
    names = check_layers(names, valid)
    if device is None:
        first = next(model.parameters(), None)
        device = first.device if first is not None else torch.device("cpu")
    captured = {}

    def hook_for(name):
        def hook(mod, inp, out):
            if isinstance(out, (tuple, list)):
                out = out[0]
            captured[name] = out.detach().reshape(out.shape[0], -1).float().cpu().numpy()
        return hook

    def forward(batch, names):
        captured.clear()
        model(torch.as_tensor(np.ascontiguousarray(batch), dtype=torch.float32, device=device))
        return dict(captured)

    hooks = [modules[name].register_forward_hook(hook_for(name)) for name in names]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            return batched_activations(
                forward, arr, names, batch_size=batch_size, stimulus_id=stimulus_id,
                images=images, model=type(model).__name__, dtype=np.float32,
            )
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
