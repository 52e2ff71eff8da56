"""Boltzmann machines, restricted Boltzmann machines, deep belief nets and honest likelihoods.

Three models, one energy-based idea: binary stochastic units ``s_i`` with symmetric
weights, a global energy ``E(s)`` and the Boltzmann distribution ``p(s) ∝ exp(-E(s)/T)``.

* :class:`BoltzmannMachine` -- the 1985 learning machine of Ackley, Hinton & Sejnowski:
  any symmetric connectivity, Gibbs sampling under a simulated-annealing schedule, and the
  learning rule ``Δw_ij ∝ p⁺_ij − p⁻_ij`` (co-occurrences with the visible units clamped to
  the data, the "wake" phase, minus co-occurrences when running freely, the "sleep" phase).
  Many independent machines train at once along a batch axis (``n_machines``). Small
  machines can be enumerated exactly: partition function, distribution over visible vectors
  and the divergence ``G`` (Kullback-Leibler) from the data.
* :class:`RBM` -- restricted Boltzmann machine (no visible-visible or hidden-hidden
  weights) trained by contrastive divergence (CD-k, Hinton 2002) or persistent CD
  (Tieleman 2008), with minibatches, momentum and weight decay as in Hinton's practical
  guide (2010); binary or Gaussian (unit-variance) visible units.
* :class:`DBN` -- greedy layer-wise stack of RBMs (Hinton, Osindero & Teh 2006).

Likelihoods are computed, not guessed: :meth:`RBM.log_partition` sums exactly over the
smaller layer when it has at most 20 units, and otherwise uses annealed importance sampling
(AIS; Neal 2001, Salakhutdinov & Murray 2008) from a base-rate model fitted to the data's
visible marginals, with many chains in parallel and the standard error of the estimate.

References
----------
Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for Boltzmann
    machines. Cognitive Science 9, 147-169.
Hinton, G. E. (2002). Training products of experts by minimizing contrastive divergence.
    Neural Computation 14, 1771-1800.
Hinton, G. E., Osindero, S. & Teh, Y.-W. (2006). A fast learning algorithm for deep belief
    nets. Neural Computation 18, 1527-1554.
Tieleman, T. (2008). Training restricted Boltzmann machines using approximations to the
    likelihood gradient. ICML.
Salakhutdinov, R. & Murray, I. (2008). On the quantitative analysis of deep belief
    networks. ICML.
Hinton, G. E. (2010). A practical guide to training restricted Boltzmann machines.
    UTML TR 2010-003.

Units: every state is 0/1 (binary units) or real (Gaussian visible units, in units of
their standard deviation); energies, log-partition functions and log-likelihoods are in
nats (natural logarithms), temperatures are dimensionless.

The package holds one idea per module (import from ``neurocomp.boltzmann``, which
re-exports everything): :mod:`~neurocomp.boltzmann.common` (states, schedules,
result types), :mod:`~neurocomp.boltzmann.machine` (the 1985 machine and the
encoder problems), :mod:`~neurocomp.boltzmann.rbm` (RBM, AIS) and
:mod:`~neurocomp.boltzmann.dbn` (deep belief nets).
"""

from __future__ import annotations

from neurocomp.boltzmann.common import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    ACKLEY_SCHEDULE, LogLikelihood, LogPartition, MAX_EXACT_UNITS, _LOG2, _check_data,
    _few_threads, _greedy_colouring, _neg_sigmoid_of_negated, _sigmoid_of_negated, _small_matrix_threads, _softplus,
    all_states, check_schedule, logsumexp,
)
from neurocomp.boltzmann.machine import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    BoltzmannMachine, encoder_connectivity, encoder_patterns, learn_encoder,
)
from neurocomp.boltzmann.rbm import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    RBM, _state_blocks, ais_betas,
)
from neurocomp.boltzmann.dbn import (  # noqa: F401 - re-exported: old import paths and pickles keep working
    DBN,
)

__all__ = [
    "ACKLEY_SCHEDULE",
    "BoltzmannMachine",
    "encoder_connectivity",
    "encoder_patterns",
    "all_states",
    "RBM",
    "DBN",
    "LogPartition",
    "LogLikelihood",
    "ais_betas",
    "check_schedule",
    "learn_encoder",
]
