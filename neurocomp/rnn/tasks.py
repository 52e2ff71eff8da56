"""Tasks for recurrent networks, generated offline and seeded.

Every task returns an :class:`xarray.Dataset` of the same layout, ready for
:meth:`neurocomp.rnn.RNN.fit` through :func:`to_arrays`:

``inputs`` (trial, time, input)
    The input sequences (float; one-hot codes for symbol tasks).
``targets`` (trial, time, output) or (trial, time)
    The desired output at every step: real values for regression and decision
    tasks, integer symbol indices for next-symbol prediction (softmax readout).
``mask`` (trial, time)
    True on the real steps of each sequence, False on the padding after its end
    (ragged sequences; a prefix of True per trial, as ``RNN.fit`` takes it).

plus per-trial labels (coherences, context, the string) as coordinates or
variables. ``time`` is in s for the neuroscience tasks (``dt`` per step) and in
steps (``units`` "1") for the symbol tasks.

References
----------
Sussillo, D. & Barak, O. (2013). Opening the black box: low-dimensional dynamics
    in high-dimensional recurrent neural networks. Neural Computation 25, 626–649.
Mante, V., Sussillo, D., Shenoy, K. V. & Newsome, W. T. (2013). Context-dependent
    computation by recurrent dynamics in prefrontal cortex. Nature 503, 78–84.
Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural
    Computation 9, 1735–1780.
Graves, A. (2013). Generating sequences with recurrent neural networks.
    arXiv:1308.0850.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_in_range, check_int, check_nonnegative, check_option, check_positive
from neurocomp.random import as_generator

__all__ = [
    "to_arrays",
    "flipflop",
    "perceptual_decision",
    "context_dependent_integration",
    "adding_problem",
    "REBER_SYMBOLS",
    "reber_strings",
    "check_reber_string",
    "reber_legal_next",
    "embedded_reber",
    "reber_score",
    "grammar_corpus",
    "grammar_entropy_rate",
    "grammar_sentences",
    "load_text",
    "encode_text",
    "char_sequences",
    "from_neurogym",
]

_ONE = {"units": "1"}


def _time(n_steps, dt):
    if dt is None:
        return xr.DataArray(np.arange(n_steps), dims="time", attrs={"units": "1", "long_name": "step"})
    return xr.DataArray((np.arange(n_steps) + 1) * dt, dims="time", attrs={"units": "s", "long_name": "time"})


def _dataset(inputs, targets, mask, *, input_names, output_names=None, dt=None, **extra):
    n_trials, n_steps, _ = inputs.shape
    tdims = ("trial", "time", "output") if targets.ndim == 3 else ("trial", "time")
    data = {
        "inputs": (("trial", "time", "input"), inputs, {**_ONE, "long_name": "input"}),
        "targets": (tdims, targets, {**_ONE, "long_name": "target output" if targets.ndim == 3
                                     else "target symbol (index into the output coordinate)"}),
        "mask": (("trial", "time"), mask, {**_ONE, "long_name": "step counts in the loss"}),
    }
    data.update(extra)
    coords = {"trial": np.arange(n_trials), "time": _time(n_steps, dt), "input": list(input_names)}
    if output_names is not None:
        coords["output"] = list(output_names)
    return xr.Dataset(data, coords=coords)


def to_arrays(data: xr.Dataset, *, readout: str = "all"):
    """Arrays ``(X, y, mask)`` of a task Dataset for :meth:`neurocomp.rnn.RNN.fit`.

    Parameters
    ----------
    data : xarray.Dataset
        A task's output (variables ``inputs``, ``targets``, ``mask``).
    readout : {"all", "last"}
        ``"all"``: targets at every step and the mask; ``"last"``: the target of
        each trial's last masked step (``y`` of shape (trial, output) or (trial,))
        and ``mask`` None.

    Returns
    -------
    X : ndarray (trial, time, input)
    y : ndarray (trial, time[, output]) or (trial[, output])
    mask : ndarray of bool (trial, time) or None

    Examples
    --------
    >>> X, y, mask = to_arrays(adding_problem(n_trials=4, n_steps=10, rng=0), readout="last")
    >>> X.shape, y.shape, mask is None
    ((4, 10, 2), (4, 1), True)
    """
    check_option("readout", readout, ["all", "last"])
    if not isinstance(data, xr.Dataset) or not {"inputs", "targets", "mask"} <= set(data.data_vars):
        raise ValidationError("data must be a task Dataset with variables 'inputs', 'targets' and 'mask'; got "
                              f"{type(data).__name__}")
    X = np.asarray(data["inputs"].values, dtype=float)
    y = np.asarray(data["targets"].values)
    mask = np.asarray(data["mask"].values, dtype=bool)
    if readout == "all":
        return X, y, mask
    if not mask.any(axis=1).all():
        raise ValidationError("readout='last' needs at least one masked step per trial")
    last = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1)
    return X, y[np.arange(len(y)), last], None


# --------------------------------------------------------------------------------------------- flip-flop
def flipflop(*, n_trials: int = 128, n_steps: int = 100, n_bits: int = 3, pulse_prob: float = 0.05,
             dt: float = 0.01, rng=None) -> xr.Dataset:
    """The n-bit flip-flop task of Sussillo & Barak (2013).

    Each of ``n_bits`` input channels receives brief pulses of +1 or −1 at random
    times; the matching output must hold the sign of the last pulse until the next
    one. Every bit gets a pulse at the first step, so the target is always one of
    the 2^n corners of the memory cube.

    Parameters
    ----------
    n_trials : int
    n_steps : int
    n_bits : int
    pulse_prob : float
        Probability of a pulse per bit and step (after the first step).
    dt : float
        Step in s (labels the time axis only).
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``inputs`` (trial, time, input) in {−1, 0, 1}, ``targets`` (trial, time,
        output) in {−1, 1}, ``mask`` all True.

    References
    ----------
    Sussillo, D. & Barak, O. (2013). Neural Computation 25, 626–649.

    Examples
    --------
    >>> ds = flipflop(n_trials=2, n_steps=20, rng=0)
    >>> ds.inputs.shape, bool(set(np.unique(ds.targets.values)) <= {-1.0, 1.0})
    ((2, 20, 3), True)
    """
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    n_steps = check_int("n_steps", n_steps, 1, 10**5)
    n_bits = check_int("n_bits", n_bits, 1, 64)
    check_in_range("pulse_prob", pulse_prob, 0.0, 1.0)
    check_positive("dt", dt)
    g = as_generator(rng)
    pulses = (g.random((n_trials, n_steps, n_bits)) < pulse_prob)
    pulses[:, 0, :] = True
    signs = np.where(g.random((n_trials, n_steps, n_bits)) < 0.5, -1.0, 1.0)
    inputs = pulses * signs
    # hold the last pulse: forward-fill the index of the last nonzero input
    idx = np.where(pulses, np.arange(n_steps)[None, :, None], 0)
    idx = np.maximum.accumulate(idx, axis=1)
    targets = np.take_along_axis(inputs, idx, axis=1)
    names = [f"bit {k + 1}" for k in range(n_bits)]
    return _dataset(inputs, targets, np.ones((n_trials, n_steps), bool), input_names=names, output_names=names,
                    dt=dt)


# ------------------------------------------------------------------------------------ decision tasks
def _periods(dt, fixation, stimulus, response):
    n_fix = int(round(check_nonnegative("fixation", fixation) / dt))
    n_stim = int(round(check_positive("stimulus", stimulus) / dt))
    n_resp = int(round(check_positive("response", response) / dt))
    if n_stim < 1 or n_resp < 1:
        raise ValidationError(f"stimulus and response must last at least one step of dt={dt} s; got "
                              f"stimulus={stimulus}, response={response}")
    if n_fix + n_stim + n_resp > 10**5:
        raise ValidationError("fixation + stimulus + response must be at most 100000 steps of dt")
    return n_fix, n_stim, n_resp


def _coherences(name, values):
    c = check_array(name, values, ndim=1)
    if c.size == 0 or (c == 0).any() or (np.abs(c) > 10).any():
        raise ValidationError(f"{name} must be non-zero numbers with |c| <= 10 (a zero coherence has no correct "
                              f"answer); got {c.tolist()}")
    return c


def perceptual_decision(*, n_trials: int = 256, coherences=(-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4),
                        noise_sd: float = 1.0, dt: float = 0.02, fixation: float = 0.1, stimulus: float = 0.8,
                        response: float = 0.2, rng=None) -> xr.Dataset:
    """Perceptual decision making: integrate noisy evidence and report its sign.

    During the stimulus period the evidence channel carries ``c + noise_sd·ξ_t``
    (ξ standard normal per step); a fixation channel is 1 until the response
    period, in which the output must be sign(c); before it the output must be 0.

    Parameters
    ----------
    n_trials : int
    coherences : sequence of float
        Signed coherences (non-zero), drawn uniformly per trial.
    noise_sd : float
        Standard deviation of the evidence per step.
    dt : float
        Step in s.
    fixation, stimulus, response : float
        Period durations in s.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``inputs`` (channels "evidence", "fixation"), ``targets`` (output
        "choice"), ``mask``; ``coherence`` (trial) and ``response_period`` (time).

    References
    ----------
    Shadlen, M. N. & Newsome, W. T. (2001). J. Neurophysiol. 86, 1916–1936.

    Examples
    --------
    >>> ds = perceptual_decision(n_trials=3, rng=0)
    >>> ds.inputs.sizes["time"], ds.input.values.tolist()
    (55, ['evidence', 'fixation'])
    """
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    c = _coherences("coherences", coherences)
    check_nonnegative("noise_sd", noise_sd)
    check_positive("dt", dt)
    n_fix, n_stim, n_resp = _periods(dt, fixation, stimulus, response)
    n = n_fix + n_stim + n_resp
    g = as_generator(rng)
    coh = g.choice(c, n_trials)
    stim = np.zeros(n, bool)
    stim[n_fix:n_fix + n_stim] = True
    resp = np.zeros(n, bool)
    resp[n_fix + n_stim:] = True
    inputs = np.zeros((n_trials, n, 2))
    inputs[:, stim, 0] = coh[:, None] + noise_sd * g.standard_normal((n_trials, n_stim))
    inputs[:, ~resp, 1] = 1.0
    targets = np.zeros((n_trials, n, 1))
    targets[:, resp, 0] = np.sign(coh)[:, None]
    mask = np.ones((n_trials, n), bool)
    return _dataset(inputs, targets, mask, input_names=["evidence", "fixation"], output_names=["choice"], dt=dt,
                    coherence=("trial", coh, {**_ONE, "long_name": "signed coherence"}),
                    response_period=("time", resp, {**_ONE, "long_name": "response period"}))


def context_dependent_integration(*, n_trials: int = 512, coherences=(-0.5, -0.15, -0.05, 0.05, 0.15, 0.5),
                                  noise_sd: float = 1.0, dt: float = 0.02, fixation: float = 0.1,
                                  stimulus: float = 0.75, response: float = 0.2, rng=None) -> xr.Dataset:
    """Mante et al.'s (2013) context-dependent integration task.

    Two noisy sensory channels carry the motion and the colour coherence of the
    same stimulus (``c + noise_sd·ξ_t``); two context channels (one-hot, on all
    trial long) say which of them is relevant. In the response period the output
    must report the sign of the relevant coherence and ignore the other.

    Parameters
    ----------
    n_trials : int
    coherences : sequence of float
        Signed non-zero coherences; motion and colour coherence are drawn
        independently and uniformly from them, the context with probability ½.
    noise_sd : float
        Standard deviation of each sensory channel per step.
    dt : float
        Step in s.
    fixation, stimulus, response : float
        Period durations in s.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``inputs`` (channels "motion", "colour", "motion context", "colour
        context"), ``targets`` (output "choice": 0 before the response period, ±1
        in it), ``mask`` (all True), and per trial
        ``motion_coherence``, ``colour_coherence``, ``context`` (0 motion, 1 colour);
        ``response_period`` (time).

    References
    ----------
    Mante, V., Sussillo, D., Shenoy, K. V. & Newsome, W. T. (2013). Nature 503, 78–84.

    Examples
    --------
    >>> ds = context_dependent_integration(n_trials=4, rng=0)
    >>> ds.input.values.tolist()
    ['motion', 'colour', 'motion context', 'colour context']
    """
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    c = _coherences("coherences", coherences)
    check_nonnegative("noise_sd", noise_sd)
    check_positive("dt", dt)
    n_fix, n_stim, n_resp = _periods(dt, fixation, stimulus, response)
    n = n_fix + n_stim + n_resp
    g = as_generator(rng)
    motion = g.choice(c, n_trials)
    colour = g.choice(c, n_trials)
    context = g.integers(0, 2, n_trials)
    stim = np.zeros(n, bool)
    stim[n_fix:n_fix + n_stim] = True
    resp = np.zeros(n, bool)
    resp[n_fix + n_stim:] = True
    inputs = np.zeros((n_trials, n, 4))
    inputs[:, stim, 0] = motion[:, None] + noise_sd * g.standard_normal((n_trials, n_stim))
    inputs[:, stim, 1] = colour[:, None] + noise_sd * g.standard_normal((n_trials, n_stim))
    inputs[np.arange(n_trials), :, 2 + context] = 1.0
    relevant = np.where(context == 0, motion, colour)
    targets = np.zeros((n_trials, n, 1))
    targets[:, resp, 0] = np.sign(relevant)[:, None]
    mask = np.ones((n_trials, n), bool)
    return _dataset(inputs, targets, mask, input_names=["motion", "colour", "motion context", "colour context"],
                    output_names=["choice"], dt=dt,
                    motion_coherence=("trial", motion, {**_ONE, "long_name": "motion coherence"}),
                    colour_coherence=("trial", colour, {**_ONE, "long_name": "colour coherence"}),
                    context=("trial", context, {**_ONE, "long_name": "context (0 motion, 1 colour)"}),
                    response_period=("time", resp, {**_ONE, "long_name": "response period"}))


def adding_problem(*, n_trials: int = 256, n_steps: int = 50, rng=None) -> xr.Dataset:
    """The adding problem (Hochreiter & Schmidhuber 1997, experiment 4).

    Channel "value" holds numbers drawn uniformly from [0, 1]; channel "marker" is
    1 at two steps, one in each half of the sequence. The target, read out at the
    last step only, is the sum of the two marked values (predicting 1 always gives
    a mean squared error of 1/6).

    Parameters
    ----------
    n_trials : int
    n_steps : int
        Sequence length T (at least 2).
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``inputs`` (trial, time, input), ``targets`` (trial, time, output "sum";
        the sum at every step; only the last is read out: use
        ``to_arrays(ds, readout="last")``), ``mask`` all True.

    References
    ----------
    Hochreiter, S. & Schmidhuber, J. (1997). Neural Computation 9, 1735–1780.

    Examples
    --------
    >>> ds = adding_problem(n_trials=2, n_steps=10, rng=0)
    >>> ds.inputs.sel(input="marker").sum("time").values.tolist()
    [2.0, 2.0]
    """
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    n_steps = check_int("n_steps", n_steps, 2, 10**5)
    g = as_generator(rng)
    values = g.random((n_trials, n_steps))
    half = n_steps // 2
    first = g.integers(0, half, n_trials)
    second = g.integers(half, n_steps, n_trials)
    marker = np.zeros((n_trials, n_steps))
    rows = np.arange(n_trials)
    marker[rows, first] = 1.0
    marker[rows, second] = 1.0
    total = values[rows, first] + values[rows, second]
    mask = np.ones((n_trials, n_steps), bool)
    targets = np.broadcast_to(total[:, None, None], (n_trials, n_steps, 1)).copy()
    return _dataset(np.stack([values, marker], -1), targets, mask, input_names=["value", "marker"],
                    output_names=["sum"])


# ------------------------------------------------------------------------------------- Reber grammar
#: The alphabet of the (embedded) Reber grammar, in the order of the one-hot code.
REBER_SYMBOLS = "BTPSXVE"

# Reber's finite-state grammar: node -> ((symbol, next node), (symbol, next node)); node 5 emits E.
_REBER = {0: (("T", 1), ("P", 2)), 1: (("S", 1), ("X", 3)), 2: (("T", 2), ("V", 4)),
          3: (("X", 2), ("S", 5)), 4: (("P", 3), ("V", 5))}


def _reber(g):
    out, node = ["B"], 0
    while node != 5:
        sym, node = _REBER[node][int(g.random() < 0.5)]
        out.append(sym)
    out.append("E")
    return "".join(out)


def reber_strings(n: int, *, embedded: bool = True, rng=None) -> list[str]:
    """Strings of the Reber grammar (``embedded``: Hochreiter & Schmidhuber's long-lag version).

    The embedded grammar wraps a Reber string as ``B T <reber> T E`` or
    ``B P <reber> P E``: the second-to-last symbol repeats the second one, across
    the whole inner string. Every choice is made with probability ½.

    Parameters
    ----------
    n : int
        Number of strings.
    embedded : bool
    rng : None, int or Generator

    Returns
    -------
    list of str

    References
    ----------
    Reber, A. S. (1967). J. Verbal Learning Verbal Behav. 6, 855–863.
    Hochreiter, S. & Schmidhuber, J. (1997). Neural Computation 9, 1735–1780.

    Examples
    --------
    >>> s = reber_strings(3, rng=0)
    >>> all(x[1] == x[-2] and x[0] == "B" and x[-1] == "E" for x in s)
    True
    """
    n = check_int("n", n, 1, 10**6)
    g = as_generator(rng)
    if not embedded:
        return [_reber(g) for _ in range(n)]
    out = []
    for _ in range(n):
        outer = "T" if g.random() < 0.5 else "P"
        out.append("B" + outer + _reber(g) + outer + "E")
    return out


def _walk_reber(string, name, embedded):
    """Legal next-symbol sets after each prefix of ``string``; raise naming the first bad symbol."""
    if not isinstance(string, str) or not string:
        raise ValidationError(f"{name} must be a non-empty string of the symbols {REBER_SYMBOLS}; got {string!r}")
    for pos, s in enumerate(string):
        if s not in REBER_SYMBOLS:
            raise ValidationError(f"{name} {string!r} has symbol {s!r} at position {pos}, which is not in the Reber "
                                  f"alphabet {REBER_SYMBOLS}")
    # states of the automaton: ("outer0",) before B, ("outer1",) after B, ("inner", node, outer), ("tail", outer)...
    legal_after = []
    state = ("start",)
    for pos, s in enumerate(string):
        if state[0] == "start":
            allowed = {"B": ("open",)}
        elif state[0] == "open":  # after the first B
            allowed = ({"T": ("inner_b", "T"), "P": ("inner_b", "P")} if embedded
                       else {"T": ("node", 1, None), "P": ("node", 2, None)})
        elif state[0] == "inner_b":
            allowed = {"B": ("inner_open", state[1])}
        elif state[0] == "inner_open":
            allowed = {"T": ("node", 1, state[1]), "P": ("node", 2, state[1])}
        elif state[0] == "node":
            node, outer = state[1], state[2]
            allowed = ({"E": ("close", outer)} if node == 5
                       else {sym: ("node", nxt, outer) for sym, nxt in _REBER[node]})
        elif state[0] == "close":
            allowed = {state[1]: ("final",)} if embedded else {}
        elif state[0] == "final":
            allowed = {"E": ("done",)}
        else:
            allowed = {}
        if s not in allowed:
            if not allowed:
                raise ValidationError(f"{name} {string!r} continues after its end: symbol {s!r} at position {pos}")
            raise ValidationError(f"{name} {string!r} is outside the {'embedded ' if embedded else ''}Reber grammar: "
                                  f"symbol {s!r} at position {pos} cannot follow {string[:pos]!r} (legal: "
                                  f"{', '.join(sorted(allowed))})")
        state = allowed[s]
        legal_after.append(state)
    done = ("done",) if embedded else ("close", None)
    if state != done:
        raise ValidationError(f"{name} {string!r} is an unfinished {'embedded ' if embedded else ''}Reber string")
    return legal_after


def _legal_set(state, embedded):
    kind = state[0]
    if kind == "open":
        return {"T", "P"}
    if kind == "inner_b":
        return {"B"}
    if kind == "inner_open":
        return {"T", "P"}
    if kind == "node":
        return {"E"} if state[1] == 5 else {sym for sym, _ in _REBER[state[1]]}
    if kind == "close":
        return {state[1]} if embedded else set()
    if kind == "final":
        return {"E"}
    return set()


def check_reber_string(string: str, *, embedded: bool = True, name: str = "string") -> str:
    """Check that ``string`` belongs to the (embedded) Reber grammar; return it.

    Parameters
    ----------
    string : str
    embedded : bool
    name : str
        The argument name used in the error message.

    Returns
    -------
    str
        ``string`` unchanged.

    Raises
    ------
    ValueError
        Naming the first symbol outside the alphabet or not allowed at its position.

    Examples
    --------
    >>> check_reber_string("BTBTXSETE")
    'BTBTXSETE'
    >>> check_reber_string("BTBTXZETE")
    Traceback (most recent call last):
    ...
    neurocomp._validation.ValidationError: string 'BTBTXZETE' has symbol 'Z' at position 5, which is not in the Reber alphabet BTPSXVE
    """
    _walk_reber(string, name, embedded)
    return string


def reber_legal_next(string: str, *, embedded: bool = True) -> np.ndarray:
    """The legal next symbols after each symbol of ``string`` but the last.

    Parameters
    ----------
    string : str
        A complete (embedded) Reber string (checked).
    embedded : bool

    Returns
    -------
    ndarray of bool, shape (len(string) − 1, 7)
        Row t: which of :data:`REBER_SYMBOLS` may follow ``string[:t + 1]``.

    Examples
    --------
    >>> legal = reber_legal_next("BTBTXSETE")
    >>> ["".join(np.array(list(REBER_SYMBOLS))[row]) for row in legal]
    ['TP', 'B', 'TP', 'SX', 'SX', 'E', 'T', 'E']
    """
    states = _walk_reber(string, "string", embedded)
    legal = np.zeros((len(string) - 1, len(REBER_SYMBOLS)), bool)
    for t, st in enumerate(states[:-1]):
        for sym in _legal_set(st, embedded):
            legal[t, REBER_SYMBOLS.index(sym)] = True
    return legal


def _one_hot_symbols(strings, alphabet):
    n = len(strings)
    L = max(len(s) for s in strings) - 1
    index = {a: k for k, a in enumerate(alphabet)}
    inputs = np.zeros((n, L, len(alphabet)))
    targets = np.zeros((n, L), np.int64)
    mask = np.zeros((n, L), bool)
    for i, s in enumerate(strings):
        codes = np.fromiter((index[c] for c in s), np.int64, len(s))
        inputs[i, np.arange(len(s) - 1), codes[:-1]] = 1.0
        targets[i, :len(s) - 1] = codes[1:]
        mask[i, :len(s) - 1] = True
    return inputs, targets, mask


def embedded_reber(*, n_trials: int = 256, embedded: bool = True, strings=None, rng=None) -> xr.Dataset:
    """Next-symbol prediction on the (embedded) Reber grammar, one-hot coded and padded.

    Input at step t is symbol t of the string, the target symbol t + 1; strings
    of different lengths are padded at the end (``mask`` False there).

    Parameters
    ----------
    n_trials : int
        Strings to generate (ignored when ``strings`` is given).
    embedded : bool
    strings : list of str, optional
        Use these strings instead (each checked against the grammar).
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``inputs`` (trial, time, input), ``targets`` (trial, time) int symbol index,
        ``mask``, ``legal`` (trial, time, output) the set of grammatical next
        symbols, ``length`` (trial) the string length and coordinate ``string``.

    References
    ----------
    Hochreiter, S. & Schmidhuber, J. (1997). Neural Computation 9, 1735–1780.

    Examples
    --------
    >>> ds = embedded_reber(strings=["BTBTXSETE", "BPBPVVEPE"])
    >>> ds.inputs.shape, ds.legal.sum("output").values[0].tolist()
    ((2, 8, 7), [2, 1, 2, 2, 2, 1, 1, 1])
    """
    if strings is None:
        strings = reber_strings(check_int("n_trials", n_trials, 1, 10**6), embedded=embedded, rng=rng)
    else:
        if isinstance(strings, str) or len(strings) == 0:
            raise ValidationError(f"strings must be a non-empty list of strings; got {strings!r}")
        for i, s in enumerate(strings):
            check_reber_string(s, embedded=embedded, name=f"strings[{i}]")
    inputs, targets, mask = _one_hot_symbols(strings, REBER_SYMBOLS)
    legal = np.zeros(inputs.shape, bool)
    for i, s in enumerate(strings):
        legal[i, :len(s) - 1] = reber_legal_next(s, embedded=embedded)
    ds = _dataset(inputs, targets, mask, input_names=list(REBER_SYMBOLS), output_names=list(REBER_SYMBOLS),
                  legal=(("trial", "time", "output"), legal, {**_ONE, "long_name": "grammatical next symbol"}),
                  length=("trial", np.array([len(s) for s in strings]), {**_ONE, "long_name": "string length"}))
    return ds.assign_coords(string=("trial", np.array(strings, dtype=object)))


def reber_score(proba, data: xr.Dataset) -> xr.Dataset:
    """Which strings a next-symbol model predicts correctly.

    A step is correct when every grammatical next symbol gets a higher predicted
    probability than every ungrammatical one (the set of legal successors is read
    off the ranking, with no threshold); a string is correct when all its steps
    are. ``long_lag_correct`` scores only the step that predicts the
    second-to-last symbol, which must repeat the second one (the long-lag
    dependency of the embedded grammar).

    Parameters
    ----------
    proba : array (trial, time, 7)
        Predicted next-symbol probabilities (``RNN.predict_proba`` with
        ``readout="all"`` and a softmax output).
    data : xarray.Dataset
        The :func:`embedded_reber` Dataset the predictions were made on.

    Returns
    -------
    xarray.Dataset
        ``string_correct`` and ``long_lag_correct`` (trial), bool; attrs
        ``fraction_correct`` and ``fraction_long_lag_correct``.

    References
    ----------
    Hochreiter, S. & Schmidhuber, J. (1997). Neural Computation 9, 1735–1780.

    Examples
    --------
    >>> ds = embedded_reber(strings=["BTBTXSETE"])
    >>> perfect = ds.legal.values / ds.legal.values.sum(-1, keepdims=True)
    >>> reber_score(perfect, ds).attrs["fraction_correct"]
    1.0
    """
    legal = np.asarray(data["legal"].values, bool)
    p = check_array("proba", proba, ndim=3, shape=legal.shape)
    mask = np.asarray(data["mask"].values, bool)
    lo = np.where(legal, p, np.inf).min(-1)
    hi = np.where(~legal, p, -np.inf).max(-1)
    step_ok = lo > hi
    string_ok = (step_ok | ~mask).all(1)
    lengths = np.asarray(data["length"].values)
    rows = np.arange(len(lengths))
    lag_ok = step_ok[rows, lengths - 3]  # the input at len-3 is the inner string's E; target is the outer symbol
    ds = xr.Dataset({"string_correct": ("trial", string_ok, {**_ONE, "long_name": "string correctly predicted"}),
                     "long_lag_correct": ("trial", lag_ok, {**_ONE, "long_name": "long-lag symbol correctly predicted"})},
                    coords={"trial": data["trial"].values})
    ds.attrs = {"fraction_correct": float(string_ok.mean()), "fraction_long_lag_correct": float(lag_ok.mean())}
    return ds


# ------------------------------------------------------------------------------ character-level text
# A small unambiguous probabilistic grammar of English-like sentences: nonterminal -> [(probability, symbols)];
# terminals are words. Word classes are disjoint and each choice is announced by its first word, so a text
# parses uniquely into its derivations and its entropy rate is exactly E[H(sentence)] / E[characters].
_GRAMMAR = {
    "S": [(1.0, ["NP", "VP"])],
    "NP": [(0.6, ["Det", "N"]), (0.4, ["Det", "Adj", "N"])],
    "VP": [(0.3, ["Vi"]), (0.5, ["Vt", "NP"]), (0.2, ["Vt", "NP", "Adv"])],
    "Det": [(0.5, ["the"]), (0.3, ["a"]), (0.2, ["every"])],
    "Adj": [(0.4, ["small"]), (0.3, ["big"]), (0.2, ["red"]), (0.1, ["old"])],
    "N": [(0.3, ["cat"]), (0.25, ["dog"]), (0.2, ["bird"]), (0.1, ["fish"]), (0.1, ["horse"]), (0.05, ["mouse"])],
    "Vi": [(0.5, ["sleeps"]), (0.3, ["runs"]), (0.2, ["sings"])],
    "Vt": [(0.4, ["sees"]), (0.3, ["chases"]), (0.2, ["likes"]), (0.1, ["finds"])],
    "Adv": [(0.5, ["quickly"]), (0.3, ["today"]), (0.2, ["again"])],
}


def _derive(symbol, g, words):
    rules = _GRAMMAR[symbol]
    probs = np.array([p for p, _ in rules])
    _, rhs = rules[int(np.searchsorted(np.cumsum(probs), g.random() * probs.sum(), side="right"))]
    for s in rhs:
        if s in _GRAMMAR:
            _derive(s, g, words)
        else:
            words.append(s)


def grammar_corpus(n_sentences: int = 2000, *, rng=None) -> str:
    """The bundled default text: sentences of a small probabilistic grammar, generated.

    Sentences such as "the small cat chases a dog quickly. " follow
    ``S → NP VP``, ``NP → Det (Adj) N``, ``VP → Vi | Vt NP (Adv)`` with fixed word
    probabilities; the text is lower-case letters, spaces and full stops. Because
    the grammar is unambiguous, its exact entropy rate per character is known
    (:func:`grammar_entropy_rate`), a ground truth for the estimates of
    :mod:`neurocomp.rnn.sequences`.

    Parameters
    ----------
    n_sentences : int
    rng : None, int or Generator

    Returns
    -------
    str

    Examples
    --------
    >>> grammar_corpus(2, rng=0)
    'the cat finds a big horse again. the red cat chases the cat quickly. '
    """
    n_sentences = check_int("n_sentences", n_sentences, 1, 10**7)
    g = as_generator(rng)
    out = []
    for _ in range(n_sentences):
        words = []
        _derive("S", g, words)
        out.append(" ".join(words) + ". ")
    return "".join(out)


def grammar_entropy_rate(*, units: str = "bit") -> float:
    """Exact entropy rate per character of :func:`grammar_corpus` text.

    Sentences are independent, and a text parses uniquely into sentences and
    derivations, so the rate is E[H(derivation)] / E[characters per sentence]
    (a renewal argument), both computed exactly by recursion over the grammar.

    Parameters
    ----------
    units : {"bit", "nat"}

    Returns
    -------
    float
        Entropy per character.

    Examples
    --------
    >>> round(grammar_entropy_rate(), 4)
    0.5003
    """
    check_option("units", units, ["bit", "nat"])

    def expect(symbol):
        if symbol not in _GRAMMAR:
            return 0.0, len(symbol) + 1.0  # the word and the space (or full stop) after it
        rules = _GRAMMAR[symbol]
        p = np.array([q for q, _ in rules])
        h = float(-(p * np.log2(p)).sum())
        n = 0.0
        for q, rhs in rules:
            for s in rhs:
                hs, ns = expect(s)
                h += q * hs
                n += q * ns
        return h, n

    h, n = expect("S")
    rate = h / (n + 1.0)  # + the space after the full stop
    return rate if units == "bit" else rate * np.log(2.0)


def grammar_sentences() -> dict:
    """Every sentence of the :func:`grammar_corpus` grammar with its probability.

    The grammar is finite (about 1.3 × 10⁵ sentences), so membership of a generated
    sentence can be checked exactly.

    Returns
    -------
    dict of str to float
        Sentence text (with its trailing ". ") -> probability; the values sum to 1.

    Examples
    --------
    >>> s = grammar_sentences()
    >>> round(sum(s.values()), 12), "the cat sleeps. " in s, "the sleeps cat. " in s
    (1.0, True, False)
    """
    def expand(symbol):
        if symbol not in _GRAMMAR:
            return [((symbol,), 1.0)]
        out = []
        for q, rhs in _GRAMMAR[symbol]:
            partial = [((), q)]
            for s in rhs:
                partial = [(w + w2, p * p2) for w, p in partial for w2, p2 in expand(s)]
            out.extend(partial)
        return out

    return {" ".join(w) + ". ": p for w, p in expand("S")}


def load_text(path) -> str:
    """Read a UTF-8 text file for character-level modelling.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "t.txt"); _ = open(f, "w").write("abc")
    >>> load_text(f)
    'abc'
    """
    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"path must name an existing text file; got {str(path)!r}")
    text = p.read_text(encoding="utf-8")
    if len(text) < 2:
        raise ValidationError(f"path {str(path)!r} holds {len(text)} characters; need at least 2")
    return text


def encode_text(text: str, alphabet=None):
    """Integer codes of the characters of ``text``.

    Parameters
    ----------
    text : str
    alphabet : str or sequence of str, optional
        The characters in code order (default: the sorted distinct characters).

    Returns
    -------
    codes : ndarray of int
    alphabet : list of str

    Examples
    --------
    >>> codes, alphabet = encode_text("abba")
    >>> codes.tolist(), alphabet
    ([0, 1, 1, 0], ['a', 'b'])
    """
    if not isinstance(text, str) or not text:
        raise ValidationError(f"text must be a non-empty str; got {type(text).__name__}")
    alphabet = sorted(set(text)) if alphabet is None else list(alphabet)
    index = {a: k for k, a in enumerate(alphabet)}
    missing = sorted(set(text) - set(index))
    if missing:
        raise ValidationError(f"text has characters {missing[:5]} that are not in alphabet")
    return np.fromiter((index[c] for c in text), np.int64, len(text)), alphabet


def char_sequences(text=None, *, path=None, n_steps: int = 50, n_trials: int | None = None, alphabet=None,
                   rng=None) -> xr.Dataset:
    """Character-level language-model data: consecutive windows of a text.

    Trial k holds characters k·n_steps … (k+1)·n_steps − 1 as one-hot inputs and
    the next character of each as target (Graves 2013).

    Parameters
    ----------
    text : str, optional
        The text; default (with ``path`` also None) :func:`grammar_corpus` with
        enough sentences for ``n_trials`` windows (generated with ``rng``).
    path : str or path-like, optional
        Read the text from this UTF-8 file instead.
    n_steps : int
        Window length.
    n_trials : int, optional
        Number of windows (default: as many as the text holds).
    alphabet : sequence of str, optional
        Character order of the code (default: sorted distinct characters).
    rng : None, int or Generator
        Only used to generate the default corpus.

    Returns
    -------
    xarray.Dataset
        ``inputs`` (trial, time, input), ``targets`` (trial, time) int, ``mask``;
        coordinates ``input``/``output`` are the characters.

    References
    ----------
    Graves, A. (2013). Generating sequences with recurrent neural networks. arXiv:1308.0850.

    Examples
    --------
    >>> ds = char_sequences("abcabcabca", n_steps=3)
    >>> ds.inputs.shape, ds.targets.values[0].tolist()
    ((3, 3, 3), [1, 2, 0])
    """
    n_steps = check_int("n_steps", n_steps, 1, 10**5)
    if n_trials is not None:
        n_trials = check_int("n_trials", n_trials, 1, 10**6)
    if path is not None:
        if text is not None:
            raise ValidationError("give text or path, not both")
        text = load_text(path)
    if text is None:
        need = (n_trials or 200) * n_steps + 1
        text = grammar_corpus(max(1, need // 20 + 10), rng=rng)
        while len(text) < need:
            text += grammar_corpus(max(1, (need - len(text)) // 20 + 10), rng=rng)
    codes, alphabet = encode_text(text, alphabet)
    available = (len(codes) - 1) // n_steps
    if available < 1:
        raise ValidationError(f"text of {len(codes)} characters is too short for n_steps={n_steps}")
    if n_trials is None:
        n_trials = available
    elif n_trials > available:
        raise ValidationError(f"n_trials={n_trials} windows of n_steps={n_steps} need "
                              f"{n_trials * n_steps + 1} characters; the text has {len(codes)}")
    idx = np.arange(n_trials)[:, None] * n_steps + np.arange(n_steps)[None, :]
    inputs = np.zeros((n_trials, n_steps, len(alphabet)))
    np.put_along_axis(inputs, codes[idx][..., None], 1.0, axis=-1)
    return _dataset(inputs, codes[idx + 1], np.ones((n_trials, n_steps), bool), input_names=alphabet,
                    output_names=alphabet)


# ------------------------------------------------------------------------------------ neurogym adapter
#: Most steps one neurogym trial set may hold (trials x longest trial): a guard against a typo's size.
MAX_NEUROGYM_STEPS = 10**7


def from_neurogym(env, *, n_trials: int = 256, rng=None, **kwargs) -> xr.Dataset:
    """Trials of a NeuroGym task in this module's layout (needs ``neurogym``, optional).

    NeuroGym (Molano-Mazón et al. 2022) collects cognitive-neuroscience tasks as
    Gymnasium environments whose trials carry an observation sequence ``ob`` and the
    correct action at every step ``gt`` (0 = fixate). This draws ``n_trials`` trials
    with the task's own trial generator, seeded from ``rng``, and pads them to the
    longest one, so a softmax :class:`~neurocomp.rnn.RNN` with ``readout="all"`` is
    trained on it like on the built-in tasks.

    Parameters
    ----------
    env : str or neurogym environment
        A registered task name (e.g. ``"PerceptualDecisionMaking-v0"``; made with
        ``neurogym.make(env, **kwargs)``) or an environment already made.
    n_trials : int, default 256
        Trials to draw.
    rng : int, Generator or None
        Seeds the task's trial generator; same rng, same trials.
    **kwargs
        Passed to ``neurogym.make`` when ``env`` is a name (e.g. ``dt=100`` in ms).

    Returns
    -------
    xarray.Dataset
        ``inputs`` (trial, time, input), ``targets`` (trial, time): the correct
        action's index (into the ``output`` coordinate), ``mask`` (trial, time);
        ``time`` in s (the task's ``dt``); per-trial ``ground_truth``. Attrs ``task``.

    Raises
    ------
    ImportError
        When ``env`` is a name and neurogym is not installed.

    Notes
    -----
    neurogym 2.3 pins numpy 2.2 and gymnasium 0.29 in its metadata; it runs with
    the gymnasium 1.x that neurocomp's tests use when installed with
    ``pip install --no-deps neurogym natsort loguru pydantic-settings tomlkit``
    (how the adapter was tested against it). Any object with neurogym's trial
    interface (``seed``, ``new_trial`` filling ``ob`` and ``gt``, ``dt`` in ms)
    works without neurogym.

    References
    ----------
    Molano-Mazón, M. et al. (2022). NeuroGym: An open resource for developing and
        sharing neuroscience tasks. PsyArXiv aqc9n.

    Examples
    --------
    >>> ds = from_neurogym("PerceptualDecisionMaking-v0", n_trials=3, rng=0, dt=100)  # doctest: +SKIP
    >>> ds.inputs.dims, ds.targets.dims  # doctest: +SKIP
    (('trial', 'time', 'input'), ('trial', 'time'))
    """
    n_trials = check_int("n_trials", n_trials, 1, 10**6)
    if isinstance(env, str):
        try:
            import neurogym
        except ImportError as exc:  # optional dependency
            raise ImportError("from_neurogym(name) needs the optional package neurogym (see Notes)") from exc
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gymnasium's metadata warnings about neurogym's registry
            try:
                env = neurogym.make(env, **kwargs)
            except Exception as exc:  # unknown name, bad keyword: one clear error
                raise ValidationError(f"env must name a neurogym task; neurogym.make({env!r}) failed: "
                                      f"{' '.join(str(exc).split())[:200]}") from None
    elif kwargs:
        raise ValidationError(f"keyword arguments {sorted(kwargs)} are for neurogym.make; env is already made")
    task = getattr(env, "unwrapped", env)
    if not (hasattr(task, "new_trial") and hasattr(task, "seed")):
        raise ValidationError(f"env must be a neurogym task (with new_trial and seed); got {type(env).__name__}")
    seed = int(as_generator(rng).integers(2**31 - 1))
    task.seed(seed)
    obs, gts, truths = [], [], []
    total = 0
    for _ in range(n_trials):
        info = task.new_trial() or {}
        ob = np.asarray(task.ob, dtype=float)
        gt = np.asarray(task.gt)
        if ob.ndim != 2 or gt.ndim != 1 or len(gt) != len(ob):
            raise ValidationError(f"env {type(task).__name__} gives observations of shape {ob.shape} and ground "
                                  f"truth of shape {gt.shape}; from_neurogym needs (steps, inputs) and (steps,)")
        total += len(ob)
        if total > MAX_NEUROGYM_STEPS:
            raise ValidationError(f"n_trials={n_trials} trials of this task would exceed {MAX_NEUROGYM_STEPS} steps")
        obs.append(ob)
        gts.append(gt.astype(int))
        truths.append(info.get("ground_truth", np.nan) if isinstance(info, dict) else np.nan)
    n_steps = max(len(o) for o in obs)
    inputs = np.zeros((n_trials, n_steps, obs[0].shape[1]))
    targets = np.zeros((n_trials, n_steps), dtype=int)
    mask = np.zeros((n_trials, n_steps), dtype=bool)
    for i, (o, g) in enumerate(zip(obs, gts)):
        inputs[i, :len(o)], targets[i, :len(g)], mask[i, :len(o)] = o, g, True
    n_actions = int(getattr(getattr(env, "action_space", None), "n", targets.max() + 1))
    try:
        truth = np.asarray(truths, dtype=float)
    except (TypeError, ValueError):  # a task whose ground truth is not a number
        truth = np.full(n_trials, np.nan)
    ds = _dataset(inputs, targets, mask, input_names=[f"ob{i}" for i in range(inputs.shape[2])],
                  output_names=[f"action{a}" for a in range(n_actions)], dt=float(task.dt) * 1e-3,
                  ground_truth=("trial", truth, {**_ONE, "long_name": "the trial's correct choice"}))
    ds.attrs["task"] = type(task).__name__
    return ds
