"""Shared helpers: trajectory containers, recording times and input checks.

Trajectories are :class:`xarray.DataArray` objects with dims
``("walker", "time", "space")``, ``time`` in seconds, ``space`` coords taken
from ``("x", "y", "z")`` and positions in metres (``attrs["units"] = "m"``);
``attrs["dt"]`` holds the simulation step in seconds.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_int, check_option, check_positive

SPACE = ("x", "y", "z")


def log_steps(n_steps: int, n_points: int = 50) -> np.ndarray:
    """Roughly log-spaced, unique step indices in ``[0, n_steps]`` (always containing 0 and ``n_steps``).

    Pass the result as ``record_steps`` to a generator to keep long runs small.

    Parameters
    ----------
    n_steps : int
        The last step (at least 1).
    n_points : int, default 50
        At most this many indices (fewer where rounding makes early ones coincide).

    Returns
    -------
    numpy.ndarray of int
        Sorted unique step indices, 0 first and ``n_steps`` last.

    Examples
    --------
    >>> log_steps(1000, 5).tolist()
    [0, 1, 10, 100, 1000]
    """
    n_steps = check_int("n_steps", n_steps, low=1)
    n_points = check_int("n_points", n_points, low=2)
    s = np.unique(np.round(np.logspace(0, np.log10(n_steps), n_points - 1)).astype(int))
    return np.concatenate([[0], s])


def record_index(n_steps: int, record_steps) -> np.ndarray:
    """Validated, sorted, unique step indices to record (``None`` = every step ``0..n_steps``)."""
    if record_steps is None:
        return np.arange(n_steps + 1)
    idx = np.asarray(record_steps)
    if idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu":
        raise ValidationError(
            f"record_steps must be a non-empty 1-D array of integer step indices; got {idx.dtype} array of shape {idx.shape}"
        )
    if idx.min() < 0 or idx.max() > n_steps:
        raise ValidationError(
            f"record_steps must lie in [0, n_steps={n_steps}]; got values from {idx.min()} to {idx.max()}"
        )
    return np.unique(idx)


def check_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    check_option("dtype", dt.name, ["float64", "float32"])
    return dt


def check_dim(d) -> int:
    return check_int("d", d, low=1, high=3)


def make_trajectories(positions, steps, dt, *, model: str, units: str = "m", time_units: str = "s", **attrs) -> xr.DataArray:
    """Wrap a ``(walker, time, space)`` array as a labelled trajectory DataArray."""
    positions = np.asarray(positions)
    n_w, _, d = positions.shape
    da = xr.DataArray(
        positions,
        dims=("walker", "time", "space"),
        coords={
            "walker": np.arange(n_w),
            "time": ("time", np.asarray(steps) * dt, {"units": time_units, "long_name": "time"}),
            "step": ("time", np.asarray(steps)),
            "space": list(SPACE[:d]),
        },
        name="position",
        attrs={"units": units, "long_name": "position", "dt": float(dt), "model": model},
    )
    for k, v in attrs.items():
        da.attrs[k] = v
    return da


def as_trajectories(trajectories, *, dt: float | None = None, name: str = "trajectories", allow_nan: bool = True):
    """Accept a DataArray or a numpy array (walker × time [× space]); return ``(array, dt, times)``.

    ``array`` has shape ``(n_walkers, n_times, n_space)`` (float64). A 2-D numpy
    input is one spatial dimension. NaN marks a missing localisation (a gap);
    it is refused when ``allow_nan`` is False. At least 3 time points are required.
    """
    if isinstance(trajectories, xr.DataArray):
        missing = [d for d in ("walker", "time") if d not in trajectories.dims]
        if missing:
            raise ValidationError(
                f"{name} must have dims ('walker', 'time'[, 'space']); got dims {trajectories.dims}"
            )
        order = [d for d in ("walker", "time", "space") if d in trajectories.dims]
        extra = set(trajectories.dims) - set(order)
        if extra:
            raise ValidationError(f"{name} has unexpected dims {sorted(extra)}; expected ('walker', 'time'[, 'space'])")
        arr = np.asarray(trajectories.transpose(*order).values, dtype=float)
        times = np.asarray(trajectories["time"].values, dtype=float) if "time" in trajectories.coords else None
        if dt is None:
            dt = trajectories.attrs.get("dt")
            if dt is None and times is not None and times.size > 1:
                dt = float(times[1] - times[0])
    else:
        arr = check_array(name, trajectories, ndim=(2, 3), finite=False)
        times = None
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.shape[1] < 3:
        raise ValidationError(f"{name} must have at least 3 time points; got {arr.shape[1]}")
    if arr.shape[0] < 1:
        raise ValidationError(f"{name} must hold at least one walker; got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValidationError(f"{name} must not contain inf values")
    if not allow_nan and np.isnan(arr).any():
        raise ValidationError(
            f"{name} must not contain NaN (gaps) for this analysis; got {int(np.isnan(arr).any(axis=2).sum())} missing point(s). "
            "Interpolate or split the trajectories first."
        )
    dt = 1.0 if dt is None else check_positive("dt", dt)  # a negative or zero step would flip or void every lag
    if times is None:
        times = np.arange(arr.shape[1]) * dt
    return arr, dt, times
