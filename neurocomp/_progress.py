"""Progress on a terminal: bars and stage lines (tqdm), silent otherwise.

Three settings, chosen by whoever runs the work:

* ``None`` (a library call): coarse bars (cross-validation splits, sweep points)
  appear when stderr is a terminal; per-epoch training bars stay hidden.
* ``True`` (``neurocomp run`` / ``regress`` without ``--quiet``): every bar and
  stage line appears, when stderr is a terminal.
* ``False`` (``--quiet``): nothing.

Nothing is ever written when stderr is not a terminal (a pipe, a log file, a
test, a notebook kernel), so captured output stays clean.

Examples
--------
>>> from neurocomp._progress import progress, progress_shown
>>> with progress_shown(False):
...     sum(progress(range(3), desc="quiet"))
3
"""

from __future__ import annotations

import contextlib
import sys

__all__ = ["announce", "progress", "progress_shown", "showing"]

_SHOWN: bool | None = None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


@contextlib.contextmanager
def progress_shown(shown: bool | None = True):
    """Within the block, show progress (``True``), hide it (``False``) or leave it to the library default (``None``)."""
    global _SHOWN
    saved = _SHOWN
    _SHOWN = shown
    try:
        yield
    finally:
        _SHOWN = saved


def showing(*, detail: bool = False) -> bool:
    """Whether a bar would be drawn now (``detail``: a fine-grained one, such as training epochs)."""
    if _SHOWN is False or not _stderr_is_terminal():
        return False
    return _SHOWN is True or not detail


def progress(iterable=None, *, total=None, desc=None, enabled: bool | None = None, detail: bool = False,
             unit: str = "it"):
    """Wrap ``iterable`` in a tqdm bar on stderr that is drawn only when :func:`showing`.

    ``enabled=False`` hides this bar whatever the setting; ``enabled=True`` draws it
    whenever stderr is a terminal and progress is not switched off.
    """
    from tqdm import tqdm

    if enabled is None:
        shown = showing(detail=detail)
    else:
        shown = bool(enabled) and _SHOWN is not False and _stderr_is_terminal()
    return tqdm(iterable, total=total, desc=desc, disable=not shown, leave=False, file=sys.stderr, unit=unit,
                dynamic_ncols=True)


def announce(message: str) -> None:
    """Print a stage line on stderr (above any bar) when progress is shown; otherwise nothing."""
    if showing():
        from tqdm import tqdm

        tqdm.write(message, file=sys.stderr)
