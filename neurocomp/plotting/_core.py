"""Helpers shared by the plotting functions (Agg-safe; never calls ``plt.show()``)."""

from __future__ import annotations

__all__ = ["get_ax", "axis_label", "plain_log_ticks", "pretty_units", "with_units"]


def get_ax(ax=None, *, figsize=(5.0, 3.8)):
    """Return ``ax`` or a new Axes on a new Figure (pyplot is imported lazily)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


#: Unit strings of dimensionless quantities: such an axis carries no unit (a "[1]" reads as a citation).
DIMENSIONLESS = ("", "1", "dimensionless")

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty_units(units: str) -> str:
    """Units as a scientist writes them on an axis: ``"m^2/s"`` -> ``"m²/s"``, ``"s^-1"`` -> ``"s⁻¹"``.

    >>> pretty_units("m^2/s"), pretty_units("Hz"), pretty_units("s^-1")
    ('m²/s', 'Hz', 's⁻¹')
    """
    import re

    return re.sub(r"\^(-?\d+)", lambda m: m.group(1).translate(_SUPERSCRIPTS), str(units))


def with_units(name: str, units) -> str:
    """``"name [units]"``, or just ``name`` for a dimensionless quantity.

    >>> with_units("overlap", "1"), with_units("MSD", "m^2")
    ('overlap', 'MSD [m²]')
    """
    if units is None or str(units).strip() in DIMENSIONLESS:
        return str(name)
    return f"{name} [{pretty_units(units)}]"


def plain_log_ticks(ax, which: str = "y"):
    """Label a log axis with plain numbers (0.2, 0.5, 3) instead of "2×10⁻¹, 3×10⁰".

    Minor ticks are labelled only while the axis spans less than about a decade and a
    half (then they are the only labels); decided when the figure is drawn, so later
    changes of the limits are respected. Returns ``ax``.
    """
    from matplotlib.ticker import Formatter

    class _Plain(Formatter):
        def __init__(self, minor):
            self.minor = minor

        def __call__(self, x, pos=None):
            lo, hi = sorted(abs(v) for v in self.axis.get_view_interval())
            if self.minor and (lo <= 0 or hi / lo > 30):
                return ""
            return f"{x:g}"

    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(_Plain(False))
    axis.set_minor_formatter(_Plain(True))
    return ax


def axis_label(obj, default: str = "") -> str:
    """``"long_name [units]"`` from an xarray object's attrs (no unit when dimensionless), or ``default``."""
    attrs = getattr(obj, "attrs", {}) or {}
    name = attrs.get("long_name") or getattr(obj, "name", None) or default
    return with_units(name, attrs.get("units"))
