"""Rate theory of the leaky integrate-and-fire (LIF) neuron.

* :func:`lif_rate` -- deterministic f–I curve of the LIF with constant current
  (Gerstner, Kistler, Naud & Paninski, *Neuronal Dynamics*, 2014, ch. 1.3).
* :func:`siegert_rate` -- stationary rate of the LIF driven by Gaussian white
  noise, the mean first-passage time of an Ornstein–Uhlenbeck process
  (Siegert 1951; Amit & Brunel 1997; Brunel 2000, *J. Comput. Neurosci.* 8:183,
  eq. 21).

Inputs are brian2 quantities or plain floats in SI units (s, V, A, ohm); rates
are returned in Hz as plain floats / ndarrays.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from neurocomp._validation import ValidationError
from neurocomp.spiking._units import to_si, to_si_array
from neurocomp.spiking.populations import RESISTANCE, T_REF, TAU_M, V_RESET, V_REST, V_THRESHOLD

__all__ = ["lif_rate", "siegert_rate", "rheobase"]


def _membrane(tau_m, t_ref, v_rest, v_reset, v_threshold):
    tau = to_si("tau_m", tau_m, "s", positive=True)
    tref = to_si("t_ref", t_ref, "s", nonnegative=True)
    rest = to_si("v_rest", v_rest, "V")
    reset = to_si("v_reset", v_reset, "V")
    theta = to_si("v_threshold", v_threshold, "V")
    if not theta > reset:
        raise ValidationError(
            f"v_threshold must be above v_reset; got v_threshold = {theta * 1e3:g} mV, v_reset = {reset * 1e3:g} mV"
        )
    if not theta > rest:
        raise ValidationError(
            f"v_threshold must be above v_rest; got v_threshold = {theta * 1e3:g} mV, v_rest = {rest * 1e3:g} mV"
        )
    return tau, tref, rest, reset, theta


def rheobase(*, resistance=RESISTANCE, v_rest=V_REST, v_threshold=V_THRESHOLD) -> float:
    """The smallest constant current that makes the LIF fire, ``(v_threshold - v_rest) / R`` in A.

    Parameters
    ----------
    resistance : float or Quantity, default 1e8
        Membrane resistance in Ω.
    v_rest, v_threshold : float or Quantity
        Resting and threshold potentials in V (defaults −0.07 and −0.05).

    Returns
    -------
    float
        The rheobase current in A.

    Examples
    --------
    >>> round(rheobase() * 1e12)                  # 20 mV / 100 MΩ = 200 pA
    200
    """
    r = to_si("resistance", resistance, "ohm", positive=True)
    return (to_si("v_threshold", v_threshold, "V") - to_si("v_rest", v_rest, "V")) / r


def lif_rate(
    current,
    *,
    tau_m=TAU_M,
    t_ref=T_REF,
    resistance=RESISTANCE,
    v_rest=V_REST,
    v_reset=V_RESET,
    v_threshold=V_THRESHOLD,
):
    """Firing rate of the deterministic LIF neuron under a constant current.

    Parameters
    ----------
    current : float, array-like or brian2 Quantity, any shape
        Injected current in A.
    tau_m, t_ref : float or Quantity
        Membrane time constant (> 0) and absolute refractory period (>= 0) in s.
    resistance : float or Quantity
        Membrane resistance in ohm.
    v_rest, v_reset, v_threshold : float or Quantity
        Resting, reset and threshold potentials in V.

    Returns
    -------
    rate : float or ndarray, same shape as ``current``
        Rate in Hz; exactly 0 at and below rheobase.

    Notes
    -----
    With ``tau_m dv/dt = -(v - v_rest) + R I`` and ``u = R I`` the time from
    reset to threshold is ``T = tau_m ln((u - (v_reset - v_rest)) / (u - (v_threshold - v_rest)))``
    and ``r = 1 / (t_ref + T)`` for ``u > v_threshold - v_rest``. With
    ``v_reset = v_rest`` this is ``1 / (t_ref + tau_m ln(RI / (RI - theta)))``.

    Examples
    --------
    >>> from neurocomp.spiking import lif_rate
    >>> round(float(lif_rate(0.3e-9, tau_m=0.01, t_ref=0.002, resistance=1e8,
    ...                      v_rest=-0.07, v_reset=-0.07, v_threshold=-0.05)), 2)
    77.01
    """
    tau, tref, rest, reset, theta = _membrane(tau_m, t_ref, v_rest, v_reset, v_threshold)
    r = to_si("resistance", resistance, "ohm", positive=True)
    u = to_si_array("current", current, "A") * r
    above = u > theta - rest
    with np.errstate(divide="ignore", invalid="ignore"):
        t_fire = tau * np.log((u - (reset - rest)) / (u - (theta - rest)))
        rate = np.where(above, 1.0 / (tref + t_fire), 0.0)
    return rate if rate.ndim else float(rate)


# Gauss-Legendre nodes for the Siegert integral. The integrand is smooth and
# positive; it decays like 1/|u| for u << 0 and grows like exp(u^2) for u > 0,
# so the interval is split at u = -3 and each piece gets its own nodes
# (checked against scipy.integrate.quad in the tests).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(120)
_SPLIT = -3.0


def _gauss_legendre(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    half = (upper - lower)[..., None] / 2
    mid = (upper + lower)[..., None] / 2
    u = mid + half * _GL_X
    # exp(u^2)(1 + erf u) = erfcx(-u): stable for u << 0; overflows to inf only
    # where the rate underflows to 0 anyway.
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sum(_GL_W * special.erfcx(-u), axis=-1) * half[..., 0]


def _siegert_integral(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``int_lower^upper exp(u^2) (1 + erf u) du`` for ``lower <= upper``, vectorised."""
    cut = np.clip(_SPLIT, lower, upper)
    return _gauss_legendre(lower, cut) + _gauss_legendre(cut, upper)


