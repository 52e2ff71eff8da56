"""Fixed points and slow points of a recurrent network (Sussillo & Barak 2013).

A trained network with a constant input u is a map x ↦ F(x) = ``model.step(x, u)``
on its state. Its fixed points — and the slow points where it barely moves —
are the skeleton of the computation: memories are stable fixed points, decisions
are made between them at saddles, and integration happens along lines of slow
points (Mante et al. 2013). :func:`find_fixed_points` minimises the speed
q(x) = ½‖F(x) − x‖² from many starting states visited by the network, keeps the
minima with q below a tolerance, merges duplicates and classifies each by the
eigenvalues of the Jacobian of F there.

The functions need only three things of ``model``: ``step(state, u)``,
``step_jacobian(state, u)`` (both vectorised over leading dims) and
``n_state_``; the number of inputs is read from ``n_features_in_``.
:class:`neurocomp.rnn.RNN` and :class:`neurocomp.rnn.RateRNN` provide them.

References
----------
Sussillo, D. & Barak, O. (2013). Opening the black box: low-dimensional dynamics
    in high-dimensional recurrent neural networks. Neural Computation 25, 626–649.
Mante, V., Sussillo, D., Shenoy, K. V. & Newsome, W. T. (2013). Context-dependent
    computation by recurrent dynamics in prefrontal cortex. Nature 503, 78–84.
Golub, M. D. & Sussillo, D. (2018). FixedPointFinder: a TensorFlow toolbox for
    identifying and characterizing fixed points in recurrent neural networks.
    J. Open Source Software 3, 1003.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_in_range, check_int, check_nonnegative, check_option, check_positive
from neurocomp.random import as_generator

__all__ = ["find_fixed_points", "collect_states", "classify_eigenvalues", "KINDS"]

#: The kinds a fixed point is classified as.
KINDS = ("stable", "marginal", "saddle", "unstable")


def collect_states(states) -> np.ndarray:
    """Flatten network states to an array (n, n_state).

    Parameters
    ----------
    states : xarray.Dataset, xarray.DataArray or array
        A ``run`` Dataset (``hidden`` (trial, time, unit), plus ``cell`` for an
        LSTM, whose state is the concatenation (h, c)), a DataArray with a
        ``unit`` dim, or an array whose last axis is the state.

    Returns
    -------
    ndarray (n, n_state)

    Examples
    --------
    >>> collect_states(np.zeros((2, 5, 3))).shape
    (10, 3)
    """
    if isinstance(states, xr.Dataset):
        if "hidden" not in states:
            raise ValidationError(f"states must be a run Dataset with a 'hidden' variable; got variables "
                                  f"{list(states.data_vars)}")
        parts = [states["hidden"]] + ([states["cell"]] if "cell" in states else [])
        arr = np.concatenate([p.transpose(..., "unit").values for p in parts], axis=-1)
    elif isinstance(states, xr.DataArray):
        arr = states.transpose(..., "unit").values if "unit" in states.dims else states.values
    else:
        arr = np.asarray(states, dtype=float)
    arr = check_array("states", arr, ndim=(1, 2, 3, 4))
    return arr.reshape(-1, arr.shape[-1])


def classify_eigenvalues(eigenvalues, *, continuous: bool = False, marginal_tol: float = 1e-3):
    """Count unstable and marginal modes and name the kind of each fixed point.

    Parameters
    ----------
    eigenvalues : complex array (..., n)
        Eigenvalues of the Jacobian of the map F.
    continuous : bool
        ``False``: a discrete-time map, a mode grows when ``|λ| > 1``. ``True``: F is
        the Euler step x + (Δt/τ) f(x) of an ODE, whose eigenvalues are
        μ = (λ − 1) τ/Δt; a mode grows when Re μ > 0, i.e. Re λ > 1.
    marginal_tol : float
        Modes with growth (``|λ| − 1``, or Re λ − 1) within ± this are marginal (a
        line or plane of slow points).

    Returns
    -------
    n_unstable, n_marginal : ndarray of int (...)
    kind : ndarray of str (...)
        "stable" (every mode decays), "marginal" (none grows, some are marginal),
        "saddle" (some grow, some do not) or "unstable" (all grow).

    Examples
    --------
    >>> n_u, n_m, kind = classify_eigenvalues(np.array([[0.5, 0.2], [1.5, 0.2], [1.5, 2.0], [1.0, 0.3]]))
    >>> n_u.tolist(), kind.tolist()
    ([0, 1, 2, 0], ['stable', 'saddle', 'unstable', 'marginal'])
    """
    lam = np.asarray(eigenvalues)
    check_nonnegative("marginal_tol", marginal_tol)
    growth = (lam.real - 1.0) if continuous else (np.abs(lam) - 1.0)
    n_unstable = (growth > marginal_tol).sum(-1)
    n_marginal = (np.abs(growth) <= marginal_tol).sum(-1)
    n = lam.shape[-1]
    kind = np.where(n_unstable == 0, np.where(n_marginal == 0, "stable", "marginal"),
                    np.where(n_unstable == n, "unstable", "saddle"))
    return n_unstable, n_marginal, kind


def _n_inputs(model):
    for attr in ("n_input_", "n_features_in_"):
        if hasattr(model, attr):
            return int(getattr(model, attr))
    raise ValidationError("model must have n_features_in_ (the number of inputs); is it fitted?")


def find_fixed_points(model, states, *, inputs=None, n_initial: int = 256, noise: float = 0.0, tol_q: float = 1e-8,
                      max_iter: int = 2000, learning_rate: float = 0.01, n_newton: int = 10,
                      unique_tol: float = 1e-2, marginal_tol: float = 1e-3, dynamics: str = "auto",
                      rng=None) -> xr.Dataset:
    """Fixed points of a recurrent network by minimising its speed (Sussillo & Barak 2013).

    ``n_initial`` states are drawn from ``states`` (plus Gaussian noise of SD
    ``noise``), and all are optimised at once: Adam on q(x) = ½‖F(x) − x‖² with
    the analytic gradient ∇q = (J − I)ᵀ (F(x) − x), J = ∂F/∂x, then up to
    ``n_newton`` Newton steps x ← x − (J − I)⁺ (F(x) − x), each accepted only where
    it lowers q. Minima with q < ``tol_q`` are kept, those closer than
    ``unique_tol`` merged (the one with the lowest q stays), and each is classified
    by the eigenvalues of J (:func:`classify_eigenvalues`).

    Parameters
    ----------
    model : fitted RNN or RateRNN
        Anything with ``step``, ``step_jacobian``, ``n_state_`` and ``n_features_in_``.
    states : Dataset, DataArray or array
        States visited by the network (:meth:`RNN.run` output), see :func:`collect_states`.
    inputs : array (n_features,), optional
        The constant input u (default zeros: the network's autonomous dynamics).
    n_initial : int
        Starting states (drawn without replacement when there are enough).
    noise : float
        SD of the Gaussian perturbation of the starting states (state units).
    tol_q : float
        Largest q of a fixed point; a larger value also keeps slow points.
    max_iter : int
        Adam iterations.
    learning_rate : float
        Adam step size.
    n_newton : int
        Guarded Newton refinements after Adam (0 for none).
    unique_tol : float
        Euclidean distance below which two fixed points are one.
    marginal_tol : float
        Growth rate within which an eigenmode counts as marginal.
    dynamics : {"auto", "discrete", "continuous"}
        How eigenvalues are read; ``"auto"`` is continuous for a model with ``tau``
        and ``dt`` (a rate RNN, whose step is the Euler map of its ODE) and
        discrete otherwise.
    rng : None, int or Generator
        Draws the starting states and the noise.

    Returns
    -------
    xarray.Dataset
        Over ``fixed_point`` (sorted by kind, then q): ``state`` (fixed_point, unit);
        ``q`` (the speed ½‖F(x) − x‖²); ``jacobian`` (fixed_point, unit, unit_post),
        entry [k, j, i] = ∂F_i/∂x_j (row the varied unit, column the unit affected,
        neurocomp's pre → post order; ``.transpose("fixed_point", "unit_post",
        "unit")`` gives J); ``eigenvalue_real``/``eigenvalue_imag`` (fixed_point,
        mode), sorted by growth, the slowest-decaying or fastest-growing first;
        ``eigenvalue_modulus``; ``slow_direction`` and ``selection_vector``
        (fixed_point, unit): right and left eigenvectors of that leading mode (real
        parts, unit length; for a line attractor, the line's direction and the input
        direction it integrates, Mante et al. 2013); ``n_unstable``, ``n_marginal``
        and ``kind`` (fixed_point). For a continuous-time model also
        ``rate_real``/``rate_imag``: the ODE's eigenvalues (λ − 1)/Δt in 1/s.
        attrs: ``n_candidates``, ``n_converged`` (before merging), ``dynamics``.

    Notes
    -----
    The Euler map of a rate network, F(x) = x + (Δt/τ)(−x + W r(x) + u), has the
    Jacobian I + (Δt/τ) J_c, so each of its eigenvalues is λ = 1 + (Δt/τ) μ with μ
    an eigenvalue of the ODE's Jacobian J_c: a stable ODE mode (Re μ < 0) has
    Re λ < 1 but ``|λ| > 1`` is possible when Δt/τ is large (then the Euler map, not the
    ODE, is unstable), which is why rate models are classified by Re λ.

    References
    ----------
    Sussillo, D. & Barak, O. (2013). Neural Computation 25, 626–649.
    Mante, V., Sussillo, D., Shenoy, K. V. & Newsome, W. T. (2013). Nature 503, 78–84.

    Examples
    --------
    A map with stable points at x = ±1 and a saddle at the origin:

    >>> class Toy:
    ...     n_state_, n_features_in_ = 2, 1
    ...     def step(self, x, u):
    ...         return np.stack([x[..., 0] + 0.5 * (x[..., 0] - x[..., 0] ** 3), 0.5 * x[..., 1]], -1)
    ...     def step_jacobian(self, x, u):
    ...         J = np.zeros(x.shape + (2,))
    ...         J[..., 0, 0] = 1 + 0.5 * (1 - 3 * x[..., 0] ** 2)
    ...         J[..., 1, 1] = 0.5
    ...         return J
    >>> fp = find_fixed_points(Toy(), np.random.default_rng(0).uniform(-2, 2, (50, 2)), rng=0)
    >>> fp.kind.values.tolist(), np.round(fp.state.values[:, 0], 6).tolist()
    (['stable', 'stable', 'saddle'], [-1.0, 1.0, 0.0])
    """
    for attr in ("step", "step_jacobian", "n_state_"):
        if not hasattr(model, attr):
            raise ValidationError(f"model must have {attr!r} (a fitted neurocomp.rnn RNN or RateRNN); "
                                  f"got {type(model).__name__}")
    n = int(model.n_state_)
    pool = collect_states(states)
    if pool.shape[1] != n:
        raise ValidationError(f"states must have {n} state variables per row (model.n_state_); got {pool.shape[1]}")
    n_in = _n_inputs(model)
    u = np.zeros(n_in) if inputs is None else check_array("inputs", inputs, ndim=1, shape=(n_in,))
    n_initial = check_int("n_initial", n_initial, 1, 100_000)
    check_nonnegative("noise", noise)
    check_positive("tol_q", tol_q)
    max_iter = check_int("max_iter", max_iter, 0, 10**6)
    check_in_range("learning_rate", learning_rate, 0.0, 10.0, low_open=True)
    n_newton = check_int("n_newton", n_newton, 0, 1000)
    check_nonnegative("unique_tol", unique_tol)
    check_nonnegative("marginal_tol", marginal_tol)
    check_option("dynamics", dynamics, ["auto", "discrete", "continuous"])
    continuous = (dynamics == "continuous" or
                  (dynamics == "auto" and hasattr(model, "tau") and hasattr(model, "dt")))
    g = as_generator(rng)
    pick = g.choice(len(pool), n_initial, replace=n_initial > len(pool))
    x = pool[pick] + noise * g.standard_normal((n_initial, n))
    U = np.broadcast_to(u, (n_initial, n_in))
    eye = np.eye(n)

    def speed(x):
        r = np.asarray(model.step(x, U[:len(x)]), dtype=float) - x
        return r, 0.5 * np.einsum("ki,ki->k", r, r)

    # batched Adam
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    b1, b2, eps = 0.9, 0.999, 1e-12
    for it in range(1, max_iter + 1):
        r, q = speed(x)
        if q.max() < tol_q * 1e-2:
            break
        J = np.asarray(model.step_jacobian(x, U), dtype=float)
        grad = np.einsum("kij,ki->kj", J, r) - r
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        x = x - learning_rate * (m / (1 - b1**it)) / (np.sqrt(v / (1 - b2**it)) + eps)
    # guarded Newton refinement
    for _ in range(n_newton):
        r, q = speed(x)
        J = np.asarray(model.step_jacobian(x, U), dtype=float)
        step = np.einsum("kij,kj->ki", np.linalg.pinv(J - eye, rcond=1e-10), r)
        x_new = x - step
        _, q_new = speed(x_new)
        better = np.isfinite(q_new) & (q_new < q)
        x = np.where(better[:, None], x_new, x)
    r, q = speed(x)
    ok = np.isfinite(q) & (q < tol_q)
    xs, qs = x[ok], q[ok]
    order = np.argsort(qs, kind="stable")
    kept = []
    for k in order:
        if all(np.linalg.norm(xs[k] - xs[j]) >= unique_tol for j in kept):
            kept.append(k)
    xs, qs = xs[kept].reshape(-1, n), qs[kept]
    K = len(xs)
    if K:
        J = np.asarray(model.step_jacobian(xs, U[:K]), dtype=float)
        lam, right = np.linalg.eig(J)
        growth = (lam.real - 1.0) if continuous else (np.abs(lam) - 1.0)
        srt = np.argsort(-growth, axis=-1, kind="stable")
        lam = np.take_along_axis(lam, srt, -1)
        right = np.take_along_axis(right, srt[:, None, :], -1)
        lead = lam[:, 0]
        slow = np.real(right[:, :, 0])
        left = np.empty_like(slow)
        for k in range(K):  # left eigenvector of the leading mode: a right eigenvector of Jᵀ
            w, vecs = np.linalg.eig(J[k].T)
            left[k] = np.real(vecs[:, np.argmin(np.abs(w - lead[k]))])
        n_unst, n_marg, kind = classify_eigenvalues(lam, continuous=continuous, marginal_tol=marginal_tol)
    else:
        J = np.zeros((0, n, n))
        lam = np.zeros((0, n), complex)
        slow = left = np.zeros((0, n))
        n_unst = n_marg = np.zeros(0, int)
        kind = np.zeros(0, dtype="<U8")

    def unit_len(a):
        a = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-300)
        sign = np.sign(a[np.arange(len(a)), np.argmax(np.abs(a), -1)]) if len(a) else np.ones(0)
        return a * sign[:, None]

    rank = np.array([KINDS.index(k) for k in kind], int)
    srt = np.lexsort((qs, rank)) if K else np.zeros(0, int)
    ds = xr.Dataset(
        {
            "state": (("fixed_point", "unit"), xs[srt], {"units": "1", "long_name": "fixed-point state"}),
            "q": ("fixed_point", qs[srt], {"units": "1", "long_name": "speed ½‖F(x) − x‖²"}),
            "jacobian": (("fixed_point", "unit", "unit_post"), np.swapaxes(J, 1, 2)[srt],
                         {"units": "1", "long_name": "Jacobian ∂F_post/∂x_pre of the map"}),
            "eigenvalue_real": (("fixed_point", "mode"), lam.real[srt],
                                {"units": "1", "long_name": "real part of the map's eigenvalue"}),
            "eigenvalue_imag": (("fixed_point", "mode"), lam.imag[srt],
                                {"units": "1", "long_name": "imaginary part of the map's eigenvalue"}),
            "eigenvalue_modulus": (("fixed_point", "mode"), np.abs(lam)[srt],
                                   {"units": "1", "long_name": "modulus of the map's eigenvalue"}),
            "slow_direction": (("fixed_point", "unit"), unit_len(slow[srt]),
                               {"units": "1", "long_name": "right eigenvector of the leading mode"}),
            "selection_vector": (("fixed_point", "unit"), unit_len(left[srt]),
                                 {"units": "1", "long_name": "left eigenvector of the leading mode"}),
            "n_unstable": ("fixed_point", np.asarray(n_unst)[srt], {"units": "1", "long_name": "unstable modes"}),
            "n_marginal": ("fixed_point", np.asarray(n_marg)[srt], {"units": "1", "long_name": "marginal modes"}),
            "kind": ("fixed_point", np.asarray(kind)[srt].astype(str), {"units": "1", "long_name": "kind of fixed point"}),
        },
        coords={"fixed_point": np.arange(K), "unit": np.arange(n), "unit_post": np.arange(n), "mode": np.arange(n)},
        attrs={"n_candidates": int(n_initial), "n_converged": int(ok.sum()),
               "dynamics": "continuous" if continuous else "discrete"},
    )
    if continuous:
        scale = float(model.tau) / float(model.dt)
        ds["rate_real"] = (("fixed_point", "mode"), (lam.real[srt] - 1.0) * scale / float(model.tau),
                           {"units": "1/s", "long_name": "real part of the ODE's eigenvalue"})
        ds["rate_imag"] = (("fixed_point", "mode"), lam.imag[srt] * scale / float(model.tau),
                           {"units": "1/s", "long_name": "imaginary part of the ODE's eigenvalue"})
    return ds
