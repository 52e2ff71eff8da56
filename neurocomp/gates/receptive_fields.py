"""Centre-surround (difference-of-Gaussians) receptive fields, as in retinal ganglion and LGN cells.

Part of :mod:`neurocomp.gates` (import from there).

References
----------
Rodieck (1965), Quantitative analysis of cat retinal ganglion cell response to
visual stimuli. Vision Res. 5, 583-601 (difference-of-Gaussians model).
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_array, check_int, check_positive

__all__ = ["dog_kernel", "center_surround"]


# --------------------------------------------------------------------------- receptive fields
def dog_kernel(sigma_center: float = 1.0, sigma_surround: float = 3.0, *, size: int | None = None,
               on_center: bool = True) -> np.ndarray:
    """A balanced difference-of-Gaussians receptive field (sums to zero).

    ``K(r) = G(r; σ_c) - G(r; σ_s)`` with each Gaussian normalised to unit
    sum on the grid, so a uniform image gives no response. Sign flipped for
    an OFF-centre cell.

    Parameters
    ----------
    sigma_center, sigma_surround : float (pixels), ``sigma_center < sigma_surround``
    size : int, optional
        Odd side length (default ``2 * ceil(3 σ_s) + 1``).
    on_center : bool, default True

    Returns
    -------
    array of shape (size, size)

    Examples
    --------
    >>> k = dog_kernel()
    >>> k.shape, round(float(k.sum()), 6), bool(k[9, 9] > 0)      # balanced: no response to uniform light
    ((19, 19), -0.0, True)
    """
    sc = check_positive("sigma_center", sigma_center)
    ss = check_positive("sigma_surround", sigma_surround)
    if not sc < ss:
        raise ValidationError(f"sigma_center must be smaller than sigma_surround; got {sc:g} and {ss:g}")
    if size is None:
        size = 2 * int(np.ceil(3 * ss)) + 1
    size = check_int("size", size, low=3)
    if size % 2 == 0:
        raise ValidationError(f"size must be odd (a centre pixel); got {size}")
    r = np.arange(size) - size // 2
    r2 = r[:, None] ** 2 + r[None, :] ** 2
    gc = np.exp(-r2 / (2 * sc**2))
    gs = np.exp(-r2 / (2 * ss**2))
    k = gc / gc.sum() - gs / gs.sum()
    return k if on_center else -k


def center_surround(image, *, sigma_center: float = 1.0, sigma_surround: float = 3.0, on_center: bool = True) -> np.ndarray:
    """Response of a sheet of centre-surround (LGN-like) cells to an image.

    The image is convolved with a balanced difference of Gaussians (unit-area
    centre minus unit-area surround), so uniform regions give zero and edges
    and spots give strong responses.

    Parameters
    ----------
    image : array of shape (height, width) or (n_images, height, width)
        Luminance (finite).
    sigma_center, sigma_surround : float (pixels)
    on_center : bool, default True
        ON-centre (excited by light in the centre) or OFF-centre.

    Returns
    -------
    array shaped like ``image``
        Response in units of the image's luminance.

    Examples
    --------
    >>> import numpy as np
    >>> edge = np.zeros((20, 20))
    >>> edge[:, 10:] = 1.0                                            # a light-dark edge
    >>> center_surround(edge)[10, 8:12].round(3).tolist()            # responds at the edge only
    [-0.249, -0.133, 0.133, 0.249]
    """
    from scipy import ndimage

    img = check_array("image", image, ndim=(2, 3))
    sc = check_positive("sigma_center", sigma_center)
    ss = check_positive("sigma_surround", sigma_surround)
    if not sc < ss:
        raise ValidationError(f"sigma_center must be smaller than sigma_surround; got {sc:g} and {ss:g}")
    lead = (0,) if img.ndim == 3 else ()
    resp = ndimage.gaussian_filter(img, lead + (sc, sc), mode="nearest") - ndimage.gaussian_filter(
        img, lead + (ss, ss), mode="nearest"
    )
    return resp if on_center else -resp
