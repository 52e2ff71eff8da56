"""Runnable experiments, one module per unit (``neurocomp.experiments.hopfield`` ...).

Use :func:`get` to look one up by name and :func:`names` to list them.
"""

from neurocomp.experiments._registry import ExperimentResult, Range, experiment, get, names

__all__ = ["ExperimentResult", "Range", "experiment", "get", "names"]
