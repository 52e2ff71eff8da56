"""Recurrent neural networks: discrete-time cells (vanilla, GRU, LSTM) and continuous-time rate
networks, trained by backpropagation through time.

References
----------
Elman, J. L. (1990). Finding structure in time. Cognitive Science 14, 179-211.
Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9, 1735-1780.
Song, H. F., Yang, G. R. & Wang, X.-J. (2016). Training excitatory-inhibitory recurrent neural
networks for cognitive tasks. PLoS Computational Biology 12, e1004792.
"""

from .network import RNN
from .rate import RateRNN
from . import fixed_points, sequences, tasks
from .fixed_points import find_fixed_points

__all__ = ["RNN", "RateRNN", "find_fixed_points", "fixed_points", "sequences", "tasks"]
