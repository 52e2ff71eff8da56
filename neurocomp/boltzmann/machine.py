"""The 1985 Boltzmann machine of Ackley, Hinton & Sejnowski, and its encoder problems.

Any symmetric connectivity, Gibbs sampling under a simulated-annealing schedule,
and the learning rule ``Δw_ij ∝ p⁺_ij − p⁻_ij`` (co-occurrences with the visible
units clamped to the data minus co-occurrences when running freely); many
machines train at once along a batch axis; small machines are enumerated exactly.
:func:`learn_encoder` runs the 4-2-4 (and larger) encoder problems. Part of
:mod:`neurocomp.boltzmann` (import from there).

References
----------
Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for Boltzmann
    machines. Cognitive Science 9, 147-169.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import expit

from neurocomp._validation import (
    ValidationError, check_array, check_in_range, check_int, check_is_fitted, check_nonnegative, check_option,
    check_positive,
)
from neurocomp.boltzmann.common import (
    ACKLEY_SCHEDULE, MAX_EXACT_UNITS, _few_threads, _greedy_colouring, all_states, check_schedule, logsumexp,
)
from neurocomp.random import as_generator

__all__ = ["BoltzmannMachine", "encoder_connectivity", "encoder_patterns", "learn_encoder"]


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

    References
    ----------
    .. [1] Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for
       Boltzmann machines. Cognitive Science 9, 147-169.

    Examples
    --------
    >>> encoder_connectivity(2, 1).astype(int).tolist()        # A1 A2 B1 B2 H1: groups meet only at H
    [[0, 1, 0, 0, 1], [1, 0, 0, 0, 1], [0, 0, 0, 1, 1], [0, 0, 1, 0, 1], [1, 1, 1, 1, 0]]
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

    Examples
    --------
    >>> encoder_patterns(2).tolist()              # the same one-hot code in both visible groups
    [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
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

    References
    ----------
    .. [1] Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for
       Boltzmann machines. Cognitive Science 9, 147-169.

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

    Parameters
    ----------
    n_group : int, default 4
        Units per visible group (N).
    n_hidden : int, default 2
        Hidden units (H).
    n_runs : int, default 50
        Independent machines trained at once (dim ``trial``).
    max_cycles : int, default 400
        Most learning cycles.
    estimator : {"sampled", "exact"}
        How the co-occurrences p⁺ and p⁻ are estimated (see :class:`BoltzmannMachine`).
    schedule : sequence of (int, float)
        Annealing schedule, (sweeps, temperature) pairs; default the paper's.
    n_stat_sweeps : int, default 10
        Sweeps at the final temperature over which co-occurrences are averaged.
    n_chains : int, default 1
        Annealing runs per pattern in each phase.
    update : {"sign", "gradient"}
        Fixed-step sign rule (the paper's) or a gradient step.
    weight_step : float, default 2.0
        Step size of the update.
    noise_on, noise_off : float
        Noisy-clamping probabilities (defaults 0.15 and 0.05).
    init_scale : float, default 0.0
        Initial weights and biases uniform in ``[-init_scale, init_scale]``.
    tolerance : float, default 0.0
        Dead zone of the sign rule.
    step_decay_cycles : float, optional
        Cycles after which the step is halved (default: constant steps).
    noise_per_sweep : bool, default True
        Draw the clamping noise before every sweep (False: once per annealing).
    weight_decay : float, default 0.0
        Fraction of every weight removed each cycle.
    hidden_connected : bool, default True
        Whether the hidden units are connected to each other.
    stop_when_learned : bool, default True
        Stop once every run has learned (the remaining cycles are not run).
    track_divergence : bool, default True
        Compute the divergence G after every cycle (only for machines of at most 14 units;
        NaN otherwise).
    rng : None, int, SeedSequence or Generator
        Randomness of the initial weights and of the sampling.

    Returns
    -------
    xarray.Dataset
        ``cycles_to_learn`` (trial; NaN if never), ``learned`` (trial; ever learned),
        ``learned_at_end`` (trial), ``fraction_learned`` (epoch: cumulative fraction of runs
        learned after each cycle), ``divergence`` (trial × epoch; G in nats, NaN when the
        machine is too large to enumerate), ``weights`` (trial × neuron × neuron_post) and
        ``biases`` (trial × neuron) at the end. Dims: ``trial`` = run, ``epoch`` = cycle.

    References
    ----------
    .. [1] Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for
       Boltzmann machines. Cognitive Science 9, 147-169.

    Examples
    --------
    >>> ds = learn_encoder(2, 1, n_runs=3, max_cycles=5, estimator="exact", rng=0)   # a tiny 2-1-2 run
    >>> ds.cycles_to_learn.dims, ds.fraction_learned.dims, ds.weights.shape
    (('trial',), ('epoch',), (3, 5, 5))
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
