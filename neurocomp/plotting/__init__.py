"""Plotting: one function per figure kind, ``ax=None`` in, Axes out; never ``plt.show()``.

The functions live beside the unit they draw, so importing one does not import
the others: :mod:`neurocomp.plotting.gates`, :mod:`~neurocomp.plotting.hopfield`,
:mod:`~neurocomp.plotting.boltzmann`, :mod:`~neurocomp.plotting.diffusion`,
:mod:`~neurocomp.plotting.spiking`, :mod:`~neurocomp.plotting.cortex` and
:mod:`~neurocomp.plotting.analysis`. Axis labels come from the data's
``long_name`` and ``units`` attributes where they exist.
"""
