"""Plotting: one function per figure kind, ``ax=None`` in, Axes out."""
