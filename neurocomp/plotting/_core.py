"""Helpers shared by the plotting functions (Agg-safe; never calls ``plt.show()``)."""

from __future__ import annotations

__all__ = ["get_ax", "axis_label"]


def get_ax(ax=None, *, figsize=(5.0, 3.8)):
    """Return ``ax`` or a new Axes on a new Figure (pyplot is imported lazily)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def axis_label(obj, default: str = "") -> str:
    """``"long_name [units]"`` from an xarray object's attrs, or ``default``."""
    attrs = getattr(obj, "attrs", {}) or {}
    name = attrs.get("long_name") or getattr(obj, "name", None) or default
    units = attrs.get("units")
    return f"{name} [{units}]" if units else str(name)
