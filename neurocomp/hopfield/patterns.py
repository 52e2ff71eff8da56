"""Patterns for associative memories: random, correlated and letter patterns, noisy cues, overlaps.

Part of :mod:`neurocomp.hopfield` (import from there).

References
----------
J. J. Hopfield (1982), "Neural networks and physical systems with emergent
collective computational abilities", PNAS 79, 2554-2558.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import (
    ValidationError, check_array, check_in_range, check_int, check_spins, describe_values,
)
from neurocomp.random import as_generator, spawn

__all__ = ["to_spins", "random_patterns", "correlated_patterns", "letter_patterns", "flip_bits", "overlap", "mixture_state"]


# --------------------------------------------------------------------------- patterns


def to_spins(values) -> np.ndarray:
    """Map 0/1 (or boolean) data to spins: 0 -> -1, 1 -> +1.

    Parameters
    ----------
    values : array_like of 0/1 or bool, any shape

    Returns
    -------
    ndarray of int8, same shape, values ±1

    Examples
    --------
    >>> to_spins([0, 1, 1, 0]).tolist()
    [-1, 1, 1, -1]
    """
    arr = np.asarray(values)
    if arr.dtype == bool:
        arr = arr.astype(np.int8)
    arr = check_array("values", arr)
    if not np.isin(arr, (0.0, 1.0)).all():
        raise ValidationError(f"values must hold only 0 and 1 (or booleans); got values {describe_values(arr)}")
    return (2 * arr - 1).astype(np.int8)


def random_patterns(n_patterns: int, n_neurons: int, *, activity: float = 0.5, rng=None) -> np.ndarray:
    """Independent random ±1 patterns.

    Parameters
    ----------
    n_patterns, n_neurons : int
    activity : float in (0, 1)
        Probability that a neuron is active (+1); 0.5 gives unbiased patterns,
        others give biased patterns whose mean spin is ``2 * activity - 1``.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    ndarray of int8, shape (n_patterns, n_neurons)

    Examples
    --------
    >>> random_patterns(2, 8, rng=0).tolist()
    [[-1, 1, 1, 1, 1, 1, -1, 1], [-1, 1, 1, 1, 1, 1, -1, -1]]
    """
    n_patterns = check_int("n_patterns", n_patterns, low=1)
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    activity = check_in_range("activity", activity, 0, 1, low_open=True, high_open=True)
    gen = as_generator(rng)
    if activity == 0.5:
        bits = gen.integers(0, 2, size=(n_patterns, n_neurons), dtype=np.int8)
    else:
        bits = (gen.random((n_patterns, n_neurons)) < activity).astype(np.int8)
    return (2 * bits - 1).astype(np.int8)


def correlated_patterns(
    n_patterns: int, n_neurons: int, *, n_prototypes: int = 1, noise: float = 0.2, rng=None
) -> np.ndarray:
    """Correlated patterns: noisy copies of a few random prototypes.

    Each pattern copies prototype ``k = index % n_prototypes`` and flips every
    bit independently with probability ``noise``, so two copies of the same
    prototype overlap by ``(1 - 2 * noise) ** 2`` on average.

    Parameters
    ----------
    n_patterns, n_neurons : int
        Number and size of the patterns.
    n_prototypes : int, default 1
        Random prototypes the patterns are copies of.
    noise : float, default 0.2
        Probability (0-0.5) that a bit is flipped in a copy.
    rng : None, int, SeedSequence or Generator
        Draws the prototypes and the flips.

    Returns
    -------
    ndarray of int8, shape (n_patterns, n_neurons)

    Examples
    --------
    >>> xi = correlated_patterns(4, 1000, noise=0.1, rng=0)
    >>> overlap(xi[:1], xi[1:]).round(2).tolist()                  # (1 - 2 noise)^2 = 0.64
    [[0.61, 0.68, 0.65]]
    """
    n_patterns = check_int("n_patterns", n_patterns, low=1)
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    n_prototypes = check_int("n_prototypes", n_prototypes, low=1)
    noise = check_in_range("noise", noise, 0, 0.5)
    proto_rng, noise_rng = spawn(rng, 2)
    prototypes = random_patterns(n_prototypes, n_neurons, rng=proto_rng)
    base = prototypes[np.arange(n_patterns) % n_prototypes]
    flips = noise_rng.random((n_patterns, n_neurons)) < noise
    return np.where(flips, -base, base).astype(np.int8)


# 5 x 7 glyphs drawn for this module ('#' = active pixel).
_GLYPHS = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".####", "#....", "#....", "#....", "#....", "#....", ".####"),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".####", "#....", "#....", "#.###", "#...#", "#...#", ".###."),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
}
#: Shape (rows, columns) of one letter pattern before scaling.
LETTER_SHAPE = (7, 5)


def letter_patterns(letters: str = "HOPFIELD", *, scale: int = 2) -> tuple[np.ndarray, tuple[int, int]]:
    """Bitmaps of capital letters as ±1 patterns, for teaching.

    Parameters
    ----------
    letters : str
        Capital letters A-Z (repeats allowed).
    scale : int
        Each pixel of the 7 x 5 glyph becomes a ``scale`` x ``scale`` block,
        so ``n_neurons = 35 * scale**2``.

    Returns
    -------
    patterns : ndarray of int8, shape (len(letters), 35 * scale**2)
        Row-major flattened images; +1 = ink.
    shape : tuple (rows, columns)
        The image shape, for :func:`neurocomp.plotting.hopfield.plot_patterns`.

    Notes
    -----
    Letters share much of their ink, so they are *correlated* patterns: Hebbian
    storage of many of them fails long before the load 0.138 (try ``rule="storkey"``
    or ``"pseudoinverse"``).

    Examples
    --------
    >>> patterns, shape = letter_patterns("HI")
    >>> patterns.shape, shape
    ((2, 140), (14, 10))
    """
    if not isinstance(letters, str) or not letters:
        raise ValidationError(f"letters must be a non-empty string of capital letters A-Z; got {letters!r}")
    bad = sorted({c for c in letters if c not in _GLYPHS})
    if bad:
        raise ValidationError(f"letters must contain only capital letters A-Z; got {''.join(bad)!r} in {letters!r}")
    scale = check_int("scale", scale, low=1, high=10)
    images = np.array([[[c == "#" for c in row] for row in _GLYPHS[ch]] for ch in letters], dtype=np.int8)
    images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    shape = (LETTER_SHAPE[0] * scale, LETTER_SHAPE[1] * scale)
    return (2 * images.reshape(len(letters), -1) - 1).astype(np.int8), shape


def flip_bits(patterns, fraction: float, *args, rng=None) -> np.ndarray:
    """Copies of ``patterns`` with exactly ``round(fraction * n_neurons)`` bits flipped per row.

    The flipped positions are drawn independently for each row.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_neurons,) or (n_rows, n_neurons)
    fraction : float in [0, 1]
    *args
        Deprecated: ``rng`` given third, by position (works with a
        DeprecationWarning until version 0.3).
    rng : None, int, SeedSequence or Generator
        Keyword-only.

    Returns
    -------
    ndarray of int8, same shape as ``patterns``

    Examples
    --------
    >>> xi = random_patterns(1, 200, rng=0)
    >>> float(overlap(flip_bits(xi, 0.25, rng=0), xi)[0, 0])           # 1 - 2 x 0.25
    0.5
    """
    if args:
        if len(args) > 1 or rng is not None:
            raise TypeError(f"flip_bits takes 2 positional arguments and rng by keyword; got {2 + len(args)} positional")
        import warnings

        warnings.warn("flip_bits: passing rng by position is deprecated and will stop working in neurocomp 0.3; "
                      "pass rng=... by keyword", DeprecationWarning, stacklevel=2)
        rng = args[0]
    arr = check_spins("patterns", patterns, ndim=(1, 2))
    fraction = check_in_range("fraction", fraction, 0, 1)
    two_d = np.atleast_2d(arr).astype(np.int8)
    n_rows, n = two_d.shape
    k = int(round(fraction * n))
    out = two_d.copy()
    if k > 0:
        gen = as_generator(rng)
        positions = np.argpartition(gen.random((n_rows, n)), k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (n_rows, 1))
        rows = np.repeat(np.arange(n_rows), k)
        out[rows, positions.ravel()] *= -1
    return out if arr.ndim == 2 else out[0]


def overlap(states, patterns) -> np.ndarray:
    """Overlaps ``m = states @ patterns.T / N`` (1 = identical, -1 = reversed, ~0 = unrelated).

    Parameters
    ----------
    states : array_like of ±1, shape (n_neurons,) or (n_states, n_neurons)
    patterns : array_like of ±1, shape (n_neurons,) or (n_patterns, n_neurons)

    Returns
    -------
    ndarray of float, shape (n_states, n_patterns) (dimensions of 1-D inputs dropped)

    Examples
    --------
    >>> overlap([[1, 1, -1, -1]], [[1, 1, -1, -1], [1, -1, 1, -1]]).tolist()
    [[1.0, 0.0]]
    """
    s = check_spins("states", states, ndim=(1, 2))
    p = check_spins("patterns", patterns, ndim=(1, 2))
    if s.shape[-1] != p.shape[-1]:
        raise ValidationError(
            f"states and patterns must have the same number of neurons (last axis); got {s.shape[-1]} and {p.shape[-1]}"
        )
    m = np.atleast_2d(s) @ np.atleast_2d(p).T / s.shape[-1]
    if s.ndim == 1:
        m = m[0]
    if p.ndim == 1:
        m = m[..., 0]
    return m


def mixture_state(patterns, indices=(0, 1, 2), signs=None) -> np.ndarray:
    """The mixture state ``sign(sum_k signs[k] * patterns[indices[k]])`` of an odd number of patterns.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
        Stored patterns.
    indices : sequence of int, default (0, 1, 2)
        An odd number of pattern indices.
    signs : sequence of ±1, optional
        Sign of each component (default all +1).

    Returns
    -------
    ndarray of int8, shape (n_neurons,)

    Examples
    --------
    >>> import numpy as np
    >>> mixture_state(np.array([[1, 1, -1], [1, -1, 1], [-1, 1, 1]])).tolist()
    [1, 1, 1]
    """
    p = check_spins("patterns", patterns, ndim=2)
    idx = np.asarray(indices, dtype=int)
    if idx.ndim != 1 or idx.size % 2 == 0 or np.any((idx < 0) | (idx >= p.shape[0])):
        raise ValidationError(
            f"indices must be an odd number of pattern indices in [0, {p.shape[0] - 1}]; got {list(idx)}"
        )
    sg = np.ones(idx.size) if signs is None else check_spins("signs", signs, shape=(idx.size,))
    return np.sign(sg @ p[idx]).astype(np.int8)
