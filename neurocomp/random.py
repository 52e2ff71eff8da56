"""Random streams: every stochastic function takes ``rng`` and never touches global state.

``rng`` may be ``None`` (fresh entropy), an ``int`` seed, a
:class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`.
The same ``rng`` gives a bit-identical result.
"""

from __future__ import annotations

import contextlib

import numpy as np

from neurocomp._validation import check_random_state_like

__all__ = ["as_generator", "spawn", "seed_for_brian2", "brian2_seeded", "brian2_random_state_restored", "derive_seed"]


def as_generator(rng=None, *, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    A Generator passes through unchanged (the caller's stream advances); an int
    or SeedSequence gives a new PCG64 generator; ``None`` draws fresh entropy.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        The stream: None for fresh entropy, an int seed, a SeedSequence, or a Generator
        (passed through).
    name : str, default "rng"
        How to name the argument in the error message.

    Returns
    -------
    numpy.random.Generator
        ``rng`` itself if it is a Generator, else a new PCG64 generator.

    Raises
    ------
    TypeError
        Anything else (e.g. a float or numpy's legacy RandomState).

    Examples
    --------
    >>> bool(as_generator(3).integers(100) == as_generator(3).integers(100))
    True
    """
    check_random_state_like(name, rng)
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def spawn(rng=None, n: int = 2) -> list[np.random.Generator]:
    """Independent child generators, e.g. ``build_rng, run_rng = spawn(rng, 2)``.

    Children are derived from the parent's bit generator, so they are
    reproducible from the same ``rng`` and independent of each other.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        The parent stream (see :func:`as_generator`); a Generator advances.
    n : int, default 2
        Number of children.

    Returns
    -------
    list of numpy.random.Generator
        ``n`` independent generators.

    Examples
    --------
    >>> a, b = spawn(0, 2)
    >>> bool(a.random() != b.random()), bool(spawn(0, 2)[0].random() == spawn(0, 2)[0].random())
    (True, True)
    """
    return as_generator(rng).spawn(n)


def derive_seed(rng=None) -> int:
    """Draw one 32-bit seed from ``rng`` (for engines that want an integer seed).

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        The stream to draw from (see :func:`as_generator`).

    Returns
    -------
    int
        A seed in 0 … 2**31 - 2.

    Examples
    --------
    >>> derive_seed(5) == derive_seed(5)
    True
    """
    return int(as_generator(rng).integers(0, 2**31 - 1))


def seed_for_brian2(rng=None) -> int:
    """Seed brian2's random numbers from ``rng`` and return the seed used.

    Calls :func:`brian2.seed` with an integer drawn from ``rng``, so the same
    ``rng`` gives identical spike trains and another gives different ones.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        The stream the seed is drawn from (see :func:`as_generator`).

    Returns
    -------
    int
        The seed given to :func:`brian2.seed`.

    Examples
    --------
    >>> with brian2_random_state_restored():           # keep brian2's global stream as it was
    ...     seed = seed_for_brian2(7)
    >>> seed == derive_seed(7)
    True
    """
    import brian2

    seed = derive_seed(rng)
    brian2.seed(seed)
    return seed


@contextlib.contextmanager
def brian2_seeded(rng=None):
    """Seed brian2 from ``rng`` for the enclosed block, then restore its random state.

    brian2 (runtime targets) draws from numpy's *global* random state, so
    :func:`seed_for_brian2` alone changes it for everything that runs later.
    Inside this block brian2 is seeded from ``rng`` (same ``rng``, same spike
    trains); on leaving, the global state is what it was before, even after an
    error. Build and run a hand-made network inside it::

        with brian2_seeded(rng) as seed:
            net.run(duration)

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
        The stream brian2's seed is drawn from (see :func:`as_generator`).

    Yields
    ------
    int
        The seed given to brian2 (record it for provenance).

    Examples
    --------
    >>> import numpy as np
    >>> before = np.random.get_state()[1].copy()
    >>> with brian2_seeded(1) as seed:
    ...     pass
    >>> bool(np.array_equal(np.random.get_state()[1], before))
    True
    """
    with brian2_random_state_restored():
        yield seed_for_brian2(rng)


@contextlib.contextmanager
def brian2_random_state_restored():
    """Restore brian2's (runtime device's) random state on leaving the block, even after an error.

    Examples
    --------
    >>> import numpy as np
    >>> before = np.random.get_state()[1].copy()
    >>> with brian2_random_state_restored():
    ...     _ = seed_for_brian2(3)                     # changes numpy's global state inside
    >>> bool(np.array_equal(np.random.get_state()[1], before))
    True
    """
    import brian2

    device = brian2.get_device()
    saved = device.get_random_state() if hasattr(device, "get_random_state") else None
    try:
        yield
    finally:
        if saved is not None:
            device.set_random_state(saved)