def siegert_rate(
    mu,
    sigma,
    *,
    tau_m=TAU_M,
    t_ref=T_REF,
    v_rest=V_REST,
    v_reset=V_RESET,
    v_threshold=V_THRESHOLD,
):
    """Stationary rate of the LIF neuron driven by Gaussian white noise (Siegert formula).

    Parameters
    ----------
    mu : float, array-like or Quantity
        Mean input expressed as a voltage, ``R * I_mean``, in V (relative to ``v_rest``).
    sigma : float, array-like or Quantity, broadcastable with ``mu``
        Noise amplitude in V (> 0); see Notes for its meaning.
    tau_m, t_ref, v_rest, v_reset, v_threshold : float or Quantity
        As in :func:`lif_rate`.

    Returns
    -------
    rate : float or ndarray of the broadcast shape of ``mu`` and ``sigma``
        Rate in Hz.

    Notes
    -----
    The membrane obeys ``tau_m dv/dt = -(v - v_rest) + mu + sigma sqrt(tau_m) xi(t)``
    with unit white noise ``xi`` (so the free membrane potential has standard
    deviation ``sigma / sqrt(2)``). The mean first-passage time from reset to
    threshold gives (Brunel 2000, eq. 21)

    ``1 / r = t_ref + tau_m sqrt(pi) int_{y_r}^{y_theta} exp(u^2) (1 + erf u) du``

    with ``y_theta = (v_threshold - v_rest - mu) / sigma`` and
    ``y_r = (v_reset - v_rest - mu) / sigma``. As ``sigma -> 0`` it tends to
    :func:`lif_rate` with ``R I = mu``. The integrand is evaluated as
    ``erfcx(-u)`` so that the formula stays finite far below threshold.

    References
    ----------
    .. [1] Brunel, N. (2000). Dynamics of sparsely connected networks of excitatory and inhibitory
       spiking neurons. J. Comput. Neurosci. 8, 183-208.
    .. [2] Siegert, A. J. F. (1951). On the first passage time probability problem. Phys. Rev. 81,
       617-623.

    Examples
    --------
    >>> round(float(siegert_rate(0.03, 0.001)), 1), round(float(lif_rate(3e-10)), 1)   # weak noise -> lif_rate
    (77.1, 77.0)
    >>> round(float(siegert_rate(0.015, 0.004)), 1)           # below threshold, fired by noise
    10.4
    """
    tau, tref, rest, reset, theta = _membrane(tau_m, t_ref, v_rest, v_reset, v_threshold)
    mu = to_si_array("mu", mu, "V")
    sigma = to_si_array("sigma", sigma, "V")
    if np.any(sigma <= 0):
        raise ValidationError(
            f"sigma must be > 0 V (use lif_rate for noise-free input); got minimum {sigma.min()!r}"
        )
    mu, sigma = np.broadcast_arrays(mu, sigma)
    y_theta = (theta - rest - mu) / sigma
    y_reset = (reset - rest - mu) / sigma
    integral = _siegert_integral(y_reset, y_theta)
    with np.errstate(over="ignore", divide="ignore"):
        rate = 1.0 / (tref + tau * np.sqrt(np.pi) * integral)
    rate = np.asarray(rate, dtype=float)
    return rate if rate.ndim else float(rate)
