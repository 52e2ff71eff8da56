"""The diffusion equation ∂c/∂t = D ∇²c (Fick's second law) in 1-D and 2-D.

Finite differences on a cell-centred grid of spacing ``dx`` [m]:

* ``method="explicit"`` (forward Euler, FTCS): stable only if
  D dt / dx² ≤ 1/(2 n_dim); an unstable ``dt`` is refused with the largest stable one.
* ``method="crank-nicolson"``: unconditionally stable, second order in dt and dx;
  the sparse system (I − ½ r L) c' = (I + ½ r L) c is factorised once (SuperLU).

Boundaries: ``"neumann"`` (no flux: mass conserved), ``"dirichlet"`` (c = 0 just
outside the grid: an absorbing wall) or ``"periodic"``.

The free-space solution from a point source is the Gaussian
c(x, t) = M (4πDt)^{−d/2} exp(−|x − x0|²/(4Dt)) — the density of Einstein's (1905)
Brownian walkers, which :func:`gaussian_solution` gives for comparison.
Units: concentrations in any unit (the output keeps it), x in m, t in s, D in m²/s.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import xarray as xr
from scipy.sparse.linalg import splu

from neurocomp._validation import ValidationError, check_array, check_int, check_option, check_positive

__all__ = ["solve_diffusion", "gaussian_solution", "laplacian"]


def _lap1d(n, boundary):
    main = -2.0 * np.ones(n)
    off = np.ones(n - 1)
    L = sp.diags([off, main, off], [-1, 0, 1], format="lil")
    if boundary == "neumann":
        L[0, 0] = -1.0
        L[n - 1, n - 1] = -1.0
    elif boundary == "periodic":
        L[0, n - 1] = 1.0
        L[n - 1, 0] = 1.0
    return L.tocsc()


def laplacian(shape, dx: float, boundary: str = "neumann") -> sp.csc_matrix:
    """Sparse discrete Laplacian [1/m²] on a cell-centred grid of ``shape`` (1-D or 2-D), C order.

    Parameters
    ----------
    shape : tuple of int
        ``(nx,)`` or ``(nx, ny)`` cells.
    dx : float
        Grid spacing in m (same in x and y).
    boundary : {"neumann", "dirichlet", "periodic"}
        Boundary condition: no flux, zero concentration in the ghost cells beyond the edge,
        or wrap-around.

    Returns
    -------
    scipy.sparse.csc_matrix of shape (n_cells, n_cells)
        The operator in 1/m², cells flattened in C order.

    Examples
    --------
    >>> (laplacian((3,), 1.0, "periodic").toarray() @ [1.0, 1.0, 1.0]).tolist()
    [0.0, 0.0, 0.0]
    """
    check_option("boundary", boundary, ["neumann", "dirichlet", "periodic"])
    dx = check_positive("dx", dx)
    if len(shape) == 1:
        return _lap1d(shape[0], boundary) / dx ** 2
    nx, ny = shape
    Lx, Ly = _lap1d(nx, boundary), _lap1d(ny, boundary)
    return (sp.kron(Lx, sp.identity(ny)) + sp.kron(sp.identity(nx), Ly)).tocsc() / dx ** 2


def solve_diffusion(c0, *, D: float, dx: float, dt: float, n_steps: int, method: str = "crank-nicolson",
                    boundary: str = "neumann", record_every: int = 1, origin=None) -> xr.DataArray:
    """Integrate ∂c/∂t = D ∇²c from the initial profile ``c0``.

    Parameters
    ----------
    c0 : array of shape (nx,) or (nx, ny)
        Initial concentration on cell centres (any unit, e.g. 1/m or mol/m³).
    D : float
        Diffusion coefficient [m²/s].
    dx : float
        Grid spacing [m] (same in x and y).
    dt : float
        Time step [s].
    n_steps : int
        Number of steps.
    method : {"crank-nicolson", "explicit"}
    boundary : {"neumann", "dirichlet", "periodic"}
    record_every : int
        Keep every ``record_every``-th step (the last step is always kept).
    origin : float or (float, float), optional
        Position of the first cell centre [m] (default: grid centred on 0).

    Returns
    -------
    DataArray (time, x) or (time, x, y) of concentrations, times [s], x, y [m].

    Raises
    ------
    ValueError
        If ``method="explicit"`` and D dt/dx² exceeds 1/(2·n_dim) (the message gives the largest stable dt).

    Examples
    --------
    >>> import numpy as np
    >>> c0 = np.zeros(101)
    >>> c0[50] = 1 / 1e-6                                 # a unit amount in the middle cell (1/m)
    >>> c = solve_diffusion(c0, D=1e-9, dx=1e-6, dt=1e-4, n_steps=100, record_every=100)
    >>> c.dims, round(float(c.isel(time=-1).sum()) * 1e-6, 6)    # no-flux walls conserve it
    (('time', 'x'), 1.0)
    """
    c0 = check_array("c0", c0, ndim=(1, 2))
    D = check_positive("D", D)
    dx = check_positive("dx", dx)
    dt = check_positive("dt", dt)
    n_steps = check_int("n_steps", n_steps, low=1)
    record_every = check_int("record_every", record_every, low=1)
    check_option("method", method, ["crank-nicolson", "explicit"])
    check_option("boundary", boundary, ["neumann", "dirichlet", "periodic"])
    if min(c0.shape) < 3:
        raise ValidationError(f"c0 must have at least 3 cells along each axis; got shape {c0.shape}")
    nd = c0.ndim
    r = D * dt / dx ** 2
    if method == "explicit" and r > 1.0 / (2 * nd) + 1e-12:
        dt_max = dx ** 2 / (2 * nd * D)
        raise ValidationError(
            f"dt must be <= dx^2/(2*{nd}*D) = {dt_max:.6g} s for the explicit scheme to be stable "
            f"(D*dt/dx^2 = {r:.4g} > {1 / (2 * nd):g}); got dt={dt:g}. Use a smaller dt or method='crank-nicolson'."
        )
    L = laplacian(c0.shape, dx, boundary) * (D * dt)
    c = c0.ravel().astype(float)
    keep = sorted(set(range(0, n_steps + 1, record_every)) | {n_steps})
    out = np.empty((len(keep),) + c0.shape)
    out[0] = c0
    if method == "crank-nicolson":
        eye = sp.identity(c.size, format="csc")
        lu = splu((eye - 0.5 * L).tocsc())
        rhs_op = (eye + 0.5 * L).tocsr()

        def advance(v):
            return lu.solve(rhs_op @ v)
    else:
        op = (sp.identity(c.size, format="csr") + L).tocsr()

        def advance(v):
            return op @ v

    j = 1
    for n in range(1, n_steps + 1):  # time stepping: each step needs the previous one
        c = advance(c)
        if j < len(keep) and n == keep[j]:
            out[j] = c.reshape(c0.shape)
            j += 1
    if origin is None:
        origin = tuple(-(s - 1) * dx / 2 for s in c0.shape)
    origin = np.broadcast_to(np.asarray(origin, dtype=float), (nd,))
    names = ("x", "y")[:nd]
    coords = {"time": ("time", np.asarray(keep) * dt, {"units": "s", "long_name": "time"})}
    for i, name in enumerate(names):
        coords[name] = (name, origin[i] + dx * np.arange(c0.shape[i]), {"units": "m", "long_name": name})
    return xr.DataArray(out, dims=("time",) + names, coords=coords, name="concentration",
                        attrs={"long_name": "concentration", "D": D, "dx": dx, "dt": dt, "method": method,
                               "boundary": boundary, "units": "1/m" if nd == 1 else f"1/m^{nd}"})


def gaussian_solution(x, t, *, D: float, x0: float = 0.0, mass: float = 1.0, y=None, y0: float = 0.0) -> xr.DataArray:
    """Free-space solution from a point source of ``mass`` at ``x0`` (and ``y0``) at t = 0.

    A Gaussian of variance σ0² is the point-source solution at time t + σ0²/(2D).

    Parameters
    ----------
    x : float or array of shape (nx,)
        Positions [m].
    t : float
        Time since the release [s], > 0.
    D : float
        Diffusion coefficient [m²/s].
    x0 : float, default 0
        Release position [m].
    mass : float, default 1
        Released amount (the density integrates to it).
    y : array of shape (ny,), optional
        Positions along y [m] for the 2-D solution on the (nx, ny) grid.
    y0 : float, default 0
        Release position along y [m].

    Returns
    -------
    xarray.DataArray
        ``concentration`` on dims ``("x",)`` or ``("x", "y")`` like
        :func:`solve_diffusion`'s profiles, coords in m, density in 1/m (1-D)
        or 1/m^2 (2-D) per unit of ``mass``; attrs ``t``, ``D``. (A bare
        ndarray before 0.2; ``.values`` gives it.)

    Examples
    --------
    >>> c = gaussian_solution([-1.0, 0.0, 1.0], 0.5, D=1.0)
    >>> c.dims, round(float(c.sel(x=0.0)), 4)  # 1 / sqrt(4 pi D t)
    (('x',), 0.3989)
    """
    D = check_positive("D", D)
    t = check_positive("t", t)
    x = np.asarray(x, dtype=float)
    if x.ndim > 1:
        raise ValidationError(f"x must be a number or a 1-D array of positions; got shape {x.shape}")
    s2 = 4 * D * t
    coord = {"units": "m", "long_name": "position"}
    attrs = {"t": t, "D": D}
    if y is None:
        c = mass / np.sqrt(np.pi * s2) * np.exp(-((x - x0) ** 2) / s2)
        return xr.DataArray(c, dims=("x",)[:x.ndim], coords={"x": (("x",)[:x.ndim], x, coord)}, name="concentration",
                            attrs={"units": "1/m", "long_name": "concentration (point source)", **attrs})
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.ndim != 1:
        raise ValidationError(f"x and y must be 1-D arrays of positions for the 2-D solution; got shapes {x.shape}, {y.shape}")
    r2 = (x[:, None] - x0) ** 2 + (y[None, :] - y0) ** 2
    c = mass / (np.pi * s2) * np.exp(-r2 / s2)
    return xr.DataArray(c, dims=("x", "y"), coords={"x": ("x", x, coord), "y": ("y", y, coord)}, name="concentration",
                        attrs={"units": "1/m^2", "long_name": "concentration (point source)", **attrs})
