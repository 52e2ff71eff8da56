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

from neurocomp._validation import ValidationError, check_array, check_int, check_is_fitted, check_positive
from neurocomp.random import as_generator

__all__ = ["CNN", "LAYERS", "torch_activations"]

#: Layer names in forward order.
LAYERS = ("conv1", "pool1", "conv2", "pool2", "fc1", "output")


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
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class CNN:
    """Convolutional network for image categorisation (numpy, SGD with momentum).

    Parameters
    ----------
    channels : tuple of 2 int
        Channels of conv1 and conv2.
    kernel_sizes : tuple of 2 int
        Odd kernel sides of conv1 and conv2.
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
    rng : None, int, SeedSequence or Generator
        Initial weights and minibatch order.

    Attributes
    ----------
    params_ : dict of str to ndarray
        ``conv1_w`` (C1, 1, k1, k1), ``conv1_b``, ``conv2_w`` (C2, C1, k2, k2),
        ``conv2_b``, ``fc1_w`` (C2*H/4*W/4, F), ``fc1_b``, ``output_w`` (F, K), ``output_b``.
    classes_ : ndarray of shape (K,)
    image_shape_ : tuple (H, W)
    input_mean_, input_std_ : float
        Standardisation of the pixels, from the training images.
    loss_curve_ : list of float
        Mean training cross-entropy per epoch.

    Notes
    -----
    He initialisation (normal, s.d. sqrt(2 / fan_in)); cross-entropy loss on the
    softmax of ``output``. Image sides must be divisible by 4 (two 2 × 2 poolings).
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
        self.rng = rng

    # ------------------------------------------------------------------ checks
    def _check_hyper(self):
        ch = tuple(self.channels)
        ks = tuple(self.kernel_sizes)
        if len(ch) != 2 or len(ks) != 2:
            raise ValidationError(f"channels and kernel_sizes must hold 2 values each; got {ch} and {ks}")
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

    def _check_fitted(self):
        check_is_fitted(self, "params_")

    @staticmethod
    def _images(images, name="images"):
        if isinstance(images, xr.DataArray):
            arr = images.values
        else:
            arr = images
        arr = check_array(name, arr, ndim=3)
        if arr.shape[0] == 0:
            raise ValidationError(f"{name} must hold at least one image; got shape {arr.shape}")
        H, W = arr.shape[1:]
        if H < 4 or W < 4 or H % 4 or W % 4:
            raise ValidationError(
                f"{name} must have height and width divisible by 4 (two 2 x 2 poolings) and >= 4; got {H} x {W}"
            )
        return arr

    def _prepare(self, images, dtype=np.float32):
        arr = self._images(images)
        if arr.shape[1:] != self.image_shape_:
            raise ValidationError(
                f"images must be {self.image_shape_[0]} x {self.image_shape_[1]} pixels like the training images; "
                f"got {arr.shape[1]} x {arr.shape[2]}"
            )
        return ((arr - self.input_mean_) / self.input_std_)[:, None].astype(dtype)

    # ------------------------------------------------------------------ model
    def _init_params(self, H, W, K, gen):
        C1, C2 = self.channels
        k1, k2 = self.kernel_sizes
        n_flat = C2 * (H // 4) * (W // 4)
        he = lambda fan_in, shape: gen.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
        return {
            "conv1_w": he(k1 * k1, (C1, 1, k1, k1)),
            "conv1_b": np.zeros(C1),
            "conv2_w": he(C1 * k2 * k2, (C2, C1, k2, k2)),
            "conv2_b": np.zeros(C2),
            "fc1_w": he(n_flat, (n_flat, self.fc_units)),
            "fc1_b": np.zeros(self.fc_units),
            "output_w": gen.normal(0.0, np.sqrt(1.0 / self.fc_units), size=(self.fc_units, K)),
            "output_b": np.zeros(K),
        }

    def _forward(self, x, params):
        """Forward pass; returns the named activations and a cache for backprop."""
        P = params
        z1, cols1 = _conv_forward(x, P["conv1_w"], P["conv1_b"])
        a1 = np.maximum(z1, 0)
        p1, m1 = _pool_forward(a1)
        z2, cols2 = _conv_forward(p1, P["conv2_w"], P["conv2_b"])
        a2 = np.maximum(z2, 0)
        p2, m2 = _pool_forward(a2)
        flat = p2.reshape(p2.shape[0], -1)
        z3 = flat @ P["fc1_w"] + P["fc1_b"]
        a3 = np.maximum(z3, 0)
        out = a3 @ P["output_w"] + P["output_b"]
        acts = {"conv1": a1, "pool1": p1, "conv2": a2, "pool2": p2, "fc1": a3, "output": out}
        cache = (x, z1, cols1, m1, p1, z2, cols2, m2, p2, flat, z3, a3)
        return acts, cache

    def _backward(self, dout, cache, params):
        """Gradients of a scalar loss w.r.t. all parameters, given dLoss/d(output)."""
        x, z1, cols1, m1, p1, z2, cols2, m2, p2, flat, z3, a3 = cache
        P = params
        g = {}
        g["output_w"] = a3.T @ dout
        g["output_b"] = dout.sum(0)
        d3 = (dout @ P["output_w"].T) * (z3 > 0)
        g["fc1_w"] = flat.T @ d3
        g["fc1_b"] = d3.sum(0)
        dp2 = (d3 @ P["fc1_w"].T).reshape(p2.shape)
        da2 = _pool_backward(dp2, m2) * (z2 > 0)
        dp1, g["conv2_w"], g["conv2_b"] = _conv_backward(da2, cols2, P["conv2_w"])
        da1 = _pool_backward(dp1, m1) * (z1 > 0)
        _, g["conv1_w"], g["conv1_b"] = _conv_backward(da1, cols1, P["conv1_w"], need_dx=False)
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
        """Train on images (n, H, W) (or a DataArray) and labels y (n,) by minibatch SGD.

        Returns
        -------
        self
        """
        self._check_hyper()
        arr = self._images(images)
        y = np.asarray(y)
        if y.shape != (arr.shape[0],):
            raise ValidationError(f"y must have one label per image ({arr.shape[0]}); got shape {y.shape}")
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValidationError(f"y must hold at least 2 classes; got {self.classes_.tolist()}")
        gen = as_generator(self.rng)
        init_rng, order_rng = gen.spawn(2)
        self.image_shape_ = arr.shape[1:]
        self.input_mean_ = float(arr.mean())
        self.input_std_ = float(arr.std()) or 1.0
        H, W = self.image_shape_
        params = self._init_params(H, W, self.classes_.size, init_rng)
        self.params_ = {k: v.astype(np.float32) for k, v in params.items()}
        x = self._prepare(arr)
        t = self._encode(y)
        vel = {k: np.zeros_like(v) for k, v in self.params_.items()}
        self.loss_curve_ = []
        with _blas_single_thread():
            self._train(x, t, vel, order_rng)
        return self

    def _train(self, x, t, vel, order_rng):
        n = x.shape[0]
        bs = self.batch_size
        lr, mom = np.float32(self.learning_rate), np.float32(self.momentum)
        for _ in range(self.n_epochs):
            perm = order_rng.permutation(n)
            total = 0.0
            for s in range(0, n, bs):
                b = perm[s : s + bs]
                loss, g = self._loss_grad(x[b], t[b], self.params_)
                total += loss * b.size
                for k in self.params_:
                    vel[k] = mom * vel[k] - lr * g[k].astype(np.float32)
                    self.params_[k] += vel[k]
            self.loss_curve_.append(total / n)

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
        return self.classes_[self.decision_function(images).argmax(1)]

    def score(self, images, y) -> float:
        """Accuracy on images and labels."""
        return float((self.predict(images) == np.asarray(y)).mean())

    def activations(self, images, layers=None, stimulus_id=None, chunk: int = 256) -> xr.DataArray:
        """Unit activations of the requested layers, concatenated along ``neuroid``.

        Parameters
        ----------
        images : DataArray (presentation, y, x) or array (n, H, W)
        layers : sequence of str, optional
            Among :data:`LAYERS` (default all), in any order.
        stimulus_id : sequence of str, optional
            One id per image; default the images' ``stimulus_id`` coord, else
            ``"stim00000"``, ….

        Returns
        -------
        xarray.DataArray
            Shape (n_images, n_units), dims ("presentation", "neuroid");
            ``stimulus_id`` on presentation (plus the images' other
            presentation coords); ``layer``, ``neuroid_id`` (``"conv1.00012"``)
            and ``unit`` (index within the layer, channel-major) on neuroid.
            Convolutional and fc layers are after the ReLU; ``output`` is the
            logits.
        """
        self._check_fitted()
        if layers is None:
            layers = list(LAYERS)
        layers = [layers] if isinstance(layers, str) else list(layers)
        if not layers:
            raise ValidationError(f"layers must name at least one of {list(LAYERS)}; got none")
        for name in layers:
            if name not in LAYERS:
                raise ValidationError(f"layers must be among {list(LAYERS)}; got {name!r}")
        if len(set(layers)) != len(layers):
            raise ValidationError(f"layers must not repeat a name; got {layers}")
        x = self._prepare(images)
        n = x.shape[0]
        if stimulus_id is None and isinstance(images, xr.DataArray) and "stimulus_id" in images.coords:
            stimulus_id = images["stimulus_id"].values
        if stimulus_id is None:
            stimulus_id = [f"stim{i:05d}" for i in range(n)]
        sid = np.asarray(stimulus_id).astype(str)
        if sid.shape != (n,):
            raise ValidationError(f"stimulus_id must hold one id per image ({n}); got shape {sid.shape}")
        blocks = {name: [] for name in layers}
        with _blas_single_thread():
            for i in range(0, n, chunk):
                acts, _ = self._forward(x[i : i + chunk], self.params_)
                for name in layers:
                    a = acts[name]
                    blocks[name].append(a.reshape(a.shape[0], -1).astype(np.float32))
        data = np.concatenate([np.concatenate(blocks[name]) for name in layers], axis=1)
        layer_col, unit_col, nid = [], [], []
        for name in layers:
            m = blocks[name][0].shape[1]
            layer_col.append(np.full(m, name))
            unit_col.append(np.arange(m))
            nid.append(np.char.add(f"{name}.", np.char.zfill(np.arange(m).astype(str), 5)))
        coords = {
            "stimulus_id": ("presentation", sid),
            "layer": ("neuroid", np.concatenate(layer_col)),
            "unit": ("neuroid", np.concatenate(unit_col)),
            "neuroid_id": ("neuroid", np.concatenate(nid)),
        }
        if isinstance(images, xr.DataArray):
            for cname, c in images.coords.items():
                if c.dims == ("presentation",) and cname not in coords:
                    coords[cname] = ("presentation", c.values, c.attrs)
        return xr.DataArray(
            data, dims=("presentation", "neuroid"), coords=coords, name="activation",
            attrs={"units": "1", "long_name": "unit activation"},
        )


def torch_activations(model, images, layers, *, stimulus_id=None, batch_size: int = 256) -> xr.DataArray:
    """Activations of a PyTorch model's submodules, captured by forward hooks.

    Parameters
    ----------
    model : torch.nn.Module
        Run in eval mode under ``torch.no_grad()``.
    images : array (n, C, H, W) or (n, H, W)
        Passed to the model as float32 tensors (a channel axis is added to 3-D input).
    layers : sequence of str
        Names of submodules (as in ``model.named_modules()``).
    stimulus_id : sequence of str, optional

    Returns
    -------
    xarray.DataArray
        (presentation × neuroid) with ``layer``, ``neuroid_id``, ``unit`` on
        neuroid — the same format as :meth:`CNN.activations`.
    """
    try:
        import torch
    except ImportError:
        raise ImportError("For torch_activations to work, the torch module is needed: pip install torch") from None
    arr = check_array("images", images, ndim=(3, 4))
    if arr.ndim == 3:
        arr = arr[:, None]
    layers = [layers] if isinstance(layers, str) else list(layers)
    modules = dict(model.named_modules())
    missing = [name for name in layers if name not in modules]
    if missing:
        raise ValidationError(f"layers must name submodules of model; got unknown {missing}, known: {list(modules)[:10]}")
    captured = {name: [] for name in layers}
    hooks = []
    for name in layers:
        hooks.append(modules[name].register_forward_hook(
            lambda mod, inp, out, name=name: captured[name].append(out.detach().reshape(out.shape[0], -1).cpu().numpy())
        ))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            for i in range(0, arr.shape[0], batch_size):
                model(torch.as_tensor(arr[i : i + batch_size], dtype=torch.float32))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    n = arr.shape[0]
    sid = np.asarray(stimulus_id if stimulus_id is not None else [f"stim{i:05d}" for i in range(n)]).astype(str)
    data = [np.concatenate(captured[name]) for name in layers]
    return xr.DataArray(
        np.concatenate(data, axis=1),
        dims=("presentation", "neuroid"),
        coords={
            "stimulus_id": ("presentation", sid),
            "layer": ("neuroid", np.concatenate([np.full(d.shape[1], name) for d, name in zip(data, layers)])),
            "unit": ("neuroid", np.concatenate([np.arange(d.shape[1]) for d in data])),
            "neuroid_id": ("neuroid", np.concatenate([[f"{name}.{u:05d}" for u in range(d.shape[1])] for d, name in zip(data, layers)])),
        },
        name="activation",
        attrs={"units": "1", "long_name": "unit activation"},
    )
