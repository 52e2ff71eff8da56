"""Models of the ventral stream by name: ``get_model("hmax", n_prototypes=32, rng=0)``.

Every model returned has ``fit(images, y)`` (``y``, the category labels, is used
only by the CNNs and the Neocognitron's read-out; the others ignore it) and
``activations(images, layers=None, stimulus_id=None, batch_size=None)`` giving
one (presentation × neuroid) DataArray with a ``layer`` coord, the format
:func:`neurocomp.analysis.layer_region_scores` and the RSA functions take.
"""

from __future__ import annotations

import inspect

from neurocomp._validation import ValidationError, check_option

__all__ = ["get_model", "model_names", "MODELS"]

#: Registered names and what each is.
MODELS = {
    "pixels": "the pixels themselves (baseline)",
    "v1_like": "Gabor bank, rectified, locally normalised and pooled (Pinto et al. 2008)",
    "hmax": "S1-C1-S2-C2 with Serre et al. (2007)'s parameters",
    "neocognitron": "S- and C-cell layers learned without labels by winner-take-all (Fukushima 1980)",
    "cnn_untrained": "the numpy CNN at its random initialisation (n_epochs=0)",
    "cnn_trained": "the numpy CNN trained on the categories by backpropagation",
}


def model_names() -> tuple[str, ...]:
    """The names :func:`get_model` accepts.

    Returns
    -------
    tuple of str
        The model names.

    Examples
    --------
    >>> model_names()
    ('pixels', 'v1_like', 'hmax', 'neocognitron', 'cnn_untrained', 'cnn_trained')
    """
    return tuple(MODELS)


def _classes():
    from neurocomp.dnn.cnn import CNN
    from neurocomp.vision.baselines import Pixels, V1Like
    from neurocomp.vision.hmax import HMAX
    from neurocomp.vision.neocognitron import Neocognitron

    return {"pixels": Pixels, "v1_like": V1Like, "hmax": HMAX, "neocognitron": Neocognitron,
            "cnn_untrained": CNN, "cnn_trained": CNN}


def get_model(name: str, **params):
    """A new, unfitted model of the family by name.

    Parameters
    ----------
    name : str
        One of :func:`model_names`.
    **params
        Its hyperparameters (see each class). The CNNs also take ``depth``
        (2–5 conv blocks) and ``width`` (channels of the first block), turned
        into ``channels`` and ``kernel_sizes`` by
        :func:`neurocomp.dnn.cnn.cnn_architecture`; ``cnn_untrained`` is a
        CNN with ``n_epochs=0`` (it cannot be given another).

    Returns
    -------
    estimator
        With ``fit(images, y)`` and ``activations(images, layers=None,
        stimulus_id=None, batch_size=None)``.

    Raises
    ------
    ValidationError
        For an unknown name or parameter (the message lists the valid ones).

    Examples
    --------
    >>> get_model("cnn_trained", depth=3, width=4, n_epochs=2).channels
    (4, 8, 16)
    >>> get_model("hmax", n_prototypes=8).n_prototypes
    8
    """
    check_option("name", name, model_names())
    cls = _classes()[name]
    params = dict(params)
    if name.startswith("cnn"):
        from neurocomp.dnn.cnn import cnn_architecture

        if "depth" in params or "width" in params:
            if "channels" in params or "kernel_sizes" in params:
                raise ValidationError("give either depth/width or channels/kernel_sizes for a CNN, not both")
            params.update(cnn_architecture(params.pop("depth", 2), params.pop("width", 8)))
        if name == "cnn_untrained":
            if params.get("n_epochs", 0) != 0:
                raise ValidationError(f"cnn_untrained is never trained: n_epochs must be 0; got {params['n_epochs']}")
            params["n_epochs"] = 0
    valid = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    unknown = sorted(set(params) - set(valid))
    if unknown:
        extra = " (and depth, width)" if name.startswith("cnn") else ""
        raise ValidationError(f"{name} does not take parameters {unknown}; valid parameters are {valid}{extra}")
    return cls(**params)
