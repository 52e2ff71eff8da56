"""What the recurrent estimators share (internal): input checks, targets, read-out and loss, training loop.

A subclass supplies the recurrent core through a few methods:

``_init_params(n_in, n_out, rng) -> dict``
    initial parameters (the read-out ``W_out``, ``b_out`` included);
``_forward(params, Xt, h0, noise_rng) -> (R, cache)``
    runs the network on time-major inputs ``Xt`` of shape (n_steps, batch, n_in) and returns the
    read-out features ``R`` (n_steps, batch, n_readout) (the top hidden layer, or the rates);
``_backward(params, cache, dR, truncate, want_state_grads) -> (grads, state_grads)``
    back-propagates ``dL/dR`` through time and returns the parameter gradients (read-out excluded)
    and, when asked, the total gradient ``dL/dh_t`` of the top state at every step;
``_state_from_cache(cache)``, ``_features(state)``, ``step``, ``step_jacobian``.
"""

from __future__ import annotations

import numbers

import numpy as np
import xarray as xr
from sklearn.base import BaseEstimator
from sklearn.utils.metaestimators import available_if

from neurocomp._validation import (
    ValidationError,
    check_array,
    check_int,
    check_is_fitted,
    check_nonnegative,
    check_option,
    check_positive,
)
from neurocomp.random import as_generator
from neurocomp.rnn._optim import clip_global_norm, make_optimizer

OUTPUTS = ("linear", "softmax", "sigmoid")
READOUTS = ("last", "all")
OPTIMIZERS = ("adam", "sgd")
DTYPES = ("float64", "float32")


def sigmoid(x, out=None):
    """Logistic function through tanh (stable for any x, vectorised by numpy)."""
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


_CONTROLLER = None


def serial_blas(macs_per_step):
    """One BLAS thread for a time loop whose recurrent product is small (``macs_per_step`` < 2**23).

    Waking BLAS threads for a (batch x units) product every step costs more than it saves, the more
    so on shared cores; the large products over all steps keep every thread. Cheap to enter (a cached
    ``threadpoolctl`` controller).
    """
    import contextlib

    global _CONTROLLER
    if macs_per_step >= 2 ** 23:
        return contextlib.nullcontext()
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _has_proba(self):
    return self.output in ("softmax", "sigmoid")


