"""Renamed keywords keep working for a release, with a DeprecationWarning (internal).

Used where issue 22 unified names (``random_state`` -> ``rng``, ``l2`` ->
``weight_decay``, ``dt_ms`` -> ``dt`` in SI, ...): old spellings that users may
already call keep working until the next minor release.
"""

from __future__ import annotations

import functools
import warnings

__all__ = ["renamed_kwargs", "warn_renamed"]

#: The release in which the old spellings stop working.
REMOVED_IN = "0.3"


def warn_renamed(func_name: str, old: str, new: str, *, note: str = "", stacklevel: int = 3) -> None:
    """Issue the DeprecationWarning for keyword ``old`` renamed to ``new``."""
    extra = f" ({note})" if note else ""
    warnings.warn(
        f"{func_name}: the keyword {old!r} is deprecated and will be removed in neurocomp {REMOVED_IN}; "
        f"use {new!r}{extra}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def renamed_kwargs(**renames):
    """Decorator: accept old keyword names, warn, and pass the value on under the new name.

    ``renames`` maps an old name to either the new name or a tuple ``(new name,
    converter)``, where ``converter`` turns the old value into the new one (e.g.
    milliseconds into seconds). Passing both the old and the new name is a
    ``TypeError``. ``inspect.signature`` of the result is that of the wrapped
    function (it follows ``__wrapped__``), so scikit-learn's ``get_params`` and
    the spec validator see only the new names.
    """
    table = {old: (spec if isinstance(spec, tuple) else (spec, None)) for old, spec in renames.items()}

    def decorate(func):
        name = func.__qualname__

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, (new, convert) in table.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{name}: pass {new!r} only (got both {new!r} and its old name {old!r})")
                    value = kwargs.pop(old)
                    note = "the value is converted to SI units" if convert is not None else ""
                    warn_renamed(name, old, new, note=note)
                    kwargs[new] = convert(value) if convert is not None else value
            return func(*args, **kwargs)

        wrapper.deprecated_kwargs = dict(table)
        return wrapper

    return decorate
