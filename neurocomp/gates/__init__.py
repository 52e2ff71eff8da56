"""Threshold neurons as logic gates; perceptron and delta-rule learning; spiking gates.

What one neuron computes. A McCulloch-Pitts unit fires (outputs 1) when the
weighted sum of its binary inputs reaches its threshold, ``y = H(w·x - θ)``:
a low threshold adds (OR), a high one multiplies (AND), a negative weight
subtracts (NOT), and shunting inhibition divides (``E / (E + I)``). XOR is not
linearly separable, so no single unit computes it; one hidden layer does.
Rosenblatt's perceptron rule learns any linearly separable dichotomy in at
most ``(R/γ)²`` updates (Novikoff); the Widrow-Hoff delta rule is gradient
descent on the squared error and its generalised form multiplies in the
activation's derivative. On brian2, leaky integrate-and-fire neurons compute
the same gates: AND by coincidence detection, OR with a low threshold, NOT as
a tonically firing neuron silenced by inhibition, XOR as a small network.
A difference-of-Gaussians (centre-surround) receptive field, as in retinal
ganglion and LGN cells, filters an image.

References
----------
McCulloch & Pitts (1943), A logical calculus of the ideas immanent in nervous
activity. Bull. Math. Biophys. 5, 115-133.
Rosenblatt (1958), The perceptron. Psychol. Rev. 65, 386-408.
Novikoff (1962), On convergence proofs on perceptrons. Symp. Math. Theory of
Automata 12, 615-622.
Widrow & Hoff (1960), Adaptive switching circuits. IRE WESCON Conv. Rec. 4, 96-104.
Minsky & Papert (1969), Perceptrons. MIT Press.
Koch (1999), Biophysics of Computation, chapters 1 and 5 (shunting inhibition,
coincidence detection).
Rodieck (1965), Quantitative analysis of cat retinal ganglion cell response to
visual stimuli. Vision Res. 5, 583-601 (difference-of-Gaussians model).
Hertz, Krogh & Palmer (1991), Introduction to the Theory of Neural
Computation, chapter 5.

The package holds one idea per module (import from ``neurocomp.gates``, which
re-exports everything): :mod:`~neurocomp.gates.threshold` (threshold units, gates,
circuits, truth tables), :mod:`~neurocomp.gates.learning` (perceptron and delta
rule), :mod:`~neurocomp.gates.spiking` (LIF gates on brian2) and
:mod:`~neurocomp.gates.receptive_fields` (difference-of-Gaussians filters).
"""

from __future__ import annotations

from neurocomp._validation import NeurocompWarning, ValidationError  # noqa: F401 - neurocomp.gates.ValidationError as before

from neurocomp.gates.threshold import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    AND, Circuit, GATE_NAMES, MAJORITY, NAND, NOR,
    NOT, OR, ThresholdNetwork, ThresholdUnit, XOR, _check_inputs,
    _resolve_gate, divisive_inhibition, find_threshold_units, full_adder, gate, half_adder,
    input_patterns, majority, truth_table,
)
from neurocomp.gates.learning import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    DeltaRule, Perceptron, _train_perceptron,
)
from neurocomp.gates.spiking import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    DELAY_INH, DELAY_XOR_EXC, DURATION, I_TONIC, SPIKING_GATES, TAU_INH,
    TAU_M, THETA_AND, THETA_OR, THETA_TONIC, T_ON, T_REF,
    V_REST, W_EXC, W_INH, _SPIKING_CIRCUITS, _WINDOW, _si,
    spiking_truth_table,
)
from neurocomp.gates.receptive_fields import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    center_surround, dog_kernel,
)

__all__ = [
    "ThresholdUnit",
    "ThresholdNetwork",
    "Circuit",
    "GATE_NAMES",
    "gate",
    "AND",
    "OR",
    "NOT",
    "NAND",
    "NOR",
    "XOR",
    "MAJORITY",
    "majority",
    "half_adder",
    "full_adder",
    "input_patterns",
    "truth_table",
    "find_threshold_units",
    "divisive_inhibition",
    "Perceptron",
    "DeltaRule",
    "SPIKING_GATES",
    "spiking_truth_table",
    "dog_kernel",
    "center_surround",
]
