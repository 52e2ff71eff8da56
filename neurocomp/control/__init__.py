"""Control theory of movement: the brain as an estimator and an optimal feedback controller.

* :mod:`~neurocomp.control.linear` — Kalman filter and RTS smoother (vectorised over
  trials), LQR (finite horizon by the backward Riccati recursion, infinite by the
  discrete algebraic Riccati equation), LQG.
* :mod:`~neurocomp.control.feedback` — signal-dependent (multiplicative) motor and
  sensory noise, where the separation principle fails: controller and filter gains
  found by an alternation in the spirit of Todorov (2005), exact second moments, and
  batched simulation of many trials.
* :mod:`~neurocomp.control.arm` — a point-mass hand driven by a first-order muscle,
  reaching targets; a redundant two-effector task; delayed proprioception.

References
----------
Wolpert, D. M., Ghahramani, Z. & Jordan, M. I. (1995). An internal model for
    sensorimotor integration. Science 269, 1880–1882.
Harris, C. M. & Wolpert, D. M. (1998). Signal-dependent noise determines motor
    planning. Nature 394, 780–784.
Todorov, E. & Jordan, M. I. (2002). Optimal feedback control as a theory of motor
    coordination. Nat. Neurosci. 5, 1226–1235.
Todorov, E. (2005). Neural Comput. 17, 1084–1108.
"""

from neurocomp.control.feedback import LinearSystem, expected_moments, optimal_feedback_control, simulate_feedback
from neurocomp.control.linear import is_stabilizable, kalman_filter, kalman_smoother, lqg, lqr

__all__ = ["LinearSystem", "expected_moments", "is_stabilizable", "kalman_filter", "kalman_smoother", "lqg", "lqr",
           "optimal_feedback_control", "simulate_feedback"]
