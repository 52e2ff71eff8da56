"""The vocabulary of neurocomp's labelled data: dims, coordinates and unit strings.

Every function that returns an xarray object names its dims from :data:`DIMS`,
its well-known coordinates from :data:`COORDS`, and writes ``attrs["units"]``
(a string :func:`check_units` accepts) and ``attrs["long_name"]`` on every data
variable. :func:`check_dataset` reports where a Dataset departs from that; the
test suite runs it over the output of every bundled spec.

Decisions recorded here
-----------------------
``trial`` vs ``repetition``
    Both stay, with one meaning each. ``repetition`` is a repeated presentation of
    the *same stimulus* in recording-like data (``presentation`` x ``neuroid`` x
    ``repetition``, Brain-Score's convention, Schrimpf et al. 2018), because that is
    the layout every recording loader and the noise ceiling already share.
    ``trial`` is an independent stochastic run of a *simulation* with the same
    parameters (spiking gates, Hopfield capacity, learning runs). A Dataset that has
    ``presentation`` must use ``repetition``, never ``trial``: :func:`check_dataset`
    reports the pair.
Square matrices
    xarray cannot repeat a dim, so the second axis of a square matrix over a dim
    ``d`` is ``d_post`` for connection weights (row = presynaptic ``d``, column =
    postsynaptic ``d_post``) and for every other pairwise matrix (RDMs). Any dim of
    the vocabulary with the suffix ``_post`` is accepted.
A variable on its own grid
    A Dataset has one index per dim, so a variable sampled on a different grid
    of a known dim (``simulate_lif``'s voltage, recorded every step for some
    neurons, beside rates in coarser bins for all) uses ``<variable>_<dim>``
    (``voltage_time``, ``voltage_neuron``); :func:`check_dataset` accepts such a
    dim only when the variable it names is in the Dataset and uses it.
Grids and images
    A field on a spatial grid (a PDE solution) or an image has one dim per axis,
    ``x``, ``y`` (``z``), images as ``("y", "x")`` like matplotlib's ``imshow``.
    ``space`` is kept for the *component* axis of positions (coords ``"x"``,
    ``"y"``, ``"z"`` of a walker's trajectory), where one array holds all axes.
Unit strings
    SI symbols combined with ``*``, ``/`` and integer powers ``^n`` (``"m^2/s"``,
    ``"1/m^3"``); ``"1"`` for dimensionless quantities and counts; ``"nat"`` and
    ``"bit"`` for information (singular, like every symbol); ``"deg"``/``"rad"`` for
    angles; ``"pixel"`` (and ``"cycle"``, for spatial frequency as ``"cycle/pixel"``)
    for image coordinates. A power of one is written without exponent (``"1/m"``,
    not ``"1/m^1"``). One exponent is symbolic: the generalised diffusion
    coefficient K of MSD = 2 d K t^α is in ``"m^2/s^alpha"`` (α fitted with it).
"""

from __future__ import annotations

import re

import xarray as xr

__all__ = ["DIMS", "COORDS", "UNIT_SYMBOLS", "PAIR_SUFFIX", "check_units", "check_dataset", "is_known_dim"]

