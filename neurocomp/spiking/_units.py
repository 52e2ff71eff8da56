"""Unit handling at the boundary: brian2 quantities or plain floats in SI units.

Every public spiking function accepts either a brian2 quantity (``10*ms``) or a
plain number taken in the documented SI unit (``0.01`` for 10 ms). Internally
everything is an SI float (or float array); brian2 units are re-attached only
where a brian2 object is built.
"""

from __future__ import annotations

import numbers

import numpy as np

from neurocomp._validation import ValidationError

__all__ = ["UnitError", "to_si", "to_si_array", "check_time_step"]

try:  # brian2 is a core dependency of neurocomp.spiking, but keep import errors readable
    from brian2.units.fundamentalunits import DimensionMismatchError as _DME
except ImportError as exc:  # pragma: no cover
    raise ImportError("For neurocomp.spiking to work, the brian2 module is needed: pip install brian2") from exc


class UnitError(ValidationError, _DME):
    """A quantity of the wrong physical dimension.

    Both a :class:`ValueError` (so the CLI reports it in one line) and a
    :class:`brian2.DimensionMismatchError` (so brian2 users catch it as usual).

    Parameters
    ----------
    message : str
        The error message.
    *dims : brian2.Dimension
        The dimensions involved, as for :class:`brian2.DimensionMismatchError`.
    """

    def __init__(self, message: str, *dims):
        _DME.__init__(self, message, *dims)
        self.args = (message,)

    def __str__(self) -> str:
        return self.args[0]


#: SI unit names for messages and ``attrs["units"]``.
_UNIT_NAMES = {"s": "second", "V": "volt", "A": "amp", "Hz": "hertz", "S": "siemens", "ohm": "ohm", "1": "dimensionless"}


def _brian_unit(symbol: str):
    import brian2

    return {
        "s": brian2.second,
        "V": brian2.volt,
        "A": brian2.amp,
        "Hz": brian2.hertz,
        "S": brian2.siemens,
        "ohm": brian2.ohm,
    }[symbol]


def _strip(name: str, value, unit: str):
    """Return the SI magnitude of ``value`` (a Quantity or plain number/array)."""
    from brian2.units.fundamentalunits import Quantity, get_dimensions, get_unit

    if isinstance(value, Quantity):
        want = _brian_unit(unit).dim
        got = get_dimensions(value)
        if got is not want:
            raise UnitError(
                f"{name} must be a quantity in {_UNIT_NAMES[unit]} ({unit}) or a plain number in {unit}; "
                f"got {value!r}, which is in {get_unit(got)}",
                want,
                got,
            )
        return np.asarray(value, dtype=float)
    return value


def to_si(name: str, value, unit: str, *, positive=False, nonnegative=False) -> float:
    """One scalar in SI units.

    Parameters
    ----------
    name : str
        Argument name used in error messages.
    value : float or brian2 Quantity
        A plain number is taken to be in ``unit`` already.
    unit : {"s", "V", "A", "Hz", "S", "ohm"}
        The SI unit expected.
    positive, nonnegative : bool
        Refuse values <= 0 (or < 0).

    Returns
    -------
    float
    """
    raw = _strip(name, value, unit)
    if isinstance(raw, np.ndarray):
        if raw.ndim != 0:
            raise ValidationError(f"{name} must be a scalar in {unit}; got an array of shape {raw.shape}")
        raw = float(raw)
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        raise TypeError(f"{name} must be a number in {unit} or a brian2 quantity; got {type(value).__name__} {value!r}")
    v = float(raw)
    if not np.isfinite(v):
        raise ValidationError(f"{name} must be finite; got {value!r}")
    if positive and v <= 0:
        raise ValidationError(f"{name} must be > 0 {unit}; got {value!r}")
    if nonnegative and v < 0:
        raise ValidationError(f"{name} must be >= 0 {unit}; got {value!r}")
    return v


def to_si_array(name: str, value, unit: str, *, nonnegative=False, finite=True) -> np.ndarray:
    """Scalar or array in SI units, returned as a float ndarray (0-d for a scalar)."""
    raw = _strip(name, value, unit)
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or array in {unit} or a brian2 quantity; got {type(value).__name__} {value!r}"
        ) from None
    if finite and not np.all(np.isfinite(arr)):
        raise ValidationError(f"{name} must be finite; got {int((~np.isfinite(arr)).sum())} NaN/inf value(s)")
    if nonnegative and np.any(arr < 0):
        raise ValidationError(f"{name} must be >= 0 {unit}; got minimum {arr.min()!r}")
    return arr


def check_time_step(dt: float, tau_m: float, *, name: str = "dt") -> None:
    """Refuse a time step coarser than a tenth of the membrane time constant."""
    if dt > tau_m / 10 * (1 + 1e-9):
        raise ValidationError(
            f"{name} must be <= tau_m / 10 = {tau_m / 10 * 1e3:g} ms so that the membrane equation is "
            f"integrated accurately (Euler error and missed threshold crossings grow with dt / tau_m); "
            f"got {name} = {dt * 1e3:g} ms"
        )
