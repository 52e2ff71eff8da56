"""Boltzmann machines, restricted Boltzmann machines, deep belief nets and honest likelihoods.

Three models, one energy-based idea: binary stochastic units ``s_i`` with symmetric
weights, a global energy ``E(s)`` and the Boltzmann distribution ``p(s) ∝ exp(-E(s)/T)``.

* :class:`BoltzmannMachine` -- the 1985 learning machine of Ackley, Hinton & Sejnowski:
  any symmetric connectivity, Gibbs sampling under a simulated-annealing schedule, and the
  learning rule ``Δw_ij ∝ p⁺_ij − p⁻_ij`` (co-occurrences with the visible units clamped to
  the data, the "wake" phase, minus co-occurrences when running freely, the "sleep" phase).
  Many independent machines train at once along a batch axis (``n_machines``). Small
  machines can be enumerated exactly: partition function, distribution over visible vectors
  and the divergence ``G`` (Kullback-Leibler) from the data.
* :class:`RBM` -- restricted Boltzmann machine (no visible-visible or hidden-hidden
  weights) trained by contrastive divergence (CD-k, Hinton 2002) or persistent CD
  (Tieleman 2008), with minibatches, momentum and weight decay as in Hinton's practical
  guide (2010); binary or Gaussian (unit-variance) visible units.
* :class:`DBN` -- greedy layer-wise stack of RBMs (Hinton, Osindero & Teh 2006).

Likelihoods are computed, not guessed: :meth:`RBM.log_partition` sums exactly over the
smaller layer when it has at most 20 units, and otherwise uses annealed importance sampling
(AIS; Neal 2001, Salakhutdinov & Murray 2008) from a base-rate model fitted to the data's
visible marginals, with many chains in parallel and the standard error of the estimate.

References
----------
Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for Boltzmann
    machines. Cognitive Science 9, 147-169.
Hinton, G. E. (2002). Training products of experts by minimizing contrastive divergence.
    Neural Computation 14, 1771-1800.
Hinton, G. E., Osindero, S. & Teh, Y.-W. (2006). A fast learning algorithm for deep belief
    nets. Neural Computation 18, 1527-1554.
Tieleman, T. (2008). Training restricted Boltzmann machines using approximations to the
    likelihood gradient. ICML.
Salakhutdinov, R. & Murray, I. (2008). On the quantitative analysis of deep belief
    networks. ICML.
Hinton, G. E. (2010). A practical guide to training restricted Boltzmann machines.
    UTML TR 2010-003.

Units: every state is 0/1 (binary units) or real (Gaussian visible units, in units of
their standard deviation); energies, log-partition functions and log-likelihoods are in
nats (natural logarithms), temperatures are dimensionless.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import xarray as xr
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin

from neurocomp._validation import (
    check_is_fitted,
    ValidationError,
    check_array,
    check_int,
    check_nonnegative,
    check_option,
    check_positive,
    check_in_range,
)
from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._threads import few_threads, one_blas_thread
from neurocomp.random import as_generator

__all__ = [
    "ACKLEY_SCHEDULE",
    "BoltzmannMachine",
    "encoder_connectivity",
    "encoder_patterns",
    "all_states",
    "RBM",
    "DBN",
    "LogPartition",
    "LogLikelihood",
    "ais_betas",
    "check_schedule",
    "learn_encoder",
]

#: The annealing schedule of Ackley et al. (1985) for the encoder problems:
#: (number of sweeps, temperature) pairs; statistics are gathered at the last temperature.
ACKLEY_SCHEDULE = ((2, 20.0), (2, 15.0), (2, 12.0), (4, 10.0))

#: Largest number of units summed over exactly.
MAX_EXACT_UNITS = 20

_LOG2 = math.log(2.0)


class LogPartition(NamedTuple):
    """A log-partition function ``log Z`` (nats) with its standard error (0 when exact)."""

    log_z: float
    std_err: float
    method: str


class LogLikelihood(NamedTuple):
    """Mean log-likelihood per data vector (nats) with its standard error (from ``log Z``)."""

    mean: float
    std_err: float
    method: str


# ---------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------


def all_states(n_units: int) -> np.ndarray:
    """All ``2**n_units`` binary vectors, shape (2**n_units, n_units), in binary order.

    Row ``k`` is the binary expansion of ``k`` with unit 0 as the most significant bit.

    >>> all_states(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    n_units = check_int("n_units", n_units, 0, MAX_EXACT_UNITS + 4)
    codes = np.arange(2**n_units)
    shifts = np.arange(n_units - 1, -1, -1)
    return ((codes[:, None] >> shifts) & 1).astype(float)


def _sigmoid_of_negated(x):
    """Overwrite ``x = -a`` with the logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))`` in place.

    Three vectorised passes (numpy's SIMD ``exp``), about three times faster than
    ``scipy.special.expit`` on large arrays; agrees with it to 1 ulp. ``exp`` overflows to
    ``inf`` (σ = 0 exactly) for ``a < -709``: call it under ``np.errstate(over="ignore")``.
    """
    np.exp(x, out=x)
    x += 1.0
    np.reciprocal(x, out=x)
    return x


def _neg_sigmoid_of_negated(x):
    """Overwrite ``x = -a`` with ``-σ(a) = 1 / (-1 - exp(-a))`` in place (see ``_sigmoid_of_negated``)."""
    np.exp(x, out=x)
    np.subtract(-1.0, x, out=x)
    np.reciprocal(x, out=x)
    return x


def _softplus(x):
    """``log(1 + exp(x))``, stably (faster than ``np.logaddexp(0, x)``)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def logsumexp(a, axis=None, keepdims=False):
    """``log Σ exp(a)`` along ``axis``, computed stably (plain numpy; faster than scipy's for small arrays)."""
    a = np.asarray(a, dtype=float)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return out if keepdims else (np.squeeze(out, axis=axis) if axis is not None else out.reshape(()).item())


# one BLAS thread while many small matrix products run: the package's one helper (neurocomp._threads)
_few_threads = few_threads
_small_matrix_threads = one_blas_thread


def check_schedule(name: str, schedule) -> tuple[tuple[int, float], ...]:
    """Validate an annealing schedule: (n_sweeps, temperature) pairs, temperatures > 0 and finite."""
    try:
        pairs = [tuple(p) for p in schedule]
    except TypeError:
        raise ValidationError(
            f"{name} must be a sequence of (n_sweeps, temperature) pairs; got {schedule!r}"
        ) from None
    if not pairs:
        raise ValidationError(f"{name} must hold at least one (n_sweeps, temperature) pair; got {schedule!r}")
    out = []
    for k, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValidationError(f"{name}[{k}] must be a (n_sweeps, temperature) pair; got {pair!r}")
        n, temp = pair
        if isinstance(n, (float, np.floating)) and float(n).is_integer():
            n = int(n)
        n = check_int(f"{name}[{k}] number of sweeps", n, 0)
        try:
            temp = float(temp)
        except (TypeError, ValueError):
            raise ValidationError(f"{name}[{k}] temperature must be a number; got {temp!r}") from None
        if not (np.isfinite(temp) and temp > 0):
            raise ValidationError(
                f"{name}[{k}] temperature must be positive and finite; got {temp!r}"
            )
        out.append((n, temp))
    return tuple(out)


def _check_data(name: str, X, n_columns: int | None, *, binary_units: bool) -> np.ndarray:
    X = check_array(name, X, ndim=(1, 2))
    if X.ndim == 1:
        X = X[None, :]
    if n_columns is not None and X.shape[1] != n_columns:
        raise ValidationError(
            f"{name} must have {n_columns} columns (one per visible unit); got {X.shape[1]} columns "
            f"in an array of shape {X.shape}"
        )
    if X.shape[0] == 0:
        raise ValidationError(f"{name} must hold at least one row; got shape {X.shape}")
    if binary_units:
        bad = (X < 0) | (X > 1)
        if bad.any():
            where = np.argwhere(bad)[:3].tolist()
            raise ValidationError(
                f"{name} must lie in [0, 1] for binary visible units; got {int(bad.sum())} value(s) "
                f"outside, first at (row, column) {where} (scale the data, or use visible='gaussian')"
            )
    return X


def _greedy_colouring(adjacency: np.ndarray, units: np.ndarray) -> list[np.ndarray]:
    """Split ``units`` into classes of mutually unconnected units (greedy colouring).

    Units in one class are conditionally independent given the rest, so a class can be
    Gibbs-updated in one step without changing the stationary distribution.
    """
    classes: list[list[int]] = []
    for u in units:
        for cls in classes:
            if not adjacency[u, cls].any():
                cls.append(int(u))
                break
        else:
            classes.append([int(u)])
    return [np.asarray(c, dtype=int) for c in classes]


# ---------------------------------------------------------------------------------------
# The 1985 Boltzmann machine
# ---------------------------------------------------------------------------------------


def encoder_connectivity(n_group: int = 4, n_hidden: int = 2, *, hidden_connected: bool = True) -> np.ndarray:
    """Connectivity of the N-H-N encoder of Ackley et al. (1985).

    Units are ordered ``[V1 (n_group), V2 (n_group), H (n_hidden)]``. Each visible group is
    fully connected within itself and to every hidden unit; the two visible groups are not
    connected to each other, so information must pass through the hidden units.

    Parameters
    ----------
    n_group, n_hidden : int
        Units per visible group and hidden units.
    hidden_connected : bool
        Whether the hidden units are connected to each other.

    Returns
    -------
    ndarray of bool, shape (2 * n_group + n_hidden, 2 * n_group + n_hidden)
        Symmetric mask with a False diagonal.
    """
    n_group = check_int("n_group", n_group, 1)
    n_hidden = check_int("n_hidden", n_hidden, 1)
    n = 2 * n_group + n_hidden
    mask = np.zeros((n, n), dtype=bool)
    v1 = slice(0, n_group)
    v2 = slice(n_group, 2 * n_group)
    h = slice(2 * n_group, n)
    mask[v1, v1] = True
    mask[v2, v2] = True
    mask[v1, h] = mask[h, v1] = True
    mask[v2, h] = mask[h, v2] = True
    if hidden_connected:
        mask[h, h] = True
    np.fill_diagonal(mask, False)
    return mask


def encoder_patterns(n_group: int = 4) -> np.ndarray:
    """The encoder's training set: unit k on in V1 and unit k on in V2, shape (n_group, 2 * n_group).

    Parameters
    ----------
    n_group : int
        Units per group.

    Returns
    -------
    ndarray of shape (n_group, 2 * n_group)
        One row per pattern, 0/1.
    """
    n_group = check_int("n_group", n_group, 1)
    eye = np.eye(n_group)
    return np.hstack([eye, eye])


class BoltzmannMachine:
    """The Boltzmann machine of Ackley, Hinton & Sejnowski (1985), many machines at once.

    Binary units ``s_i ∈ {0, 1}``, symmetric weights ``w_ij`` allowed only where
    ``connectivity`` is True, and thresholds learnt as biases ``b_i``. The energy is
    ``E(s) = -Σ_{i<j} w_ij s_i s_j - Σ_i b_i s_i`` and a unit turns on with probability
    ``σ(ΔE_i / T)``, ``ΔE_i = Σ_j w_ij s_j + b_i``. ``n_machines`` independent machines (own
    weights, own chains) are trained together along a leading batch axis.

    Parameters
    ----------
    n_visible, n_hidden : int
        Numbers of visible and hidden units; units are ordered visible first.
    connectivity : array of bool, shape (n_units, n_units), optional
        Which pairs may have a weight (made symmetric, diagonal ignored). Default: all pairs.
    n_machines : int
        Independent machines trained in parallel (the batch axis of every learned array).
    schedule : sequence of (int, float)
        Annealing schedule: (number of sweeps, temperature) pairs run in order in both phases.
        Co-occurrence statistics are gathered at the last temperature, which is also the
        temperature of the model's equilibrium distribution (``temperature_``). Default: the
        paper's ``ACKLEY_SCHEDULE`` (2@20, 2@15, 2@12, 4@10).
    n_stat_sweeps : int
        Sweeps at the final temperature over which co-occurrences are averaged (paper: 10).
    n_chains : int
        Independent annealing runs per training pattern in each phase (per machine).
    estimator : {'sampled', 'exact'}
        'sampled' (faithful to the paper) estimates p⁺ and p⁻ by annealed Gibbs sampling;
        'exact' computes them by enumerating all states (small machines only; much faster,
        deterministic).
    update : {'sign', 'gradient'}
        'sign': every weight moves by ``±weight_step`` according to the sign of
        ``p⁺_ij − p⁻_ij`` (the paper's fixed steps, ``weight_step=2``); 'gradient':
        ``Δw_ij = weight_step · (p⁺_ij − p⁻_ij)``.
    weight_step : float
        Step size of the update.
    noise_on, noise_off : float
        "Noisy clamping": a clamped unit that should be on is clamped off with probability
        ``noise_on``; one that should be off is clamped on with probability ``noise_off``.
        Keeps the weights from growing without bound; 0 disables it.
    init_scale : float
        Initial weights and biases are uniform in ``[-init_scale, init_scale]`` (breaks the
        symmetry between hidden units, which the exact estimator would otherwise keep).
    tolerance : float
        With ``update='sign'``, differences ``|p⁺_ij − p⁻_ij| <= tolerance`` leave the weight
        unchanged. Sampled statistics have a finite resolution (``1 / (n_stat_sweeps ·
        n_chains · n_patterns)``), so tiny differences are zero there; exact statistics need
        this dead zone, or the sign rule drives weights between rarely co-active units
        without bound on differences of 1e-100.
    step_decay_cycles : float, optional
        If given, the step after ``t`` learning cycles is ``weight_step / (1 + t /
        step_decay_cycles)`` (halved after ``step_decay_cycles`` cycles; a Robbins-Monro
        schedule, so the noise of sampled statistics averages out instead of moving the
        weights for ever). Default None: constant steps, as in the paper. On the 8-3-8
        encoder (20 runs, 600 cycles, ``n_chains=4``) 300 cycles left the outcome as it was
        (14 vs 15 runs learned, 3 still solving at the end either way) and 100 froze runs
        before they learned (11): its failures are not step noise but two patterns sharing
        a hidden code.
    noise_per_sweep : bool
        If True (default), the clamping noise is drawn afresh before every sweep of the
        clamped phase, so p⁺ averages over the noise as finely as p⁻ averages over the free
        states; if False, once per annealing, so one noisy vector holds for the whole
        annealing. The paper gives the noise probabilities, not how often they were drawn.
        With False and the sign rule, p⁺ of two units in one group is 0 in most cycles
        and a lump otherwise, while p⁻ is small but rarely 0: the sign of the difference is
        more often negative than its mean, and the inhibitory weights within a group grow
        without bound (to about -100 after 200 cycles of the 8-3-8 encoder).
    weight_decay : float
        Fraction of every weight (not the biases) removed each cycle before the update
        (``w ← (1 - weight_decay) w + Δw``), which bounds the weights at about
        ``weight_step / weight_decay``. Default 0 (none). On the 8-3-8 encoder, 0.002-0.01
        did not change the fraction of runs that learn beyond the noise of 20 runs.
    rng : None, int, SeedSequence or Generator
        Randomness of the initial weights and of the sampling.
    n_epochs : int, default 100
        Learning cycles :meth:`fit` runs (``fit(X, n_cycles)`` before 0.2: still
        accepted, with a DeprecationWarning).

    Attributes
    ----------
    weights_ : ndarray, shape (n_machines, n_units, n_units)
        Symmetric weights, zero outside ``connectivity``.
    biases_ : ndarray, shape (n_machines, n_units)
        Biases (negative thresholds).
    temperature_ : float
        Temperature of the equilibrium distribution (last temperature of ``schedule``).
    n_cycles_ : int
        Learning cycles done so far.

    Notes
    -----
    Learning maximises the likelihood of the data: ``∂G/∂w_ij = -(p⁺_ij − p⁻_ij)/T``, where
    ``G = Σ_v P⁺(v) log(P⁺(v)/P⁻(v))`` is the divergence between the clamped (data)
    distribution over visible vectors and the free-running one. Units that are not connected
    to each other are Gibbs-updated together (a greedy colouring of the connectivity graph);
    this is exact Gibbs sampling, only faster than one unit at a time. The paper's units were
    updated asynchronously at random times; a sweep here gives every free unit one update.

    Examples
    --------
    >>> bm = BoltzmannMachine(8, 2, encoder_connectivity(4, 2), n_machines=3,
    ...                       estimator="exact", rng=0)
    >>> bm.set_params(n_epochs=5).fit(encoder_patterns(4)).weights_.shape
    (3, 10, 10)
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        connectivity=None,
        *,
        n_machines: int = 1,
        schedule=ACKLEY_SCHEDULE,
        n_stat_sweeps: int = 10,
        n_chains: int = 1,
        estimator: str = "sampled",
        update: str = "sign",
        weight_step: float = 2.0,
        noise_on: float = 0.15,
        noise_off: float = 0.05,
        init_scale: float = 1.0,
        tolerance: float = 0.0,
        step_decay_cycles: float | None = None,
        noise_per_sweep: bool = True,
        weight_decay: float = 0.0,
        rng=None,
        n_epochs: int = 100,
    ):
        self.n_epochs = n_epochs
        self.noise_per_sweep = noise_per_sweep
        self.weight_decay = weight_decay
        self.tolerance = tolerance
        self.step_decay_cycles = step_decay_cycles
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        self.connectivity = connectivity
        self.n_machines = n_machines
        self.schedule = schedule
        self.n_stat_sweeps = n_stat_sweeps
        self.n_chains = n_chains
        self.estimator = estimator
        self.update = update
        self.weight_step = weight_step
        self.noise_on = noise_on
        self.noise_off = noise_off
        self.init_scale = init_scale
        self.rng = rng

    # -- set-up ----------------------------------------------------------------------
    @property
    def n_units(self) -> int:
        return int(self.n_visible) + int(self.n_hidden)

    def _validate(self):
        n_v = check_int("n_visible", self.n_visible, 1)
        n_h = check_int("n_hidden", self.n_hidden, 0)
        n = n_v + n_h
        if self.connectivity is None:
            mask = ~np.eye(n, dtype=bool)
        else:
            mask = np.asarray(self.connectivity)
            if mask.shape != (n, n):
                raise ValidationError(
                    f"connectivity must have shape (n_units, n_units) = ({n}, {n}); got {mask.shape}"
                )
            if not np.isin(mask, (0, 1)).all():
                raise ValidationError("connectivity must be boolean (or 0/1); got other values")
            mask = mask.astype(bool)
            mask = mask | mask.T
            np.fill_diagonal(mask, False)
        check_int("n_machines", self.n_machines, 1)
        self._schedule = check_schedule("schedule", self.schedule)
        check_int("n_stat_sweeps", self.n_stat_sweeps, 1)
        check_int("n_chains", self.n_chains, 1)
        check_option("estimator", self.estimator, ["sampled", "exact"])
        check_option("update", self.update, ["sign", "gradient"])
        check_positive("weight_step", self.weight_step)
        check_in_range("noise_on", self.noise_on, 0, 1, high_open=True)
        check_in_range("noise_off", self.noise_off, 0, 1, high_open=True)
        check_nonnegative("init_scale", self.init_scale)
        check_nonnegative("tolerance", self.tolerance)
        if self.step_decay_cycles is not None:
            check_positive("step_decay_cycles", self.step_decay_cycles)
        check_in_range("weight_decay", self.weight_decay, 0, 1, high_open=True)
        if self.estimator == "exact" and n > MAX_EXACT_UNITS:
            raise ValidationError(
                f"estimator='exact' enumerates 2**n_units states and needs n_units <= {MAX_EXACT_UNITS}; "
                f"got n_units = {n} (use estimator='sampled')"
            )
        return mask

    def _initialise(self):
        self.mask_ = self._validate()
        # the machine's own stream: initial weights, learning, and sample(rng=None)
        self.rng_ = as_generator(self.rng)
        m, n = int(self.n_machines), self.n_units
        s = float(self.init_scale)
        w = self.rng_.uniform(-s, s, size=(m, n, n))
        w = np.triu(w, 1)
        self.weights_ = (w + w.transpose(0, 2, 1)) * self.mask_
        self.biases_ = self.rng_.uniform(-s, s, size=(m, n))
        self.temperature_ = float(self._schedule[-1][1])
        self.n_cycles_ = 0

    def _check_fitted(self):
        check_is_fitted(self, "weights_", call="'fit' (or 'partial_fit')")

    def _check_patterns(self, X) -> np.ndarray:
        X = check_array("X", X, ndim=2)
        if X.shape[1] != int(self.n_visible):
            raise ValidationError(
                f"X must have {self.n_visible} columns (one per visible unit); got {X.shape[1]} columns"
            )
        if not np.isin(X, (0.0, 1.0)).all():
            bad = ~np.isin(X, (0.0, 1.0))
            raise ValidationError(
                f"X must hold only 0 and 1 (binary units); got {int(bad.sum())} other value(s), "
                f"first at (row, column) {np.argwhere(bad)[:3].tolist()}"
            )
        return X

    # -- energies and exact quantities -----------------------------------------------
    def energy(self, states) -> np.ndarray:
        """Energy of states; ``states`` of shape (..., n_units) broadcast against the machines.

        Returns
        -------
        ndarray, shape (n_machines, ...)
        """
        self._check_fitted()
        s = check_array("states", states)
        if s.shape[-1] != self.n_units:
            raise ValidationError(f"states must have {self.n_units} units on the last axis; got shape {s.shape}")
        return self._energy(s)

    def _energy(self, s):
        # s: (S, n) shared by all machines, or (m, S, n)
        # E = -(Σ_{i<j} w_ij s_i s_j + Σ_i b_i s_i), as one matrix product over unit pairs
        iu, ju = np.triu_indices(self.n_units, 1)
        w_pairs = self.weights_[:, iu, ju]  # (m, P)
        pairs = s[..., iu] * s[..., ju]
        if s.ndim == 2:  # (S, n) shared by all machines
            return -(pairs @ w_pairs.T + s @ self.biases_.T).T
        return -(np.einsum("msp,mp->ms", pairs, w_pairs) + np.einsum("msn,mn->ms", s, self.biases_))

    def _require_enumerable(self, what: str):
        if self.n_units > MAX_EXACT_UNITS:
            raise ValidationError(
                f"{what} enumerates 2**n_units states and needs n_units <= {MAX_EXACT_UNITS}; got {self.n_units}"
            )

    def log_partition(self, temperature: float | None = None) -> np.ndarray:
        """Exact ``log Z`` of each machine at ``temperature`` (default ``temperature_``), shape (n_machines,)."""
        self._check_fitted()
        self._require_enumerable("log_partition")
        t = self.temperature_ if temperature is None else check_positive("temperature", temperature)
        return logsumexp(-self._energy(all_states(self.n_units)) / t, axis=1)

    def visible_distribution(self, temperature: float | None = None) -> np.ndarray:
        """Exact equilibrium probability of every visible vector.

        Returns
        -------
        ndarray, shape (n_machines, 2**n_visible)
            Ordered as :func:`all_states` (n_visible).
        """
        self._check_fitted()
        self._require_enumerable("visible_distribution")
        t = self.temperature_ if temperature is None else check_positive("temperature", temperature)
        n_v, n_h = int(self.n_visible), int(self.n_hidden)
        logp = -self._energy(all_states(self.n_units)) / t  # (m, 2**n)
        logp = logp.reshape(len(logp), 2**n_v, 2**n_h)
        logpv = logsumexp(logp, axis=2)
        logpv -= logsumexp(logpv, axis=1, keepdims=True)
        return np.exp(logpv)

    def divergence(self, X, temperature: float | None = None) -> np.ndarray:
        """The paper's ``G = Σ_v P⁺(v) log(P⁺(v)/P⁻(v))`` in nats, shape (n_machines,).

        ``P⁺`` is the empirical distribution of the rows of ``X`` (clean, without clamping
        noise) and ``P⁻`` the machine's free-running equilibrium distribution.
        """
        X = self._check_patterns(X)
        pv = self.visible_distribution(temperature)
        n_v = int(self.n_visible)
        codes = (X @ (2 ** np.arange(n_v - 1, -1, -1))).astype(int)
        uniq, counts = np.unique(codes, return_counts=True)
        p_plus = counts / counts.sum()
        return np.sum(p_plus * (np.log(p_plus) - np.log(np.maximum(pv[:, uniq], 1e-300))), axis=1)

    def complete(self, X, known) -> np.ndarray:
        """Most probable completion of the unknown visible units given the known ones (exact).

        Parameters
        ----------
        X : array, shape (n_patterns, n_visible)
            Values of the known units (the others are ignored).
        known : array of bool, shape (n_visible,)
            Which visible units are clamped.

        Returns
        -------
        ndarray, shape (n_machines, n_patterns, n_visible)
            ``X`` with the unknown units set to the mode of ``p(unknown | known)`` at ``temperature_``.
        """
        self._check_fitted()
        X = self._check_patterns(X)
        known = np.asarray(known, dtype=bool)
        if known.shape != (int(self.n_visible),):
            raise ValidationError(f"known must be a boolean mask of shape ({self.n_visible},); got {known.shape}")
        free = np.flatnonzero(np.r_[~known, np.ones(int(self.n_hidden), bool)])
        n_free_vis = int((~known).sum())
        if free.size > MAX_EXACT_UNITS:
            raise ValidationError(f"complete enumerates the free units and needs <= {MAX_EXACT_UNITS}; got {free.size}")
        sub = all_states(free.size)  # (S, n_free)
        m, p = len(self.weights_), len(X)
        kv = np.flatnonzero(known)
        # E = const(known) - sub·h_free - ½ sub·W_ff·sub, with h_free the field of the known units
        # (and the biases) on the free ones; the constant does not change the mode.
        h_free = self.biases_[:, None, free] + X[None, :, kv] @ self.weights_[:, kv][:, :, free]  # (m, p, F)
        w_ff = self.weights_[:, free][:, :, free]  # (m, F, F)
        quad = 0.5 * np.einsum("msf,sf->ms", sub[None] @ w_ff, sub)  # (m, S)
        logp = (h_free @ sub.T + quad[:, None, :]) / self.temperature_  # (m, p, S)
        # marginalise the hidden units: free visible units are the leading bits of `sub`
        n_hid_states = 2 ** int(self.n_hidden)
        logp = logsumexp(logp.reshape(m, p, 2**n_free_vis, n_hid_states), axis=3)
        best = np.argmax(logp, axis=2)  # (m, p)
        out = np.broadcast_to(X, (m, p, X.shape[1])).copy()
        vis_free = np.flatnonzero(~known)
        out[:, :, vis_free] = all_states(n_free_vis)[best]
        return out

    # -- sampling ----------------------------------------------------------------------
    def _classes(self, free_units):
        return _greedy_colouring(self.mask_, np.asarray(free_units))

    def _class_weights(self, classes):
        return [np.ascontiguousarray(self.weights_[:, :, idx]) for idx in classes]

    def _sweep(self, s, classes, temperature, rng):
        """One Gibbs sweep over the classes; s has shape (m, c, n) and is updated in place."""
        for idx, w_cols in zip(classes, self._class_weights(classes)):
            field = np.matmul(s, w_cols) + self.biases_[:, None, idx]
            s[:, :, idx] = rng.random(field.shape) < expit(field / temperature)

    def _anneal(self, s, free_units, rng, *, n_stat_sweeps=0, reclamp=None):
        """Anneal ``s`` (m, c, n) through the schedule; return mean co-occurrences (m, n, n) if asked.

        ``reclamp(s, rng)``, when given, sets the clamped units afresh before every sweep.
        """
        classes = self._classes(free_units)
        for n_sweeps, temp in self._schedule:
            for _ in range(n_sweeps):
                if reclamp is not None:
                    reclamp(s, rng)
                self._sweep(s, classes, temp, rng)
        if not n_stat_sweeps:
            return None
        seen = []
        for _ in range(n_stat_sweeps):
            if reclamp is not None:
                reclamp(s, rng)
            self._sweep(s, classes, self.temperature_, rng)
            seen.append(s.copy())
        seen = np.concatenate(seen, axis=1)  # (m, n_stat_sweeps * c, n)
        return np.matmul(seen.transpose(0, 2, 1), seen) / seen.shape[1]

    @_few_threads
    def sample(self, n_samples: int = 1, *, clamp=None, known=None, rng=None) -> np.ndarray:
        """Anneal fresh chains through ``schedule`` and return their final states.

        Parameters
        ----------
        n_samples : int
            Chains per machine (per clamped pattern when ``clamp`` is given).
        clamp : array, shape (n_patterns, n_visible), optional
            Visible values to hold fixed (only the units in ``known``).
        known : array of bool, shape (n_visible,), optional
            Which visible units are clamped (default: all, when ``clamp`` is given).
        rng : None, int, SeedSequence or Generator
            None continues the machine's own stream (``rng_``), so a machine built
            with ``rng=0`` repeats itself.

        Returns
        -------
        ndarray, shape (n_machines, n_chains, n_units)
            ``n_chains = n_samples`` or ``n_patterns * n_samples`` (pattern-major).
        """
        self._check_fitted()
        n_samples = check_int("n_samples", n_samples, 1)
        rng = self.rng_ if rng is None else as_generator(rng)
        m, n, n_v = len(self.weights_), self.n_units, int(self.n_visible)
        if clamp is None:
            s = (rng.random((m, n_samples, n)) < 0.5).astype(float)
            free = np.arange(n)
        else:
            clamp = self._check_patterns(clamp)
            known = np.ones(n_v, bool) if known is None else np.asarray(known, dtype=bool)
            if known.shape != (n_v,):
                raise ValidationError(f"known must be a boolean mask of shape ({n_v},); got {known.shape}")
            s = (rng.random((m, len(clamp) * n_samples, n)) < 0.5).astype(float)
            kv = np.flatnonzero(known)
            s[:, :, kv] = np.repeat(clamp, n_samples, axis=0)[None][:, :, kv]
            free = np.r_[np.flatnonzero(~known), np.arange(n_v, n)]
        self._anneal(s, free, rng)
        return s

    # -- learning ----------------------------------------------------------------------
    def _stats_sampled(self, X, rng):
        m, n, n_v = len(self.weights_), self.n_units, int(self.n_visible)
        reps = np.repeat(X, int(self.n_chains), axis=0)  # (c, n_v)
        c = len(reps)
        # wake: visible units (noisily) clamped to the data
        on = reps[None] == 1

        def clamp(s, rng):
            flip = rng.random((m, c, n_v))
            s[:, :, :n_v] = np.where(on, flip >= self.noise_on, flip < self.noise_off)

        s = (rng.random((m, c, n)) < 0.5).astype(float)
        clamp(s, rng)
        p_plus = self._anneal(
            s, np.arange(n_v, n), rng, n_stat_sweeps=int(self.n_stat_sweeps),
            reclamp=clamp if self.noise_per_sweep else None,
        )
        # sleep: everything free
        s = (rng.random((m, c, n)) < 0.5).astype(float)
        p_minus = self._anneal(s, np.arange(n), rng, n_stat_sweeps=int(self.n_stat_sweeps))
        return p_plus, p_minus

    def _stats_exact(self, X):
        m, n, n_v, n_h = len(self.weights_), self.n_units, int(self.n_visible), int(self.n_hidden)
        t = self.temperature_
        # clamped distribution over visible vectors, including clamping noise (per unit independent)
        on = 1.0 - self.noise_on
        off = self.noise_off
        vis = all_states(n_v)  # (V, n_v)
        prob_on = np.where(X == 1, on, off)  # (P, n_v)
        q = np.prod(np.where(vis[:, None, :] == 1, prob_on[None], 1 - prob_on[None]), axis=2).mean(axis=1)  # (V,)
        keep = q > 1e-12
        vis, q = vis[keep], q[keep] / q[keep].sum()
        hid = all_states(n_h)
        states = np.concatenate(
            [np.repeat(vis, len(hid), axis=0), np.tile(hid, (len(vis), 1))], axis=1
        )  # (V*H, n)
        logp = (-self._energy(states) / t).reshape(m, len(vis), len(hid))
        ph = np.exp(logp - logsumexp(logp, axis=2, keepdims=True)) * q[None, :, None]
        w_plus = ph.reshape(m, -1)
        p_plus = np.matmul(w_plus[:, None, :] * states.T[None], states)
        full = all_states(n)
        logp = -self._energy(full) / t
        w_minus = np.exp(logp - logsumexp(logp, axis=1, keepdims=True))
        p_minus = np.matmul(w_minus[:, None, :] * full.T[None], full)
        return p_plus, p_minus

    def partial_fit(self, X) -> "BoltzmannMachine":
        """One learning cycle on the patterns ``X`` (shape (n_patterns, n_visible)): wake, sleep, update."""
        if not hasattr(self, "weights_"):
            self._initialise()
        X = self._check_patterns(X)
        if self.estimator == "exact":
            p_plus, p_minus = self._stats_exact(X)
        else:
            p_plus, p_minus = self._stats_sampled(X, self.rng_)
        diff = p_plus - p_minus
        step = float(self.weight_step)
        if self.step_decay_cycles is not None:
            step /= 1.0 + self.n_cycles_ / float(self.step_decay_cycles)
        if self.update == "sign":
            delta = step * np.sign(diff) * (np.abs(diff) > float(self.tolerance))
        else:
            delta = step * diff
        # co-occurrence of a unit with itself is its activation: the bias update
        self.biases_ = self.biases_ + np.diagonal(delta, axis1=1, axis2=2)
        self.weights_ = (1.0 - float(self.weight_decay)) * self.weights_ + delta * self.mask_
        self.n_cycles_ += 1
        return self

    @_few_threads
    def set_params(self, **params) -> "BoltzmannMachine":
        """Set constructor parameters (scikit-learn's spelling); return ``self``."""
        for name, value in params.items():
            if name not in type(self).__init__.__code__.co_varnames:
                raise ValidationError(f"unknown parameter {name!r} for BoltzmannMachine")
            setattr(self, name, value)
        return self

    def fit(self, X, y=None, *, n_cycles=None) -> "BoltzmannMachine":
        """Initialise and run ``n_epochs`` learning cycles on ``X``; return ``self``.

        ``y`` is ignored (scikit-learn's convention). ``n_cycles`` (also the
        second positional argument before 0.2) overrides ``n_epochs``, with a
        DeprecationWarning.
        """
        if y is not None and np.ndim(y) == 0 and n_cycles is None:  # fit(X, 5): the old positional n_cycles
            n_cycles, y = y, None
        if n_cycles is not None:
            from neurocomp._deprecation import warn_renamed

            warn_renamed("BoltzmannMachine.fit", "n_cycles", "n_epochs",
                         note="set it on the machine: BoltzmannMachine(..., n_epochs=N)")
        else:
            n_cycles = self.n_epochs
        n_cycles = check_int("n_epochs" if n_cycles is self.n_epochs else "n_cycles", n_cycles, 0)
        self._initialise()
        X = self._check_patterns(X)
        for _ in range(n_cycles):
            self.partial_fit(X)
        return self


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


# ---------------------------------------------------------------------------------------
# Deep belief net
# ---------------------------------------------------------------------------------------


class DBN(TransformerMixin, BaseEstimator):
    """Deep belief net: RBMs stacked greedily, layer by layer (Hinton, Osindero & Teh 2006).

    Parameters
    ----------
    layers : sequence of int
        Hidden-layer sizes, bottom to top, e.g. ``(64, 32)``.
    visible : {'binary', 'gaussian'}
        Units of the data layer (the upper RBMs are binary).
    learning_rate, batch_size, n_epochs, k, persistent, momentum, weight_decay :
        Passed to every :class:`RBM`.
    rng : None, int, SeedSequence or Generator

    Attributes
    ----------
    rbms_ : list of RBM
        The trained layers, bottom first.

    Notes
    -----
    Each RBM is trained on the hidden probabilities ``p(h|v)`` of the one below. Sampling
    runs Gibbs chains in the top RBM (an undirected associative memory) and then passes down
    through the lower layers' generative weights ``p(v|h)`` (a directed belief net).
    """

    def __init__(
        self,
        layers=(64, 32),
        *,
        visible: str = "binary",
        learning_rate: float = 0.05,
        batch_size: int = 10,
        n_epochs: int = 10,
        k: int = 1,
        persistent: bool = False,
        momentum: float = 0.5,
        weight_decay: float = 0.0,
        rng=None,
    ):
        self.layers = layers
        self.visible = visible
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.k = k
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.rng = rng

    def fit(self, X, y=None) -> "DBN":
        """Greedy layer-wise training on ``X`` (shape (n_samples, n_visible)); return ``self``."""
        sizes = [check_int(f"layers[{i}]", s, 1) for i, s in enumerate(self.layers)]
        if not sizes:
            raise ValidationError(f"layers must hold at least one hidden-layer size; got {self.layers!r}")
        self.rng_ = as_generator(self.rng)  # the model's own stream, for sample(rng=None)
        rngs = self.rng_.spawn(len(sizes))
        data = validate_X_y(self, X)
        self.rbms_ = []
        for i, (size, r) in enumerate(zip(sizes, rngs)):
            rbm = RBM(
                n_hidden=size,
                visible=self.visible if i == 0 else "binary",
                learning_rate=self.learning_rate,
                batch_size=self.batch_size,
                n_epochs=self.n_epochs,
                k=self.k,
                persistent=self.persistent,
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                rng=r,
            ).fit(data)
            self.rbms_.append(rbm)
            data = rbm.transform(data)
        return self

    def _check_fitted(self):
        check_is_fitted(self, "rbms_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self.visible == "binary"  # in [0, 1], as for RBM
        return tags

    def transform(self, X, layer: int = -1) -> np.ndarray:
        """Features of ``X``: hidden probabilities of ``layer`` (default the top), shape (n_samples, size)."""
        data = validate_X(self, X, fitted_attribute="rbms_")
        n_layers = len(self.rbms_)
        layer = check_int("layer", layer, -n_layers, n_layers - 1) % n_layers
        for rbm in self.rbms_[: layer + 1]:
            data = rbm.transform(data)
        return data

    def sample(self, n_samples: int = 16, *, n_gibbs: int = 1000, rng=None) -> np.ndarray:
        """Generate visible vectors: Gibbs in the top RBM, then one top-down pass.

        Returns the visible means (probabilities for binary units), shape (n_samples, n_visible).
        """
        self._check_fitted()
        rng = self.rng_ if rng is None else as_generator(rng)
        top = self.rbms_[-1]
        h = top.sample(n_samples, n_gibbs=n_gibbs, rng=rng)  # means of the penultimate layer
        for rbm in reversed(self.rbms_[:-1]):
            h_bin = (rng.random(h.shape) < h).astype(float)
            h = rbm._visible_mean(h_bin)
        return h


# ---------------------------------------------------------------------------------------
# The encoder problem (Ackley, Hinton & Sejnowski 1985)
# ---------------------------------------------------------------------------------------


@_few_threads
def learn_encoder(
    n_group: int = 4,
    n_hidden: int = 2,
    *,
    n_runs: int = 50,
    max_cycles: int = 400,
    estimator: str = "sampled",
    schedule=ACKLEY_SCHEDULE,
    n_stat_sweeps: int = 10,
    n_chains: int = 1,
    update: str = "sign",
    weight_step: float = 2.0,
    noise_on: float = 0.15,
    noise_off: float = 0.05,
    init_scale: float = 0.0,
    tolerance: float = 0.0,
    step_decay_cycles: float | None = None,
    noise_per_sweep: bool = True,
    weight_decay: float = 0.0,
    hidden_connected: bool = True,
    stop_when_learned: bool = True,
    track_divergence: bool = True,
    rng=None,
) -> xr.Dataset:
    """Train ``n_runs`` independent N-H-N encoder machines at once and time their learning.

    A run has *learned* the encoder when, for every pattern, clamping V1 to it makes the
    correct V2 vector the most probable completion (exact, at the final temperature; see
    :meth:`BoltzmannMachine.complete`). ``cycles_to_learn`` is the first learning cycle after
    which that holds (one cycle = wake and sleep phases for all patterns, then one weight
    update). Other parameters are those of :class:`BoltzmannMachine`.

    Every run anneals ``n_chains`` times per pattern in each phase. The 8-3-8 encoder needs
    ``n_chains=4`` (with 1, p⁻ comes from 8 chains each sitting in one mode, and the sign
    rule follows the noise): 39 of 50 runs learned it within 600 cycles, median 121 cycles
    (paper: 16 of 20 runs). ``learned`` counts a run from the first cycle it solves the
    task; the failure it may fall back to, and the one of runs that never learn, is two
    patterns sharing one of the 8 hidden codes (``learned_at_end`` tells).

    Returns
    -------
    xarray.Dataset
        ``cycles_to_learn`` (trial; NaN if never), ``learned`` (trial; ever learned),
        ``learned_at_end`` (trial), ``fraction_learned`` (epoch: cumulative fraction of runs
        learned after each cycle), ``divergence`` (trial × epoch; G in nats, NaN when the
        machine is too large to enumerate), ``weights`` (trial × neuron × neuron_post) and
        ``biases`` (trial × neuron) at the end. Dims: ``trial`` = run, ``epoch`` = cycle.
    """
    n_group = check_int("n_group", n_group, 1)
    n_hidden = check_int("n_hidden", n_hidden, 1)
    n_runs = check_int("n_runs", n_runs, 1)
    max_cycles = check_int("max_cycles", max_cycles, 1)
    bm = BoltzmannMachine(
        2 * n_group,
        n_hidden,
        encoder_connectivity(n_group, n_hidden, hidden_connected=hidden_connected),
        n_machines=n_runs,
        schedule=schedule,
        n_stat_sweeps=n_stat_sweeps,
        n_chains=n_chains,
        estimator=estimator,
        update=update,
        weight_step=weight_step,
        noise_on=noise_on,
        noise_off=noise_off,
        init_scale=init_scale,
        tolerance=tolerance,
        step_decay_cycles=step_decay_cycles,
        noise_per_sweep=noise_per_sweep,
        weight_decay=weight_decay,
        rng=rng,
    )
    bm._initialise()
    X = encoder_patterns(n_group)
    known = np.r_[np.ones(n_group, bool), np.zeros(n_group, bool)]
    first = np.full(n_runs, np.nan)
    track_g = bool(track_divergence) and bm.n_units <= 14
    g_hist, frac = [], []
    ok = np.zeros(n_runs, bool)
    for cycle in range(1, max_cycles + 1):
        bm.partial_fit(X)
        ok = (bm.complete(X, known) == X).all(axis=(1, 2))
        first[np.isnan(first) & ok] = cycle
        frac.append(np.mean(~np.isnan(first)))
        g_hist.append(bm.divergence(X) if track_g else np.full(n_runs, np.nan))
        if stop_when_learned and not np.isnan(first).any():
            break
    cycles = np.arange(1, len(frac) + 1)
    n_units = bm.n_units
    # Ackley et al. call the visible groups V1 and V2; on a figure beside visual areas those names
    # mislead, so the units are labelled A1.., B1.. (the two visible groups) and H1.. (hidden)
    labels = ([f"A{i + 1}" for i in range(n_group)] + [f"B{i + 1}" for i in range(n_group)]
              + [f"H{i + 1}" for i in range(n_hidden)])
    ds = xr.Dataset(
        {
            "cycles_to_learn": ("trial", first, {"units": "1", "long_name": "learning cycles to first solve"}),
            "learned": ("trial", ~np.isnan(first), {"units": "1", "long_name": "run learned the encoder"}),
            "learned_at_end": ("trial", ok, {"units": "1", "long_name": "encoder solved after the last cycle"}),
            "fraction_learned": ("epoch", np.asarray(frac), {"units": "1", "long_name": "fraction of runs learned"}),
            "divergence": (("trial", "epoch"), np.asarray(g_hist).T, {"units": "nat", "long_name": "divergence G"}),
            "weights": (("trial", "neuron", "neuron_post"), bm.weights_, {"units": "1", "long_name": "weight"}),
            "biases": (("trial", "neuron"), bm.biases_, {"units": "1", "long_name": "bias (negative threshold)"}),
        },
        coords={
            "trial": np.arange(n_runs),
            "epoch": ("epoch", cycles, {"units": "1", "long_name": "learning cycle"}),
            "neuron": ("neuron", np.arange(n_units)),
            "neuron_post": ("neuron_post", np.arange(n_units)),
            "unit_label": ("neuron", labels),
        },
        attrs={
            "problem": f"{n_group}-{n_hidden}-{n_group} encoder",
            "estimator": estimator,
            "update": update,
            "weight_step": float(weight_step),
            "temperature": float(bm.temperature_),
        },
    )
    return ds
