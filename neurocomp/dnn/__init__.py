"""Neural networks in numpy, trained by backpropagation, with per-layer activation capture.

``MLP`` (multi-layer perceptron, :mod:`neurocomp.dnn.mlp`) and ``CNN``
(convolutional network, :mod:`neurocomp.dnn.cnn`).
"""
