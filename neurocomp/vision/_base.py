"""What every model of the ventral-stream family shares: image checks and ``activations`` (internal)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from sklearn.base import BaseEstimator, TransformerMixin

from neurocomp._layers import batched_activations, check_layers
from neurocomp._validation import ValidationError, check_array

__all__ = ["check_images", "VisionModel"]


def check_images(images, *, name: str = "images", min_size: int = 1, shape=None, why: str = "") -> np.ndarray:
    """Images as a float64 array (n, H, W); a DataArray (presentation, y, x) is accepted.

    ``min_size`` is the smallest side the model can take (``why`` says why);
    ``shape`` the (H, W) it was fitted on.
    """
    arr = images.values if isinstance(images, xr.DataArray) else images
    if hasattr(arr, "toarray"):
        raise TypeError(f"{name} must be a dense array of grey levels; got a sparse {type(arr).__name__}")
    if np.iscomplexobj(arr):
        raise ValidationError(f"{name} must hold real grey levels; got complex values")
    arr = check_array(name, arr)
    if arr.ndim == 2:
        raise ValidationError(
            f"{name} must be a 3-D array (n_images, height, width); got one 2-D image of shape {arr.shape}: "
            "pass images[None] for a single image"
        )
    if arr.ndim != 3:
        raise ValidationError(f"{name} must be a 3-D array (n_images, height, width) of grey levels; got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValidationError(f"{name} must hold at least one image; got shape {arr.shape}")
    if shape is not None and arr.shape[1:] != tuple(shape):
        raise ValidationError(
            f"{name} must be {shape[0]} x {shape[1]} pixels like the images the model was fitted on; "
            f"got {arr.shape[1]} x {arr.shape[2]}"
        )
    if min(arr.shape[1:]) < min_size:
        raise ValidationError(
            f"{name} must be at least {min_size} x {min_size} pixels{why}; got {arr.shape[1]} x {arr.shape[2]}"
        )
    return arr


class VisionModel(TransformerMixin, BaseEstimator):
    """Base of the family: ``fit(images, y=None)`` and ``activations(images, layers, stimulus_id, batch_size)``.

    Subclasses define ``LAYERS``, ``_fitted_attr`` (None when nothing is learned),
    ``_check_input(images)`` and ``_forward(batch, layers) -> {layer: array}``.
    """

    LAYERS: tuple[str, ...] = ()
    _fitted_attr: str | None = None

    def __sklearn_tags__(self):
        # a true limit: these models take images (n, height, width), not a 2-D feature table,
        # so scikit-learn's generic checks (built on 2-D data) do not apply to them
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.requires_fit = self._fitted_attr is not None
        return tags

    @property
    def layer_names_(self) -> tuple[str, ...]:
        """Layer names in forward order."""
        return tuple(self.LAYERS)

    def _check_ready(self):
        if self._fitted_attr is not None:
            from neurocomp._validation import check_is_fitted

            check_is_fitted(self, self._fitted_attr)

    def transform(self, images) -> np.ndarray:
        """The last layer's features, float64 array (n_images, n_features) (for a scikit-learn Pipeline)."""
        self._check_ready()
        arr = self._check_input(images)
        last = self.LAYERS[-1]
        return np.asarray(self._forward(arr, [last])[last], dtype=float).reshape(arr.shape[0], -1)

    def activations(self, images, layers=None, stimulus_id=None, batch_size=None, *, dtype=np.float32) -> xr.DataArray:
        """Unit activity of the requested layers as one (presentation × neuroid) DataArray.

        Parameters
        ----------
        images : DataArray (presentation, y, x) or array (n_images, height, width)
            Grey-level images (the images' presentation coords are kept).
        layers : str or sequence of str, optional
            Among :attr:`LAYERS` (default all), in the order given.
        stimulus_id : sequence of str, optional
            One unique id per image (default the images' ``stimulus_id`` coord,
            else ``"stim0000"``, …).
        batch_size : int, optional
            Images per forward pass (default 256): bounds the working memory.
        dtype : numpy dtype, default float32
            Of the values (the computation is in float64; float32 halves the memory).

        Returns
        -------
        xarray.DataArray
            Named ``"activations"``, dims (presentation, neuroid), ``dtype``, with
            ``stimulus_id``, ``layer``, ``unit`` and ``neuroid_id`` (the format of
            :func:`neurocomp._layers.layer_activations`).
        """
        self._check_ready()
        names = check_layers(layers, self.LAYERS)
        arr = self._check_input(images)
        return batched_activations(self._forward, arr, names, batch_size=batch_size, stimulus_id=stimulus_id,
                                   images=images, model=type(self).__name__, dtype=dtype)
