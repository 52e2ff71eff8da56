"""Neural networks in numpy, trained by backpropagation, with per-layer activation capture.

``MLP`` (multi-layer perceptron, :mod:`neurocomp.dnn.mlp`) and ``CNN``
(convolutional network, :mod:`neurocomp.dnn.cnn`). Both return activations as
one (presentation × neuroid) DataArray with a ``layer`` coord, the format the
analysis module scores against recordings.
"""

from neurocomp.dnn.cnn import CNN
from neurocomp.dnn.mlp import MLP

__all__ = ["MLP", "CNN"]
