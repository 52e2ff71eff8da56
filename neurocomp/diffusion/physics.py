"""Dimensionless numbers for swimming microorganisms (Purcell 1977, "Life at low Reynolds number").

Inputs in SI units: speed [m/s], length [m], density [kg/m³], dynamic viscosity
[Pa·s], diffusion coefficient [m²/s]. Outputs are dimensionless.
"""

from __future__ import annotations

from neurocomp._validation import check_positive

__all__ = ["reynolds_number", "peclet_number", "WATER_DENSITY", "WATER_VISCOSITY"]

#: Density of water at 20 °C [kg/m³].
WATER_DENSITY = 998.0
#: Dynamic viscosity of water at 20 °C [Pa·s].
WATER_VISCOSITY = 1.0e-3


def reynolds_number(speed: float, length: float, *, density: float = WATER_DENSITY,
                    viscosity: float = WATER_VISCOSITY) -> float:
    """Re = ρ v L / η: inertial over viscous forces (dimensionless).

    Parameters
    ----------
    speed : float
        Speed in m/s.
    length : float
        Body length in m.
    density : float, default 998.0
        Fluid density in kg/m³ (water at 20 °C).
    viscosity : float, default 1e-3
        Dynamic viscosity in Pa·s (water at 20 °C).

    Returns
    -------
    float
        The Reynolds number (dimensionless).

    References
    ----------
    .. [1] Purcell, E. M. (1977). Life at low Reynolds number. Am. J. Phys. 45, 3-11.

    Examples
    --------
    >>> round(reynolds_number(30e-6, 2e-6), 7)  # E. coli swimming in water
    5.99e-05
    """
    return (check_positive("density", density) * check_positive("speed", speed) * check_positive("length", length)
            / check_positive("viscosity", viscosity))


def peclet_number(speed: float, length: float, D: float) -> float:
    """Pe = v L / D: transport by swimming (or flow) over transport by diffusion (dimensionless).

    Purcell's argument: a bacterium cannot outswim diffusion of small molecules
    over its own size (Pe ≪ 1), so stirring its surroundings gains it nothing.

    Parameters
    ----------
    speed : float
        Speed in m/s.
    length : float
        Length in m.
    D : float
        Diffusion coefficient in m²/s.

    Returns
    -------
    float
        The Péclet number (dimensionless).

    References
    ----------
    .. [1] Purcell, E. M. (1977). Life at low Reynolds number. Am. J. Phys. 45, 3-11.

    Examples
    --------
    >>> round(peclet_number(30e-6, 2e-6, 1e-9), 3)
    0.06
    """
    return check_positive("speed", speed) * check_positive("length", length) / check_positive("D", D)
