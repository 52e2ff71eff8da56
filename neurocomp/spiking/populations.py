"""Population builders: leaky integrate-and-fire neurons, Poisson sources and inputs.

Each builder returns a brian2 object that carries its own explicit
``namespace`` (brian2 never looks up the caller's variables), so the objects
can be dropped into a user's own :class:`brian2.Network`.

The LIF membrane follows Gerstner, Kistler, Naud & Paninski, *Neuronal
Dynamics* (2014), ch. 1.3::

    tau_m dv/dt = -(v - v_rest) + R (I + I_syn) + noise_sd sqrt(2 tau_m) xi(t)

with reset to ``v_reset`` at ``v_threshold`` and an absolute refractory period
``t_ref`` during which ``v`` is clamped. This is neurocomp's one LIF membrane
(:func:`membrane_equation`); the spiking logic gates and the spiking Hopfield
network use it too, with their own drive terms.

Membrane noise, defined once: ``noise_sd`` (V) is the *stationary standard
deviation of the free membrane potential* (no threshold, constant input), so
``noise_sd = 2 mV`` means the voltage fluctuates by 2 mV around its mean. In
Brunel's (2000) notation, ``tau_m dv/dt = ... + sigma sqrt(tau_m) xi``, the same
noise has ``sigma = sqrt(2) noise_sd``; the diffusion-approximation theory
(:func:`~neurocomp.spiking.siegert_rate`) keeps Brunel's ``sigma``. With ``synapse="current"`` synaptic
inputs are instantaneous voltage jumps; with ``synapse="conductance"``
``I_syn = g_e (E_e - v) + g_i (E_i - v)`` with exponentially decaying
conductances.

All defaults are named module constants in SI units (the brian2 quantity is
given in the comment).
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_int, check_option
from neurocomp.spiking._units import to_si, to_si_array

__all__ = [
    "TAU_M",
    "T_REF",
    "V_REST",
    "V_RESET",
    "V_THRESHOLD",
    "RESISTANCE",
    "E_EXC",
    "E_INH",
    "TAU_EXC",
    "TAU_INH",
    "DT",
    "LIFParameters",
    "lif_parameters",
    "lif_equations",
    "membrane_equation",
    "lif_population",
    "poisson_population",
    "poisson_input",
]

#: Membrane time constant, 10 ms: the package's one default (LIF populations, f-I theory, spiking
#: gates). The spiking Hopfield net alone keeps 20 ms (``hopfield.SPIKING_DEFAULTS``): its
#: parameter set (tau_m with tau_syn = 30 ms, bias, coupling) was tuned together for stable
#: recall, and the published spiking_hopfield figure is drawn with it.
TAU_M = 10e-3
#: Absolute refractory period, 2 ms.
T_REF = 2e-3
#: Resting potential, -70 mV.
V_REST = -70e-3
#: Reset potential, -70 mV (reset to rest).
V_RESET = -70e-3
#: Firing threshold, -50 mV.
V_THRESHOLD = -50e-3
#: Membrane resistance, 100 MOhm (rheobase 0.2 nA).
RESISTANCE = 100e6
#: Excitatory reversal potential, 0 mV.
E_EXC = 0.0
#: Inhibitory reversal potential, -80 mV.
E_INH = -80e-3
#: Excitatory conductance decay time, 5 ms.
TAU_EXC = 5e-3
#: Inhibitory conductance decay time, 10 ms.
TAU_INH = 10e-3
#: Default integration step, 0.1 ms.
DT = 0.1e-3

_SYNAPSES = ("current", "conductance")


class LIFParameters(dict):
    """Validated LIF parameters in SI floats (a plain dict with a readable repr).

    Examples
    --------
    >>> p = lif_parameters(tau_m=0.02)
    >>> isinstance(p, LIFParameters), p["tau_m"]
    (True, 0.02)
    """


def lif_parameters(
    *,
    tau_m=TAU_M,
    t_ref=T_REF,
    v_rest=V_REST,
    v_reset=V_RESET,
    v_threshold=V_THRESHOLD,
    resistance=RESISTANCE,
    e_exc=E_EXC,
    e_inh=E_INH,
    tau_exc=TAU_EXC,
    tau_inh=TAU_INH,
) -> LIFParameters:
    """Check LIF parameters (quantities or SI floats) and return them as SI floats.

    Parameters
    ----------
    tau_m : float or Quantity, default 0.01
        Membrane time constant in s.
    t_ref : float or Quantity, default 0.002
        Absolute refractory period in s.
    v_rest, v_reset, v_threshold : float or Quantity
        Resting, reset and threshold potentials in V (defaults −0.07, −0.07, −0.05).
    resistance : float or Quantity, default 1e8
        Membrane resistance in Ω.
    e_exc, e_inh : float or Quantity
        Reversal potentials of excitatory and inhibitory conductances in V (defaults 0.0, −0.08).
    tau_exc, tau_inh : float or Quantity
        Synaptic time constants in s (defaults 0.005, 0.01).

    Returns
    -------
    LIFParameters
        A dict of the same keys with SI floats (s, V, Ω).

    Examples
    --------
    >>> p = lif_parameters(tau_m=0.02)
    >>> p["tau_m"], p["v_threshold"]
    (0.02, -0.05)

    Raises
    ------
    ValueError
        For a non-positive time constant or resistance, a negative refractory
        period, or a threshold not above reset and rest.
    brian2.DimensionMismatchError
        (also a ValueError) for a quantity of the wrong dimension.
    """
    p = LIFParameters(
        tau_m=to_si("tau_m", tau_m, "s", positive=True),
        t_ref=to_si("t_ref", t_ref, "s", nonnegative=True),
        v_rest=to_si("v_rest", v_rest, "V"),
        v_reset=to_si("v_reset", v_reset, "V"),
        v_threshold=to_si("v_threshold", v_threshold, "V"),
        resistance=to_si("resistance", resistance, "ohm", positive=True),
        e_exc=to_si("e_exc", e_exc, "V"),
        e_inh=to_si("e_inh", e_inh, "V"),
        tau_exc=to_si("tau_exc", tau_exc, "s", positive=True),
        tau_inh=to_si("tau_inh", tau_inh, "s", positive=True),
    )
    for other in ("v_reset", "v_rest"):
        if not p["v_threshold"] > p[other]:
            raise ValidationError(
                f"v_threshold must be above {other}; got v_threshold = {p['v_threshold'] * 1e3:g} mV, "
                f"{other} = {p[other] * 1e3:g} mV"
            )
    return p


def membrane_equation(drive: str = "", *, noise: bool = False) -> str:
    """The one LIF membrane equation of neurocomp, as a brian2 equation line.

    ``tau_m dv/dt = v_rest - v + drive + noise_sd sqrt(2 tau_m) xi``, integrated
    only outside the refractory period.

    Parameters
    ----------
    drive : str
        brian2 expression in volt added to the leak (e.g. ``"R_m * I"``, or
        ``"bias + I_syn"`` for synaptic input already in volt); ``""`` for none.
    noise : bool
        Add white noise of stationary standard deviation ``noise_sd`` (volt; a
        per-neuron variable or a namespace constant the caller defines).

    Returns
    -------
    str
        The equation line; names ``v``, ``v_rest``, ``tau_m`` (and ``noise_sd``)
        must be defined by the group (variables or namespace).

    Notes
    -----
    For constant drive ``mu`` the free membrane is an Ornstein-Uhlenbeck process
    with mean ``v_rest + mu`` and standard deviation ``noise_sd`` (hence the
    ``sqrt(2 / tau_m)``); Brunel's (2000) ``sigma`` is ``sqrt(2) * noise_sd``.

    Examples
    --------
    >>> membrane_equation("R_m * I", noise=True)
    'dv/dt = (v_rest - v + R_m * I) / tau_m + noise_sd * sqrt(2 / tau_m) * xi : volt (unless refractory)'
    """
    plus = f" + {drive}" if drive else ""
    noise_term = " + noise_sd * sqrt(2 / tau_m) * xi" if noise else ""
    return f"dv/dt = (v_rest - v{plus}) / tau_m{noise_term} : volt (unless refractory)"


def lif_equations(*, synapse: str = "current", noise: bool = False) -> str:
    """The brian2 model equations of the LIF population (names as in :func:`lif_population`).

    Per-neuron parameters: ``I`` (amp, external current) and, with ``noise``,
    ``noise_sd`` (volt, the stationary SD of the free membrane potential; see
    :func:`membrane_equation`). Constants come from the group's namespace.

    Parameters
    ----------
    synapse : {"current", "conductance"}
        How synaptic input enters (see :func:`lif_population`).
    noise : bool
        Add the membrane noise of :func:`membrane_equation`.

    Returns
    -------
    str
        brian2 equations, one per line.

    Examples
    --------
    >>> print(lif_equations().splitlines()[0])
    dv/dt = (v_rest - v + R_m * I) / tau_m : volt (unless refractory)
    """
    check_option("synapse", synapse, _SYNAPSES)
    drive = "R_m * I"
    if synapse == "conductance":
        drive += " + R_m * (g_e * (E_e - v) + g_i * (E_i - v))"
    lines = [membrane_equation(drive, noise=noise), "I : amp"]
    if noise:
        lines.append("noise_sd : volt")
    if synapse == "conductance":
        lines += ["dg_e/dt = -g_e / tau_e : siemens", "dg_i/dt = -g_i / tau_i : siemens"]
    return "\n".join(lines)


def _lif_namespace(p: LIFParameters) -> dict:
    import brian2 as b2

    return {
        "tau_m": p["tau_m"] * b2.second,
        "v_rest": p["v_rest"] * b2.volt,
        "v_reset": p["v_reset"] * b2.volt,
        "v_threshold": p["v_threshold"] * b2.volt,
        "R_m": p["resistance"] * b2.ohm,
        "E_e": p["e_exc"] * b2.volt,
        "E_i": p["e_inh"] * b2.volt,
        "tau_e": p["tau_exc"] * b2.second,
        "tau_i": p["tau_inh"] * b2.second,
    }


def lif_population(
    n_neurons: int,
    *,
    synapse: str = "current",
    noise: bool = False,
    current=0.0,
    noise_sd=0.0,
    v_init=None,
    method: str | None = None,
    name: str = "lif*",
    dt=None,
    sigma=None,
    **params,
):
    """A :class:`brian2.NeuronGroup` of leaky integrate-and-fire neurons.

    Parameters
    ----------
    n_neurons : int
        Number of neurons (>= 1).
    synapse : {"current", "conductance"}
        How synaptic input enters: voltage jumps on ``v`` or conductances
        ``g_e``/``g_i`` (siemens) with reversal potentials ``E_e``/``E_i``.
    noise : bool
        Add white noise of per-neuron stationary voltage SD ``noise_sd`` (V).
    current : float, array of shape (n_neurons,) or Quantity
        External current ``I`` in A.
    noise_sd : float, array of shape (n_neurons,) or Quantity
        Stationary standard deviation of the free membrane potential in V (only
        with ``noise=True``); see :func:`membrane_equation`.
    v_init : float, array or Quantity, optional
        Initial membrane potential in V (default ``v_rest``).
    method : str, optional
        brian2 integration method; default ``"exact"`` for noise-free current
        input, ``"exponential_euler"`` for noise-free conductance input and
        ``"euler"`` (Euler–Maruyama) with noise.
    name : str
        brian2 object name.
    dt : float or Quantity, optional
        The group's time step in s (default: brian2's ``defaultclock``); with
        an explicit ``name`` its clock is named ``name + "_clock"``.
    sigma : float, array or Quantity, optional
        Deprecated: Brunel's noise amplitude, ``sqrt(2) * noise_sd`` (converted,
        with a DeprecationWarning; removed in 0.3).
    **params
        LIF parameters of :func:`lif_parameters` (``tau_m``, ``t_ref``, ...).

    Returns
    -------
    brian2.NeuronGroup
        With its own namespace; state variables ``v``, ``I`` (and ``noise_sd``,
        ``g_e``, ``g_i`` where applicable).

    Examples
    --------
    >>> group = lif_population(10)
    >>> group.N
    10
    """
    import brian2 as b2

    n_neurons = check_int("n_neurons", n_neurons, low=1)
    check_option("synapse", synapse, _SYNAPSES)
    noise_name = "noise_sd"
    if sigma is not None:
        from neurocomp._deprecation import warn_renamed

        warn_renamed("lif_population", "sigma", "noise_sd", note="noise_sd = sigma / sqrt(2)")
        noise_sd, noise_name = to_si_array("sigma", sigma, "V") / np.sqrt(2), "sigma"
    p = lif_parameters(**params)
    if method is None:
        method = "euler" if noise else ("exact" if synapse == "current" else "exponential_euler")
    kwargs = {}
    if dt is not None:
        dt_q = to_si("dt", dt, "s", positive=True) * b2.second
        # an explicitly named group gets an explicitly named clock: brian2's
        # default "<name>_clock*" takes a suffix while an earlier clock is
        # still alive, which changes the generated code from run to run
        kwargs = {"dt": dt_q} if name.endswith("*") else {"clock": b2.Clock(dt_q, name=f"{name}_clock")}
    group = b2.NeuronGroup(
        n_neurons,
        lif_equations(synapse=synapse, noise=noise),
        threshold="v > v_threshold",
        reset="v = v_reset",
        refractory=p["t_ref"] * b2.second,
        method=method,
        namespace=_lif_namespace(p),
        name=name,
        **kwargs,
    )
    group.v = (p["v_rest"] if v_init is None else _per_neuron("v_init", v_init, "V", n_neurons)) * b2.volt
    group.I = _per_neuron("current", current, "A", n_neurons) * b2.amp
    if noise:
        group.noise_sd = _per_neuron(noise_name, noise_sd, "V", n_neurons, nonnegative=True) * b2.volt
    elif np.any(to_si_array(noise_name, noise_sd, "V") != 0):
        raise ValidationError(f"{noise_name} must be 0 unless noise=True; got a non-zero {noise_name} with noise=False")
    return group


def _per_neuron(name, value, unit, n, *, nonnegative=False) -> np.ndarray:
    arr = to_si_array(name, value, unit, nonnegative=nonnegative)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValidationError(f"{name} must be a scalar or have shape ({n},) (one value per neuron); got shape {arr.shape}")
    return arr


def poisson_population(n_neurons: int, rate, *, name: str = "poisson*", dt=None):
    """A :class:`brian2.PoissonGroup` of independent Poisson spike sources.

    Parameters
    ----------
    n_neurons : int
        Number of sources (>= 1).
    rate : float, array of shape (n_neurons,) or Quantity
        Rate in Hz (>= 0).
    dt : float or Quantity, optional
        Time step in s; a source fires in a step with probability ``rate * dt``.
    name : str, default "poisson*"
        brian2 name of the group (``*`` is replaced by a unique number).

    Returns
    -------
    brian2.PoissonGroup
        The group, not yet part of a network.

    Examples
    --------
    >>> poisson_population(5, 10.0).N
    5
    """
    import brian2 as b2

    n_neurons = check_int("n_neurons", n_neurons, low=1)
    rates = _per_neuron("rate", rate, "Hz", n_neurons, nonnegative=True)
    kwargs = {} if dt is None else {"dt": to_si("dt", dt, "s", positive=True) * b2.second}
    return b2.PoissonGroup(n_neurons, rates * b2.hertz, name=name, **kwargs)


def poisson_input(target, *, n_sources: int, rate, weight, synapse: str = "current", inhibitory: bool = False):
    """Independent Poisson input onto every neuron of an LIF population (:class:`brian2.PoissonInput`).

    Parameters
    ----------
    target : brian2.NeuronGroup
        A group built by :func:`lif_population`.
    n_sources : int
        Number of independent Poisson sources per neuron (>= 1).
    rate : float or Quantity
        Rate of each source in Hz (>= 0).
    weight : float or Quantity
        Jump per input spike: a voltage in V (``synapse="current"``; negative
        for inhibition) or a conductance increment in S (``"conductance"``, >= 0).
    synapse : {"current", "conductance"}
        Must match the target population.
    inhibitory : bool
        With conductances, drive ``g_i`` instead of ``g_e``.

    Returns
    -------
    brian2.PoissonInput
        Each step draws the number of input spikes from a binomial
        distribution, which is much cheaper than explicit synapses.

    Examples
    --------
    >>> type(poisson_input(lif_population(10), n_sources=100, rate=5.0, weight=0.5e-3)).__name__   # 0.5 mV jumps
    'PoissonInput'
    """
    import brian2 as b2

    n_sources, rate_q, var, w_q = _poisson_input_args(n_sources, rate, weight, synapse, inhibitory)
    return b2.PoissonInput(target, var, n_sources, rate_q, weight=w_q)


def _poisson_input_args(n_sources, rate, weight, synapse, inhibitory):
    import brian2 as b2

    check_option("synapse", synapse, _SYNAPSES)
    n_sources = check_int("n_sources", n_sources, low=1)
    rate = to_si("rate", rate, "Hz", nonnegative=True)
    if synapse == "current":
        w = to_si("weight", weight, "V")
        var, w_q = "v", w * b2.volt
    else:
        w = to_si("weight", weight, "S", nonnegative=True)
        var, w_q = ("g_i" if inhibitory else "g_e"), w * b2.siemens
    return n_sources, rate * b2.hertz, var, w_q


def _poisson_drive(target, *, n_sources: int, rate, weight, synapse: str = "current", inhibitory: bool = False,
                   name: str = "poisson_input"):
    """What :func:`poisson_input` does, with names fixed in advance (used by ``simulate_lif``).

    brian2's ``PoissonInput`` names its binomial function
    ``poissoninput_binomial*``, unique among *live* objects; brian2's
    code-generation caches keep earlier ones alive, so the suffix (and with it
    the generated code) changes from run to run inside one process, which
    defeats the standalone project's incremental build. This builds the same
    operation (the same abstract code ``var += binomial() * weight`` in the
    ``synapses`` slot of the target's clock, hence the same random draws) from
    a :class:`brian2.BinomialFunction` with a fixed name, placed in the target
    group's own namespace, and a ``run_regularly`` operation of fixed name.
    The target must have been built with an explicit ``namespace`` (as
    :func:`lif_population` does).
    """
    import brian2 as b2

    n_sources, rate_q, var, w_q = _poisson_input_args(n_sources, rate, weight, synapse, inhibitory)
    binomial = b2.BinomialFunction(n_sources, rate_q * target.clock.dt, name=f"{name}_binomial")
    target.namespace[binomial.name] = binomial
    return target.run_regularly(f"{var} += {binomial.name}()*{w_q!r}", when="synapses", order=0, name=name)
