"""Hopfield networks: content-addressable memory in a network of threshold neurons.

Memories are stored in symmetric weights so that each becomes a stable state
(a minimum of an energy function); a partial or faulty cue then relaxes to the
nearest memory. This module gives the storage rules (Hebb, Storkey,
pseudo-inverse), the dynamics (asynchronous, synchronous, Glauber at a
temperature), the energy, overlaps, pattern tools, the analyses that measure
capacity, spurious states and basins of attraction, and a spiking (LIF, brian2)
version of pattern completion.

Units: neuron states are dimensionless spins ±1; weights and local fields are
dimensionless; "sweep" counts N single-neuron updates (asynchronous) or one
parallel update (synchronous). The spiking version takes seconds, volts and
hertz (plain SI floats or brian2 quantities).

References
----------
J. J. Hopfield (1982), "Neural networks and physical systems with emergent
collective computational abilities", PNAS 79, 2554-2558.
D. J. Amit, H. Gutfreund, H. Sompolinsky (1985), "Storing infinite numbers of
patterns in a spin-glass model of neural networks", PRL 55, 1530-1533, and
(1987) Ann. Phys. 173, 30-67 (the capacity alpha_c ~ 0.138).
A. Storkey (1997), "Increasing the capacity of a Hopfield network without
sacrificing functionality", ICANN'97, LNCS 1327, 451-456.
L. Personnaz, I. Guyon, G. Dreyfus (1986), "Collective computational properties
of neural networks: new learning mechanisms", Phys. Rev. A 34, 4217.
J. Hertz, A. Krogh, R. G. Palmer (1991), *Introduction to the Theory of Neural
Computation*, ch. 2 (crosstalk, one-step error probability, replica theory).
W. Gerstner, W. Kistler, R. Naud, L. Paninski (2014), *Neuronal Dynamics*, ch. 17.

The package holds one idea per module (import from ``neurocomp.hopfield``, which
re-exports everything): :mod:`~neurocomp.hopfield.patterns` (patterns, cues,
overlaps), :mod:`~neurocomp.hopfield.network` (storage rules, energy, dynamics,
the :class:`Hopfield` model), :mod:`~neurocomp.hopfield.analysis` (capacity,
basins, spurious states; theory and measurement) and
:mod:`~neurocomp.hopfield.spiking` (the LIF network on brian2).
"""

from __future__ import annotations

from neurocomp.hopfield.patterns import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    LETTER_SHAPE, _GLYPHS, correlated_patterns, flip_bits, letter_patterns, mixture_state,
    overlap, random_patterns, to_spins,
)
from neurocomp.hopfield.network import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    AGS_CRITICAL_LOAD, DEFAULT_MAX_SWEEPS, DYNAMICS, Hopfield, RULES, _RANGE_INDEXES,
    _RULE_FUNCS, _async_sweep, _async_sweep_deterministic, _check_patterns, _check_temperature, _range_dataset,
    _relax, _tie_tolerance, energy, hebbian_weights, pseudoinverse_weights, run_dynamics,
    storkey_weights,
)
from neurocomp.hopfield.analysis import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    _run_capacity_point, ags_retrieval_overlap, basins_of_attraction, capacity_curve, capacity_theory, classify_states,
    critical_load, one_step_error, one_step_error_theory, spurious_states,
)
from neurocomp.hopfield.spiking import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    SPIKING_DEFAULTS, _si, spiking_recall,
)

__all__ = [
    "Hopfield",
    "RULES",
    "DYNAMICS",
    "AGS_CRITICAL_LOAD",
    "hebbian_weights",
    "storkey_weights",
    "pseudoinverse_weights",
    "energy",
    "run_dynamics",
    "to_spins",
    "random_patterns",
    "correlated_patterns",
    "letter_patterns",
    "flip_bits",
    "overlap",
    "mixture_state",
    "classify_states",
    "one_step_error",
    "one_step_error_theory",
    "ags_retrieval_overlap",
    "capacity_theory",
    "capacity_curve",
    "critical_load",
    "spurious_states",
    "basins_of_attraction",
    "spiking_recall",
]