class RecurrentEstimator(BaseEstimator):
    """Base of :class:`~neurocomp.rnn.RNN` and :class:`~neurocomp.rnn.RateRNN` (not public)."""

    _state_name = "hidden"

    # ----------------------------------------------------------------- parameters
    def _check_training_params(self):
        check_option("output", self.output, OUTPUTS)
        check_option("readout", self.readout, READOUTS)
        check_option("optimizer", self.optimizer, OPTIMIZERS)
        check_option("dtype", self.dtype, DTYPES)
        check_int("n_epochs", self.n_epochs, low=0)
        check_int("batch_size", self.batch_size, low=1)
        check_positive("learning_rate", self.learning_rate)
        m = check_nonnegative("momentum", self.momentum)
        if m >= 1:
            raise ValidationError(f"momentum must lie in [0, 1); got {self.momentum!r}")
        check_nonnegative("weight_decay", self.weight_decay)
        if self.clip_norm is not None:
            check_positive("clip_norm", self.clip_norm)
        if self.truncate is not None:
            check_int("truncate", self.truncate, low=1)
        if self.init_params is not None and not isinstance(self.init_params, dict):
            raise TypeError(f"init_params must be None or a dict name -> array; got {type(self.init_params).__name__}")

    def __sklearn_tags__(self):
        from neurocomp._sklearn import output_tags

        tags = output_tags(super().__sklearn_tags__(), self.output)
        tags.non_deterministic = False
        return tags

    @property
    def _dt(self):
        return np.dtype(self.dtype)

    def _check_fitted(self):
        check_is_fitted(self, "params_")

    # ---------------------------------------------------------------------- inputs
    def _check_X(self, X, mask=None, *, name="X", mask_name="mask", fitting=False):
        """Validate sequences ``X`` and ``mask``; return (X (n, T, F) in dtype, mask (n, T) bool or None)."""
        if isinstance(X, (list, tuple)) or (isinstance(X, np.ndarray) and X.dtype == object):
            lengths = []
            for s in X:
                try:
                    lengths.append(len(s))
                except TypeError:
                    lengths = []
                    break
            if lengths and len(set(lengths)) > 1:
                raise ValidationError(
                    f"{name} holds sequences of different lengths ({sorted(set(lengths))[:5]} steps); "
                    f"pad them at the end to one length and pass {mask_name}= (True where a step counts)"
                )
        from sklearn.utils import check_array as sk_check_array

        try:
            arr = sk_check_array(X, dtype=np.float64, allow_nd=True, ensure_all_finite=False, input_name=name)
        except ValueError as exc:
            if "inhomogeneous" in str(exc) or "sequence" in str(exc):
                raise ValidationError(
                    f"{name} holds sequences of different lengths or shapes ({exc}); pad them at the end to one "
                    f"length and pass {mask_name}= (True where a step counts)"
                ) from None
            raise
        if arr.ndim not in (2, 3):
            raise ValidationError(
                f"{name} must be a 3-D array (n_sequences, n_steps, n_features) or a 2-D array (n_sequences, "
                f"n_steps) of univariate sequences; got {arr.ndim}-D array of shape {arr.shape}"
            )
        if arr.shape[0] < 1 or arr.shape[1] < 1 or (arr.ndim == 3 and arr.shape[2] < 1):
            raise ValidationError(f"{name} must hold at least one sequence of at least one step; got shape {arr.shape}")
        two_d = arr.ndim == 2
        if two_d:
            if fitting:
                self.n_features_in_ = arr.shape[1]
            elif hasattr(self, "n_features_in_") and self._fitted_2d and arr.shape[1] != self.n_features_in_:
                raise ValidationError(
                    f"{name} has {arr.shape[1]} features, but {type(self).__name__} is expecting "
                    f"{self.n_features_in_} features as input (a 2-D {name} is read as univariate sequences of "
                    "n_steps = n_features; give a 3-D array (n_sequences, n_steps, 1) for another length)"
                )
            arr = arr[:, :, None]
        elif fitting:
            self.n_features_in_ = arr.shape[2]
        if fitting:
            self._fitted_2d = two_d
            self.n_input_ = arr.shape[2]
        elif arr.shape[2] != self.n_input_:
            raise ValidationError(
                f"{name} has {arr.shape[2]} features per step, but {type(self).__name__} was fitted with "
                f"{self.n_input_} (X of shape (n_sequences, n_steps, {self.n_input_}))"
            )
        n, T = arr.shape[:2]
        if mask is not None:
            m = np.asarray(mask)
            if m.shape != (n, T):
                raise ValidationError(f"{mask_name} must have shape (n_sequences, n_steps) = {(n, T)}; got {m.shape}")
            if m.dtype != bool:
                if m.dtype.kind not in "biuf" or not np.isin(m, (0, 1)).all():
                    raise ValidationError(f"{mask_name} must be boolean (True where a step counts); got values "
                                          f"of dtype {m.dtype}")
                m = m.astype(bool)
            if not m[:, 0].all():
                raise ValidationError(f"{mask_name} must be True at the first step of every sequence (padding goes "
                                      f"at the end); sequence(s) {np.flatnonzero(~m[:, 0])[:5].tolist()} start False")
            if (m[:, 1:] & ~m[:, :-1]).any():
                bad = np.flatnonzero((m[:, 1:] & ~m[:, :-1]).any(axis=1))
                raise ValidationError(f"{mask_name} must be True on a prefix of each sequence (ragged sequences padded "
                                      f"at the end); sequence(s) {bad[:5].tolist()} have True after False")
            if m.all():
                m = None
        else:
            m = None
        arr = arr.astype(self._dt, copy=True)
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr)
            if m is not None:
                bad &= m[:, :, None]
            if bad.any():
                where = np.argwhere(bad)[:3].tolist()
                raise ValidationError(f"{name} must be finite where a step counts; got NaN/inf value(s) ({int(bad.sum())}),"
                                      f" first at index {where}")
            if m is not None:
                arr[~m] = 0.0  # padding (may be NaN) never reaches a counted step
        return arr, m

    def _check_truncate(self, n_steps):
        if self.truncate is not None and self.truncate > n_steps:
            raise ValidationError(f"truncate must be <= the sequence length n_steps={n_steps}; got truncate={self.truncate}")

    # --------------------------------------------------------------------- targets
    def _labels_to_index(self, y, name, fitting, counted):
        from sklearn.utils.multiclass import check_classification_targets

        y = np.asarray(y)
        if y.dtype.kind == "f" and not np.isfinite(y[counted]).all():
            raise ValidationError(f"{name} must be finite; got NaN/inf labels")
        if fitting:
            check_classification_targets(y[counted])
            classes = np.unique(y[counted])
            if classes.size < 2:
                raise ValidationError(f"{name} must hold at least 2 classes; got 1 class {classes.tolist()}")
            if self.output == "sigmoid" and classes.size > 2:
                raise ValidationError(
                    "Only binary classification is supported with one sigmoid output: "
                    f"{name} must hold two classes for a sigmoid output with label targets; got {classes.size} "
                    f"classes {classes.tolist()[:6]} (use output='softmax', or give 0/1 targets with one column per output)"
                )
            self.classes_ = classes
        idx = np.zeros(y.shape, dtype=np.intp)
        yc = y[counted]
        try:
            pos = np.clip(np.searchsorted(self.classes_, yc), 0, self.classes_.size - 1)
            ok = np.asarray(self.classes_[pos] == yc)
        except TypeError:
            ok = np.zeros(yc.shape, bool)
            pos = np.zeros(yc.shape, np.intp)
        if not ok.all():
            unknown = np.unique(np.asarray(yc)[~ok].astype(str))[:5].tolist()
            raise ValidationError(f"{name} holds labels outside the classes seen in fit {self.classes_.tolist()[:10]}; "
                                  f"got {unknown}")
        idx[counted] = pos
        return idx

    def _encode_y(self, y, n, T, mask, *, name="y", fitting=False):
        """Targets, time-major: ("index", (T, n) or (n,) int) or ("value", (T, n, O) or (n, O) float)."""
        if y is None:
            raise ValidationError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if hasattr(y, "toarray"):
            raise TypeError(f"{name} must be a dense array; got a sparse matrix")
        y = np.asarray(y)
        if self.readout == "last":
            counted = np.ones(n, bool)
            if y.ndim == 2 and y.shape[1] == 1 and self.output == "softmax":
                from sklearn.utils.validation import column_or_1d

                y = column_or_1d(y, warn=True)
            if y.shape[:1] != (n,) or y.ndim not in (1, 2):
                raise ValidationError(f"{name} must have shape (n_sequences,) or (n_sequences, n_outputs) with "
                                      f"n_sequences={n} for readout='last'; got {y.shape}")
        else:
            counted = np.ones((n, T), bool) if mask is None else mask
            if y.shape[:2] != (n, T) or y.ndim not in (2, 3):
                raise ValidationError(f"{name} must have shape (n_sequences, n_steps) or (n_sequences, n_steps, "
                                      f"n_outputs) = ({n}, {T}, ...) for readout='all'; got {y.shape}")
        label_ndim = 1 if self.readout == "last" else 2
        if fitting:
            self._y_1d = y.ndim == label_ndim
        if self.output == "softmax" or (self.output == "sigmoid" and y.ndim == label_ndim):
            if self.output == "softmax" and y.ndim != label_ndim:
                raise ValidationError(f"{name} must hold one class label per {'sequence' if label_ndim == 1 else 'step'} "
                                      f"for output='softmax'; got shape {y.shape}")
            if not fitting and self.output == "sigmoid" and not self._y_1d:
                raise ValidationError(f"{name} must hold 0/1 targets with one column per output, as in fit; got {y.shape}")
            idx = self._labels_to_index(y, name, fitting, counted)
            if self.output == "sigmoid":
                vals = idx.astype(self._dt)[..., None]
                if fitting:
                    self.n_outputs_ = 1
                return ("value", vals if self.readout == "last" else np.ascontiguousarray(vals.transpose(1, 0, 2)))
            if fitting:
                self.n_outputs_ = self.classes_.size
            return ("index", idx if self.readout == "last" else np.ascontiguousarray(idx.T))
        # real-valued (linear) or 0/1 multi-output (sigmoid)
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValidationError(f"Unknown label type: {name} must be numeric for output={self.output!r}; "
                                      f"got dtype {y.dtype}") from None
        vals = np.array(y, dtype=self._dt)
        if y.ndim == label_ndim:
            vals = vals[..., None]
        bad = ~np.isfinite(vals) & counted[..., None]
        if bad.any():
            raise ValidationError(f"{name} must be finite where a step counts; got {int(bad.sum())} NaN/inf value(s)")
        vals[~counted] = 0.0
        if self.output == "sigmoid":
            if not np.isin(vals[counted], (0.0, 1.0)).all():
                raise ValidationError(f"{name} must hold only 0 and 1 for a sigmoid output; got other values")
            if fitting:
                self.classes_ = np.array([0, 1])
        if fitting:
            self.n_outputs_ = vals.shape[-1]
        elif vals.shape[-1] != self.n_outputs_:
            raise ValidationError(f"{name} has {vals.shape[-1]} outputs; the network was fitted with {self.n_outputs_}")
        return ("value", vals if self.readout == "last" else np.ascontiguousarray(vals.transpose(1, 0, 2)))

    # ------------------------------------------------------------- read-out, loss
    @staticmethod
    def _last_index(mask, n, T):
        if mask is None:
            return np.full(n, T - 1, dtype=np.intp)
        return mask.sum(axis=1).astype(np.intp) - 1

    def _activate(self, Z):
        if self.output == "softmax":
            Z = Z - Z.max(axis=-1, keepdims=True)
            np.exp(Z, out=Z)
            Z /= Z.sum(axis=-1, keepdims=True)
            return Z
        if self.output == "sigmoid":
            return sigmoid(Z)
        return Z

    def _readout_loss(self, params, R, target, weights, last, *, want_grad=True):
        """Loss of read-out features ``R`` (T, B, K) and its gradient ``dL/dR`` plus read-out gradients.

        ``weights`` (T, B) or (B,) sum to 1 over counted items; ``last`` (B,) the read-out step.
        """
        W, b = params["W_out"], params["b_out"]
        B = R.shape[1]
        F = R[last, np.arange(B)] if self.readout == "last" else R
        Z = F @ W + b
        kind, tgt = target
        if self.output == "linear":
            diff = Z - tgt
            per = 0.5 * np.einsum("...o,...o->...", diff, diff)
            dZ = diff
        elif self.output == "softmax":
            zmax = Z.max(axis=-1, keepdims=True)
            E = np.exp(Z - zmax)
            S = E.sum(axis=-1, keepdims=True)
            lse = (np.log(S) + zmax)[..., 0]
            per = lse - np.take_along_axis(Z, tgt[..., None], axis=-1)[..., 0]
            dZ = E / S
            np.put_along_axis(dZ, tgt[..., None], np.take_along_axis(dZ, tgt[..., None], axis=-1) - 1, axis=-1)
        else:
            # binary cross-entropy summed over outputs: softplus(z) - t z
            per = (np.logaddexp(0, Z) - tgt * Z).sum(axis=-1)
            dZ = sigmoid(Z) - tgt
        loss = float(np.sum(per * weights, dtype=np.float64))
        if not want_grad:
            return loss, None, None
        dZ *= weights[..., None].astype(dZ.dtype)
        K = F.shape[-1]
        grads = {"W_out": F.reshape(-1, K).T @ dZ.reshape(-1, dZ.shape[-1]),
                 "b_out": dZ.reshape(-1, dZ.shape[-1]).sum(axis=0)}
        dF = dZ @ W.T
        if self.readout == "last":
            dR = np.zeros_like(R)
            dR[last, np.arange(B)] = dF
        else:
            dR = dF
        return loss, grads, dR

    def _weights(self, mask_t, B):
        """Loss weights: 1/(number of counted items) on counted items."""
        if self.readout == "last":
            return np.full(B, 1.0 / B, dtype=self._dt)
        if mask_t is None:
            T = self._cur_T
            return np.full((T, B), 1.0 / (T * B), dtype=self._dt)
        w = mask_t.astype(self._dt)
        w /= w.sum()
        return w

    def _decay_terms(self, params):
        wd = float(self.weight_decay)
        if not wd:
            return 0.0
        return 0.5 * wd * sum(float(np.vdot(v, v)) for k, v in params.items() if k.startswith("W"))

    def _objective(self, params, Xt, target, mask_t, last, *, want_grad=True, noise_rng=None, truncate=None,
                   want_state_grads=False):
        """Loss (mean per counted item, plus weight decay) and gradients for time-major inputs."""
        T, B = Xt.shape[:2]
        self._cur_T = T
        R, cache = self._forward(params, Xt, None, noise_rng)
        weights = self._weights(mask_t, B)
        loss, grads, dR = self._readout_loss(params, R, target, weights, last, want_grad=want_grad)
        loss += self._decay_terms(params)
        if not want_grad:
            return loss, None, None
        core, state_grads = self._backward(params, cache, dR, truncate, want_state_grads)
        grads.update(core)
        wd = float(self.weight_decay)
        if wd:
            for k in grads:
                if k.startswith("W"):
                    grads[k] = grads[k] + wd * params[k]
        return loss, grads, state_grads

    # ------------------------------------------------------------------- training
    def _prepare(self, X, y, mask, *, fitting, name="X", yname="y", mask_name="mask"):
        X, m = self._check_X(X, mask, name=name, mask_name=mask_name, fitting=fitting)
        n, T = X.shape[:2]
        target = self._encode_y(y, n, T, m, name=yname, fitting=fitting)
        Xt = np.ascontiguousarray(X.transpose(1, 0, 2))
        mask_t = None if m is None else np.ascontiguousarray(m.T)
        last = self._last_index(m, n, T)
        return Xt, target, mask_t, last

    def _take(self, target, idx):
        kind, t = target
        if self.readout == "all":
            return (kind, np.ascontiguousarray(t[:, idx]))
        return (kind, t[idx])

    def _check_memory(self, n_steps, n_sequences):
        """Refuse a fit whose parameters and BPTT caches cannot fit in memory, before allocating them."""
        from neurocomp.experiments._registry import _bytes, available_memory

        gates = {"vanilla": 1, "gru": 3, "lstm": 4}.get(getattr(self, "cell", None), 1)
        H, L = int(self.n_hidden), int(getattr(self, "n_layers", 1))
        n_in, n_out = int(self.n_input_), int(self.n_outputs_)
        n_params = L * gates * H * (max(n_in, H) + H + 1) + (H + 1) * n_out
        batch = min(int(self.batch_size), n_sequences)
        # parameters, gradients and two Adam moments; per layer a forward cache of every gate and state
        # over the batch's steps, its backward twin, and the outputs; the data themselves
        items = (4 * n_params + 2 * L * n_steps * batch * H * (gates + 2) + 2 * n_steps * batch * n_out
                 + 2 * n_steps * n_sequences * (n_in + n_out))
        need = items * np.dtype(self._dt).itemsize
        free = available_memory()
        if free is not None and need > free // 2:
            raise ValidationError(
                f"n_hidden={H} with {L} layer(s), batch_size={batch} and {n_steps} steps would need about "
                f"{_bytes(need)} for the parameters and BPTT caches; only {_bytes(free)} is available "
                "(reduce n_hidden, batch_size or the sequence length, or use truncate=)"
            )

    def _init_all(self, n_in, n_out, rng):
        params = self._init_params(n_in, n_out, rng)
        if self.init_params is not None:
            given = dict(self.init_params)
            unknown = sorted(set(given) - set(params))
            if unknown:
                raise ValidationError(f"init_params has unknown parameter name(s) {unknown}; expected {sorted(params)}")
            for k, v in given.items():
                arr = check_array(f"init_params[{k!r}]", v)
                if arr.shape != params[k].shape:
                    raise ValidationError(f"init_params[{k!r}] must have shape {params[k].shape}; got {arr.shape}")
                params[k] = arr.astype(self._dt, copy=True)
        return {k: np.ascontiguousarray(v, dtype=self._dt) for k, v in params.items()}

    def _training_step(self, params, opt, Xt, target, mask_t, last, noise_rng=None):
        """One gradient step on a time-major minibatch; returns the gradient norm before clipping."""
        _, grads, _ = self._objective(params, Xt, target, mask_t, last, noise_rng=noise_rng, truncate=self.truncate)
        norm = clip_global_norm(grads, self.clip_norm)
        opt.step(params, grads)
        return norm

    def fit(self, X, y, *, mask=None, X_valid=None, y_valid=None, mask_valid=None):
        """Train by backpropagation through time on sequences ``X`` with targets ``y``.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences (a 2-D array holds univariate sequences).
        y : array
            Targets. ``readout="all"``: shape (n_sequences, n_steps, n_outputs) for linear and sigmoid
            outputs, (n_sequences, n_steps) class labels for softmax (and two-class sigmoid).
            ``readout="last"``: (n_sequences, n_outputs), or (n_sequences,) labels or values.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts (ragged sequences padded at the end); with ``readout="last"`` the
            last True step is the read-out step. Inputs at padded steps may be NaN.
        X_valid, y_valid, mask_valid : optional
            Validation data scored after every epoch into ``learning_curve_["valid_loss"]``.

        Returns
        -------
        self
        """
        self._check_training_params()
        self._check_params()
        Xt, target, mask_t, last = self._prepare(X, y, mask, fitting=True)
        T, n = Xt.shape[:2]
        self._check_truncate(T)
        val = None
        if (X_valid is None) != (y_valid is None):
            raise ValidationError("X_valid and y_valid must be given together; got only one of them")
        if X_valid is not None:
            val = self._prepare(X_valid, y_valid, mask_valid, fitting=False, name="X_valid", yname="y_valid",
                                mask_name="mask_valid")
        self._check_memory(T, n)
        rng = as_generator(self.rng)
        init_rng, order_rng, noise_rng = rng.spawn(3)
        self.rng_ = rng
        params = self._init_all(self.n_input_, self.n_outputs_, init_rng)
        self.params_ = params
        opt = make_optimizer(self.optimizer, params, self.learning_rate, self.momentum)
        batch = min(int(self.batch_size), n)
        curve, vcurve, norms = [], [], [np.nan]

        def record():
            curve.append(self._objective(params, Xt, target, mask_t, last, want_grad=False)[0])
            if val is not None:
                vcurve.append(self._objective(params, *val, want_grad=False)[0])

        with self._threads(batch):
            record()
            self._train_epochs(params, opt, Xt, target, mask_t, last, n, batch, order_rng, noise_rng, curve, vcurve,
                               norms, record)
        return self._finish_curve(curve, vcurve, norms, val)

    def _threads(self, batch):
        """One BLAS thread when the recurrent product per step is small (threads cost more than they save)."""
        import contextlib

        from neurocomp._threads import one_blas_thread

        width = int(getattr(self, "n_hidden", 1)) * self._n_state_all() * 4
        return one_blas_thread() if batch * width < 2 ** 21 else contextlib.nullcontext()

    def _train_epochs(self, params, opt, Xt, target, mask_t, last, n, batch, order_rng, noise_rng, curve, vcurve,
                      norms, record):
        from neurocomp._progress import progress

        for _ in progress(range(int(self.n_epochs)), desc=f"{type(self).__name__} training", unit="epoch",
                          detail=True):
            order = order_rng.permutation(n)
            gnorms = []
            for start in range(0, n, batch):
                idx = np.sort(order[start:start + batch])
                Xb = np.ascontiguousarray(Xt[:, idx])
                mb = None if mask_t is None else np.ascontiguousarray(mask_t[:, idx])
                gnorms.append(self._training_step(params, opt, Xb, self._take(target, idx), mb, last[idx], noise_rng))
            record()
            norms.append(float(np.mean(gnorms)))
            if not np.isfinite(curve[-1]):
                raise ValidationError(
                    f"training diverged (loss became {curve[-1]}); lower learning_rate (now {self.learning_rate}) "
                    "or set clip_norm"
                )

    def _finish_curve(self, curve, vcurve, norms, val):
        """Store ``learning_curve_`` (and ``n_iter_``); return self."""
        epochs = np.arange(len(curve))
        unit = "1" if self.output == "linear" else "nat"
        data = {
            "loss": ("epoch", np.asarray(curve), {"units": unit, "long_name": "training loss per counted step"}),
            "gradient_norm": ("epoch", np.asarray(norms), {"units": "1", "long_name":
                                                              "mean gradient norm before clipping"}),
        }
        if val is not None:
            data["valid_loss"] = ("epoch", np.asarray(vcurve), {"units": unit,
                                                               "long_name": "validation loss per counted step"})
        self.learning_curve_ = xr.Dataset(data, coords={"epoch": ("epoch", epochs, {
            "units": "1", "long_name": "epoch (0 = before training)"})})
        self.n_iter_ = int(self.n_epochs)
        return self

    # ----------------------------------------------------------------- inference
    def _forward_outputs(self, X, mask, h0=None, noise_rng=None):
        self._check_fitted()
        X, m = self._check_X(X, mask)
        Xt = np.ascontiguousarray(X.transpose(1, 0, 2))
        h0 = self._check_h0(h0, Xt.shape[1])
        R, cache = self._forward(self.params_, Xt, h0, noise_rng)
        return Xt, m, R, cache

    def _check_h0(self, h0, n):
        if h0 is None:
            return None
        h0 = check_array("h0", h0, ndim=(1, 2)).astype(self._dt)
        want = self._n_state_all()
        if h0.shape[-1] != want or (h0.ndim == 2 and h0.shape[0] != n):
            raise ValidationError(f"h0 must have shape ({want},) or (n_sequences, {want}) = ({n}, {want}); "
                                  f"got {h0.shape}")
        return np.ascontiguousarray(np.broadcast_to(h0, (n, want)))

    def _raw_output(self, X, mask):
        Xt, m, R, _ = self._forward_outputs(X, mask)
        n, T = Xt.shape[1], Xt.shape[0]
        if self.readout == "last":
            last = self._last_index(m, n, T)
            F = R[last, np.arange(n)]
            return self._activate(F @ self.params_["W_out"] + self.params_["b_out"])
        Z = self._activate(R @ self.params_["W_out"] + self.params_["b_out"])
        return np.ascontiguousarray(Z.transpose(1, 0, 2))

    def predict(self, X, *, mask=None):
        """Predicted targets: class labels (softmax, two-class sigmoid) or output values.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts; with ``readout="last"`` the last True step is read out.

        Returns
        -------
        ndarray
            ``readout="last"``: (n_sequences,) or (n_sequences, n_outputs); ``readout="all"``:
            (n_sequences, n_steps) or (n_sequences, n_steps, n_outputs). Values at padded steps are
            computed but mean nothing.
        """
        P = self._raw_output(X, mask)
        if self.output == "softmax":
            return self.classes_[np.argmax(P, axis=-1)]
        if self.output == "sigmoid":
            if self._y_1d:
                return self.classes_[(P[..., 0] > 0.5).astype(np.intp)]
            return (P > 0.5).astype(np.int64)
        out = P.astype(np.float64)
        return out[..., 0] if self._y_1d else out

    @available_if(_has_proba)
    def predict_proba(self, X, *, mask=None):
        """Class probabilities (softmax, sigmoid outputs).

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts.

        Returns
        -------
        ndarray of shape (..., n_classes) or (..., n_outputs)
            Softmax: one column per class of ``classes_``; two-class sigmoid: columns (1 - p, p);
            multi-output sigmoid: p of each output.
        """
        P = self._raw_output(X, mask).astype(np.float64)
        if self.output == "sigmoid" and self._y_1d:
            return np.concatenate([1.0 - P, P], axis=-1)
        return P

    def score(self, X, y, *, mask=None, sample_weight=None):
        """Accuracy per counted step (softmax, sigmoid) or the coefficient of determination R² (linear).

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        y : array
            Targets, shaped as for :meth:`fit`.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts.
        sample_weight : array of shape (n_sequences,), optional
            Weight of each sequence.

        Returns
        -------
        float
        """
        self._check_fitted()
        Xc, m = self._check_X(X, mask)
        n, T = Xc.shape[:2]
        kind, tgt = self._encode_y(y, n, T, m)
        P = self._raw_output(X, mask)
        counted = np.ones(P.shape[:-1], bool) if (self.readout == "last" or m is None) else m
        w = np.ones(n) if sample_weight is None else check_array("sample_weight", sample_weight, shape=(n,))
        W = np.broadcast_to(w if self.readout == "last" else w[:, None], counted.shape)[counted]
        if self.readout == "all":
            tgt = tgt.swapaxes(0, 1)
        if self.output == "linear":
            from sklearn.metrics import r2_score

            return float(r2_score(tgt[counted], P[counted], sample_weight=W))
        if self.output == "softmax":
            hit = np.argmax(P, axis=-1) == tgt
        else:
            hit = ((P > 0.5) == (tgt > 0.5)).all(axis=-1)
        return float(np.average(hit[counted], weights=W))

    def loss_and_gradient(self, X, y, *, mask=None):
        """Training loss and its exact gradient with respect to every parameter in ``params_``.

        The loss is the mean per counted item (sequence for ``readout="last"``, step otherwise) of the
        squared error ``½‖z − t‖²`` (linear) or the cross-entropy (softmax, sigmoid), plus
        ``½ weight_decay Σ W²`` over the weight matrices. With ``truncate`` the gradient is that of
        truncated BPTT (no gradient flows back across the boundaries of ``truncate``-step chunks). The
        rate network's private noise is left out (the objective is deterministic).

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        y : array
            Targets, shaped as for :meth:`fit`.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts.

        Returns
        -------
        loss : float
        gradients : dict of str to ndarray
            Same names and shapes as ``params_``.
        """
        self._check_fitted()
        Xt, target, mask_t, last = self._prepare(X, y, mask, fitting=False)
        self._check_truncate(Xt.shape[0])
        loss, grads, _ = self._objective(self.params_, Xt, target, mask_t, last, truncate=self.truncate)
        return loss, grads

    def hidden_gradient_norms(self, X, y, *, mask=None):
        """Mean over sequences of ‖∂L/∂h_t‖, the gradient reaching the top-layer state at each step.

        With ``readout="last"`` the error enters at the read-out step only, so the curve shows how the
        error signal shrinks (vanishing gradients) or grows as it travels back in time (Pascanu et al.
        2013). Full BPTT (``truncate`` ignored). For an LSTM the state is h (the cell state c is not
        included); for a rate network it is x.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        y : array
            Targets, shaped as for :meth:`fit`.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts; padded steps are left out of the mean.

        Returns
        -------
        xarray.DataArray over ``time`` (step index)
            ``hidden_gradient_norm``, units "1".

        References
        ----------
        Pascanu, R., Mikolov, T. & Bengio, Y. (2013). On the difficulty of training recurrent neural
        networks. ICML.
        """
        self._check_fitted()
        Xt, target, mask_t, last = self._prepare(X, y, mask, fitting=False)
        _, _, G = self._objective(self.params_, Xt, target, mask_t, last, want_state_grads=True)
        norms = np.sqrt(np.einsum("tbh,tbh->tb", G, G, dtype=np.float64))
        if mask_t is None:
            mean = norms.mean(axis=1)
        else:
            with np.errstate(invalid="ignore"):
                mean = (norms * mask_t).sum(axis=1) / mask_t.sum(axis=1)
        return xr.DataArray(mean, dims=("time",), coords={"time": ("time", np.arange(Xt.shape[0]),
                                                                     {"units": "1", "long_name": "time step"})},
                            name="hidden_gradient_norm",
                            attrs={"units": "1", "long_name": "mean norm of dL/dh over sequences"})

    def run(self, X, *, mask=None, h0=None, **kwargs):
        """Run the trained network and return its hidden states and outputs at every step.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences.
        mask : bool array of shape (n_sequences, n_steps), optional
            Accepted for symmetry; every step is computed (padded steps mean nothing).
        h0 : array of shape (n_state,) or (n_sequences, n_state), optional
            Initial state (zeros by default); for several layers the layers' states concatenated.

        Returns
        -------
        xarray.Dataset
            ``hidden`` (trial, time, unit) of the top layer, ``output`` (trial, time, output_unit) (class
            probabilities for softmax/sigmoid; the output dim is ``output_unit``, the vocabulary's name
            for a variable on its own grid, since a variable cannot share its name with a dim), and
            cell-specific variables (``cell`` for the LSTM); ``time`` is the step index (units "1").
        """
        Xt, m, R, cache = self._forward_outputs(X, mask, h0, **kwargs)
        Z = self._activate(R @ self.params_["W_out"] + self.params_["b_out"])
        T, n = Xt.shape[:2]
        ds = xr.Dataset(coords={
            "trial": ("trial", np.arange(n), {"units": "1", "long_name": "sequence"}),
            "time": ("time", np.arange(T), {"units": "1", "long_name": "time step"}),
        })
        for name, (arr, attrs) in self._run_variables(cache).items():
            ds[name] = (("trial", "time", "unit"), np.ascontiguousarray(arr.transpose(1, 0, 2)), attrs)
        ds["output"] = (("trial", "time", "output_unit"), np.ascontiguousarray(Z.transpose(1, 0, 2)), {
            "units": "1", "long_name": {"linear": "network output", "softmax": "class probability",
                                        "sigmoid": "output probability"}[self.output]})
        ds = ds.assign_coords(unit=("unit", np.arange(ds.sizes["unit"])),
                              output_unit=("output_unit", np.arange(Z.shape[-1])))
        if m is not None:
            ds["mask"] = (("trial", "time"), m, {"units": "1", "long_name": "step counts (not padding)"})
        ds.attrs["model"] = type(self).__name__
        return ds

    def activations(self, X, stimulus_id=None, *, mask=None, layers=None, batch_size=None, step=None):
        """Each layer's activity at one step of every sequence, as one (presentation × neuroid) array.

        The format of every neurocomp model with layers (:mod:`neurocomp._layers`), so hidden states
        can be regressed onto recordings or compared by RSA like any layer: one presentation per
        sequence. Noise-free.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences, one per presentation.
        stimulus_id : sequence of str, optional
            One unique id per sequence; default ``"stim0000", "stim0001", ...``.
        mask : bool array of shape (n_sequences, n_steps), optional
            True where a step counts; the default ``step`` is each sequence's last counted step.
        layers : str or sequence of str, optional
            Among ``layer_names_`` (default all): ``"hidden1"``, ... (``"rate"`` for a rate network)
            and ``"output"``.
        batch_size : int, optional
            Sequences per forward pass (default 256).
        step : int, optional
            The step read out (negative counts from the end); default the last (counted) step.

        Returns
        -------
        xarray.DataArray
            ``activations`` with dims (presentation, neuroid); coords ``stimulus_id``, ``layer``,
            ``unit``, ``neuroid_id``; units "1".
        """
        from neurocomp._layers import batched_activations, check_layers

        self._check_fitted()
        Xc, m = self._check_X(X, mask)
        n, T = Xc.shape[:2]
        if step is not None:
            from neurocomp._validation import check_int

            step = check_int("step", step, low=-T, high=T - 1) % T
        names = check_layers(layers, self.layer_names_)
        last_all = self._last_index(m, n, T) if step is None else np.full(n, step, dtype=np.intp)
        index = np.arange(n)

        def forward(batch_idx, names):
            idx = batch_idx[:, 0].astype(np.intp)
            Xt = np.ascontiguousarray(Xc[idx].transpose(1, 0, 2))
            R, cache = self._forward(self.params_, Xt, None, None)
            rows = (last_all[idx], np.arange(len(idx)))
            states = dict(zip(self.layer_names_[:-1], (a[rows] for a in self._layer_states(cache))))
            states["output"] = self._activate(R[rows] @ self.params_["W_out"] + self.params_["b_out"])
            return states

        return batched_activations(forward, index[:, None], names, batch_size=batch_size, stimulus_id=stimulus_id,
                                   model=type(self).__name__, long_name="unit activity at the read-out step")

    def output_from_state(self, state):
        """The read-out of a state: outputs (..., n_outputs), probabilities for softmax/sigmoid.

        Parameters
        ----------
        state : array of shape (..., n_state) with n_state = ``n_state_``
            States, as :meth:`step` takes them.

        Returns
        -------
        ndarray of shape (..., n_outputs)
        """
        self._check_fitted()
        state = self._check_state(state)
        F = self._features(state)
        return self._activate(F @ self.params_["W_out"] + self.params_["b_out"])

    def _check_state(self, state, name="state"):
        if self._n_layers() != 1:
            raise ValidationError(f"step, step_jacobian and output_from_state need n_layers=1; got "
                                  f"n_layers={self._n_layers()}")
        s = check_array(name, state, ndim=None)
        if s.ndim < 1 or s.shape[-1] != self.n_state_:
            raise ValidationError(f"{name} must have shape (..., n_state_) = (..., {self.n_state_}); got {s.shape}")
        return s.astype(self._dt, copy=False)

    def _check_u(self, u, name="u"):
        a = check_array(name, u)
        if a.ndim < 1 or a.shape[-1] != self.n_input_:
            raise ValidationError(f"{name} must have shape (..., n_features) = (..., {self.n_input_}); got {a.shape}")
        return a.astype(self._dt, copy=False)

    def _n_layers(self):
        return 1


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)