#: Allowed dimension names and what each indexes.
DIMS: dict[str, str] = {
    # recording-like data (Brain-Score layout)
    "presentation": "one shown stimulus (coordinate stimulus_id)",
    "neuroid": "one recorded neuron, site or model unit (coordinates neuroid_id, region / layer)",
    "repetition": "a repeated presentation of the same stimulus in recording-like data",
    # simulations
    "time": "simulated or recorded time (coordinate in s)",
    "neuron": "one model neuron of a simulated network",
    "trial": "an independent stochastic run of a simulation with the same parameters",
    "pattern": "a stored, presented or input pattern (Hopfield patterns, truth-table rows, digits)",
    "cue": "a cue given to an associative memory",
    "chain": "an independent Markov chain (Gibbs / AIS chains)",
    "epoch": "a training epoch or learning cycle (epoch 0 = before training)",
    "walker": "one random walker",
    "space": "position along a spatial axis (coordinate in m) or a spatial component (x, y, z)",
    "lag": "a time lag",
    "component": "a component of a decomposition (PCA, PLS, ICA)",
    "latent": "a latent variable of a generative model",
    "episode": "a reinforcement-learning episode",
    "step": "a step within an episode or an iterative procedure",
    "state": "a state of a Markov decision process or chain, or a state variable of a dynamical system",
    "control": "a control input (motor command) of a dynamical system",
    "observation": "an observed (sensed) variable of a dynamical system",
    "effector": "one of several effectors (fingers, joints) sharing a motor task",
    "signal_noise": "a level of signal-dependent motor noise (relative SD)",
    "reward_prob": "a reward probability of a conditioning or bandit schedule",
    "branching_ratio": "a branching ratio m (sigma) of a branching process or excitable network",
    "stimulus_rate": "a stimulus rate (coordinate in Hz)",
    "n_observed": "a number of observed (recorded) units of a larger network",
    "duration_bin": "an avalanche duration, in bins",
    "position": "a position (bin) within an event such as an avalanche",
    "action": "an action of a Markov decision process",
    "avalanche": "one neuronal avalanche",
    "run": "an independent repeat of a whole experiment",
    "unit": "a model unit that is not a neuroid of a recording",
    "spike": "one spike of a spike list (coordinates say which neuron, trial, ... fired it)",
    "sweep": "one sweep of asynchronous updates through all neurons",
    "split": "one cross-validation or split-half split",
    "x": "position along the x axis of a spatial grid or image (coordinate in m, or pixel index)",
    "y": "position along the y axis of a spatial grid or image (image rows run along y)",
    "z": "position along the z axis of a spatial grid",
    "pixel": "one pixel of a flattened image",
    "channel": "one recorded mixture (a microphone, an electrode) before source separation",
    # named conditions and scanned parameters of the bundled experiments
    "gate": "a logic gate (AND, OR, ...)",
    "function": "a Boolean function of the inputs",
    "current": "an injected current level (coordinate in A)",
    "current_fine": "a fine grid of current levels on which a theory curve is drawn (coordinate in A)",
    "noise_sd": "a level of membrane-noise standard deviation (coordinate in V)",
    "load": "a memory load P / N",
    "model": "a named model of a comparison (e.g. the AnDi walk models)",
    "method": "a named algorithm of a comparison on the same data (e.g. infomax, FastICA)",
    "alpha": "an anomalous-diffusion exponent",
    "dimension": "the number of spatial dimensions of a walk",
    "region": "a brain region (V1, V4, IT)",
    "layer": "a layer of a network model",
    "variation": "an object-variation level (low, medium, high)",
    "orientation": "a grating orientation (coordinate in deg)",
    "phase": "a grating spatial phase (coordinate in rad)",
    "contrast": "a stimulus contrast",
    "category": "an object category",
    "output": "an output unit or bit of a network",
    "network": "a named network (e.g. trained vs untrained)",
    "region_pair": "a pair of consecutive regions compared (e.g. 'V4-V1': V4 minus V1)",
    "half": "one half of the stimuli (a layer committed on one half is scored on the other)",
    "feature": "an input feature (regressor) of an encoding or mapping model",
    "recording": "one recording (session or file) of a data set",
    # models of the ventral stream (neurocomp.vision)
    "scale": "one size of a multi-scale filter bank (coordinate: filter size in pixel)",
    "band": "a scale band of pooled units (HMAX C1 pools two filter sizes per band)",
    "shift": "a spatial shift of a stimulus (coordinate in pixel)",
    "plane": "a cell-plane (feature map, channel) of a convolutional or Neocognitron layer",
    "patch_y": "row within a filter or image patch (pixel)",
    "patch_x": "column within a filter or image patch (pixel)",
    # recurrent networks (neurocomp.rnn)
    "input": "an input channel of a recurrent network or task",
    "fixed_point": "a fixed (or slow) point of a network's dynamics",
    "mode": "an eigenmode (eigenvalue) of a Jacobian, sorted by growth rate",
    "order": "a block length (word length) of a block-entropy estimate",
    "context": "a task context (which cue is relevant)",
    "coherence": "a signed stimulus coherence level",
    "coherence_fine": "a fine grid of coherences on which a fitted curve is drawn",
    "condition": "a task condition over which trials are averaged",
    "length_bin": "a bin of sequence lengths",
    "training": "a stage of training (e.g. initial, trained)",
    "synapse": "one synapse of a simulated network (coordinates pre, post say which neurons it joins)",
    "reward": "one delivered reward (dopamine pulse) of a schedule",
    "schedule": "a reward schedule (e.g. contingent on a pairing, or yoked to another network's rewards)",
    "quantile": "a quantile level of a distribution (coordinate in [0, 1])",
}

#: Well-known coordinates and what each holds.
COORDS: dict[str, str] = {
    "stimulus_id": "identifier of the stimulus on presentation (align by it, never by position)",
    "neuroid_id": "identifier of the neuroid, unique within a Dataset",
    "region": "brain region of a recorded neuroid",
    "layer": "model layer of a feature neuroid",
    "repetition": "index of the repeated presentation",
    "time": "time in s",
    "epoch": "epoch number (0 = before training)",
}

#: Symbols a unit string may combine (see the module docstring for the grammar).
UNIT_SYMBOLS: frozenset[str] = frozenset({
    "1", "s", "Hz", "m", "g", "kg", "mol", "K", "A", "V", "S", "F", "Ohm", "W", "J", "N", "C", "M",
    "nat", "bit", "deg", "rad", "pixel", "cycle", "dB",
})

#: Suffix of the second axis of a square matrix over a vocabulary dim.
PAIR_SUFFIX = "_post"

_TOKEN = re.compile(r"^([A-Za-z]+|1)(\^-?[0-9]+|\^alpha)?$")


