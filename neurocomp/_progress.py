"""Progress bars: shown on a terminal, silent otherwise (tqdm with ``disable=None``)."""

from __future__ import annotations

__all__ = ["progress"]


def progress(iterable=None, *, total=None, desc=None, enabled: bool | None = None):
    """Wrap ``iterable`` in a tqdm bar that stays quiet when stderr is not a terminal."""
    from tqdm.auto import tqdm

    disable = None if enabled is None else (not enabled)
    return tqdm(iterable, total=total, desc=desc, disable=disable, leave=False)
