"""Neural networks in numpy, trained by backpropagation, with per-layer activation capture.

``MLP`` (multi-layer perceptron, :mod:`neurocomp.dnn.mlp`) and ``CNN``
(convolutional network, :mod:`neurocomp.dnn.cnn`). Both return activations as
one (presentation × neuroid) DataArray with a ``layer`` coord, the format the
analysis module scores against recordings (built by :mod:`neurocomp._layers`);
:func:`torch_activations` does the same for any PyTorch model. The CNN takes 2
to 5 conv blocks (:func:`cnn_architecture`) and a training budget, for families
of networks of graded performance; the rest of the ventral-stream family is in
:mod:`neurocomp.vision`.
"""

from neurocomp.dnn.cnn import CNN, cnn_architecture, torch_activations
from neurocomp.dnn.mlp import MLP

__all__ = ["MLP", "CNN", "cnn_architecture", "torch_activations"]