def check_units(units: str) -> str | None:
    """Return ``None`` if ``units`` is an allowed unit string, else the reason it is not.

    Parameters
    ----------
    units : str
        A unit string such as ``"m^2/s"``.

    Returns
    -------
    str or None
        ``None`` when allowed; otherwise a sentence naming the offending part.

    Examples
    --------
    >>> check_units("m^2/s") is None
    True
    >>> check_units("nats")
    "unit symbol 'nats' in 'nats' is not one of neurocomp.vocabulary.UNIT_SYMBOLS"
    """
    if not isinstance(units, str) or not units.strip():
        return f"units must be a non-empty string; got {units!r}"
    for part in re.split(r"[*/ ]+", units.strip()):
        if not part:
            return f"malformed unit string {units!r}"
        match = _TOKEN.match(part)
        if match is None:
            return f"malformed unit {part!r} in {units!r}"
        symbol, power = match.groups()
        if symbol not in UNIT_SYMBOLS:
            return f"unit symbol {symbol!r} in {units!r} is not one of neurocomp.vocabulary.UNIT_SYMBOLS"
        if power == "^1":
            return f"write {symbol} instead of {symbol}{power} in {units!r}"
    return None


def is_known_dim(dim: str, extra_dims=()) -> bool:
    """Whether ``dim`` is in :data:`DIMS`, in ``extra_dims``, or a ``<dim>_post`` pair axis.

    Parameters
    ----------
    dim : str
        A dimension name.
    extra_dims : iterable of str, optional
        Further names to accept (a caller's own dims).

    Returns
    -------
    bool
        True for a known name.

    Examples
    --------
    >>> is_known_dim("neuron"), is_known_dim("neuron_post"), is_known_dim("widget")
    (True, True, False)
    >>> is_known_dim("widget", extra_dims=("widget",))
    True
    """
    if dim in DIMS or dim in extra_dims:
        return True
    if dim.endswith(PAIR_SUFFIX):
        base = dim[: -len(PAIR_SUFFIX)]
        return base in DIMS or base in extra_dims
    return False


def check_dataset(ds, *, extra_dims=()) -> list[str]:
    """List how a Dataset or DataArray departs from the vocabulary.

    Checks that every dim is known (:data:`DIMS`, a ``<dim>_post`` pair axis, or
    one of ``extra_dims``), that every data variable carries ``units`` (an allowed
    string, :func:`check_units`) and ``long_name``, that coordinates with a
    ``units`` attr use an allowed string, and that recording-like data
    (``presentation``) use ``repetition`` rather than ``trial``.

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataArray
        The data to check (a DataArray is checked as a one-variable Dataset).
    extra_dims : iterable of str, optional
        Dims accepted in addition to :data:`DIMS`, e.g. the swept parameter
        names of a parameter sweep.

    Returns
    -------
    list of str
        One sentence per problem; empty when the data follow the vocabulary.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"v": (("neuron", "voltage_neuron"), np.zeros((2, 3)))})
    >>> for problem in check_dataset(ds):
    ...     print(problem)
    unknown dim 'voltage_neuron' (on v); add it to neurocomp.vocabulary.DIMS or use a known one
    data variable 'v' has no attrs['units']
    data variable 'v' has no attrs['long_name']
    """
    if isinstance(ds, xr.DataArray):
        ds = ds.to_dataset(name=ds.name if ds.name is not None else "data")
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"ds must be an xarray Dataset or DataArray; got {type(ds).__name__}")
    extra_dims = tuple(extra_dims)
    problems = []
    for dim in ds.dims:
        prefix, _, base = str(dim).partition("_")
        if base and is_known_dim(base, extra_dims) and prefix in ds.data_vars and dim in ds[prefix].dims:
            continue  # a variable on its own grid of a known dim (see the module docstring)
        if not is_known_dim(str(dim), extra_dims):
            users = [str(n) for n, v in ds.variables.items() if dim in v.dims and n != dim]
            where = f" (on {', '.join(users[:3])}{', ...' if len(users) > 3 else ''})" if users else ""
            problems.append(f"unknown dim {dim!r}{where}; add it to neurocomp.vocabulary.DIMS or use a known one")
    if "presentation" in ds.dims and "trial" in ds.dims:
        problems.append("recording-like data (dim 'presentation') must call repeats 'repetition', not 'trial'")
    for name, var in ds.data_vars.items():
        units = var.attrs.get("units")
        if units is None:
            problems.append(f"data variable {name!r} has no attrs['units']")
        else:
            reason = check_units(units)
            if reason is not None:
                problems.append(f"data variable {name!r}: {reason}")
        if not var.attrs.get("long_name"):
            problems.append(f"data variable {name!r} has no attrs['long_name']")
    for name, coord in ds.coords.items():
        units = coord.attrs.get("units")
        if units is not None:
            reason = check_units(units)
            if reason is not None:
                problems.append(f"coordinate {name!r}: {reason}")
    return problems
