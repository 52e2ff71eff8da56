"""Runnable experiments, one module per unit (``neurocomp.experiments.hopfield`` ...).

Use :func:`get` to look one up by name and :func:`names` to list them;
:func:`experiment` registers your own (load its module with ``--plugin``).
"""

from neurocomp.experiments._registry import (
    ExperimentResult,
    Length,
    Range,
    check_memory,
    experiment,
    get,
    load_plugin,
    names,
)

__all__ = ["ExperimentResult", "Length", "Range", "check_memory", "experiment", "get", "load_plugin", "names"]
