"""Restricted Boltzmann machines: contrastive divergence, and likelihoods by exact sums or AIS.

Trained by CD-k (Hinton 2002) or persistent CD (Tieleman 2008) with minibatches,
momentum and weight decay (Hinton 2010); binary or Gaussian visible units.
:meth:`RBM.log_partition` sums exactly over the smaller layer when it has at most
20 units, else uses annealed importance sampling (:func:`ais_betas`). Part of
:mod:`neurocomp.boltzmann` (import from there).

References
----------
Hinton, G. E. (2002). Training products of experts by minimizing contrastive divergence.
    Neural Computation 14, 1771-1800.
Tieleman, T. (2008). Training restricted Boltzmann machines using approximations to the
    likelihood gradient. ICML.
Salakhutdinov, R. & Murray, I. (2008). On the quantitative analysis of deep belief
    networks. ICML.
Neal, R. M. (2001). Annealed importance sampling. Statistics and Computing 11, 125-139.
Hinton, G. E. (2010). A practical guide to training restricted Boltzmann machines.
    UTML TR 2010-003.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin

from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import (
    ValidationError, check_array, check_in_range, check_int, check_is_fitted, check_nonnegative, check_option,
    check_positive,
)
from neurocomp.boltzmann.common import (
    LogLikelihood, LogPartition, MAX_EXACT_UNITS, _LOG2, _check_data, _few_threads, _neg_sigmoid_of_negated,
    _sigmoid_of_negated, _softplus, all_states, logsumexp,
)
from neurocomp.random import as_generator

__all__ = ["RBM", "ais_betas"]


# ---------------------------------------------------------------------------------------
# Restricted Boltzmann machine
# ---------------------------------------------------------------------------------------


def ais_betas(n_betas: int = 10000) -> np.ndarray:
    """Inverse temperatures for AIS from 0 to 1, denser near 1 (Salakhutdinov & Murray 2008).

    The paper's 14,500 temperatures put 1,000 in [0, 0.5), 4,000 in [0.5, 0.9) and 10,000 in
    [0.9, 1]; the same proportions are kept for any ``n_betas`` (at least 10).

    Parameters
    ----------
    n_betas : int
        Number of inverse temperatures (>= 10).

    Returns
    -------
    ndarray of shape (n_betas,)
        Increasing from 0 to 1.

    References
    ----------
    .. [1] Salakhutdinov, R. & Murray, I. (2008). On the quantitative analysis of deep belief
       networks. Proc. 25th ICML, 872-879.

    Examples
    --------
    >>> ais_betas(10).round(3).tolist()
    [0.0, 0.5, 0.633, 0.767, 0.9, 0.92, 0.94, 0.96, 0.98, 1.0]
    """
    n_betas = check_int("n_betas", n_betas, 10)
    n1 = max(1, round(n_betas * 1000 / 14500))
    n2 = max(1, round(n_betas * 4000 / 14500))
    n3 = n_betas - n1 - n2
    return np.concatenate(
        [np.linspace(0, 0.5, n1, endpoint=False), np.linspace(0.5, 0.9, n2, endpoint=False), np.linspace(0.9, 1.0, n3)]
    )


class RBM(TransformerMixin, BaseEstimator):
    """Restricted Boltzmann machine trained by contrastive divergence (scikit-learn's shape).

    Energy (binary visible units) ``E(v, h) = -b·v - c·h - v·Wᵀh``; with Gaussian visible
    units of unit variance ``E(v, h) = ½‖v − b‖² - c·h - v·Wᵀh``.

    Parameters
    ----------
    n_visible : int or None
        Number of visible units; ``None`` takes it from the data at ``fit``.
    n_hidden : int
        Number of hidden units.
    visible : {'binary', 'gaussian'}
        Binary units (data in [0, 1], read as probabilities) or Gaussian units with unit
        variance (standardise real-valued data first).
    learning_rate : float
        Step size of the gradient ascent.
    batch_size : int
        Minibatch size.
    n_epochs : int
        Passes through the training data.
    k : int
        Gibbs steps of CD-k (or per update of the persistent chains).
    persistent : bool
        Persistent CD (Tieleman 2008): the negative chains continue from one update to the
        next (``batch_size`` chains) instead of restarting at the data.
    momentum : float
        Momentum of the parameter velocities (Hinton 2010 suggests 0.5 then 0.9).
    weight_decay : float
        L2 penalty coefficient on the weights.
    init_scale : float
        Standard deviation of the initial weights (Hinton 2010: 0.01).
    rng : None, int, SeedSequence or Generator

    Attributes
    ----------
    components_ : ndarray, shape (n_hidden, n_visible)
        Weights ``W``.
    intercept_hidden_ : ndarray, shape (n_hidden,)
    intercept_visible_ : ndarray, shape (n_visible,)
    visible_marginals_ : ndarray, shape (n_visible,)
        Mean of the training data (the AIS base-rate model for binary units).
    learning_curve_ : xarray.Dataset
        Per ``epoch`` (0 = before training, then after each epoch): ``reconstruction_error`` (mean squared error of the mean-field
        reconstruction of the training data at the end of the epoch) and, when
        ``fit`` gets ``X_valid`` and the exact log-likelihood is cheap (smaller layer ≤ 16
        units), ``log_likelihood_valid`` in nats.

    References
    ----------
    .. [1] Hinton, G. E. (2002). Training products of experts by minimizing contrastive
       divergence. Neural Comput. 14, 1771-1800.
    .. [2] Tieleman, T. (2008). Training restricted Boltzmann machines using approximations to
       the likelihood gradient. Proc. 25th ICML, 1064-1071.
    .. [3] Hinton, G. E. (2010). A practical guide to training restricted Boltzmann machines.
       UTML TR 2010-003, University of Toronto.

    Examples
    --------
    >>> X = (np.random.default_rng(0).random((50, 6)) < 0.3).astype(float)
    >>> rbm = RBM(n_hidden=4, n_epochs=3, rng=0).fit(X)
    >>> rbm.transform(X).shape
    (50, 4)
    """

    def __init__(
        self,
        n_visible: int | None = None,
        n_hidden: int = 64,
        *,
        visible: str = "binary",
        learning_rate: float = 0.05,
        batch_size: int = 10,
        n_epochs: int = 10,
        k: int = 1,
        persistent: bool = False,
        momentum: float = 0.5,
        weight_decay: float = 0.0,
        init_scale: float = 0.01,
        rng=None,
    ):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        self.visible = visible
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.k = k
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.init_scale = init_scale
        self.rng = rng

    @classmethod
    def from_weights(cls, components, intercept_hidden, intercept_visible, *, visible="binary",
                     visible_marginals=None, rng=None) -> "RBM":
        """An RBM with given parameters, e.g. to score another package's model.

        Parameters
        ----------
        components : array, shape (n_hidden, n_visible)
        intercept_hidden : array, shape (n_hidden,)
        intercept_visible : array, shape (n_visible,)
        visible_marginals : array, shape (n_visible,), optional
            Base-rate model for AIS (default: ``σ(intercept_visible)`` for binary units,
            ``intercept_visible`` for Gaussian ones).
        rng : None, int, SeedSequence or Generator
            The model's own stream, used by ``sample``/``gibbs``/``log_partition`` when
            they are called with ``rng=None``.
        """
        W = check_array("components", components, ndim=2)
        n_h, n_v = W.shape
        rbm = cls(n_visible=n_v, n_hidden=n_h, visible=visible, n_epochs=0, rng=rng)
        rbm.rng_ = as_generator(rng)
        check_option("visible", visible, ["binary", "gaussian"])
        rbm.components_ = W.copy()
        rbm.intercept_hidden_ = check_array("intercept_hidden", intercept_hidden, shape=(n_h,)).copy()
        rbm.intercept_visible_ = check_array("intercept_visible", intercept_visible, shape=(n_v,)).copy()
        if visible_marginals is None:
            visible_marginals = expit(rbm.intercept_visible_) if visible == "binary" else rbm.intercept_visible_
        marg = check_array("visible_marginals", visible_marginals, shape=(n_v,))
        rbm.visible_marginals_ = np.clip(marg, 1e-3, 1 - 1e-3) if visible == "binary" else marg
        return rbm

    # -- helpers -----------------------------------------------------------------------
    def _check_fitted(self):
        check_is_fitted(self, "components_")

    @property
    def _binary(self) -> bool:
        return self.visible == "binary"

    def _data(self, X, name="X"):
        self._check_fitted()
        return _check_data(name, X, self.components_.shape[1], binary_units=self._binary)

    def _hidden_prob(self, V):
        return expit(V @ self.components_.T + self.intercept_hidden_)

    def _visible_mean(self, H):
        act = H @ self.components_ + self.intercept_visible_
        return expit(act) if self._binary else act

    def _sample_visible(self, H, rng):
        mean = self._visible_mean(H)
        if self._binary:
            return (rng.random(mean.shape) < mean).astype(float)
        return mean + rng.standard_normal(mean.shape)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Binary units read the data as probabilities: values must lie in [0, 1] (values
        # above 1 are refused too; scikit-learn's tags can only say "no negatives").
        tags.input_tags.positive_only = self.visible == "binary"
        return tags

    # -- public inference ---------------------------------------------------------------
    def transform(self, X) -> np.ndarray:
        """Hidden probabilities ``p(h_j = 1 | v)``, shape (n_samples, n_hidden)."""
        X = validate_X(self, X, fitted_attribute="components_")
        return self._hidden_prob(self._data(X))

    def reconstruct(self, X) -> np.ndarray:
        """Mean-field reconstruction ``E[v | h = p(h | v)]``, shape (n_samples, n_visible)."""
        return self._visible_mean(self._hidden_prob(self._data(X)))

    def free_energy(self, X) -> np.ndarray:
        """Free energy ``F(v)`` with ``p(v) = exp(-F(v)) / Z``, shape (n_samples,), in nats."""
        return self._free_energy(self._data(X))

    def _free_energy(self, V, beta=1.0):
        hid = _softplus(beta * (V @ self.components_.T + self.intercept_hidden_)).sum(axis=1)
        if self._binary:
            return -(V @ self.intercept_visible_) * beta - hid
        return 0.5 * np.sum((V - self.intercept_visible_) ** 2, axis=1) - hid

    def gibbs(self, V, *, rng=None) -> np.ndarray:
        """One Gibbs step v → h → v from visible states ``V``; returns the new visible sample.

        With ``rng=None`` the step draws from the model's own stream (``rng_``, the
        continuation of the one that trained it), so a model built with ``rng=0`` repeats itself.
        """
        self._check_fitted()
        V = self._data(V, "V")
        rng = self.rng_ if rng is None else as_generator(rng)
        ph = self._hidden_prob(V)
        return self._sample_visible((rng.random(ph.shape) < ph).astype(float), rng)

    @_few_threads
    def sample(self, n_samples: int = 16, *, n_gibbs: int = 1000, init=None, rng=None) -> np.ndarray:
        """Draw visible vectors by running ``n_samples`` Gibbs chains for ``n_gibbs`` steps.

        Chains start from ``init`` (shape (n_samples, n_visible)) or from the visible
        marginals. Returns the visible *means* of the last step (probabilities for binary
        units), shape (n_samples, n_visible), which are cleaner to look at than binary samples.
        With ``rng=None`` the chains draw from the model's own stream (``rng_``).
        """
        self._check_fitted()
        n_samples = check_int("n_samples", n_samples, 1)
        n_gibbs = check_int("n_gibbs", n_gibbs, 1)
        rng = self.rng_ if rng is None else as_generator(rng)
        if init is None:
            if self._binary:
                V = (rng.random((n_samples, self.components_.shape[1])) < self.visible_marginals_).astype(float)
            else:
                V = self.intercept_visible_ + rng.standard_normal((n_samples, self.components_.shape[1]))
        else:
            V = self._data(init, "init")
        for _ in range(n_gibbs - 1):
            ph = self._hidden_prob(V)
            V = self._sample_visible((rng.random(ph.shape) < ph).astype(float), rng)
        ph = self._hidden_prob(V)
        return self._visible_mean((rng.random(ph.shape) < ph).astype(float))

    # -- training ------------------------------------------------------------------------
    def _validate_params(self):
        if self.n_visible is not None:
            check_int("n_visible", self.n_visible, 1)
        check_int("n_hidden", self.n_hidden, 1)
        check_option("visible", self.visible, ["binary", "gaussian"])
        check_positive("learning_rate", self.learning_rate)
        check_int("batch_size", self.batch_size, 1)
        check_int("n_epochs", self.n_epochs, 0)
        check_int("k", self.k, 1)
        if not isinstance(self.persistent, (bool, np.bool_)):
            raise TypeError(f"persistent must be True or False; got {self.persistent!r}")
        check_in_range("momentum", self.momentum, 0, 1, high_open=True)
        check_nonnegative("weight_decay", self.weight_decay)
        check_nonnegative("init_scale", self.init_scale)

    @np.errstate(over="ignore")  # exp(-a) -> inf is sigmoid(a) = 0 (see _sigmoid_of_negated)
    @_few_threads
    def fit(self, X, y=None, *, X_valid=None) -> "RBM":
        """Train on ``X`` (shape (n_samples, n_visible)); return ``self``.

        ``y`` is ignored (scikit-learn's convention). ``X_valid`` (optional) is monitored per
        epoch with the exact held-out log-likelihood when that is cheap.
        """
        self._validate_params()
        binary = self.visible == "binary"
        X = _check_data("X", validate_X_y(self, X), self.n_visible, binary_units=binary)
        if X_valid is not None:
            X_valid = _check_data("X_valid", X_valid, X.shape[1], binary_units=binary)
        rng = as_generator(self.rng)
        self.rng_ = rng  # the model's own stream: training, then sample/gibbs/log_partition(rng=None)
        n, n_v = X.shape
        n_h = int(self.n_hidden)
        self.components_ = rng.normal(0.0, float(self.init_scale), size=(n_h, n_v))
        self.intercept_hidden_ = np.zeros(n_h)
        self.visible_marginals_ = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3) if binary else X.mean(axis=0)
        m = self.visible_marginals_
        self.intercept_visible_ = np.log(m / (1 - m)) if binary else X.mean(axis=0)
        bs = min(int(self.batch_size), n)
        lr, mom, wd, k = float(self.learning_rate), float(self.momentum), float(self.weight_decay), int(self.k)
        chains = None
        if self.persistent:
            chains = (rng.random((bs, n_v)) < m).astype(float) if binary else X[rng.integers(0, n, bs)].copy()
        monitor = X_valid is not None and min(n_v if binary else 10**9, n_h) <= 16
        recon, ll_valid = [], []
        # The parameters live negated in one augmented matrix, neg = -[[W, c], [b, ·]] of shape
        # (n_h + 1, n_v + 1), and each minibatch in one pair of stacked matrices (data rows on
        # top, negative-phase rows below)
        #   A = [[p(h|v0), 1], [-p(h|vk), -1]]    B = [[v0, 1], [vk, 1]].
        # The ones columns fold the biases into the products, which give minus each
        # activation, -a, so each sigmoid 1 / (1 + exp(-a)) is three in-place passes (exp, +1,
        # reciprocal; numpy's SIMD exp, ~3x scipy's expit, equal to it within 1 ulp); ONE
        # product A.T @ B is the whole CD gradient: ph0.T @ v0 - phk.T @ vk (weights),
        # ph0.sum - phk.sum (hidden biases) and v0.sum - vk.sum (visible biases), and one scaled
        # add updates every parameter. The random draws are those of sampling each layer as
        # (rng.random(shape) < p) in turn (one uniform per unit, into a reused buffer); sums
        # are grouped differently from a term-by-term update, so the parameters agree with
        # one to rounding (~1e-14 relative), not bit for bit. Nothing is allocated in the loop.
        neg = np.zeros((n_h + 1, n_v + 1))
        neg[:n_h, :n_v] = -self.components_
        neg[n_h, :n_v] = -self.intercept_visible_
        # The corner -inf makes a product's ones column come out -inf, which the sigmoid maps
        # to exactly 1 (and -sigmoid to -1): so every elementwise pass runs over whole,
        # contiguous rows of A and B, ones column included, and leaves it as it was.
        neg[n_h, n_v] = -np.inf
        neg_w, neg_h, neg_v = neg[:n_h, :n_v], neg[:n_h], neg[:, :n_v]  # -W, -[W, c] and -[[W], [b]]

        def publish():
            """The current parameters as the fitted attributes (contiguous copies)."""
            self.components_ = -neg_w
            self.intercept_hidden_ = -neg[:n_h, n_v]
            self.intercept_visible_ = -neg[n_h, :n_v]

        vel = np.zeros_like(neg) if mom else None
        n_neg = bs if self.persistent else None  # negative chains: bs persistent ones, or the batch's copy
        A = np.ones((2 * bs, n_h + 1))
        A[bs:, n_h] = -1.0
        B = np.ones((2 * bs, n_v + 1))
        H = np.ones((bs, n_h + 1))  # hidden samples of the negative chains, with a ones column
        uh, uv = np.empty((bs, n_h)), np.empty((bs, n_v))
        grad = np.empty_like(neg)
        h_all = np.ones((n, n_h + 1))  # hidden probabilities of all training vectors, with a ones column
        r_all = np.empty((n, n_v))
        X1 = np.ones((n, n_v + 1))
        X1[:, :n_v] = X
        Xp = np.empty_like(X1)

        def recon_error():
            # mean((X - visible_mean(hidden_prob(X)))**2) with the current parameters
            h = h_all[:, :n_h]
            np.matmul(X1, neg_h.T, out=h)
            _sigmoid_of_negated(h)
            np.matmul(h_all, neg_v, out=r_all)  # minus the visible activation
            if binary:
                _sigmoid_of_negated(r_all)
                np.subtract(X, r_all, out=r_all)
            else:
                np.add(X, r_all, out=r_all)
            flat = r_all.reshape(-1)
            return float(np.dot(flat, flat)) / flat.size

        if chains is not None:  # the chains' hidden probabilities (stored negated), kept between updates
            A[bs:, :n_h] = -expit(chains @ self.components_.T + self.intercept_hidden_)
        recon_before = recon_error()
        recon.append(recon_before)  # epoch 0 = before training, as in every neurocomp learning_curve_
        if monitor:
            ll_valid.append(self.log_likelihood(X_valid, method="exact").mean)  # exact: draws nothing
        from neurocomp._progress import progress

        def batch_views(mb):
            """The buffers' views for a batch of mb data vectors (made once per batch size)."""
            mk = mb if n_neg is None else n_neg
            lo = bs - mb  # data rows bs - mb .. bs, negative rows bs .. bs + mk: one contiguous block
            hs = H[:mk]
            return (mk, lo, B[lo:bs], B[bs:bs + mk], B[lo:bs + mk], A[lo:bs], A[bs:bs + mk], A[lo:bs + mk],
                    A[lo:bs, :n_h], A[bs:bs + mk, :n_h], hs[:, :n_h], hs, uh[:mk], uv[:mk], B[bs:bs + mk, :n_v])

        views = {}
        for _ in progress(range(int(self.n_epochs)), desc="RBM training", unit="epoch", detail=True):
            np.take(X1, rng.permutation(n), axis=0, out=Xp)  # X[rng.permutation(n)], with the ones column
            for start in range(0, n, bs):
                mb = min(bs, n - start)
                if mb not in views:
                    views[mb] = batch_views(mb)
                mk, lo, b_data, b_neg, b_all, a_data, a_neg, a_all, ph0, phk_neg, hs_h, hs, uhk, uvk, vk = views[mb]
                b_data[...] = Xp[start:start + mb]
                if n_neg is None:  # CD: the chains start at the data
                    np.matmul(b_data, neg.T, out=a_data)
                    _sigmoid_of_negated(a_data)
                # negative phase: k Gibbs steps from the data (CD) or from the persistent
                # chains, whose hidden probabilities are kept from the previous update (PCD)
                for step in range(k):
                    rng.random(out=uhk)  # hidden sample u < p, one uniform per unit
                    if step == 0 and n_neg is None:
                        np.less(uhk, ph0, out=hs_h)
                    else:  # u < p  <=>  u + (-p) < 0, exactly
                        uhk += phk_neg
                        np.less(uhk, 0.0, out=hs_h)
                    if binary:  # minus the visible activation hs @ W + b, through the sigmoid
                        np.matmul(hs, neg, out=b_neg)
                        _sigmoid_of_negated(b_neg)
                        rng.random(out=uvk)
                        np.less(uvk, vk, out=vk)
                    else:  # Gaussian units: the mean plus unit-variance noise
                        np.matmul(hs, neg_v, out=vk)
                        np.negative(vk, out=vk)
                        rng.standard_normal(out=uvk)
                        vk += uvk
                    if step < k - 1 or n_neg is None:
                        np.matmul(b_neg, neg.T, out=a_neg)
                        _neg_sigmoid_of_negated(a_neg)
                if n_neg is not None:  # PCD: data and chains' hidden probabilities in one product
                    np.matmul(b_all, neg.T, out=a_all)
                    np.exp(a_all, out=a_all)
                    a_data += 1.0
                    np.subtract(-1.0, a_neg, out=a_neg)
                    np.reciprocal(a_all, out=a_all)
                if mb != mk:  # a short last batch: weigh the data rows 1/mb against the chains' 1/mk
                    b_data *= mk / mb
                np.matmul(a_all.T, b_all, out=grad)  # the CD gradient, times mk
                grad *= lr / mk
                if wd:
                    grad[:n_h, :n_v] += (lr * wd) * neg_w
                if mom:
                    vel *= mom
                    vel += grad
                    neg -= vel
                else:
                    neg -= grad
            # reconstruction error of the whole training set with the epoch's final parameters
            recon.append(recon_error())
            if not (np.isfinite(recon[-1]) and np.isfinite(neg_h).all() and np.isfinite(neg_v).all()):
                raise ValidationError(
                    f"RBM training diverged at epoch {len(recon) - 1} (non-finite weights or reconstruction error); "
                    f"lower learning_rate (got {self.learning_rate!r})"
                )
            if monitor:
                publish()
                ll_valid.append(self.log_likelihood(X_valid, method="exact").mean)
        publish()
        W = self.components_
        epochs = np.arange(len(recon))  # 0 = before training
        data = {
            "reconstruction_error": (
                "epoch",
                np.asarray(recon, float),
                {"units": "1", "long_name": "mean squared reconstruction error (training data)"},
            )
        }
        if monitor:
            data["log_likelihood_valid"] = (
                "epoch",
                np.asarray(ll_valid, float),
                {"units": "nat", "long_name": "held-out log-likelihood per vector (exact)"},
            )
        self.learning_curve_ = xr.Dataset(data, coords={"epoch": ("epoch", epochs, {"units": "1", "long_name": "epoch"})})
        # worse by 5 % and by more than a rounding-level amount (upper DBN layers see nearly constant
        # inputs, whose errors of ~1e-4 move by noise alone)
        if recon and recon[-1] > 1.05 * recon_before and recon[-1] - recon_before > 1e-3 * max(1.0, float(X.var(0).mean())):
            # saturating sigmoids keep diverging weights finite: say so once instead of training on silently
            import warnings

            from neurocomp._validation import NeurocompWarning

            warnings.warn(
                f"RBM training made the reconstruction error worse than before training ({recon_before:.4g} -> "
                f"{recon[-1]:.4g} after {len(recon) - 1} epochs; largest |weight| {float(np.abs(W).max()):.3g}): "
                f"learning_rate = {self.learning_rate!r} is probably too large (the updates diverge); "
                "lower learning_rate (e.g. 10x) or momentum",
                NeurocompWarning, stacklevel=2,
            )
        return self

    # -- likelihood ------------------------------------------------------------------------
    def _exact_log_z(self):
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        n_h, n_v = W.shape
        if not self._binary:
            if n_h > MAX_EXACT_UNITS:
                raise ValidationError(
                    f"method='exact' sums over the hidden layer of a Gaussian RBM and needs n_hidden <= "
                    f"{MAX_EXACT_UNITS}; got {n_h} (use method='ais')"
                )
            total = []
            for H in _state_blocks(n_h):
                mean = b + H @ W  # (S, n_v)
                total.append(H @ c + 0.5 * np.sum(mean**2, axis=1) - 0.5 * b @ b)
            return logsumexp(np.concatenate(total)) + 0.5 * n_v * math.log(2 * math.pi)
        small = min(n_h, n_v)
        if small > MAX_EXACT_UNITS:
            raise ValidationError(
                f"method='exact' sums over the smaller layer and needs it to have <= {MAX_EXACT_UNITS} units; "
                f"got {small} (use method='ais')"
            )
        parts = []
        if n_h <= n_v:
            for H in _state_blocks(n_h):
                parts.append(H @ c + _softplus(H @ W + b).sum(axis=1))
        else:
            for V in _state_blocks(n_v):
                parts.append(V @ b + _softplus(V @ W.T + c).sum(axis=1))
        return logsumexp(np.concatenate(parts))

    @_few_threads
    def _ais(self, n_chains, betas, base_marginals, rng):
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        n_h, n_v = W.shape
        if self._binary:
            p = np.clip(base_marginals, 1e-3, 1 - 1e-3)
            b_a = np.log(p / (1 - p))
            log_z0 = _softplus(b_a).sum() + n_h * _LOG2
        else:
            b_a = np.asarray(base_marginals, float)
            log_z0 = 0.5 * n_v * math.log(2 * math.pi) + n_h * _LOG2

        # log p*_β(v) = (1-β) b_A·v + β b·v + Σ_j softplus(β (c_j + W_j·v)) [+ Gaussian terms];
        # successive log-ratios need only the β-dependent parts
        db = b - b_a
        const = 0.0 if self._binary else 0.5 * (b_a @ b_a - b @ b)
        if self._binary:
            V = (rng.random((n_chains, n_v)) < expit(b_a)).astype(float)  # exact base-model samples
        else:
            V = b_a + rng.standard_normal((n_chains, n_v))
        log_w = np.zeros(n_chains)
        act = V @ W.T + c
        for beta_prev, beta in zip(betas[:-1], betas[1:]):
            x = beta * act
            e = np.exp(-np.abs(x))
            sp = np.maximum(x, 0.0) + np.log1p(e)
            log_w += (beta - beta_prev) * (V @ db + const) + (sp - _softplus(beta_prev * act)).sum(axis=1)
            # transition leaving p_β invariant: h | v, then v | h
            p_h = np.where(x >= 0, 1.0, e) / (1.0 + e)
            h = (rng.random((n_chains, n_h)) < p_h).astype(float)
            vis_act = (1 - beta) * b_a + beta * (b + h @ W)
            if self._binary:
                V = (rng.random((n_chains, n_v)) < expit(vis_act)).astype(float)
            else:
                V = vis_act + rng.standard_normal((n_chains, n_v))
            act = V @ W.T + c
        log_mean = logsumexp(log_w) - math.log(n_chains)
        w = np.exp(log_w - log_w.max())
        rel_se = float(np.std(w, ddof=1) / (math.sqrt(n_chains) * w.mean())) if n_chains > 1 else float("inf")
        return log_z0 + log_mean, rel_se, log_w

    def log_partition(
        self, method: str = "auto", *, n_chains: int = 100, betas=10000, base_marginals=None, rng=None
    ) -> LogPartition:
        """``log Z`` in nats, exactly or by annealed importance sampling.

        Parameters
        ----------
        method : {'auto', 'exact', 'ais'}
            'exact' sums over all states of the smaller layer (≤ 20 units; the hidden layer
            for Gaussian visible units); 'ais' runs AIS; 'auto' picks exact when possible.
        n_chains : int
            AIS runs (in parallel; at least 2 for a standard error).
        betas : int or array
            Number of inverse temperatures (≥ 10; spaced by :func:`ais_betas`) or the
            increasing sequence itself, from 0 to 1.
        base_marginals : array, shape (n_visible,), optional
            Visible marginals of the base-rate model (binary units: probabilities; Gaussian:
            means). Default: those of the training data.
        rng : None, int, SeedSequence or Generator
            For AIS; None continues the model's own stream (``rng_``).

        Returns
        -------
        LogPartition
            ``(log_z, std_err, method)``; ``std_err`` is the delta-method standard error of
            ``log Ẑ`` (0 for exact).

        Notes
        -----
        AIS (Salakhutdinov & Murray 2008): intermediate distributions
        ``p_β(v) ∝ exp((1-β) b_A·v + β b·v) Π_j (1 + exp(β(c_j + W_j·v)))`` between a base-rate
        model (β = 0, visible biases ``b_A`` matching the data's marginals, known ``Z_A``) and
        the RBM (β = 1); each chain alternates ``h ~ p_β(h|v)``, ``v ~ p_β(v|h)`` and
        accumulates ``log w += log p*_β(v) - log p*_β'(v)``. ``Ẑ = Z_A · mean(w)``, computed
        as a log-mean-exp. Ẑ is unbiased, so ``log Ẑ`` tends to underestimate ``log Z``
        (Jensen) when the chains are too few or the temperatures too coarse.
        """
        self._check_fitted()
        method = check_option("method", method, ["auto", "exact", "ais"])
        n_h, n_v = self.components_.shape
        exact_ok = (n_h if not self._binary else min(n_h, n_v)) <= MAX_EXACT_UNITS
        if method == "auto":
            method = "exact" if exact_ok else "ais"
        if method == "exact":
            return LogPartition(float(self._exact_log_z()), 0.0, "exact")
        n_chains = check_int("n_chains", n_chains, 2)
        if isinstance(betas, (int, np.integer)) and not isinstance(betas, bool):
            if betas < 10:
                raise ValidationError(f"betas must be at least 10 inverse temperatures for AIS; got {betas}")
            betas = ais_betas(int(betas))
        else:
            betas = check_array("betas", betas, ndim=1)
            if betas.size < 10:
                raise ValidationError(
                    f"betas must hold at least 10 inverse temperatures for AIS; got {betas.size}"
                )
            if betas[0] != 0 or betas[-1] != 1 or np.any(np.diff(betas) < 0):
                raise ValidationError(
                    f"betas must increase from 0 to 1; got first {betas[0]!r}, last {betas[-1]!r}"
                )
        if base_marginals is None:
            base_marginals = self.visible_marginals_
        base_marginals = check_array("base_marginals", base_marginals, shape=(n_v,))
        if self._binary:
            base_marginals = check_array("base_marginals", base_marginals, shape=(n_v,))
            if ((base_marginals < 0) | (base_marginals > 1)).any():
                raise ValidationError("base_marginals must lie in [0, 1] for binary visible units")
        log_z, se, _ = self._ais(n_chains, betas, base_marginals, self.rng_ if rng is None else as_generator(rng))
        return LogPartition(float(log_z), se, "ais")

    def score_samples(self, X, *, log_z: LogPartition | None = None, **kwargs) -> np.ndarray:
        """``log p(v)`` in nats for each row of ``X``, shape (n_samples,).

        ``log_z`` (from :meth:`log_partition`) is reused if given; otherwise it is computed
        with ``kwargs`` passed to :meth:`log_partition`.
        """
        X = self._data(X)
        if log_z is None:
            log_z = self.log_partition(**kwargs)
        return -self._free_energy(X) - log_z.log_z

    def log_likelihood(self, X, *, log_z: LogPartition | None = None, **kwargs) -> LogLikelihood:
        """Mean ``log p(v)`` over the rows of ``X`` (nats per vector) with its standard error.

        For binary units, fractional data (e.g. grey levels) is not a likelihood of a binary
        model; threshold the data first. Keyword arguments go to :meth:`log_partition`.
        """
        X = self._data(X)
        if log_z is None:
            log_z = self.log_partition(**kwargs)
        return LogLikelihood(float(np.mean(-self._free_energy(X)) - log_z.log_z), log_z.std_err, log_z.method)


def _state_blocks(n_units: int, block_bits: int = 14):
    """All binary states of ``n_units`` units in blocks of at most 2**block_bits rows."""
    if n_units <= block_bits:
        yield all_states(n_units)
        return
    low = all_states(block_bits)
    high_bits = n_units - block_bits
    for code in range(2**high_bits):
        high = ((code >> np.arange(high_bits - 1, -1, -1)) & 1).astype(float)
        yield np.hstack([np.broadcast_to(high, (len(low), high_bits)), low])
